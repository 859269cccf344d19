"""Tables of renderings whose reader gives the table's own cells (HTML, XLSX, XLS, ODS, DOCX): the generic reader
places their columns by the table's own header rows.

Every table row arrives as a `Line` with `cells` on a blank-filled grid (a merged header or label sits in its first
column). For each located table the header rows (those above the first data row, 栏次 numbering rows left out) name
the columns; each amount column is matched to a schema column by its lowest header text (小计 under 本年支出 …).
A column that holds figures but whose header matches nothing is reported, never guessed; only when no header names
any column and their count equals the schema's are the columns taken in printed order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from converter import lazy_re
from converter.document import Document, Line
from converter.layouts.common import (
    ECON_CODE,
    ECON_TOTALS,
    FUNCTION_CODE,
    LINE_NO,
    cell_rows,
    clean_cells,
    footer_totals,
    has_figure,
    is_value,
    leave_out,
    printed_cells,
    raw_row,
)
from converter.locate import Section
from converter.model import RawRow, TableBlock
from converter.normalize import label_key
from converter.specs.tables import T08_SHANGHAI_COLUMNS, T09_COLUMNS, T09_COLUMNS_WITH_MEETING_TRAINING, TABLES

CODE_AND_NAME = lazy_re.compile(r"^(\d{3}(?:\d{2}){0,2})\s*([^\d\s].*)$")
TOTAL_LABELS = {"合计", "总计"}
NUMBERING_LABELS = {"栏次", "档次", "行次"}
CODE_HEADERS = {"科目代码", "科目编码", "功能分类科目编码", "经济分类科目编码", "代码", "编码", "科目编号"}
SPLIT_CODE_HEADERS = ("类", "款", "项")
NAME_HEADER = lazy_re.compile(r"名称$")
Rules = tuple[tuple[str, str], ...]

# Amount columns by header text (label_key form), the most specific rule first.
COLUMN_RULES: dict[str, Rules] = {
    "T02": (
        ("fiscal_appropriation", "财政拨款"),
        ("higher_level_subsidy", "上级补助"),
        ("business_income", "事业收入"),
        ("operating_income", "经营收入"),
        ("affiliated_remittance", "附属单位"),
        ("other_income", "其他收入"),
        ("total", "合计|总计|小计"),
    ),
    "T03": (
        ("basic", "基本支出"),
        ("project", "项目支出"),
        ("remittance_to_higher", "上缴上级"),
        ("operating", "经营支出"),
        ("subsidy_to_affiliated", "附属单位"),
        ("total", "合计|总计|小计"),
    ),
    "T05": (("basic", "基本支出"), ("project", "项目支出"), ("total", "合计|总计|小计")),
    "T07": (
        ("carryover_begin", "年初"),
        ("carryover_end", "年末"),
        ("income", "本年收入"),
        ("basic", "基本支出"),
        ("project", "项目支出"),
        ("expense_total", "小计|合计|本年支出"),
    ),
    "T08": (
        ("carryover_begin", "年初"),
        ("carryover_end", "年末"),
        ("income", "本年收入"),
        ("basic", "基本支出"),
        ("project", "项目支出"),
        ("total", "小计|合计|总计|本年支出"),
    ),
    "T01": (("amount", "金额|决算|合计"),),
    "T04": (
        ("general_budget", "一般公共预算"),
        ("government_fund", "政府性基金"),
        ("state_capital", "国有资本"),
        ("total", "合计|小计|总计|金额|决算数"),
    ),
    "T09": (
        ("overseas_travel", "出国"),
        ("vehicle_total", "购置及运行|小计"),
        ("vehicle_purchase", "购置"),
        ("vehicle_operation", "运行"),
        ("official_reception", "接待"),
        ("meeting", "会议"),
        ("training", "培训"),
        ("total", "合计|总计"),
    ),
}
MEASURES = (("budget", lazy_re.compile(r"预算")), ("actual", lazy_re.compile(r"决算")))


GRID_FORMATS = {"html", "xlsx", "xls", "ods", "docx"}  # readers that give a table's own cells


@dataclass
class Grid:
    """A located table's cell rows, split into header rows and body rows."""

    headers: list[Line]
    body: list[Line]

    def leaf(self, column: int) -> str:
        """The lowest non-empty header text of a column (label_key form)."""
        for line in reversed(self.headers):
            if column < len(line.cells) and line.cells[column]:
                return label_key(line.cells[column])
        return ""


