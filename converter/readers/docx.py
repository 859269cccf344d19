"""Word documents (.docx, python-docx): body paragraphs and tables in document order, `page` None.

Table cells are read from the XML so merges keep their grid positions: a horizontal merge (gridSpan) and the
continuation of a vertical merge (vMerge) are blank-filled (see `converter.readers.cells`); leading grid columns a
row skips (gridBefore) are blank too. Paragraphs inside content controls (a table of contents) are read as well.
"""

from __future__ import annotations

import io
from pathlib import Path

from converter import limits
from converter.document import Document
from converter.readers.cells import LineWriter


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _text(element) -> str:
    """The text of a paragraph or cell element: its runs' w:t, tabs and breaks as blanks, paragraphs joined."""
    parts = []
    for node in element.iter(_qn("w:t"), _qn("w:tab"), _qn("w:br"), _qn("w:p")):
        parts.append((node.text or "") if node.tag == _qn("w:t") else " ")
    return "".join(parts)


def _grid(table) -> list[list[str]]:
    """The table's rows as cells; a span, a row or the whole grid past the limits is refused before it is built."""
    bound = limits.current()
    rows = []
    total = 0
    for tr in table.iterchildren(_qn("w:tr")):
        before = _int_val(tr.find(f"{_qn('w:trPr')}/{_qn('w:gridBefore')}"))
        limits.check("max_span", before, "a table row skips too many columns (gridBefore)")
        cells: list[str] = [""] * before
        for tc in tr.iterchildren(_qn("w:tc")):
            props = tc.find(_qn("w:tcPr"))
            span = max(1, _int_val(props.find(_qn("w:gridSpan")) if props is not None else None))
            limits.check("max_span", span, "a table cell spans too many columns (gridSpan)")
            if len(cells) + span > bound.max_columns:
                raise limits.exceeded("max_columns", len(cells) + span, bound.max_columns, "a table is too wide")
            vmerge = props.find(_qn("w:vMerge")) if props is not None else None
            continued = vmerge is not None and vmerge.get(_qn("w:val"), "continue") == "continue"
            cells.append("" if continued else _text(tc))
            cells.extend([""] * (span - 1))
        rows.append(cells)
        total += len(cells)
        limits.check("max_table_cells", total, "a table has too many cells")
    width = max((len(row) for row in rows), default=0)
    limits.check("max_table_cells", width * len(rows), "a table has too many cells")
    return [row + [""] * (width - len(row)) for row in rows]


def _int_val(element) -> int:
    if element is None:
        return 0
    try:
        return int(element.get(_qn("w:val"), "0"))
    except ValueError:
        return 0


def _blocks(parent, out: LineWriter) -> None:
    for child in parent.iterchildren():
        if child.tag == _qn("w:p"):
            out.prose(_text(child))
        elif child.tag == _qn("w:tbl"):
            out.table(_grid(child))
        elif child.tag == _qn("w:sdt"):
            content = child.find(_qn("w:sdtContent"))
            if content is not None:
                _blocks(content, out)


def read_docx(path: Path, data: bytes) -> Document:
    """A Document of a Word file's paragraphs and table rows."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    from converter.readers import UnreadableInput

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise UnreadableInput(f"{path}: damaged or unsupported Word file ({exc.__class__.__name__})") from None
    out = LineWriter()
    _blocks(document.element.body, out)
    return out.document(path, data, "docx")
