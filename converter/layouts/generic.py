"""The generic table reader: any rendering's lines (with or without cells or x-positions) → the same RawRows.

Driven by the table specs, it knows no region and no file: rows are assembled from label, code and number tokens
whatever the separators (`converter.layouts.tokens`), and numbers are placed by position or by the table's
identities (`converter.layouts.placement`). Whatever cannot be placed with certainty is left out with an EXTRACT
finding; a figure is never guessed.

- Coded tables (T02, T03, T05, T07, T08): a row is anchored by its code (whole, "201 06 01" or in 类/款/项 columns)
  or by 合计/总计; lines between two anchors (wrapped names, numbers printed a line above or below) go to the one
  anchor that makes every row's numbers fit the identities; when more than one way fits, those cells are left out.
- Two-block tables (T01, T04): labels are recognised by the spec (wrapped ones joined while they stay a prefix of a
  spec label), each side by position or by which labels the side knows; numbers follow their label on its line or
  stand on the next line below labels that have none.
- T06: code–name–amount groups, several per line; the 人员经费合计/公用经费合计 footer.
- T09: the 预算数/决算数 header row says the measure of each printed column.

A format whose reader gives the table's own cells (HTML, XLSX, XLS, ODS, DOCX) is read by its header rows
(`converter.layouts.grid`).
"""

from __future__ import annotations

import functools
import itertools
import re
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from converter import lazy_re
from converter.document import Document, Line
from converter.layouts.cell_lines import regroup
from converter.layouts.common import ORDINAL_TITLE, leave_out, new_block, raw_row, title_and_number
from converter.layouts.econ_detail import read_econ
from converter.layouts.grid import GRID_FORMATS, read_grid
from converter.layouts.placement import (
    CENT,
    ROUNDING_CENT,
    Identity,
    all_of,
    cells_of,
    column_edges,
    edges_under_headers,
    fits,
    place,
    readings_of,
    settle_by_sums,
    total_of,
    value_of,
)
from converter.layouts.tokens import (
    CELL_WIDTH,
    TOTAL_LABELS,
    Token,
    doubtful,
    has_layout_columns,
    is_furniture,
    leading_code,
    tokens,
)
from converter.layouts.unsure import read_confirmed
from converter.locate import NUMBER_LABEL, TITLE_WORD, Section, find_sections
from converter.model import TableBlock
from converter.normalize import LABEL_CACHE, clean_label, label_key, parse_amount, to_halfwidth
from converter.specs.tables import (
    COLUMN_HEADERS,
    FUNCTION_CATEGORIES,
    LABEL_HEADERS,
    T08_SHANGHAI_COLUMNS,
    T09_COLUMNS,
    T09_COLUMNS_WITH_MEETING_TRAINING,
    TABLES,
    TableSpec,
    function_category_key,
    item_key_for,
    strip_numbering,
    table_for_title,
)
from converter.units import HEADER_WINDOW, convert, header_unit

NAME = "generic"

IDENTITIES: dict[str, Identity] = {
    "T02": total_of("total", TABLES["T02"].columns[1:]),
    "T03": total_of("total", TABLES["T03"].columns[1:]),
    "T04": total_of("total", TABLES["T04"].columns[1:]),
    "T05": total_of("total", ("basic", "project")),
    "T07": all_of(total_of("expense_total", ("basic", "project")),
                  lambda v, rounded=False: v.get("carryover_begin", Decimal(0)) + v.get("income", Decimal(0))
                  - v.get("expense_total", Decimal(0)) == v.get("carryover_end", Decimal(0))),
    "T08": total_of("total", ("basic", "project")),
}
T08_WIDE_IDENTITY = IDENTITIES["T07"]
T08_WIDE_NAMES = {("expense_total" if k == "expense_total" else k): v for k, v in COLUMN_HEADERS["T07"].items()}
T09_IDENTITY = all_of(total_of("total", ("overseas_travel", "vehicle_total", "official_reception")),
                      total_of("vehicle_total", ("vehicle_purchase", "vehicle_operation")))
T09_HEADERS = {"total": ("合计",), "overseas_travel": ("因公出国（境）费",), "vehicle_total": ("小计",),
               "vehicle_purchase": ("公务用车购置费",), "vehicle_operation": ("公务用车运行费",),
               "official_reception": ("公务接待费",), "meeting": ("会议费",), "training": ("培训费",)}
NOTE = lazy_re.compile(r"^\s*(?:注|说明)\s*\d?\s*[:：]")
MEASURES = {"预算数": "budget", "决算数": "actual", "预算": "budget", "决算": "actual"}


# --- shared ------------------------------------------------------------------------------------------------------


@dataclass
class Body:
    """A section's lines without page furniture, tokenised; whether their x-positions are usable."""

    lines: list[Line]
    positioned: bool
    toks: list[list[Token]] = field(default_factory=list)


RUNNING_REACH = 3  # a running title stands among the first or last lines of each page it is printed on


def _running_titles(doc: Document) -> set[str]:
    """Lines printed on three or more pages (running titles), by label key, each time at the top or the foot of
    the page (a row name printed in several tables stands among the rows, not at a page's edge)."""
    if "running" not in doc.cache:
        pages: dict[str, set] = {}
        inside: set[str] = set()
        by_page: dict[int, list[Line]] = {}
        for line in doc.lines:
            if line.page is not None and line.text.strip():
                by_page.setdefault(line.page, []).append(line)
        for page_lines in by_page.values():
            for position, line in enumerate(page_lines):
                key = label_key(line.text)
                if 6 <= len(key) <= 60 and not re.search(r"\d\.\d|^\d{3}", key):
                    pages.setdefault(key, set()).add(line.page)
                    if RUNNING_REACH <= position < len(page_lines) - RUNNING_REACH:
                        inside.add(key)
        doc.cache["running"] = {key for key, seen in pages.items() if len(seen) >= 3 and key not in inside}
    return doc.cache["running"]


def _is_title(text: str, titles: set[str]) -> bool:
    """Whether the line repeats the table's title (every title prints 表: other lines need no label key)."""
    return TITLE_WORD in text and label_key(text) in titles


def _body(doc: Document, section: Section) -> Body:
    running = _running_titles(doc)
    titles = {label_key(title) for title in section.spec.titles} | {label_key(section.title)}
    lines = [line for line in doc.slice(section.start, section.end)
             if not is_furniture(line.text, running) and not _is_title(line.text, titles)]
    positioned = has_layout_columns(lines)
    return Body(lines, positioned, [tokens(line, positioned) for line in lines])


def _is_header(toks: list[Token], names: dict[str, tuple[str, ...]]) -> bool:
    """A label-only line that names columns (项目, 科目名称, 基本支出, a wrapped 本年收入合 …)."""
    for token in toks:
        key = label_key(token.text)
        if key in LABEL_HEADERS or key in MEASURES:
            return True
        if len(key) >= 2 and any(key in label_key(alias) for aliases in names.values() for alias in aliases):
            return True
    return False


def _grid(line: Line):
    """Which lines share column positions: a table's rows of cells (from the format, or tab-separated fields) with the
    same number of cells, whatever the page; else the lines of one page (PDF words, `-layout` character columns)."""
    if line.cells is not None:
        return ("cells", len(line.cells))
    if not line.words and "\t" in line.text:
        return ("cells", line.text.count("\t") + 1)
    return ("page", line.page)


def _edges_by_page(items: list, width: int, positioned: bool, headers: dict | None = None) -> dict:
    """Grid (`_grid`) → right edges of the table's number columns there (None when they cannot be told): from the
    figures alone when every column prints one, else from the column headers' positions when the grid has them."""
    if not positioned:
        return {}
    grids: dict = {}
    for item in items:
        grids.setdefault(_grid(item.line), []).extend(item.numbers)
    edges = {grid: column_edges(numbers, width) for grid, numbers in grids.items()}
    for grid, numbers in grids.items():
        starts = (headers or {}).get(grid)
        if edges[grid] is None and starts:
            edges[grid] = edges_under_headers(numbers, *starts)
        elif edges[grid] is not None and starts and len(starts[0]) == len(edges[grid]):
            # The header may print the columns in another order (项目支出 before 基本支出): the k-th printed
            # column is the k-th header's.
            printed = sorted(range(len(starts[0])), key=lambda column: starts[0][column])
            edges[grid] = [edges[grid][printed.index(column)] for column in range(len(starts[0]))]
    return edges


