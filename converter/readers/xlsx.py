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
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from converter.document import Document
from converter.readers.cells import LineWriter

_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')


def render_number(value: int | float | Decimal, number_format: str | None) -> str:
    """The displayed text of a number under an Excel number format (decimals, thousands separator, percent)."""
    number = Decimal(str(value))
    fmt = (number_format or "General").split(";")[0]
    pattern = _QUOTED.sub("", fmt)
    if fmt.lower() in {"general", "@", ""} or not re.search(r"[0#?]", pattern) or re.search(r"[eE][+-]", pattern):
        return _general(number)
    percent = "%" in pattern
    if percent:
        number *= 100
    integer, _, fraction = pattern.partition(".")
    decimals = len(re.findall(r"[0#?]", re.split(r"[^0#?,]", fraction)[0])) if fraction else 0
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
    from openpyxl.utils.exceptions import InvalidFileException

    from converter.readers import UnreadableInput

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise UnreadableInput(f"{path}: damaged or unsupported workbook ({exc.__class__.__name__})") from None
    out = LineWriter()
    for page, sheet in enumerate(workbook.worksheets, start=1):
        width = sheet.max_column
        for row in sheet.iter_rows(max_col=width):
            out.row([cell_display(cell) for cell in row], page)
    document = out.document(path, data, "xlsx")
    document.warnings.extend(_uncalculated_formulas(data))
    return document


def _uncalculated_formulas(data: bytes) -> list[str]:
    """Formula cells without a cached value (they read blank): one warning per sheet that has any."""
    import zipfile

    import openpyxl

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        if not any(re.search(rb"<(?:\w+:)?f[ >]", archive.read(name)) for name in sheets):
            return []
    workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=False, read_only=True)
    cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    warnings = []
    for sheet, values in zip(workbook.worksheets, cached.worksheets):
        missing = 0
        for row, cached_row in zip(sheet.iter_rows(), values.iter_rows()):
            for cell, cached_cell in zip(row, cached_row):
                if isinstance(cell.value, str) and cell.value.startswith("=") and cached_cell.value is None:
                    missing += 1
        if missing:
            warnings.append(f"sheet {sheet.title}: {missing} formula cells without a saved value read as blank")
    return warnings
