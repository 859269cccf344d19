"""Layout L2: one table row per line, cells separated by tabs, blank cells kept as empty fields (seed 001, Gansu).

Prose may carry Markdown bullets and **bold**; headings carry no Markdown `#` and no HTML tags (that is L4).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from converter.document import Document, Line
from converter.locate import Section, find_sections
from converter.model import Finding, RawRow, TableBlock
from converter.normalize import NOT_APPLICABLE, clean_label, is_amount, strip_markup
from converter.specs.tables import T09_COLUMNS, T09_COLUMNS_WITH_MEETING_TRAINING, TABLES

NAME = "tabbed"

FUNCTION_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
ECON_CODE = re.compile(r"^[3-9]\d{2}(?:\d{2})?$")
LINE_NO = re.compile(r"^\d{1,3}$")
ORDINAL_TITLE = re.compile(r"^([一二三四五六七八九十]+)、\s*(.+)$")
MARKUP = re.compile(r"^\s*#|</?(?:b|td|tr|th|table|p|br|span)\b", re.I)
ECON_TOTALS = ("人员经费合计", "公用经费合计")


def detect(doc: Document) -> float:
    """High when many lines are tab-separated rows and headings carry no Markdown/HTML markup."""
    tab_rows = sum(1 for line in doc.lines if line.text.count("\t") >= 2 and re.search(r"\d", line.text))
    if tab_rows < 20:
        return 0.05
    markup = sum(1 for line in doc.lines if MARKUP.search(line.text))
    return 0.9 if markup < 5 else 0.3


def _fields(line: Line) -> list[str]:
    """Tab-separated fields of a line, each without markup or surrounding blanks."""
    return [clean_label(strip_markup(field)) for field in line.text.split("\t")]


def _cell(text: str) -> str | None:
    """A printed cell: None when blank, otherwise the text as printed."""
    return text or None


def _has_figure(cells: list[str | None]) -> bool:
    return any(cell is not None for cell in cells)


def _fit(cells: list[str | None], width: int) -> list[str | None]:
    """Cells padded to the column count; trailing blank fields beyond it dropped (printed extras are kept)."""
    cells = list(cells) + [None] * (width - len(cells))
    while len(cells) > width and cells[-1] is None:
        cells.pop()
    return cells


def _row_lines(doc: Document, section: Section) -> list[Line]:
    """Body lines that hold tab-separated cells (prose, notes and page furniture have no tabs)."""
    lines = doc.slice(section.start, section.end)
    return [line for line in lines if "\t" in line.text]


def _unplaced(table_id: str, line: Line, what: str) -> Finding:
    return Finding(
        rule_id="EXTRACT",
        status="not_checkable",
        severity="warning",
        tables=table_id,
        location=f"{table_id} line {line.line_no}",
        message_zh=f"无法确定单元格位置，未提取：{what}",
        message_en=f"Cell could not be placed with certainty and was left out: {what}",
        source_page=line.page,
        source_line=line.line_no,
    )


def _two_block(doc: Document, section: Section, block: TableBlock) -> None:
    """T01/T04: the income block top to bottom, then the expense block; filler sides (only a 行次) skipped.

    Each line holds an income part (label, 行次, amounts) and an expense part; reading block by block keeps the
    sub-rows 29–31 under their carry-over row 28 (and 61–63 under 60) for the builder.
    """
    spec = TABLES[section.table_id]
    left_width = 2 + len(spec.income_columns)
    sides: dict[str, list[RawRow]] = {"income": [], "expense": []}
    for line in _row_lines(doc, section):
        fields = _fields(line)
        halves = (
            ("income", fields[:left_width], len(spec.income_columns)),
            ("expense", fields[left_width:], len(spec.columns)),
        )
        for side, part, width in halves:
            if len(part) < 2 or not LINE_NO.match(part[1]):
                continue
            label, cells = part[0] or None, _fit([_cell(f) for f in part[2:]], width)
            if label is None and not _has_figure(cells):
                continue  # filler row: only the 行次 is printed
            sides[side].append(
                RawRow(
                    cells=cells,
                    source_line=line.line_no,
                    source_page=line.page,
                    label=label,
                    line_no=int(part[1]),
                    side=side,
                )
            )
    block.rows.extend(sides["income"] + sides["expense"])


def _coded(doc: Document, section: Section, block: TableBlock) -> None:
    """T02/T03/T05/T07/T08: code, name, amounts; a name wrapped onto the next line is rejoined."""
    width = len(TABLES[section.table_id].columns)
    lines = _row_lines(doc, section)
    index = 0
    while index < len(lines):
        line, fields = lines[index], _fields(lines[index])
        index += 1
        head = fields[0]
        if head != "合计" and not FUNCTION_CODE.match(head):
            continue
        label, cells = (fields[1] if len(fields) > 1 else "") or None, [_cell(f) for f in fields[2:]]
        if head != "合计" and not _has_figure(cells) and index < len(lines):
            follow = _fields(lines[index])
            if follow[0] and follow[0] != "合计" and not FUNCTION_CODE.match(follow[0]) and not is_amount(follow[0]):
                label, cells = (label or "") + follow[0], [_cell(f) for f in follow[1:]]
                index += 1
        if head == "合计":
            label = "合计"
        block.rows.append(
            RawRow(
                cells=_fit(cells, width),
                source_line=line.line_no,
                source_page=line.page,
                label=label,
                code=None if head == "合计" else head,
            )
        )


def _is_value(text: str) -> bool:
    return is_amount(text) or bool(NOT_APPLICABLE.match(text))


def _econ_groups(line: Line, fields: list[str], block: TableBlock) -> list[list[RawRow]]:
    """Code-name-amount groups of one T06 line, by triplet column; a stray token becomes a finding."""
    columns: list[list[RawRow]] = []
    tokens = [(position // 3, field) for position, field in enumerate(fields) if field]
    index = 0
    while index < len(tokens):
        column, token = tokens[index]
        if token in ECON_TOTALS:  # a footer total and its amount are read by _econ_total
            index += 1
            while index < len(tokens) and _is_value(tokens[index][1]):
                index += 1
            continue
        name = tokens[index + 1][1] if index + 1 < len(tokens) else ""
        if not ECON_CODE.match(token) or not name or ECON_CODE.match(name) or _is_value(name):
            block.findings.append(_unplaced(block.table_id, line, f"T06 token {token!r} is not a code-name group"))
            index += 1
            continue
        amount = None
        index += 2
        if index < len(tokens) and _is_value(tokens[index][1]):
            amount = tokens[index][1]
            index += 1
        while len(columns) <= column:
            columns.append([])
        columns[column].append(
            RawRow(cells=[amount], source_line=line.line_no, source_page=line.page, label=name, code=token)
        )
    return columns


def _econ_total(line: Line, fields: list[str], label: str, block: TableBlock) -> RawRow | None:
    """A footer total: the one amount printed between its label and the next label."""
    start = fields.index(label) + 1
    stop = next((i for i in range(start, len(fields)) if fields[i] in ECON_TOTALS), len(fields))
    printed = [field for field in fields[start:stop] if field]
    if len(printed) > 1 or (printed and not _is_value(printed[0])):
        block.findings.append(_unplaced(block.table_id, line, f"{label}: cells {printed!r} are ambiguous"))
        return None
    return RawRow(cells=[printed[0] if printed else None], source_line=line.line_no, source_page=line.page, label=label)


def _econ(doc: Document, section: Section, block: TableBlock) -> None:
    """T06: triplet columns read top to bottom, left column first; then the 人员经费合计/公用经费合计 footer."""
    columns: list[list[RawRow]] = []
    totals: list[RawRow] = []
    for line in _row_lines(doc, section):
        fields = _fields(line)
        if not any(ECON_CODE.match(field) or field in ECON_TOTALS for field in fields):
            continue  # header rows
        for column, rows in enumerate(_econ_groups(line, fields, block)):
            while len(columns) <= column:
                columns.append([])
            columns[column].extend(rows)
        for label in ECON_TOTALS:
            if label in fields:
                total = _econ_total(line, fields, label, block)
                if total is not None:
                    totals.append(total)
    block.rows.extend(row for rows in columns for row in rows)
    block.rows.extend(totals)


def _three_public(doc: Document, section: Section, block: TableBlock) -> None:
    """T09: one line of amounts; the header says where 预算数 and 决算数 start and whether 会议费/培训费 are printed."""
    lines = _row_lines(doc, section)
    header = " ".join(line.text for line in lines)
    width = len(T09_COLUMNS_WITH_MEETING_TRAINING if "会议费" in header else T09_COLUMNS)
    measures = sorted((header.find(word), side) for word, side in (("预算数", "budget"), ("决算数", "actual")))
    for line in lines:
        cells = [_cell(f) for f in _fields(line)]
        if not _has_figure(cells) or not all(cell is None or _is_value(cell) for cell in cells):
            continue
        if [cell for cell in cells if cell is not None] == [str(n) for n in range(1, len(cells) + 1)]:
            continue  # the 栏次 row 1 … 12
        cells = _fit(cells, 2 * width)
        if len(cells) != 2 * width or min(position for position, _ in measures) < 0:
            block.findings.append(_unplaced(block.table_id, line, f"{len(cells)} cells for 2 × {width} columns"))
            continue
        for part, (_, side) in enumerate(measures):
            block.rows.append(
                RawRow(
                    cells=cells[part * width : (part + 1) * width],
                    source_line=line.line_no,
                    source_page=line.page,
                    side=side,
                )
            )


def _stats(doc: Document, section: Section, block: TableBlock) -> None:
    """T10: label, 行次, value rows; group headings (no 行次) are skipped."""
    for line in _row_lines(doc, section):
        fields = _fields(line)
        if len(fields) < 2 or not fields[0] or not LINE_NO.match(fields[1]):
            continue
        block.rows.append(
            RawRow(
                cells=_fit([_cell(f) for f in fields[2:]], 1),
                source_line=line.line_no,
                source_page=line.page,
                label=fields[0],
                line_no=int(fields[1]),
            )
        )


READERS: dict[str, Callable[[Document, Section, TableBlock], None]] = {
    "two_block": _two_block,
    "coded": _coded,
    "econ": _econ,
    "three_public": _three_public,
    "stats": _stats,
}


def _title_and_number(section: Section) -> tuple[str, str | None]:
    """The printed title without its heading ordinal, and the number label (公开01表, or the ordinal 一)."""
    match = ORDINAL_TITLE.match(section.title)
    title = match.group(2) if match else section.title
    return title, section.number_label or (match.group(1) if match else None)


def read_tables(doc: Document) -> list[TableBlock]:
    """One TableBlock per located standard table: found with rows, or empty with the printed statement."""
    blocks = []
    for section in find_sections(doc):
        title_line = doc.lines[section.title_index]
        title, number_label = _title_and_number(section)
        block = TableBlock(
            table_id=section.table_id,
            status="found",
            title=title,
            number_label=number_label,
            note=section.empty_note,
            source_line=title_line.line_no,
            source_page=title_line.page,
        )
        READERS[section.spec.family](doc, section, block)
        if section.empty_note:
            # Stated empty: rows that print a figure (e.g. 合计 0.00) are kept as printed; blank rows are dropped.
            block.status = "empty"
            block.rows = [row for row in block.rows if _has_figure(row.cells)]
        elif not block.rows:
            block.status = "empty"
        blocks.append(block)
    return blocks