def _header_starts(body: Body, names: dict[str, tuple[str, ...]], columns: tuple[str, ...]) -> dict:
    """Grid → (left edges, right edges) of the amount columns' headers, from a positioned header line (PDF words,
    cells, `-layout` columns) that names every column exactly once, in printed order; grids without one are left
    out."""
    starts: dict = {}
    for line, toks in zip(body.lines, body.toks):
        grid = _grid(line)
        if not toks or toks[0].x0 is None or grid in starts or any(t.kind != "label" for t in toks):
            continue
        found = []
        for column in columns:
            aliases = {label_key(alias) for alias in names.get(column, ())}
            hits = [t for t in toks if label_key(t.text) in aliases]
            if len(hits) != 1 or hits[0].x0 is None or hits[0].x1 is None:
                break
            found.append(hits[0])
        else:
            starts[grid] = ([t.x0 for t in found], [t.x1 for t in found])
    return starts


def _leave_out_tokens(block: TableBlock, numbers: list[Token], why: str, row: Line | None = None,
                      one_finding: bool = False) -> None:
    """EXTRACT findings for numbers no column takes (at their row's line when given, so the checks know that row
    lacks a figure; one finding for the row when `one_finding`); the numbers are kept as the block's loose cells."""
    if one_finding and row is not None:
        leave_out(block, row, why)
    for token in numbers:
        if not one_finding or row is None:
            leave_out(block, row or token.line, f"{token.text}: {why}")
        printed = tokens(token.line, token.x0 is not None)
        labels = "".join(t.text for t in printed if t.kind == "label") or None
        numbers = [t for t in printed if t.kind == "number"]
        index = next((i for i, t in enumerate(numbers, start=1) if t == token), 1)
        block.loose_cells.append({"row_label": labels, "column_index": index,
            "value": token.text, "line": token.line})


# --- coded tables ---------------------------------------------------------------------------------------------------


@dataclass
class Item:
    index: int
    line: Line
    code: str | None
    labels: list[Token]
    numbers: list[Token]
    anchor: bool
    broken: bool = False  # a code split over cells with a blank between its parts (类 | | 项): no valid code


def _coded_items(body: Body, names: dict) -> list[Item]:
    items: list[Item] = []
    for index, (line, toks) in enumerate(zip(body.lines, body.toks)):
        if NOTE.match(line.text):  # the table's notes (注：本表反映…) end it; one printed above it is skipped
            if any(item.anchor for item in items):
                break
            continue
        code, used = leading_code(toks)
        rest = toks[used:]
        labels = [t for t in rest if t.kind == "label"]
        numbers = [t for t in rest if t.kind == "number"]
        if code and _split_over_a_blank_cell(line, toks[:used]):
            items.append(Item(index, line, None, labels, numbers, False, broken=True))
            continue
        # 合计 as the row's label, maybe after header words printed on the same line ("类 款 项 合计 2,946.25 …")
        at = next((i for i, t in enumerate(labels) if label_key(t.text) in TOTAL_LABELS), None)
        total = not code and at is not None and all(label_key(t.text) in LABEL_HEADERS for t in labels[:at]) \
            and not (labels[at + 1:] and _is_header(labels[at + 1:], names))
        if not code and not numbers and not total and (not labels or _is_header(labels, names)) and not (
                labels and _continues_name(body, items, index, names)):
            continue
        items.append(Item(index, line, code, labels, numbers, bool(code) or total))
    totals = [item for item in items if item.anchor and item.code is None]
    if len(totals) > 1:  # a 合计 printed above any figure, with another 合计 row to come, is a column header
        figures_from = next((k for k, item in enumerate(items) if item.numbers), len(items))
        items = [item for k, item in enumerate(items) if not (any(item is t for t in totals[:-1]) and k < figures_from)]
    return items


def _split_over_a_blank_cell(line: Line, parts: list[Token]) -> bool:
    """Whether a code's parts stand in cells with a blank cell between them ("201 | | 01"): no code can be read."""
    if line.cells is None or len(parts) < 2 or any(part.x0 is None for part in parts):
        return False
    return any(b.x0 - a.x0 > CELL_WIDTH for a, b in zip(parts, parts[1:]))


def _continues_name(body: Body, items: list[Item], index: int, names: dict) -> bool:
    """Whether a label line that reads like a column header ("支出") ends the wrapped name printed on the line just
    above it (a name fragment without figures), with no header line after it."""
    if not items or items[-1].index != index - 1 or items[-1].numbers or not items[-1].labels:
        return False
    after = body.toks[index + 1] if index + 1 < len(body.toks) else []
    return not (after and all(t.kind == "label" for t in after) and _is_header(after, names))


def _spaced_cells(body: Body, width: int) -> list[list[Token]] | None:
    """Text whose cells are joined by one space, a blank cell an empty string ("18.92  18.92    " is 18.92, blank,
    18.92 and blanks, the last space ending the row): each line's tokens with its k-th amount cell at x = k·CELL_WIDTH.
    Only when some line shows a blank cell between two figures, or every line reaches `width` cells and some shows a
    blank one, and no line contradicts the reading (more than `width` cells and an end space, a word among them); a
    line whose cells do not reach `width` (trailing blanks trimmed) keeps no positions."""
    if body.positioned:
        return None
    found: list[list[Token]] = []
    between = blank = trimmed = False
    for line, toks in zip(body.lines, body.toks):
        code, used = leading_code(toks)
        if not any(t.kind == "number" for t in toks[used:]):
            found.append(toks)
            continue
        last_label = max((i for i, t in enumerate(toks) if t.kind == "label"), default=used - 1)
        amounts = toks[max(last_label + 1, used):]
        if any(t.kind == "number" for t in toks[used:last_label + 1]):
            return None  # a figure among the labels
        parts = line.text.replace("\u3000", " ").replace("\u00a0", " ").split(" ")
        nonempty = [i for i, part in enumerate(parts) if part]
        first = len(nonempty) - len(amounts)  # the first amount among the printed parts
        if first < 0:
            return None
        cells = parts[nonempty[first - 1] + 1 if first else 0:]
        if len(cells) > width + 1 or cells[width:] not in ([], [""]) or \
                [to_halfwidth(c) for c in cells if c] != [t.text for t in amounts]:
            return None
        printed = [k for k, c in enumerate(cells) if c]
        between = between or any(not cells[k] for k in range(printed[0], printed[-1]))
        blank = blank or "" in cells[:width]
        trimmed = trimmed or len(cells) < width
        if len(cells) < width or not cells[0] and not first:  # trimmed, or figures only after an indent
            found.append(toks)
            continue
        found.append(toks[:len(toks) - len(amounts)] + [
            Token(t.text, "number", k * CELL_WIDTH, k * CELL_WIDTH + 1, line) for t, k in zip(amounts, printed)])
    return found if between or blank and not trimmed else None


def _gap_splits(anchors: list[Item], gaps: list[list[Item]], valid) -> list[set[int]]:
    """For each gap, the splits (items before the split go to the anchor above) that some full assignment allows."""
    n = len(anchors)
    splits = [range(len(gap) + 1) for gap in gaps]
    first = {0}
    last = {len(gaps[n])}

    def allowed(i: int) -> set[int]:
        return first if i == 0 else last if i == n else set(splits[i])

    forward: list[dict[int, int]] = [{s: 1 for s in allowed(0)}]
    for i in range(n):
        step = {}
        for t in allowed(i + 1):
            step[t] = sum(ways for s, ways in forward[i].items() if ways and valid(i, s, t))
        forward.append(step)
    backward: list[dict[int, int]] = [{} for _ in range(n + 1)]
    backward[n] = {t: 1 for t in allowed(n)}
    for i in range(n - 1, -1, -1):
        backward[i] = {s: sum(ways for t, ways in backward[i + 1].items() if ways and valid(i, s, t))
                       for s in allowed(i)}
    if not any(forward[n].values()):
        return [set(allowed(i)) if len(allowed(i)) == 1 else set() for i in range(n + 1)]
    return [{s for s in allowed(i) if forward[i].get(s) and backward[i].get(s)} for i in range(n + 1)]