def _cell(cells: list[str], column: int | None) -> str | None:
    if column is None or column >= len(cells):
        return None
    return cells[column] or None


def _is_numbering(line: Line) -> bool:
    """A 栏次 row: labelled 栏次/档次, or nothing but the numbers 1, 2, 3 … in order."""
    filled = [label_key(cell) for cell in line.cells if cell.strip()]
    if any(cell in NUMBERING_LABELS for cell in filled[:2]) and not any(
        cell for cell in filled if not (cell in NUMBERING_LABELS or cell.isdigit())
    ):
        return True
    return len(filled) >= 2 and filled == [str(n) for n in range(1, len(filled) + 1)]


def _split(rows: list[Line], is_data: Callable[[list[str]], bool]) -> Grid:
    first = next(
        (i for i, line in enumerate(rows) if is_data(clean_cells(line)) and not _is_numbering(line)), len(rows)
    )
    headers = [line for line in rows[:first] if not _is_numbering(line)]
    return Grid(headers=headers, body=[line for line in rows[first:] if not _is_numbering(line)])


def _match(rules: Rules, header: str, taken: set[str]) -> str | None:
    for key, pattern in rules:
        if key not in taken and re.search(pattern, header):
            return key
    return None


def _column_keys(grid: Grid, columns: list[int], keys: tuple[str, ...], rules: Rules, block: TableBlock) -> dict:
    """Column index → schema key for the amount columns of one table (or one side / measure of it)."""
    if len(keys) == 1 and len(columns) == 1:
        return {columns[0]: keys[0]}
    placed: dict[int, str] = {}
    for column in columns:
        key = _match(tuple(rule for rule in rules if rule[0] in keys), grid.leaf(column), set(placed.values()))
        if key is not None:
            placed[column] = key
    if not placed and len(columns) == len(keys) and not any(grid.leaf(column) for column in columns):
        return dict(zip(columns, keys))  # no header names any column: printed order
    for column in columns:
        holds_figures = any(is_value(_cell(clean_cells(line), column)) for line in grid.body)
        if column not in placed and holds_figures:
            header = grid.leaf(column) or "(no header)"
            leave_out(block, None, f"column {column + 1} {header!r} matches no schema column")
    return placed


def _values(cells: list[str], placed: dict[int, str], keys: tuple[str, ...]) -> list[str | None]:
    by_key = {key: _cell(cells, column) for column, key in placed.items()}
    return [by_key.get(key) for key in keys]


def _two_block(rows: list[Line], block: TableBlock) -> None:
    """T01/T04: the header row with 项目 twice fixes label, 行次 and amount columns of both sides."""
    spec = TABLES[block.table_id]
    head = next((line for line in rows if [label_key(c) for c in line.cells].count("项目") >= 2), None)
    if head is None:
        leave_out(block, rows[0] if rows else None, "no header row with 项目 on both sides")
        return
    keys = [label_key(cell) for cell in head.cells]
    labels = [i for i, key in enumerate(keys) if key == "项目"][:2]
    bounds = (labels[0], labels[1], labels[1], len(keys))
    below = rows.index(head) + 1
    grid = Grid(headers=rows[:below], body=[line for line in rows[below:] if not _is_numbering(line)])
    sides = []
    for side, (start, stop), width_keys in (
        ("income", bounds[:2], spec.income_columns),
        ("expense", bounds[2:], spec.columns),
    ):
        line_col = next((i for i in range(start + 1, stop) if keys[i] == "行次"), None)
        first_amount = (line_col if line_col is not None else start) + 1
        rules = COLUMN_RULES[spec.table_id]
        placed = _column_keys(grid, list(range(first_amount, stop)), width_keys, rules, block)
        sides.append((side, start, line_col, placed, width_keys))
    found: dict[str, list[RawRow]] = {"income": [], "expense": []}
    for line in grid.body:
        cells = clean_cells(line)
        for side, label_col, line_col, placed, width_keys in sides:
            label, number = _cell(cells, label_col), _cell(cells, line_col)
            values = _values(cells, placed, width_keys)
            if label is None and not any(values):
                continue  # filler: only the 行次 is printed
            if number is not None and not LINE_NO.match(number):
                leave_out(block, line, f"行次 {number!r} is not a number")
                continue
            found[side].append(raw_row(line, values, label=label, line_no=int(number) if number else None, side=side))
    block.rows.extend(found["income"] + found["expense"])


