"""What the reader's parts share: EXTRACT findings, TableBlock/RawRow construction, cell tests, T06 footer totals."""

from __future__ import annotations

from collections.abc import Iterable

from converter import lazy_re
from converter.document import Document, Line
from converter.locate import Section
from converter.model import Finding, RawRow, TableBlock, unplaced
from converter.normalize import NOT_APPLICABLE, clean_label, is_amount

FUNCTION_CODE = lazy_re.compile(r"^\d{3}(?:\d{2}){0,2}$")  # 类 / 款 / 项 function code
ECON_CODE = lazy_re.compile(r"^[3-9]\d{2}(?:\d{2})?$")  # 类 / 款 economic code
LINE_NO = lazy_re.compile(r"^[1-9]\d{0,2}$")  # 行次 (from 1)
ORDINAL_TITLE = lazy_re.compile(r"^([一二三四五六七八九十]+)、\s*(.+)$")  # "一、收入支出决算总表"
ECON_TOTALS = ("人员经费合计", "公用经费合计")  # T06 footer labels


def unplaced_at(
    table_id: str, line: Line | None, why_zh: str, why_en: str | None = None, where: str | None = None
) -> Finding:
    """An EXTRACT finding at a printed line, located as "line N" unless `where` names the item."""
    if where is None:
        where = f"line {line.line_no}" if line else ""
    return unplaced(table_id, where, why_zh, why_en, line.page if line else None, line.line_no if line else None)


def leave_out(block: TableBlock, line: Line | None, why: str) -> None:
    """Record on the block an EXTRACT finding for a cell left out at `line`."""
    block.findings.append(unplaced_at(block.table_id, line, why))


def raw_row(line: Line, cells: list[str | None], **fields) -> RawRow:
    """A RawRow of `cells` printed at `line`."""
    return RawRow(cells=cells, source_line=line.line_no, source_page=line.page, **fields)


def new_block(
    doc: Document, section: Section, number_label: str | None, title: str | None = None, note: str | None = None
) -> TableBlock:
    """A found TableBlock for a located section, sourced at its title line (`title` defaults to the printed one)."""
    title_line = doc.lines[section.title_index]
    return TableBlock(
        table_id=section.table_id,
        status="found",
        title=section.title if title is None else title,
        number_label=number_label,
        note=note,
        source_line=title_line.line_no,
        source_page=title_line.page,
    )


def title_and_number(section: Section) -> tuple[str, str | None]:
    """The printed title without its heading ordinal, and the number label (公开01表, or the ordinal 一)."""
    match = ORDINAL_TITLE.match(section.title)
    title = match.group(2) if match else section.title
    return title, section.number_label or (match.group(1) if match else None)


def clean_cells(line: Line) -> list[str]:
    """The reader's cells of a line, cleaned (none when the reader gave none)."""
    return [clean_label(cell) for cell in line.cells or ()]


def cell_rows(doc: Document, section: Section) -> list[Line]:
    """The section's lines for which the reader gave cells."""
    return [line for line in doc.slice(section.start, section.end) if line.cells]


def is_value(text: str | None) -> bool:
    """A printed amount or a not-applicable dash ("────"); a blank cell is no value."""
    return bool(text) and (is_amount(text) or bool(NOT_APPLICABLE.match(text)))


def has_figure(cells: Iterable[str | None]) -> bool:
    """Whether any cell is printed (not None)."""
    return any(cell is not None for cell in cells)


def printed_cells(cells: Iterable[str | None], width: int) -> list[str | None]:
    """Cells as printed (blank → None); trailing blanks beyond the table's `width` are dropped."""
    values = [cell or None for cell in cells]
    while len(values) > width and values[-1] is None:
        values.pop()
    return values


def footer_figures(cells: list[str], start: int) -> list[str]:
    """The non-blank cells after the T06 footer label at `start`, up to the next footer label."""
    stop = next((i for i in range(start + 1, len(cells)) if cells[i] in ECON_TOTALS), len(cells))
    return [cell for cell in cells[start + 1 : stop] if cell]


def footer_totals(block: TableBlock, line: Line, cells: list[str], starts: Iterable[int]) -> list[RawRow]:
    """人员经费合计/公用经费合计 at each of `starts`: the one value printed before the next footer label (blank: None).

    Several cells, or one that is no value, are ambiguous: a finding on the block, no row.
    """
    rows = []
    for start in starts:
        printed = footer_figures(cells, start)
        if len(printed) > 1 or (printed and not is_value(printed[0])):
            leave_out(block, line, f"{cells[start]}: cells {printed!r} are ambiguous")
            continue
        rows.append(raw_row(line, [printed[0] if printed else None], label=cells[start]))
    return rows