def _label_pattern(anchors: list[Item], gaps: list[list[Item]], labels_only: dict[int, list[Item]],
                   feasible: list[set[int]]) -> str | None:
    """Where a coded table prints the names of rows whose code line has none: 'before' or 'after' the code. Told
    first by the lines printing a name with figures that the identities gave to one row (the row below: 'before';
    above: 'after'); None when those disagree. Without such lines, by where name-only lines stand."""
    named_below = named_above = 0
    for i in range(1, len(anchors)):
        if len(feasible[i]) == 1:
            split = next(iter(feasible[i]))
            named_above += sum(1 for item in gaps[i][:split] if item.labels)
            named_below += sum(1 for item in gaps[i][split:] if item.labels)
    if named_below or named_above:
        return None if named_below and named_above else "before" if named_below else "after"
    before = after = 0
    for i, anchor in enumerate(anchors):
        if anchor.labels:
            continue
        if labels_only.get(i):
            before += 1
        if labels_only.get(i + 1):
            after += 1
    return "before" if before > after else "after"


def _coded(doc: Document, section: Section, block: TableBlock) -> None:
    spec = section.spec
    names = COLUMN_HEADERS[spec.table_id]
    columns, identity = spec.columns, IDENTITIES[spec.table_id]
    body = _body(doc, section)
    header_text = "".join(label_key(line.text) for line in body.lines[:12])
    if spec.table_id == "T08" and "年初结转" in header_text:
        columns, identity, names = T08_SHANGHAI_COLUMNS, T08_WIDE_IDENTITY, T08_WIDE_NAMES
        block.columns = list(T08_SHANGHAI_COLUMNS)
    spaced = _spaced_cells(body, len(columns))
    if spaced is not None:
        body = Body(body.lines, body.positioned, spaced)
    items = _coded_items(body, names)
    for item in (item for item in items if item.broken):
        printed = " | ".join(item.line.cells or (item.line.text,))
        _leave_out_tokens(block, item.numbers, f"row '{printed}' has no valid code (类 and 项 apart, 款 blank)",
                          item.line, one_finding=True)
    items = [item for item in items if not item.broken]
    anchors = [item for item in items if item.anchor]
    if not anchors:
        return
    if spaced is not None:  # every line's amounts stand in their cells: one grid for the whole table
        edges = [k * CELL_WIDTH + 1 for k in range(len(columns))]
        centers = {_grid(item.line): edges for item in items}
    else:
        centers = _edges_by_page(items, len(columns), body.positioned, _header_starts(body, names, columns))
    # Gaps: number-bearing lines between anchors; label-only lines are placed by the table's naming pattern.
    gaps: list[list[Item]] = [[] for _ in range(len(anchors) + 1)]
    labels_only: dict[int, list[Item]] = {}
    position = 0
    for item in items:
        if item.anchor:
            position += 1
        elif item.numbers:
            gaps[position].append(item)
        else:
            labels_only.setdefault(position, []).append(item)

    def numbers_of(i: int, s: int, t: int) -> list[Token]:
        parts = gaps[i][s:] + [anchors[i]] + gaps[i + 1][:t]
        return [token for part in parts for token in part.numbers]

    memo: dict[tuple[int, int, int], bool] = {}
    anchor_edges = [centers.get(_grid(anchor.line)) for anchor in anchors]

    def valid(i: int, s: int, t: int) -> bool:
        if (i, s, t) not in memo:
            numbers = numbers_of(i, s, t)
            memo[(i, s, t)] = bool(numbers) and fits(numbers, columns, anchor_edges[i], identity)
        return memo[(i, s, t)]

    feasible = _gap_splits(anchors, gaps, valid)
    same = doc.cache.get("same_rows", {}).get(spec.table_id) or {}
    pattern = _label_pattern(anchors, gaps, labels_only, feasible)
    rows = []
    for i, anchor in enumerate(anchors):
        before, after = feasible[i], feasible[i + 1]
        label_lines = labels_only.get(i, []) if pattern == "before" else labels_only.get(i + 1, []) if pattern else []
        certain = len(before) == 1 and len(after) == 1
        s = next(iter(before)) if len(before) == 1 else len(gaps[i])
        t = next(iter(after)) if len(after) == 1 else 0
        parts = sorted(gaps[i][s:] + [anchor] + gaps[i + 1][:t] + label_lines, key=lambda item: item.index)
        label = "".join(token.text for part in parts for token in part.labels).strip()
        if anchor.code is None:
            label = next(t.text for t in anchor.labels if label_key(t.text) in TOTAL_LABELS)
        numbers = [token for part in parts for token in part.numbers] if certain else []
        readings = readings_of(numbers, columns, centers.get(_grid(anchor.line)), identity) if certain else []
        if certain and not readings and anchor.code in same:  # the other table's row fixes it: a rounding cent
            rounded = [r for r in readings_of(numbers, columns, centers.get(_grid(anchor.line)), None)
                       if identity(_reading_values(numbers, r, columns), True)]
            readings = _same_as(numbers, rounded, columns, same[anchor.code])
        if not certain:
            nearby = [token for part in gaps[i][min(before, default=0):] + [anchor] for token in part.numbers]
            _leave_out_tokens(block, nearby, "the row's lines cannot be told apart from its neighbours'", anchor.line)
        elif not readings:
            _leave_out_tokens(block, numbers, "no reading of the row fits the columns and the table's identities",
                              anchor.line)
        rows.append((anchor, label, numbers, readings))
    pins = doc.cache.get("pins", {}).get(spec.table_id)
    for position, (anchor, _label, numbers, readings) in enumerate(rows):
        if pins and anchor.code is None and readings:
            pinned = [r for r in readings if all(
                sum((value_of(t) for t, c in zip(numbers, r) if columns[c] == column), Decimal(0)) == value
                for column, value in pins.items())]
            if pinned:
                rows[position] = (anchor, _label, numbers, pinned)
    for position, (anchor, _label, numbers, readings) in enumerate(rows):
        if anchor.code in same and len(readings) > 1:
            rows[position] = (anchor, _label, numbers,
                              _same_as(numbers, readings, columns, same[anchor.code]) or readings)
    settled = settle_by_sums([anchor.code for anchor, *_ in rows], [numbers for _, _, numbers, _ in rows],
                             [readings for *_, readings in rows], len(columns))
    for (anchor, label, numbers, _), narrowed in zip(rows, settled):
        cells, left_out = cells_of(numbers, narrowed, len(columns)) if narrowed else ([None] * len(columns), [])
        if narrowed and left_out:
            _leave_out_tokens(block, left_out, "more than one column fits", anchor.line)
        block.rows.append(raw_row(anchor.line, cells, label=label or None, code=anchor.code))


# --- two-block tables ---------------------------------------------------------------------------------------------


_SIDE_LABELS: dict[str, tuple[TableSpec, dict[str, frozenset[str]]]] = {}  # table id → (spec, its side labels)


def _side_labels(spec: TableSpec) -> dict[str, frozenset[str]]:
    """The labels each side knows, built once per spec: the same frozensets each time, so that the memoised label
    matching (`_match`, `_prefixes`) finds them by identity."""
    cached = _SIDE_LABELS.get(spec.table_id)
    if cached is None or cached[0] is not spec:
        sides = _build_side_labels(spec)
        sides["income_only"], sides["expense_only"] = sides["income"] - sides["expense"], \
            sides["expense"] - sides["income"]
        cached = _SIDE_LABELS[spec.table_id] = (spec, sides)
    return cached[1]


def _build_side_labels(spec: TableSpec) -> dict[str, frozenset[str]]:
    income = {label_key(a) for aliases in spec.rows.values() for a in aliases}
    expense_keys = {"grand_total", "total_expense", "balance_distribution", "carryover_end"}
    expense = {label_key(a) for key in expense_keys for a in spec.rows.get(key, ())}
    expense |= {label_key(name) for names in FUNCTION_CATEGORIES.values() for name in names}
    income -= expense - {label_key(a) for a in spec.rows.get("grand_total", ())}
    income -= {label_key(a) for key in expense_keys - {"grand_total"} for a in spec.rows.get(key, ())}
    return {"income": frozenset(income), "expense": frozenset(expense)}