def _code_columns(grid: Grid) -> tuple[list[int], int | None]:
    """The code column(s) (one, or 类/款/项) and the name column, from the header rows."""
    width = max((len(line.cells) for line in grid.headers + grid.body), default=0)
    leaves = [grid.leaf(column) for column in range(width)]
    split = [i for i, leaf in enumerate(leaves) if leaf in SPLIT_CODE_HEADERS]
    codes = split if len(split) == 3 else [i for i, leaf in enumerate(leaves) if leaf in CODE_HEADERS][:1]
    names = [i for i, leaf in enumerate(leaves) if NAME_HEADER.search(leaf) and i not in codes]
    if not codes:
        codes = [0]  # seed-style tables whose code column is headed only by 项目
    name = next((i for i in names if i > codes[-1]), codes[-1] + 1 if codes[-1] + 1 < width else None)
    return codes, name


def _coded_row(cells: list[str], codes: list[int], name: int | None) -> tuple[str | None, str | None]:
    """(code, name) of a body row; code '' for a 合计 row, None for a row that is no table row."""
    code = "".join(cells[c] for c in codes if c < len(cells)).replace(" ", "")
    label = _cell(cells, name)
    if code in TOTAL_LABELS or (not code and label in TOTAL_LABELS):
        return "", "合计"
    if FUNCTION_CODE.match(code):
        return code, label
    match = CODE_AND_NAME.match(code)
    if match and label is None:
        return match.group(1), match.group(2)
    return None, label


def _coded(rows: list[Line], block: TableBlock) -> None:
    """T02/T03/T05/T07/T08: code (or 类/款/项) and name columns, then amount columns named by their headers."""
    table_id = block.table_id
    probe = _split(
        rows, lambda cells: any(FUNCTION_CODE.match(c.replace(" ", "")) or c in TOTAL_LABELS for c in cells[:4])
    )
    codes, name = _code_columns(probe)
    grid = _split(rows, lambda cells: _coded_row(cells, codes, name)[0] is not None)
    keys = TABLES[table_id].columns
    first_amount = max(codes + ([name] if name is not None else [])) + 1
    width = max((len(line.cells) for line in rows), default=0)
    amount_columns = list(range(first_amount, width))
    if table_id == "T08" and any(re.search("年初|本年收入", grid.leaf(c)) for c in amount_columns):
        keys = T08_SHANGHAI_COLUMNS
        block.columns = list(keys)
    placed = _column_keys(grid, amount_columns, keys, COLUMN_RULES[table_id], block)
    for line in grid.body:
        cells = clean_cells(line)
        code, label = _coded_row(cells, codes, name)
        values = _values(cells, placed, keys)
        if code is None:
            if any(is_value(cell) for cell in cells):
                leave_out(block, line, f"row without a code: {line.text!r}")
            continue
        block.rows.append(raw_row(line, values, label=label, code=code or None))


