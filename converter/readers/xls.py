"""Legacy Excel workbooks (.xls, WPS .et; BIFF through xlrd): every sheet in order, `page` = sheet index (1-based).

Numbers are rendered with the cell's own number format, exactly as for .xlsx (`converter.readers.xlsx.render_number`):
2502.7 formatted "0.00" is "2502.70", a General 2101501 stays "2101501". xlrd is used rather than python-calamine
because calamine returns bare values without their number formats, which would print 2502.70 as 2502.7. Merged
areas are blank-filled: BIFF stores the text in the top-left cell only.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from converter.document import Document
from converter.readers.cells import LineWriter
from converter.readers.xlsx import render_number


def _display(book, cell) -> str:
    """The printed text of one xlrd cell."""
    import xlrd

    kind, value = cell.ctype, cell.value
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    if kind == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if value else "FALSE"
    if kind == xlrd.XL_CELL_DATE:
        try:
            moment = xlrd.xldate.xldate_as_datetime(value, book.datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return render_number(value, None)
        return moment.date().isoformat() if moment.time() == dt.time() else moment.isoformat(sep=" ")
    if kind == xlrd.XL_CELL_NUMBER:
        number_format = None
        if cell.xf_index is not None and cell.xf_index < len(book.xf_list):
            entry = book.format_map.get(book.xf_list[cell.xf_index].format_key)
            number_format = entry.format_str if entry else None
        return render_number(value, number_format)
    return str(value)


def read_xls(path: Path, data: bytes) -> Document:
    """A Document of every sheet's rows, sheet by sheet."""
    import xlrd

    from converter.readers import UnreadableInput

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, logfile=io.StringIO())
    except Exception as exc:  # noqa: BLE001 - xlrd raises many unrelated types on damaged BIFF; all mean "unreadable"
        reason = exc.__class__.__name__
        raise UnreadableInput(f"{path}: damaged or unsupported legacy Excel workbook ({reason})") from None
    out = LineWriter()
    for page, sheet in enumerate(book.sheets(), start=1):
        for row in range(sheet.nrows):
            out.row([_display(book, cell) for cell in sheet.row(row)], page)
    return out.document(path, data, "xls")