@functools.lru_cache(maxsize=64)
def _prefixes(known: frozenset[str]) -> frozenset[str]:
    """Every non-empty beginning of the known labels."""
    return frozenset(label[:end] for label in known for end in range(1, len(label) + 1))


@functools.lru_cache(maxsize=LABEL_CACHE)  # the same labels and label fragments are matched again and again
def _match(text: str, known: frozenset[str]) -> str:
    """'full' when the label (with or without its numbering 一、) is a known one, 'prefix' when it begins one."""
    keys = {label_key(text), strip_numbering(text)} - {""}
    if keys & known:
        return "full"
    return "prefix" if not keys.isdisjoint(_prefixes(known)) else ""


@dataclass
class SideRow:
    side: str
    label: str
    line: Line
    numbers: list[Token] = field(default_factory=list)
    complete: bool = True
    line_no: int | None = None


def _two_block(doc: Document, section: Section, block: TableBlock) -> None:
    spec = section.spec
    body = _body(doc, section)
    labels = _side_labels(spec)
    known = {side: labels[side] for side in ("income", "expense")}
    widths = {"income": spec.income_columns, "expense": spec.columns}
    split_x = _expense_start(body, labels)
    line_numbers = _prints_line_numbers(body)
    decimals = any(t.kind == "number" and "." in t.text for toks in body.toks for t in toks)
    expense_numbers = [t for toks in body.toks for t in toks
                       if t.kind == "number" and split_x is not None and t.x0 is not None and t.x0 >= split_x
                       and not (line_numbers and _is_line_number(t, decimals))]
    # Page → the expense columns' right edges: from the figures when every column prints one, else under the
    # column headers (pages differ: a table split over pages may be laid out anew on each)
    expense_centers: dict = {}
    if len(spec.columns) > 1:
        starts = _header_starts(body, COLUMN_HEADERS.get(spec.table_id, {}), spec.columns)
        by_grid: dict = {}
        for token in expense_numbers:
            by_grid.setdefault(_grid(token.line), []).append(token)
        for grid, numbers in by_grid.items():
            expense_centers[grid] = _apart(numbers, column_edges(numbers, len(spec.columns)))
            if expense_centers[grid] is None and starts.get(grid):
                expense_centers[grid] = edges_under_headers(numbers, *starts[grid])
    # Text in reading order keeps both blocks' labels on one line ("二、政府性基金… 二、外交支出"); text in stream
    # order (pdftotext raw) does not, and then a number is trusted only right after its label on the same line.
    income_only, expense_only = labels["income_only"], labels["expense_only"]
    visual = body.positioned or sum(
        1 for toks in body.toks
        if any(_match(t.text, income_only) for t in toks if t.kind == "label")
        and any(_match(t.text, expense_only) for t in toks if t.kind == "label")) >= 3
    rows: list[SideRow] = []
    incomplete: list[SideRow] = []  # the rows whose label may still be continuing (not complete), in printed order
    held: list[Token] = []
    floating: list[tuple[Token, SideRow]] = []
    last_line_rows: list[SideRow] = []
    started = False
    for line, toks in zip(body.lines, body.toks):
        if toks and label_key(toks[0].text) in HEADER_STARTS:
            continue  # the column header (项目 行次 金额 … 合计 一般公共预算财政拨款 …) or the 栏次 numbering row
        # The first row: a known label, or the numbered beginning of one wrapped over lines (一、一般公共预算财政拨款收)
        started = started or any(_match(t.text, known[side]) == "full" or (
            _match(t.text, known[side]) and strip_numbering(t.text) != label_key(t.text))
            for t in toks if t.kind == "label" for side in known)
        if not started:
            # figures printed above the first row's label (a taller row, its cells aligned to the top)
            held = [t for t in toks if t.kind == "number" and "." in t.text] if visual and toks and all(
                t.kind == "number" for t in toks) else []
            continue
        line_rows: list[SideRow] = []
        current: SideRow | None = None
        leading: list[Token] = []
        for token in toks:
            if token.kind == "number":
                if line_numbers and _is_line_number(token, decimals):
                    if current is not None and current.line_no is None and not current.numbers:
                        current.line_no = int(token.text)  # the 行次 printed after the label
                    elif current is None and rows and rows[-1].line_no is None:
                        _number_wrapped_row(rows, int(token.text))
                    continue  # a 行次 (of a row whose label wrapped above, or of a blank one) is not a figure
                if current is not None:
                    current.numbers.append(token)
                else:
                    leading.append(token)
                continue
            side_hint = None
            if split_x is not None and token.x0 is not None:
                side_hint = "expense" if token.x0 >= split_x - 1 else "income"
            numbered = strip_numbering(token.text) != label_key(token.text)
            pending = [r for r in incomplete if side_hint is None or r.side == side_hint] if not numbered else []
            joined = False
            for row in reversed(pending):
                candidate = row.label + token.text
                if _match(candidate, known[row.side]):
                    row.label += token.text
                    row.complete = _match(candidate, known[row.side]) == "full"
                    if row.complete:
                        incomplete.remove(row)
                    current = row if not row.numbers else current
                    joined = True
                    break
            if joined:
                continue
            sides = [side for side in ("income", "expense") if _match(token.text, known[side])]
            if side_hint in sides:
                sides = [side_hint]
            elif len(sides) == 2:  # 总计: the side that has not printed it yet, else left then right
                printed = {r.side for r in rows if label_key(r.label) == label_key(token.text)}
                following = _numbering_follows(rows, token.text)
                if len(following) == 1:  # 二十一、国有资本经… continues the side whose last number is 二十
                    sides = following
                elif len(printed) == 1:
                    sides = [{"income": "expense", "expense": "income"}[printed.pop()]]
                else:
                    sides = ["expense" if any(r.side == "income" for r in line_rows) else "income"]
            if not sides:
                current = None
                continue
            side = sides[0]
            row = SideRow(side, token.text, line, complete=_match(token.text, known[side]) == "full")
            rows.append(row)
            if not row.complete:
                incomplete.append(row)
            line_rows.append(row)
            current = row
        numbers = held + leading
        held = []
        if numbers and not visual:
            _leave_out_tokens(block, numbers, "numbers apart from their label in text without reading order")
        elif numbers:
            targets = [r for r in (last_line_rows if leading else line_rows) if not r.numbers] or [
                r for r in line_rows if not r.numbers]
            if split_x is not None and all(t.x0 is not None for t in numbers):
                for token in numbers:
                    side = "expense" if token.x0 >= split_x - 1 else "income"
                    target = next((r for r in targets if r.side == side), None)
                    if target is None:
                        held.append(token)
                    elif not line_rows and len(widths[side]) > 1:
                        floating.append((token, target))  # between two rows' lines: the identities decide
                    else:
                        target.numbers.append(token)
            elif len(targets) == 1:
                targets[0].numbers.extend(numbers)
            elif len(targets) == len(numbers) and all(len(widths[r.side]) == 1 for r in targets):
                for row, token in zip(targets, numbers):
                    row.numbers.append(token)
            elif _split_between(targets, numbers, widths, IDENTITIES.get(spec.table_id)):
                pass
            elif not line_rows and not targets:
                room = [r for r in last_line_rows if len(r.numbers) < len(widths[r.side]) > 1]
                held = numbers if split_x is not None else []
                if split_x is None and len(room) == 1:
                    floating.extend((token, room[0]) for token in numbers)  # the rest of a row's figures?
                elif split_x is None:
                    _leave_out_tokens(block, numbers, "numbers without a label")
            else:
                _leave_out_tokens(block, numbers, "numbers that more than one label may own")
        if line_rows:
            _settle_floating(block, floating, line_rows, widths, expense_centers, IDENTITIES.get(spec.table_id))
            floating = []
            last_line_rows = line_rows
    _settle_floating(block, floating, [], widths, expense_centers, IDENTITIES.get(spec.table_id))
    identity = IDENTITIES.get(spec.table_id)
    placed: dict[str, list[tuple[SideRow, list[str | None]]]] = {"income": [], "expense": []}
    for side in ("income", "expense"):
        side_rows = [r for r in rows if r.side == side]
        columns = widths[side]
        centers = expense_centers if side == "expense" else {}
        readings = [_distinct(r.numbers, readings_of(r.numbers, columns, centers.get(_grid(r.line)),
                                                     identity if len(columns) > 1 else None), len(columns))
                    for r in side_rows]
        if side == "expense" and len(columns) > 1:
            readings = _settle_expense(spec, side_rows, readings, columns, doc.cache.get("pins", {}).get("T04"))
            readings = _narrow_by_aligned(side_rows, readings)
        for row, found in zip(side_rows, readings):
            cells, left_out = cells_of(row.numbers, found, len(columns))
            if not found and row.numbers:
                _leave_out_tokens(block, row.numbers, "no reading of the row fits the columns", row.line)
            elif left_out:
                _leave_out_tokens(block, left_out, "more than one column fits", row.line)
            placed[side].append((row, cells))
    failing = _two_block_failures(spec, placed, ROUNDING_CENT.get())
    for side in ("income", "expense"):
        # A label with no figure whose item another row prints with figures is a column header (公开04表 names its
        # columns 一般公共预算财政拨款 …), not a second, blank row of that item — unless it has a 行次 or stands
        # under 年初/年末结转和结余 (its fund sub-rows).
        printed = {item_key_for(spec, row.label) for row, cells in placed[side] if any(cells)}
        under_carryover = False
        for row, cells in placed[side]:
            key = item_key_for(spec, row.label)
            sub_row = under_carryover and key in CARRYOVER_PARTS
            under_carryover = key in {"carryover_begin", "carryover_end"} or sub_row
            if not row.numbers and row.line_no is None and not sub_row and key in printed - {None}:
                continue
            if side in failing:
                _leave_out_tokens(block, row.numbers, f"the {side} side's totals do not add up as read", row.line)
                cells = [None] * len(cells)
            block.rows.append(raw_row(row.line, cells, label=row.label, side=side, line_no=row.line_no))