def _econ(rows: list[Line], block: TableBlock) -> None:
    """T06: code-name-amount column groups read top to bottom, left group first; then the two footer totals."""
    head = next((line for line in rows if sum(label_key(c) in CODE_HEADERS for c in line.cells) >= 1), None)
    if head is None:
        leave_out(block, rows[0] if rows else None, "no 科目代码 header row")
        return
    keys = [label_key(cell) for cell in head.cells]
    starts = [i for i, key in enumerate(keys) if key in CODE_HEADERS]
    groups = []
    for index, start in enumerate(starts):
        stop = starts[index + 1] if index + 1 < len(starts) else len(keys)
        name = next((i for i in range(start + 1, stop) if NAME_HEADER.search(keys[i])), start + 1)
        amount = next((i for i in range(name + 1, stop) if keys[i]), name + 1)
        groups.append((start, name, amount))
    columns: list[list[RawRow]] = [[] for _ in groups]
    totals: list[RawRow] = []
    for line in rows[rows.index(head) + 1 :]:
        cells = clean_cells(line)
        for index, (code_col, name_col, amount_col) in enumerate(groups):
            code, label, amount = (_cell(cells, c) for c in (code_col, name_col, amount_col))
            if code in ECON_TOTALS or label in ECON_TOTALS:
                continue  # read by footer_totals
            if code is None:
                if (label or is_value(amount)) and not any(cell in ECON_TOTALS for cell in cells):
                    leave_out(block, line, f"T06 group {label!r} {amount!r} has no code")
                continue
            if not ECON_CODE.match(code) or not label:
                leave_out(block, line, f"T06 token {code!r} is not a code-name group")
                continue
            columns[index].append(raw_row(line, [amount], label=label, code=code))
        totals.extend(footer_totals(block, line, cells, [i for i, cell in enumerate(cells) if cell in ECON_TOTALS]))
    block.rows.extend(row for group in columns for row in group)
    block.rows.extend(totals)


def _three_public(rows: list[Line], block: TableBlock) -> None:
    """T09: 预算数/决算数 column groups (or rows labelled 预算数/决算数); columns named by their lowest header."""

    def is_data(cells: list[str]) -> bool:
        filled = [cell for cell in cells if cell]
        return any(is_value(cell) for cell in filled) and sum(not is_value(cell) for cell in filled) <= 1

    grid = _split(rows, is_data)
    width = max((len(line.cells) for line in rows), default=0)
    starts: list[tuple[int, str]] = []
    for side, pattern in MEASURES:
        column = next((c for line in grid.headers for c, cell in enumerate(line.cells) if pattern.search(cell)), None)
        if column is not None:
            starts.append((column, side))
    starts.sort()
    if len(starts) < 2:  # the measures are row labels
        starts = [(1, "")]
    groups = []
    for index, (start, side) in enumerate(starts):
        stop = starts[index + 1][0] if index + 1 < len(starts) else width
        placed = _column_keys(
            grid, list(range(start, stop)), T09_COLUMNS_WITH_MEETING_TRAINING, COLUMN_RULES["T09"], block
        )
        keys = T09_COLUMNS_WITH_MEETING_TRAINING if {"meeting", "training"} & set(placed.values()) else T09_COLUMNS
        groups.append((side, placed, keys))
    for line in grid.body:
        cells = clean_cells(line)
        if not is_data(cells):
            continue
        for side, placed, keys in groups:
            measure = side or next((s for s, pattern in MEASURES if pattern.search(cells[0])), None)
            if measure is None:
                leave_out(block, line, f"row {cells[0]!r} is neither 预算数 nor 决算数")
                continue
            block.rows.append(raw_row(line, _values(cells, placed, keys), side=measure))


def _stats(rows: list[Line], block: TableBlock) -> None:
    """T10: label, 行次 and the value columns after it."""
    head = next((line for line in rows if "行次" in [label_key(c) for c in line.cells]), None)
    line_col = [label_key(c) for c in head.cells].index("行次") if head else 1
    for line in rows:
        cells = clean_cells(line)
        number = _cell(cells, line_col)
        if not cells[0] or number is None or not LINE_NO.match(number):
            continue
        block.rows.append(raw_row(line, printed_cells(cells[line_col + 1 :], 1), label=cells[0], line_no=int(number)))


READERS: dict[str, Callable[[list[Line], TableBlock], None]] = {
    "two_block": _two_block,
    "coded": _coded,
    "econ": _econ,
    "three_public": _three_public,
    "stats": _stats,
}


def read_grid(doc: Document, section: Section, block: TableBlock) -> None:
    """Fill `block` from the section's cell rows, columns placed by their header rows; stated empty: rows that print
    a figure (e.g. 合计 0.00) are kept as printed, blank rows dropped; a table without rows is empty."""
    rows = cell_rows(doc, section)
    if rows:
        READERS[section.spec.family](rows, block)
    if section.empty_note:
        block.status = "empty"
        block.rows = [row for row in block.rows if has_figure(row.cells)]
    elif not block.rows:
        block.status = "empty"
