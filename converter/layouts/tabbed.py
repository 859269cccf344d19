"""Layout L2: one table row per line, cells separated by tabs, blank cells kept as empty fields (seed 001, Gansu).

Prose may carry Markdown bullets and **bold**; headings carry no Markdown `#` and no HTML tags (that is L4).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from converter.document import Document, Line
from converter.layouts.common import (
    ECON_CODE,
    ECON_TOTALS,
    FUNCTION_CODE,
    LINE_NO,
    blank_to_none,
    footer_totals,
    has_figure,
    is_amount_cell,
    is_value,
    leave_out,
    printed_cells,
    raw_row,
    read_sections,
)
from converter.locate import Section
from converter.model import RawRow, TableBlock
from converter.normalize import clean_label, is_amount, strip_markup
from converter.specs.tables import T09_COLUMNS, T09_COLUMNS_WITH_MEETING_TRAINING, TABLES

NAME = "tabbed"

MARKUP = re.compile(r"^\s*#|</?(?:b|td|tr|th|table|p|br|span)\b", re.I)


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


def _fit(cells: Iterable[str | None], width: int) -> list[str | None]:
    """Cells padded to the column count; trailing blank fields beyond it dropped (printed extras are kept)."""
    cells = printed_cells(cells, width)
    return cells + [None] * (width - len(cells))


def _row_lines(doc: Document, section: Section) -> list[Line]:
    """Body lines that hold tab-separated cells (prose, notes and page furniture have no tabs)."""
    lines = doc.slice(section.start, section.end)
    return [line for line in lines if "\t" in line.text]


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
            label, cells = part[0] or None, _fit(part[2:], width)
            if label is None and not has_figure(cells):
                continue  # filler row: only the 行次 is printed
            sides[side].append(raw_row(line, cells, label=label, line_no=int(part[1]), side=side))
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
        label, cells = (fields[1] if len(fields) > 1 else "") or None, [blank_to_none(f) for f in fields[2:]]
        if head != "合计" and not has_figure(cells) and index < len(lines):
            follow = _fields(lines[index])
            if follow[0] and follow[0] != "合计" and not FUNCTION_CODE.match(follow[0]) and not is_amount(follow[0]):
                label, cells = (label or "") + follow[0], [blank_to_none(f) for f in follow[1:]]
                index += 1
        if head == "合计":
            label = "合计"
        block.rows.append(raw_row(line, _fit(cells, width), label=label, code=None if head == "合计" else head))


def _econ_groups(line: Line, fields: list[str], block: TableBlock) -> list[list[RawRow]]:
    """Code-name-amount groups of one T06 line, by triplet column; a stray token becomes a finding."""
    columns: list[list[RawRow]] = []
    tokens = [(position // 3, field) for position, field in enumerate(fields) if field]
    index = 0
    while index < len(tokens):
        column, token = tokens[index]
        if token in ECON_TOTALS:  # a footer total and its amount are read by footer_totals
            index += 1
            while index < len(tokens) and is_value(tokens[index][1]):
                index += 1
            continue
        name = tokens[index + 1][1] if index + 1 < len(tokens) else ""
        if not ECON_CODE.match(token) or not name or ECON_CODE.match(name) or is_value(name):
            leave_out(block, line, f"T06 token {token!r} is not a code-name group")
            index += 1
            continue
        amount = None
        index += 2
        if index < len(tokens) and is_value(tokens[index][1]):
            amount = tokens[index][1]
            index += 1
        while len(columns) <= column:
            columns.append([])
        columns[column].append(raw_row(line, [amount], label=name, code=token))
    return columns


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
        totals.extend(footer_totals(block, line, fields, [fields.index(t) for t in ECON_TOTALS if t in fields]))
    block.rows.extend(row for rows in columns for row in rows)
    block.rows.extend(totals)


def _three_public(doc: Document, section: Section, block: TableBlock) -> None:
    """T09: one line of amounts; the header says where 预算数 and 决算数 start and whether 会议费/培训费 are printed."""
    lines = _row_lines(doc, section)
    header = " ".join(line.text for line in lines)
    width = len(T09_COLUMNS_WITH_MEETING_TRAINING if "会议费" in header else T09_COLUMNS)
    measures = sorted((header.find(word), side) for word, side in (("预算数", "budget"), ("决算数", "actual")))
    for line in lines:
        cells = [blank_to_none(f) for f in _fields(line)]
        if not has_figure(cells) or not all(is_amount_cell(cell) for cell in cells):
            continue
        if [cell for cell in cells if cell is not None] == [str(n) for n in range(1, len(cells) + 1)]:
            continue  # the 栏次 row 1 … 12
        cells = _fit(cells, 2 * width)
        if len(cells) != 2 * width or min(position for position, _ in measures) < 0:
            leave_out(block, line, f"{len(cells)} cells for 2 × {width} columns")
            continue
        for part, (_, side) in enumerate(measures):
            block.rows.append(raw_row(line, cells[part * width : (part + 1) * width], side=side))


def _stats(doc: Document, section: Section, block: TableBlock) -> None:
    """T10: label, 行次, value rows; group headings (no 行次) are skipped."""
    for line in _row_lines(doc, section):
        fields = _fields(line)
        if len(fields) < 2 or not fields[0] or not LINE_NO.match(fields[1]):
            continue
        block.rows.append(raw_row(line, _fit(fields[2:], 1), label=fields[0], line_no=int(fields[1])))


READERS: dict[str, Callable[[Document, Section, TableBlock], None]] = {
    "two_block": _two_block,
    "coded": _coded,
    "econ": _econ,
    "three_public": _three_public,
    "stats": _stats,
}


def read_tables(doc: Document) -> list[TableBlock]:
    """One TableBlock per located standard table: found with rows, or empty with the printed statement."""
    return read_sections(doc, lambda section, block: READERS[section.spec.family](doc, section, block))