CARRYOVER_PARTS = {"general_budget", "government_fund", "state_capital"}  # 公开04表's fund rows under a carry-over


def _apart(numbers: list[Token], edges: list[float] | None) -> list[float] | None:
    """The edges, when they are columns: every figure starts right of the previous column's right edges (figures
    of one column whose edges only jitter, as in text laid out by character, overlap and are no two columns)."""
    if edges is None:
        return None
    nearest = {id(t): min(range(len(edges)), key=lambda c: abs(edges[c] - t.x1)) for t in numbers}
    for column in range(1, len(edges)):
        left = [t.x1 for t in numbers if nearest[id(t)] == column - 1]
        if any(t.x0 < max(left) for t in numbers if nearest[id(t)] == column):
            return None
    return edges


def _distinct(numbers: list[Token], readings: list[tuple], width: int) -> list[tuple]:
    """One reading per distinct row of cells: readings that only swap equal figures give the same cells."""
    seen: dict[tuple, tuple] = {}
    for reading in readings:
        cells = [None] * width
        for token, column in zip(numbers, reading):
            cells[column] = token.text
        seen.setdefault(tuple(cells), reading)
    return list(seen.values())


def _narrow_by_aligned(rows: list[SideRow], readings: list[list[tuple]]) -> list[list[tuple]]:
    """Rows still read more than one way keep the readings that put each figure in the column of the figures it
    lines up with (right edges within about half a digit) among rows read one way only; figures that line up with
    no such figure, or with figures of different columns, say nothing."""
    certain = [(token, found[0][i]) for row, found in zip(rows, readings) if len(found) == 1
               for i, token in enumerate(row.numbers) if token.x1 is not None and token.x0 is not None]

    def column_of(token: Token) -> int | None:
        if token.x1 is None or token.x0 is None:
            return None
        tolerance = max(1.5, 0.6 * (token.x1 - token.x0) / max(len(token.text), 1))
        columns = {column for other, column in certain if abs(other.x1 - token.x1) <= tolerance}
        return columns.pop() if len(columns) == 1 else None

    narrowed = []
    for row, found in zip(rows, readings):
        if len(found) > 1:
            known = [column_of(token) for token in row.numbers]
            kept = [r for r in found if all(k is None or k == c for k, c in zip(known, r))]
            found = kept or found
        narrowed.append(found)
    return narrowed


def _split_between(targets: list[SideRow], numbers: list[Token], widths: dict[str, tuple[str, ...]],
                   identity: Identity | None) -> bool:
    """Figures in reading order for an income row and an expense row printed side by side: the first k go to the
    income row, the rest to the expense row, for the one k whose parts both fit their columns and identities."""
    if len(targets) != 2 or {r.side for r in targets} != {"income", "expense"}:
        return False
    income, expense = sorted(targets, key=lambda r: r.side != "income")

    def fits_in(row: SideRow, part: list[Token]) -> bool:
        columns = widths[row.side]
        return bool(readings_of([*row.numbers, *part], columns, None, identity if len(columns) > 1 else None))

    splits = [k for k in range(len(numbers) + 1)
              if fits_in(income, numbers[:k]) and fits_in(expense, numbers[k:])]
    if len(splits) != 1:
        return False
    income.numbers.extend(numbers[:splits[0]])
    expense.numbers.extend(numbers[splits[0]:])
    return True


def _settle_floating(block: TableBlock, floating: list[tuple[Token, SideRow]], below: list[SideRow],
                     widths: dict[str, tuple[str, ...]], centers: dict, identity: Identity | None) -> None:
    """Figures printed on a line of their own between two rows' lines (a many-column side): each goes to the row
    above or the one below, whichever alone then fits the columns and the identities; else it is left out."""
    def fits_with(row: SideRow | None, token: Token) -> bool:
        edges = centers.get(_grid(row.line)) if row is not None and row.side == "expense" else None
        return row is not None and bool(readings_of([*row.numbers, token], widths[row.side], edges, identity))

    for token, above in floating:
        under = next((r for r in below if r.side == above.side), None)
        up, down = fits_with(above, token), fits_with(under, token)
        if up != down:
            (above if up else under).numbers.append(token)
        else:
            _leave_out_tokens(block, [token], "a figure between two rows that either (or neither) may own")


def _settle_expense(spec: TableSpec, rows: list[SideRow], readings: list[list[tuple]], columns: tuple[str, ...],
                    pins: dict[str, Decimal] | None) -> list[list[tuple]]:
    """公开04表's expense columns: 本年支出合计 pinned by 公开05表's 合计 (its 一般公共预算 column), then every
    functional category narrowed by the column sums (本年支出合计 = Σ categories in every column)."""
    total = next((i for i, r in enumerate(rows) if item_key_for(spec, r.label) == "total_expense"), None)
    if total is None:
        return readings
    if pins and readings[total]:
        pinned = [r for r in readings[total] if all(
            sum((value_of(t) for t, c in zip(rows[total].numbers, r) if columns[c] == column), Decimal(0)) == value
            for column, value in pins.items())]
        readings[total] = pinned or readings[total]
    categories = [i for i, r in enumerate(rows) if function_category_key(r.label) and r.numbers]
    group = [total, *categories]
    codes = [None] + [f"{100 + n}" for n in range(len(categories))]  # the categories as children of the total
    settled = settle_by_sums(codes, [rows[i].numbers for i in group], [readings[i] for i in group], len(columns))
    for i, found in zip(group, settled):
        readings[i] = found
    # 总计 = 本年支出合计 + 年末结转和结余 in every column
    keys = [item_key_for(spec, r.label) for r in rows]
    if "grand_total" in keys and "carryover_end" in keys:
        group = [keys.index("grand_total"), total, keys.index("carryover_end")]
        settled = settle_by_sums([None, "100", "101"], [rows[i].numbers for i in group],
                                 [readings[i] for i in group], len(columns))
        for i, found in zip(group, settled):
            readings[i] = found
    return readings


