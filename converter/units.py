"""Amount units: what a table's header states (单位：万元, 金额单位：元 …) and exact conversion between units.

A table's figures are kept exactly as printed, in the unit its header states; `report_tables.amount_unit` records
that unit and `reports.amount_unit` the unit most of the report's tables print (万元 when none states one). The checks
compare like with like by converting figures to 万元 (`to_wan`), a decimal shift that never rounds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal

from converter import lazy_re
from converter.document import Document
from converter.model import TableBlock

DEFAULT_UNIT = "万元"
UNITS = {"元": 0, "千元": 3, "万元": 4, "亿元": 8}  # power of ten of one unit, in 元
_HEADER_UNIT = lazy_re.compile(r"(?:金额)?单位\s*[:：]\s*(?:人民币)?\s*(亿元|万元|千元|元)")
HEADER_WINDOW = 3  # lines before a table's title that may carry its unit (a page header above the title)


def header_unit(lines: Iterable[str]) -> str | None:
    """The unit the first unit statement among a table's header lines names; None when they state none."""
    for text in lines:
        match = _HEADER_UNIT.search(text.replace(" ", ""))
        if match:
            return match.group(1)
    return None


def report_unit(units: Iterable[str | None]) -> str:
    """The unit most tables state (ties: the first stated); 万元 when no table states one."""
    counts = Counter(unit for unit in units if unit)
    return max(counts, key=lambda unit: counts[unit]) if counts else DEFAULT_UNIT


def convert(value: Decimal, from_unit: str | None, to_unit: str | None) -> Decimal:
    """value in from_unit expressed in to_unit, exactly (None means 万元); 2 decimals kept when they suffice."""
    shift = UNITS[from_unit or DEFAULT_UNIT] - UNITS[to_unit or DEFAULT_UNIT]
    if shift == 0:
        return value
    result = value.scaleb(shift)
    cents = result.quantize(Decimal("0.01")) if result.as_tuple().exponent < -2 else result  # type: ignore[operator]
    return cents if cents == result else result


def to_wan(value: Decimal, unit: str | None) -> Decimal:
    """value in unit expressed in 万元."""
    return convert(value, unit, DEFAULT_UNIT)


def header_lines(doc: Document, block: TableBlock, after_title: int = 4, index: dict[int, int] | None = None
                 ) -> list[str]:
    """The lines around a table's title that may state its unit: a few before it, then those before its first row.
    `index`: line number → position in doc.lines, when the caller has it."""
    index = {line.line_no: i for i, line in enumerate(doc.lines)} if index is None else index
    title = index.get(block.source_line) if block.source_line is not None else None
    if title is None:
        return []
    first_row = min((index[row.source_line] for row in block.rows if row.source_line in index), default=None)
    end = first_row if first_row is not None and first_row > title else title + after_title
    return [line.text for line in doc.lines[max(0, title - HEADER_WINDOW):end]]


def assign_units(doc: Document, blocks: list[TableBlock]) -> None:
    """Each block's `unit` from its header lines (unset when the header states none)."""
    index = {line.line_no: i for i, line in enumerate(doc.lines)}
    for block in blocks:
        if block.unit is None:
            block.unit = header_unit(header_lines(doc, block, index=index))
