"""Excel workbooks (.xlsx, openpyxl): every sheet in order, each row a Line, `page` = sheet index (1-based).

Numbers are rendered as Excel displays them with the cell's number format: 2502.7 formatted "#,##0.00" is
"2,502.70"; a General number keeps its digits (2101501 stays "2101501", never "2101501.0" or 2.1e6). Merged areas
are blank-filled (see `converter.readers.cells`). Formulas give their cached value; a formula never calculated
reads as a blank cell and is reported in the document warnings.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path

from converter import lazy_re, limits
from converter.document import Document
from converter.readers.cells import LineWriter

_QUOTED = lazy_re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')


def render_number(value: int | float | Decimal, number_format: str | None) -> str:
    """The displayed text of a number under an Excel number format (decimals, thousands separator, percent)."""
    number = Decimal(str(value))
    if not number.is_finite():
        return str(value)
    with localcontext() as context:
        context.prec = 1000  # enough for any float (|x| < 1.8e308) at any number of printed decimals
        return _render(number, number_format)


def _render(number: Decimal, number_format: str | None) -> str:
    fmt = (number_format or "General").split(";")[0]
    pattern = _QUOTED.sub("", fmt)
    if fmt.lower() in {"general", "@", ""} or not re.search(r"[0#?]", pattern) or re.search(r"[eE][+-]", pattern):
        return _general(number)
    percent = "%" in pattern
    if percent:
        number *= 100
    integer, _, fraction = pattern.partition(".")
    decimals = min(len(re.findall(r"[0#?]", re.split(r"[^0#?,]", fraction)[0])), 30) if fraction else 0  # Excel: 30
    number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if number == 0:
        number = abs(number)
    text = f"{number:,.{decimals}f}" if "," in integer else f"{number:.{decimals}f}"
    return text + ("%" if percent else "")


def _general(number: Decimal) -> str:
    """General format: the number's own digits, an integral float without '.0'."""
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")


def cell_display(cell) -> str:
    """The printed text of one openpyxl cell."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, Decimal)):
        return render_number(value, cell.number_format)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def read_xlsx(path: Path, data: bytes) -> Document:
    """A Document of every sheet's rows, sheet by sheet."""
    import openpyxl
    from defusedxml import DefusedXmlException
    from openpyxl.utils.exceptions import InvalidFileException

    from converter.readers import UnreadableInput

    budget = limits.Budget("workbook")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except limits.LimitExceeded:
        raise
    except (InvalidFileException, KeyError, ValueError, OSError, SyntaxError, TypeError, AttributeError) as exc:
        # SyntaxError covers XML parse errors (ElementTree.ParseError, lxml's XMLSyntaxError); openpyxl wraps
        # what its parser raised in a ValueError
        cause = _root_cause(exc)
        if isinstance(cause, DefusedXmlException):  # openpyxl parses with defusedxml when it is installed
            raise UnreadableInput(
                f"{path}: the workbook's XML declares entities or a DTD ({cause.__class__.__name__});"
                " refused for safety"
            ) from None
        raise UnreadableInput(f"{path}: damaged or unsupported workbook ({cause.__class__.__name__})") from None
    out = LineWriter()
    for page, sheet in enumerate(workbook.worksheets, start=1):
        budget.check()
        for cells in _used_rows(sheet):
            out.row(cells, page)
    document = out.document(path, data, "xlsx")
    document.warnings.extend(_uncalculated_formulas(data, workbook))
    return document


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost exception of a chain (what the XML parser raised under openpyxl's wrapper)."""
    seen = {id(exc)}
    while (inner := exc.__cause__ or exc.__context__) is not None and id(inner) not in seen:
        seen.add(id(inner))
        exc = inner
    return exc


def _used_rows(sheet) -> Iterator[list[str]]:
    """The displayed texts of the rows that hold values, as wide as the rightmost value (sparse: a lone cell at
    XFD1048576 never becomes a grid of 17 billion cells)."""
    cells = sheet._cells  # {(row, column): cell} of a loaded sheet; only the cells the file defines
    used = [key for key, cell in cells.items() if cell.value is not None]
    if not used:
        return
    width = max(column for _, column in used)
    rows = sorted({row for row, _ in used})
    limits.check("max_columns", width, f"sheet {sheet.title} is too wide")
    limits.check("max_table_cells", len(rows) * width, f"sheet {sheet.title} has too many cells")
    for row in rows:
        yield [cell_display(cells[row, column]) if (row, column) in cells else "" for column in range(1, width + 1)]


def _uncalculated_formulas(data: bytes, cached) -> list[str]:
    """Formula cells without a cached value (they read blank): one warning per sheet that has any."""
    import zipfile

    import openpyxl

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        if not any(re.search(rb"<(?:\w+:)?f[ >]", archive.read(name)) for name in sheets):
            return []
    workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    warnings = []
    for sheet, values in zip(workbook.worksheets, cached.worksheets):
        missing = sum(
            1 for key, cell in sheet._cells.items()
            if isinstance(cell.value, str) and cell.value.startswith("=")
            and (key not in values._cells or values._cells[key].value is None)
        )
        if missing:
            warnings.append(f"sheet {sheet.title}: {missing} formula cells without a saved value read as blank")
    return warnings