TWO_BLOCK_SUMS = {  # (side, total key, part keys); "func" stands for every functional category row
    "T01": (("income", "total_income", ("general_budget_appropriation", "government_fund_appropriation",
                                        "state_capital_appropriation", "higher_level_subsidy", "business_income",
                                        "operating_income", "affiliated_remittance", "other_income")),
            ("income", "grand_total", ("total_income", "use_of_non_fiscal_balance", "carryover_begin")),
            ("expense", "total_expense", ("func",)),
            ("expense", "grand_total", ("total_expense", "balance_distribution", "carryover_end"))),
    "T04": (("income", "total_income", ("general_budget", "government_fund", "state_capital")),
            ("income", "grand_total", ("total_income", "carryover_begin")),
            ("expense", "total_expense", ("func",)),
            ("expense", "grand_total", ("total_expense", "carryover_end"))),
}


def _rounding_cent(doc: Document, section: Section) -> Decimal:
    """The rounding difference a printed total may show per part, in the table's stated unit: a cent of 万元 (figures
    rounded to 万元 one by one), i.e. 100.00 in a table in 元 restated from 万元; never less than 0.01."""
    lines = doc.slice(max(0, section.title_index - HEADER_WINDOW), min(section.end, section.start + 10))
    return max(Decimal("0.01"), convert(Decimal("0.01"), None, header_unit(line.text for line in lines)))


def _two_block_failures(spec: TableSpec, placed: dict[str, list], cent: Decimal = CENT) -> set[str]:
    """The sides whose first-column figures, as read, break the table's sums (or whose 总计 differ); a printed total
    may differ from its parts by `cent` per part."""
    values: dict[str, dict[str, Decimal]] = {"income": {}, "expense": {}}
    for side, rows in placed.items():
        under_carryover = False
        for row, cells in rows:
            key = function_category_key(row.label) if side == "expense" else None
            key = "func" if key else item_key_for(spec, row.label)
            if key in {"carryover_begin", "carryover_end"}:
                under_carryover = True
            elif key is not None and under_carryover and key in CARRYOVER_PARTS:
                continue  # a sub-row of the carry-over
            elif key is not None:
                under_carryover = False
            if key is None or not cells:
                continue
            amount = parse_amount(cells[0]) if cells[0] is not None else None
            values[side][key] = values[side].get(key, Decimal(0)) + (Decimal(amount) if amount else Decimal(0))
    failing = set()
    for side, total, parts in TWO_BLOCK_SUMS.get(spec.table_id, ()):
        if not values[side]:
            continue
        # Printed totals may be off by a rounding cent per part; a misread figure is off by far more.
        present = [values[side][p] for p in parts if values[side].get(p)]
        tolerance = cent * max(1, len(present) - 1)
        if total not in values[side] or abs(values[side][total] - sum(present, Decimal(0))) > tolerance:
            failing.add(side)
    grand = [values[side].get("grand_total") for side in ("income", "expense")]
    if None not in grand and grand[0] != grand[1]:
        failing |= {"income", "expense"}
    return failing


def _prints_line_numbers(body: Body) -> bool:
    """Whether the table's header has a 行次 column (then an integer beside a label is its line number)."""
    return any(label_key(t.text) == "行次" for toks in body.toks[:15] for t in toks)


CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _numbering(text: str) -> int | None:
    """The value of a label's 一、… 二十六、 numbering (None when it has none)."""
    match = re.match(r"^\s*([一二三四五六七八九十]{1,3})[、.．]", text)
    if not match:
        return None
    numeral = match.group(1)
    if "十" not in numeral:
        return CHINESE_DIGITS.get(numeral) if len(numeral) == 1 else None
    tens, _, units = numeral.partition("十")
    return CHINESE_DIGITS.get(tens, 1 if not tens else 0) * 10 + CHINESE_DIGITS.get(units, 0 if not units else -99)


def _numbering_follows(rows: list[SideRow], text: str) -> list[str]:
    """The sides whose last numbered row is numbered one below this label (the first side when it is 一、)."""
    value = _numbering(text)
    if value is None:
        return []
    found = []
    for side in ("income", "expense"):
        last = next((n for r in reversed(rows) if r.side == side and (n := _numbering(r.label)) is not None), 0)
        if last == value - 1:
            found.append(side)
    return found


def _number_wrapped_row(rows: list[SideRow], line_no: int) -> None:
    """A 行次 printed on the line below a wrapped label: the last row's, when it follows its side's last 行次."""
    row = rows[-1]
    before = next((r.line_no for r in reversed(rows[:-1]) if r.side == row.side), None)
    if before is None and not any(r.side == row.side for r in rows[:-1]) or before == line_no - 1:
        row.line_no = line_no


HEADER_STARTS = ("项目", "栏次", "行次")


def _is_line_number(token: Token, decimals: bool) -> bool:
    """An integer in a table with 行次 whose figures print decimals: a line number (1, 2, … below 200)."""
    text = token.text
    if not text.isdigit() or text.startswith("0") or int(text) >= 200:
        return False
    return decimals


def _expense_start(body: Body, labels: dict[str, frozenset[str]]) -> float | None:
    """x where the expense block starts: the leftmost label that only the expense side knows (positioned only);
    `labels` as `_side_labels` gives them."""
    if not body.positioned:
        return None
    only = labels["expense_only"]
    found = [t for toks in body.toks for t in toks
             if t.kind == "label" and t.x0 is not None and _match(t.text, only) == "full"]
    starts = [t.x0 for t in found]
    income_only = labels["income_only"]
    income = [t.x1 for toks in body.toks for t in toks
              if t.kind == "label" and t.x1 is not None and _match(t.text, income_only) == "full"]
    if not starts or (income and min(starts) <= min(income)):
        return None
    # A printed column's labels start together (within about two characters); labels that wander (text whose cells
    # are apart by single spaces and only blanks leave runs of spaces) give no column.
    char = statistics.median((t.x1 - t.x0) / max(len(t.text), 1) for t in found if t.x1 is not None)
    aligned = [x for x in starts if x - min(starts) <= 2 * char + 1e-9]
    if len(aligned) < 0.6 * len(starts):
        return None
    return min(starts)


# --- T06 --------------------------------------------------------------------------------------------------------------


def _econ(doc: Document, section: Section, block: TableBlock) -> None:
    body = _body(doc, section)
    read_econ(body.lines, body.toks, body.positioned, block, _leave_out_tokens)


# --- T09 --------------------------------------------------------------------------------------------------------------


def _three_public(doc: Document, section: Section, block: TableBlock) -> None:
    body = _body(doc, section)
    at = next((i for i, toks in enumerate(body.toks)
               if sum(1 for t in toks if label_key(t.text) in MEASURES) >= 4), None)
    if at is None:
        if not _three_public_by_measure_blocks(body, block):
            _three_public_by_measure_rows(body, block)
        return
    measures = [t for t in body.toks[at] if label_key(t.text) in MEASURES]
    header_text = "".join(label_key(line.text) for line in body.lines[:at])
    extra = "会议费" in header_text and "培训费" in header_text
    items = T09_COLUMNS_WITH_MEETING_TRAINING if extra else T09_COLUMNS
    # The k-th 预算数 column belongs to the k-th item (whatever the interleaving of 预算数/决算数).
    count = {"budget": 0, "actual": 0}
    slot_names = []
    for token in measures:
        measure = MEASURES[label_key(token.text)]
        slot_names.append(f"{measure}:{items[count[measure]] if count[measure] < len(items) else '?'}")
        count[measure] += 1
    if "?" in "".join(slot_names) or count["budget"] != count["actual"]:
        return
    columns = tuple(slot_names)
    centers = [t.x1 for t in measures] if body.positioned and all(t.x1 is not None for t in measures) else None

    def identity(values: dict[str, Decimal], rounded: bool = False) -> bool:
        return all(T09_IDENTITY({k.split(":")[1]: v for k, v in values.items() if k.startswith(m)}, rounded)
                   for m in ("budget", "actual"))

    numbers = [t for toks in body.toks[at + 1:] for t in toks if t.kind == "number"]
    if not numbers:
        return
    cells = _place_three_public(block, numbers, columns, centers, identity)
    line = numbers[0].line
    for measure in ("budget", "actual"):
        values = {name.split(":")[1]: cell for name, cell in zip(columns, cells) if name.startswith(measure)}
        block.rows.append(raw_row(line, [values.get(item) for item in items], side=measure))


