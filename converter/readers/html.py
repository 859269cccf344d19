"""HTML pages with the narrative and inline `<table>`s (lxml), including GBK/GB2312 pages.

Block elements (p, div, h1–h6, li, br …) become prose lines; each innermost table row becomes a cells Line with
colspan/rowspan expanded (blank-filled, see `converter.readers.cells`). A table holding other tables is page layout:
its cells are read as blocks. `page` is None.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from converter import lazy_re
from converter.document import Document
from converter.readers.cells import LineWriter, Span, expand_spans

SKIP = {"script", "style", "head", "noscript", "template", "select", "button", "iframe"}
BLOCKS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section", "article",
    "header", "footer", "blockquote", "pre", "center", "caption", "title", "td", "th", "tr", "body", "form", "nav",
    "main", "aside", "figure", "figcaption", "address", "hr",
}  # fmt: skip
META_CHARSET = lazy_re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
XML_DECLARATION = lazy_re.compile(r"^\s*<\?xml[^>]*\?>")
CHINESE_LEGACY = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}


def looks_like_html(data: bytes) -> bool:
    """True for a page that opens as HTML (a doctype or an <html> element near the start)."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html")) or (head.startswith(b"<") and b"<html" in head)


def decode_html(data: bytes) -> tuple[str, str]:
    """Text and encoding: a BOM, else the <meta> charset (GB2312/GBK read as GB18030), else UTF-8, else GB18030."""
    from converter.readers import UnreadableInput

    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise UnreadableInput(f"damaged UTF-16 HTML ({exc.reason} at byte {exc.start:,})") from None
    match = META_CHARSET.search(data[:8192])
    declared = match.group(1).decode("ascii").lower() if match else None
    if declared in CHINESE_LEGACY:
        declared = "gb18030"
    candidates = [declared] if declared else []
    candidates += [encoding for encoding in ("utf-8", "gb18030") if encoding != declared]
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    raise UnreadableInput("HTML is neither in its declared charset, UTF-8 nor GB18030/GBK")


def _tag(element) -> str | None:
    return element.tag.lower() if isinstance(element.tag, str) else None


def _own_rows(table) -> list:
    """The rows of a table (thead/tbody/tfoot included), not those of tables nested in it."""
    rows = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in {"thead", "tbody", "tfoot"}:
            rows.extend(row for row in child if _tag(row) == "tr")
    return rows


def _span(cell, name: str) -> int:
    """A colspan/rowspan as an int ≥ 1 (clamped to max_span by expand_spans); digits only, like browsers."""
    match = re.match(r"\s*(\d{1,12})", str(cell.get(name, "1")))
    return max(1, int(match.group(1))) if match else 1


def _cell_text(cell) -> str:
    """A cell's text; a <br> counts as a blank (cells are single-line)."""
    for br in cell.iter("br"):
        br.tail = " " + (br.tail or "")
    return cell.text_content()


def _table_grid(table) -> list[list[str]]:
    rows = []
    for row in _own_rows(table):
        cells = [child for child in row if _tag(child) in {"td", "th"}]
        rows.append([Span(_cell_text(cell), _span(cell, "colspan"), _span(cell, "rowspan")) for cell in cells])
    return expand_spans(rows)


class _Walker:
    """Walks the element tree in document order, writing prose and table rows."""

    def __init__(self) -> None:
        self.out = LineWriter()
        self.buffer: list[str] = []

    def flush(self) -> None:
        if self.buffer:
            self.out.prose("".join(self.buffer))
            self.buffer = []

    def walk(self, element) -> None:
        tag = _tag(element)
        if tag is None or tag in SKIP:
            return
        if tag == "table" and not any(_tag(node) == "table" for node in element.iterdescendants()):
            self.flush()
            self.out.table(_table_grid(element))
            return
        if tag == "br":
            self.flush()
            return
        block = tag in BLOCKS or tag == "table"
        if block:
            self.flush()
        if element.text:
            self.buffer.append(element.text)
        for child in element:
            self.walk(child)
            if child.tail:
                self.buffer.append(child.tail)
        if block:
            self.flush()


def read_html(path: Path, data: bytes) -> Document:
    """A Document of an HTML page's prose lines and table rows."""
    import lxml.html
    from lxml.etree import ParserError

    from converter.readers import UnreadableInput

    try:
        text, encoding = decode_html(data)
    except UnreadableInput as exc:
        raise UnreadableInput(f"{path}: {exc}") from None
    try:
        root = lxml.html.document_fromstring(XML_DECLARATION.sub("", text))
    except (ParserError, ValueError) as exc:
        raise UnreadableInput(f"{path}: unreadable HTML ({exc.__class__.__name__})") from None
    walker = _Walker()
    walker.walk(root.find("body") if root.find("body") is not None else root)
    walker.flush()
    return walker.out.document(path, data, "html", encoding)
