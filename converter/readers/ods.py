"""OpenDocument spreadsheets (.ods, LibreOffice/WPS): every sheet in order, `page` = sheet index (1-based).

Each cell is read as displayed: an ODS file stores a cell's formatted text (`<text:p>2,502.70</text:p>`) next to its
value (`office:value="2502.7"`), and the displayed text is what the report prints — exact, with the format's
decimals and separators. (python-calamine reads .ods too, but returns bare values without their formats.) Covered
cells of a merged area are blank-filled; repeated empty rows and columns (sheet padding) are dropped.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from converter.document import Document
from converter.readers.cells import LineWriter

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
MAX_REPEAT = 1000  # a filled cell or row repeated more often than this is sheet padding


def _t(name: str) -> str:
    return f"{{{TABLE}}}{name}"


def _inline(node) -> str:
    """A paragraph's or span's text: text:s as its count of blanks, tabs and line breaks as a blank."""
    parts = [node.text or ""]
    for child in node:
        if child.tag == f"{{{TEXT}}}s":
            parts.append(" " * int(child.get(f"{{{TEXT}}}c", "1")))
        elif child.tag in (f"{{{TEXT}}}tab", f"{{{TEXT}}}line-break"):
            parts.append(" ")
        else:
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _display(cell) -> str:
    """The displayed text of a cell: its paragraphs (not those of a comment) joined by a blank."""
    return " ".join(_inline(paragraph) for paragraph in cell.findall(f"{{{TEXT}}}p"))


def _row(row) -> list[str]:
    """The displayed texts of a row; blanks are added only before a filled cell (trailing padding is dropped)."""
    cells: list[str] = []
    blanks = 0
    for cell in row:
        if cell.tag not in (_t("table-cell"), _t("covered-table-cell")):
            continue
        text = "" if cell.tag == _t("covered-table-cell") else _display(cell)
        repeat = int(cell.get(_t("number-columns-repeated"), "1"))
        if not text:
            blanks += repeat
            continue
        cells.extend([""] * blanks + [text] * (repeat if repeat <= MAX_REPEAT else 1))
        blanks = 0
    return cells


def read_ods(path: Path, data: bytes) -> Document:
    """A Document of every sheet's rows, sheet by sheet."""
    from lxml import etree

    from converter.readers import UnreadableInput

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            content = archive.read("content.xml")
        root = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, huge_tree=True))
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError) as exc:
        raise UnreadableInput(f"{path}: damaged OpenDocument spreadsheet ({exc.__class__.__name__})") from None
    out = LineWriter()
    for page, sheet in enumerate(root.iter(_t("table")), start=1):
        for row in sheet.iter(_t("table-row")):
            cells = _row(row)
            repeat = int(row.get(_t("number-rows-repeated"), "1"))
            for _ in range(min(repeat, MAX_REPEAT) if cells else 1):
                out.row(cells, page)
    return out.document(path, data, "ods")