def _place_three_public(block: TableBlock, numbers: list[Token], columns, centers, identity) -> list:
    """The 三公 cells of one reading of `numbers`; what no single reading places is left out with a finding."""
    cells, left_out, readings = place(numbers, columns, centers, identity)
    if readings == 0:
        _leave_out_tokens(block, numbers, "no reading of the 三公 row fits its columns and identities")
    elif left_out:
        _leave_out_tokens(block, left_out, "more than one 三公 column fits")
    return cells


T09_ITEM_WORDS = (("total", "合计"), ("overseas_travel", "出国"), ("vehicle_total", "购置及运行"),
                  ("official_reception", "接待"), ("meeting", "会议"), ("training", "培训"))


def _items_in_printed_order(header_text: str, items: tuple[str, ...]) -> bool:
    """Whether the header names the 三公 items in the spec's order (合计, 出国, 公务用车…, 接待[, 会议, 培训])."""
    found = [header_text.find(word) for item, word in T09_ITEM_WORDS if item in items]
    return -1 not in found and found == sorted(found)


def _three_public_by_measure_blocks(body: Body, block: TableBlock) -> bool:
    """三公 printed as one 预算数 block and one 决算数 block side by side (the items under each), the figures on
    one row: the first half of the figures is the first block's. Only when every column prints a figure."""
    at = next((i for i, toks in enumerate(body.toks) if toks and all(t.kind == "label" for t in toks)
               and [label_key(t.text) in MEASURES for t in toks].count(True) == 2), None)
    if at is None:
        return False
    measures = [MEASURES[label_key(t.text)] for t in body.toks[at] if label_key(t.text) in MEASURES]
    rows = [(line, toks) for line, toks in zip(body.lines[at + 1:], body.toks[at + 1:])
            if any(t.kind == "number" for t in toks)]
    if sorted(measures) != ["actual", "budget"] or not rows:
        return False
    header_text = "".join(label_key(line.text) for line, toks in zip(body.lines[at:], body.toks[at:])
                          if all(t.kind == "label" for t in toks))
    items = T09_COLUMNS_WITH_MEETING_TRAINING if "会议费" in header_text and "培训费" in header_text else T09_COLUMNS
    line, toks = rows[0]
    numbers = [t for t in toks if t.kind == "number"]
    if len(rows) > 1 or len(numbers) != len(toks) or not _items_in_printed_order(header_text, items):
        _leave_out_tokens(block, [t for _, toks in rows for t in toks if t.kind == "number"],
                          "the 三公 blocks' figures cannot be told apart")
        return True
    if len(numbers) != 2 * len(items):
        _leave_out_tokens(block, numbers, "a 三公 block prints fewer figures than it has columns")
        return True
    for k, measure in enumerate(measures):
        cells = _place_three_public(block, numbers[k * len(items):(k + 1) * len(items)], items, None, T09_IDENTITY)
        block.rows.append(raw_row(line, list(cells), side=measure))
    return True


def _three_public_by_measure_rows(body: Body, block: TableBlock) -> None:
    """三公 printed one row per measure ("预算数 6.50 0.00 4.50 …", the items as column headers): each row's numbers
    (on its line, or on the number-only lines below it: text in stream order) placed in the item columns in printed
    order, when exactly one reading fits the 三公 identities."""
    header_text = "".join(label_key(line.text) for line in body.lines)
    items = T09_COLUMNS_WITH_MEETING_TRAINING if "会议费" in header_text and "培训费" in header_text else T09_COLUMNS
    for at, (line, toks) in enumerate(zip(body.lines, body.toks)):
        if not toks or toks[0].kind != "label" or label_key(toks[0].text) not in MEASURES:
            continue
        numbers = [t for t in toks[1:] if t.kind == "number"]
        if len(numbers) != len(toks) - 1:
            continue
        for below in body.toks[at + 1:]:
            if not below or any(t.kind != "number" for t in below):
                break
            # one figure a line in stream order: read as printed on the measure's line, in that order
            numbers.extend(Token(t.text, t.kind, None, None, line) for t in below)
        if not numbers:
            continue
        if not _items_in_printed_order(header_text, items):
            _leave_out_tokens(block, numbers, "the 三公 items are printed in an order the reader does not know")
            continue
        cells = _place_three_public(block, numbers, items, None, T09_IDENTITY)
        block.rows.append(raw_row(line, list(cells), side=MEASURES[label_key(toks[0].text)]))


# --- T10 --------------------------------------------------------------------------------------------------------------


STATS_SUMS = (("procurement_total", ("procurement_goods", "procurement_works", "procurement_services")),
              ("vehicles_total", ("vehicles_ministerial", "vehicles_principal", "vehicles_confidential",
                                  "vehicles_emergency", "vehicles_law_enforcement", "vehicles_special",
                                  "vehicles_retired_service", "vehicles_other")))


def _stats(doc: Document, section: Section, block: TableBlock) -> None:
    """One value per known item: a line with the item's label and exactly one number (a 行次 may precede it), or
    a figure alone on the line below (or above) a label-only line, whichever side the table's sums confirm."""
    spec = section.spec
    body = _body(doc, section)
    line_numbers = _prints_line_numbers(body)
    rows = []
    sequence: list[tuple[str, object]] = []  # ("row", index) for label-only item lines, ("figure", token), ("other",)
    for line, toks in zip(body.lines, body.toks):
        labels = [t for t in toks if t.kind == "label"]
        numbers = [t for t in toks if t.kind == "number"]
        label = "".join(t.text for t in labels)
        if not labels and len(numbers) == 1 and not (line_numbers and numbers[0].text.isdigit()):
            sequence.append(("figure", numbers[0]))
            continue
        if not labels or item_key_for(spec, label) is None:
            sequence.append(("other", None))
            continue
        line_no = None
        if line_numbers and numbers and numbers[0].text.isdigit():
            line_no, numbers = int(numbers[0].text), numbers[1:]
        if not numbers:
            rows.append(raw_row(line, [None], label=label, line_no=line_no))
            sequence.append(("row", len(rows) - 1))
            continue
        sequence.append(("other", None))
        if len(numbers) != 1:
            _leave_out_tokens(block, numbers, "several numbers for one item")
            continue
        rows.append(raw_row(line, [numbers[0].text], label=label, line_no=line_no))
    _stats_figures_apart(spec, block, rows, sequence)
    # A heading (一、政府采购情况) names the item its 合计 row prints: a blank row of an item another row prints is
    # the heading, not the item.
    printed = {item_key_for(spec, row.label) for row in rows if row.cells[0] is not None}
    block.rows.extend(row for row in rows if row.cells[0] is not None or row.line_no is not None
                      or item_key_for(spec, row.label) not in printed)


def _stats_figures_apart(spec: TableSpec, block: TableBlock, rows: list, sequence: list[tuple[str, object]]) -> None:
    """Figures alone on a line (text in stream order, or a tall cell): each goes to the label-only line just above
    it, or each to the one just below, whichever single way the table's sums (政府采购 合计 = 货物 + 工程 + 服务,
    车辆数合计 = Σ 用车) confirm; else they are left out."""
    figures = [i for i, (kind, _) in enumerate(sequence) if kind == "figure"]
    if not figures:
        return
    confirmed = []
    for step in (-1, 1):  # the row above, the row below
        owners = [sequence[i + step][1] if 0 <= i + step < len(sequence) and sequence[i + step][0] == "row"
                  else None for i in figures]
        if None in owners or len(set(owners)) != len(owners):
            continue
        values: dict[str, Decimal] = {}
        for row in rows:
            amount = parse_amount(row.cells[0]) if row.cells[0] is not None else None
            if amount is not None:
                values[item_key_for(spec, row.label)] = Decimal(amount)
        for i, owner in zip(figures, owners):
            values[item_key_for(spec, rows[owner].label)] = value_of(sequence[i][1])
        moved = {item_key_for(spec, rows[owner].label) for owner in owners}
        checked = [(total, parts) for total, parts in STATS_SUMS if moved & {total, *parts}]
        if checked and all(values.get(total, Decimal(0)) == sum((values.get(p, Decimal(0)) for p in parts),
                                                                  Decimal(0)) for total, parts in checked):
            confirmed.append(owners)
    if len(confirmed) != 1:
        _leave_out_tokens(block, [sequence[i][1] for i in figures], "a figure on a line of its own that no item "
                          "owns for certain")
        return
    for i, owner in zip(figures, confirmed[0]):
        rows[owner].cells = [sequence[i][1].text]


READERS = {"coded": _coded, "two_block": _two_block, "econ": _econ, "three_public": _three_public,
           "stats": _stats}


def _number_label(doc: Document, section: Section) -> str | None:
    """公开NN表 printed under the title (blank lines between, or broken over lines: "公开02 / 表"), else the heading's
    ordinal (一、收入支出决算总表), else the ordinal the contents list gives the table."""
    title, number_label = title_and_number(section)
    if section.number_label:
        return number_label
    near = list(itertools.islice((line.text for line in doc.slice(section.start, section.end) if line.text.strip()), 8))
    match = NUMBER_LABEL.search(re.sub(r"\s+", "", "".join(near)))
    if match:
        return match.group(1)
    if number_label:
        return number_label
    if "contents" not in doc.cache:
        doc.cache["contents"] = {}
        for line in doc.lines:
            heading = ORDINAL_TITLE.match(clean_label(line.text))
            spec = table_for_title(heading.group(2)) if heading else None
            if spec is not None:
                doc.cache["contents"].setdefault(spec.table_id, heading.group(1))
    return doc.cache["contents"].get(section.table_id)


def read_section(doc: Document, section: Section) -> TableBlock:
    """The section's table; doubtful OCR figures kept only where the table's identities confirm them."""
    return read_confirmed(lambda: _read_section(doc, section), list(doc.slice(section.start, section.end)))


def _read_section(doc: Document, section: Section) -> TableBlock:
    title, _ = title_and_number(section)
    block = new_block(doc, section, _number_label(doc, section), title=title, note=section.empty_note)
    if doc.source_format in GRID_FORMATS:  # the reader gave the table's own cells: columns by its header rows
        read_grid(doc, section, block)
        return block
    reader = READERS.get(section.spec.family)
    if reader is None:
        block.status, block.note = "unreadable", "此表暂无通用读法 / no generic reading for this table family yet"
        return block
    if section.spec.family == "coded":  # rows whose figures the table's identities check (合计 = 基本 + 项目 …)
        names = COLUMN_HEADERS.get(section.table_id, {})
        doc, section = regroup(doc, section, lambda toks: _is_header(toks, names))
    token = ROUNDING_CENT.set(_rounding_cent(doc, section))
    try:
        reader(doc, section, block)
    finally:
        ROUNDING_CENT.reset(token)
    for line in doc.slice(section.start, section.end):
        # OCR figures too uncertain to read: out, with a finding and the printed value
        for word in doubtful(line) if line.words else ():
            leave_out(block, line, f"{word.text}: read with confidence {word.confidence:.2f}")
            block.loose_cells.append({"row_label": None, "column_index": 1, "value": word.text, "line": line})
    printed = any(cell is not None for row in block.rows for cell in row.cells)
    if not printed and not section.empty_note and not block.findings and _prints_figures(doc, section):
        leave_out(block, doc.lines[section.start] if section.start < len(doc.lines) else None,
                  "figures printed, none placed in a column")
    if section.empty_note or (not printed and not block.findings):
        block.status = "empty"
        block.rows = [row for row in block.rows if any(cell is not None for cell in row.cells)]
    return block


def _prints_figures(doc: Document, section: Section) -> bool:
    """Whether the section's body (page furniture aside) prints any decimal figure."""
    return any(t.kind == "number" and "." in t.text for toks in _body(doc, section).toks for t in toks)


def _reading_values(numbers: list[Token], reading: tuple, columns: tuple[str, ...]) -> dict[str, Decimal]:
    values = dict.fromkeys(columns, Decimal(0))
    for token, column in zip(numbers, reading):
        values[columns[column]] += value_of(token)
    return values


def _same_as(numbers: list[Token], readings: list[tuple], columns: tuple[str, ...], other: dict[str, Decimal]
             ) -> list[tuple]:
    """A 支出决算表 row whose 合计 is, in every reading, the 合计 of the same code in 一般公共预算财政拨款支出决算表
    spends that fiscal money only (X7: fiscal ≤ all, per column): its columns equal that row's, the others blank.
    The readings that say so (none when some reading's 合计 differs)."""
    values = [_reading_values(numbers, reading, columns) for reading in readings]
    if any(v[columns[0]] != other.get(columns[0]) for v in values) or any(v < 0 for v in other.values()):
        return []
    return [r for r, v in zip(readings, values) if all(v[c] == other.get(c, Decimal(0)) for c in columns)]


def _certain_rows(block: TableBlock, columns: tuple[str, ...]) -> dict[str | None, dict[str, Decimal]]:
    """Code (None for 合计) → column values of a coded block's rows whose every printed figure was placed (no
    EXTRACT finding at their line); a code printed twice is left out."""
    doubtful = {f.source_line for f in block.findings if f.rule_id == "EXTRACT"}
    found: dict[str | None, dict[str, Decimal]] = {}
    seen: set[str | None] = set()
    for row in block.rows:
        if row.code in seen:
            found.pop(row.code, None)
            continue
        seen.add(row.code)
        if row.source_line in doubtful or not row.cells or row.cells[0] is None:
            continue
        found[row.code] = {column: Decimal(parse_amount(cell) or 0) if cell is not None else Decimal(0)
                           for column, cell in zip(columns, row.cells)}
    return found


# The 合计 row of 公开02表 repeats 公开01表's income items: a cross-table identity that pins its columns.
T02_FROM_T01 = {"total": ("total_income",), "fiscal_appropriation": (
    "general_budget_appropriation", "government_fund_appropriation", "state_capital_appropriation"),
    "higher_level_subsidy": ("higher_level_subsidy",), "business_income": ("business_income",),
    "operating_income": ("operating_income",), "affiliated_remittance": ("affiliated_remittance",),
    "other_income": ("other_income",)}


def _pins_from_t01(block: TableBlock) -> dict[str, Decimal]:
    """T02 合计 column → the value T01's income side gives it (only columns whose every T01 row was read)."""
    values: dict[str, Decimal] = {}
    for row in block.rows:
        key = item_key_for(TABLES["T01"], row.label or "") if row.side == "income" else None
        if key and key not in values:
            amount = parse_amount(row.cells[0]) if row.cells and row.cells[0] is not None else None
            values[key] = Decimal(amount) if amount else Decimal(0)
    if any(f.rule_id == "EXTRACT" for f in block.findings):
        return {}  # some income figure was left out: a blank cannot be told from a figure not read
    return {column: sum((values[k] for k in keys), Decimal(0)) for column, keys in T02_FROM_T01.items()
            if all(k in values for k in keys)}


def _pins_from_t05(block: TableBlock) -> dict[str, Decimal]:
    """公开04表 本年支出合计's 一般公共预算 column = 公开05表's 合计 (when that was read)."""
    total = next((row for row in block.rows if row.code is None and row.cells and row.cells[0] is not None), None)
    if total is None:
        return {}
    amount = parse_amount(total.cells[0])
    return {"general_budget": Decimal(amount)} if amount is not None else {}


def read_tables(doc: Document) -> list[TableBlock]:
    """One TableBlock per located standard table (公开01表 and 公开05表 first, for the identities they share with
    公开02表 and 公开04表)."""
    sections = find_sections(doc)
    first = sorted(range(len(sections)), key=lambda i: {"T01": 0, "T05": 1}.get(sections[i].table_id, 2))
    blocks: dict[int, TableBlock] = {}
    for i in first:
        blocks[i] = read_section(doc, sections[i])
        if doc.source_format in GRID_FORMATS:  # columns placed by header rows; cells as printed, pins not needed
            continue
        if sections[i].table_id == "T01":
            doc.cache.setdefault("pins", {})["T02"] = _pins_from_t01(blocks[i])
        if sections[i].table_id == "T05":
            doc.cache.setdefault("pins", {})["T04"] = _pins_from_t05(blocks[i])
            doc.cache.setdefault("same_rows", {})["T03"] = _certain_rows(blocks[i], TABLES["T05"].columns)
    return [blocks[i] for i in range(len(sections))]

