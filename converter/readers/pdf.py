"""PDF reports: the text layer page by page, lines keeping their page numbers; OCR where there is none.

Each page is parsed by PDFium (`converter.readers.pdf_layer`: its chars, ruling lines and pictures in pdfplumber's
terms) and its ruled tables are found by pdfplumber's table finder; `engine="pdfplumber"` parses the page with
pdfplumber itself (pdfminer: reading costs about four times as much) and gives the same Document.

Text outside ruled tables becomes lines by vertical overlap, so digits set in another font a few points lower
("年初预算为 万元" / "2993.92") rejoin their line. Each row of a ruled table becomes one Line whose `cells` hold
the cell texts in column order ("" for a blank or merged cell); rows with no text at all are dropped.

Decided page by page: a page with (almost) no text layer is rendered by PDFium and read by OCR, and so is a large
picture on a text page that has no text over it (a table pasted as an image); their lines carry the OCR `words`
(see `converter.readers.ocr`). A page without text that draws only ruling lines and rectangles (an empty table) has
nothing to read. A report mixing both kinds of pages reads each its own way.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from converter import lazy_re, limits
from converter.document import Document, Line, Word
from converter.model import Finding
from converter.readers.ocr import (
    MISSING_EXTRA,
    OcrLine,
    OcrUnavailable,
    add_lines,
    engine_name,
    ocr_pdf_pages,
    page_ranges,
    unread_page_finding,
)

MIN_TEXT_CHARS = 8  # a page with fewer printed characters in its text layer is read by OCR
MIN_PICTURE_SHARE = 0.15  # a picture covering this share of a text page, with no text over it, is read by OCR
SAME_LINE_OVERLAP = 0.5  # share of the smaller glyph height two glyphs must share to sit on one line
WORD_GAP = 0.3  # a horizontal gap wider than this share of the glyph size is printed as a space
PDFIUM_PASSWORD_ERROR = 4  # FPDF_ERR_PASSWORD: the document needs a password to open
_CJK = lazy_re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")

Bbox = tuple[float, float, float, float]


def _inside(obj: dict[str, Any], bbox: Bbox) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _overlap(a: list[float], b: dict[str, Any]) -> float:
    shared = min(a[1], b["bottom"]) - max(a[0], b["top"])
    return shared / max(min(a[1] - a[0], b["bottom"] - b["top"]), 0.1)


def _text_lines(chars: list[dict[str, Any]]) -> list[tuple[float, str, tuple[Word, ...]]]:
    """(top, text, words) of each visual line: glyphs grouped by vertical overlap, spaces where the gap is wide;
    each space-separated word keeps its box."""
    rows: list[tuple[list[float], list[dict[str, Any]]]] = []
    for char in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if not char["text"].strip():
            continue
        best = max(rows[-3:], key=lambda row: _overlap(row[0], char), default=None)
        if best is not None and _overlap(best[0], char) >= SAME_LINE_OVERLAP:
            best[1].append(char)
        else:
            rows.append(([char["top"], char["bottom"]], [char]))
    lines = []
    for extent, glyphs in rows:
        glyphs.sort(key=lambda c: c["x0"])
        words = [[glyphs[0]]]
        for before, char in zip(glyphs, glyphs[1:]):
            if char["x0"] - before["x1"] > WORD_GAP * max(char.get("size", 10), 1):
                words.append([char])
            else:
                words[-1].append(char)
        boxes = tuple(Word("".join(c["text"] for c in word), word[0]["x0"], max(c["x1"] for c in word),
                           min(c["top"] for c in word), max(c["bottom"] for c in word)) for word in words)
        lines.append((extent[0], " ".join(word.text for word in boxes), boxes))
    return lines


def join_wrapped(text: str | None) -> str:
    """A cell's text with its wrapped lines rejoined (no space between CJK parts, one space otherwise)."""
    parts = [part.strip() for part in (text or "").split("\n") if part.strip()]
    if not parts:
        return ""
    joined = parts[0]
    for part in parts[1:]:
        cjk = _CJK.match(joined[-1]) and _CJK.match(part[0])
        joined += ("" if cjk else " ") + part
    return joined


def only_rules(page: Any) -> bool:
    """True when a page draws nothing but lines and rectangles: no picture, no curve (glyph outlines are curves)."""
    return not page.images and not page.curves


def ocr_regions(page: Any) -> list[Bbox | None]:
    """What of a page needs OCR: [None] for the whole page (no text layer), the boxes of large pictures without text
    over them, or nothing (a text page, or a page of ruling lines only)."""
    printed = [char for char in page.chars if char["text"].strip()]
    if len(printed) < MIN_TEXT_CHARS:
        return [] if not printed and only_rules(page) else [None]
    area = float(page.width * page.height) or 1.0
    regions: list[Bbox | None] = []
    for image in page.images:
        box = (float(image["x0"]), float(image["top"]), float(image["x1"]), float(image["bottom"]))
        if (box[2] - box[0]) * (box[3] - box[1]) / area >= MIN_PICTURE_SHARE and \
                sum(1 for char in printed if _inside(char, box)) < MIN_TEXT_CHARS:
            regions.append(box)
    return regions


Item = tuple[float, str, tuple[str, ...] | None, tuple[Word, ...] | None]


def _page_lines(page: Any) -> list[Item]:
    """(top, text, cells, words) of a page in reading order: free text lines (with their words' boxes) and table
    rows (with their cells) interleaved by position."""
    tables = page.find_tables()
    items: list[Item] = []
    for table in tables:
        for row, values in zip(table.rows, table.extract()):
            cells = tuple(join_wrapped(value) for value in values)
            if any(cells):
                items.append((row.bbox[1], " ".join(cell for cell in cells if cell), cells, None))
    boxes = [table.bbox for table in tables]
    chars = [char for char in page.chars if not any(_inside(char, box) for box in boxes)]
    items.extend((top, text, None, words) for top, text, words in _text_lines(chars))
    items.sort(key=lambda item: item[0])
    return items


class _Pages:
    """The Document being read: each page's text-layer lines, then the OCR of the pages (or pictures) that need it."""

    def __init__(self) -> None:
        self.items: dict[int, list[tuple[*Item, OcrLine | None]]] = {}  # type: ignore[valid-type]
        self.jobs: list[tuple[int, list]] = []
        self.text_pages = 0
        self.no_ocr = False  # pages needed OCR but the extra is not installed

    def read(self, page: Any, page_no: int) -> None:
        regions = ocr_regions(page)
        items = [] if regions == [None] else [(*item, None) for item in _page_lines(page)]
        self.text_pages += 0 if regions == [None] else 1
        self.items[page_no] = items
        if regions:
            self.jobs.append((page_no, regions))

    def document_parts(self, data: bytes) -> tuple[list[Line], list[Finding], list[int], list[str]]:
        """Lines in page order, OCR findings, the pages OCR read, and warnings (pages left unread)."""
        findings: list[Finding] = []
        ocr_pages: list[int] = []
        warnings: list[str] = []
        try:
            results = ocr_pdf_pages(data, self.jobs) if self.jobs else []
        except OcrUnavailable:
            self.no_ocr = True
            findings += [unread_page_finding(page_no) for page_no, _regions in self.jobs]
            warnings += [f"page {page_no}: no text layer, not read (no OCR)" for page_no, _regions in self.jobs]
            results = [[] for _job in self.jobs]
        for (page_no, _regions), ocr_lines in zip(self.jobs, results):
            if ocr_lines is None:
                warnings.append(f"page {page_no}: OCR failed")
                continue
            self.items[page_no] += [(line.top, line.text, None, None, line) for line in ocr_lines]
            self.items[page_no].sort(key=lambda item: item[0])
            if ocr_lines:
                ocr_pages.append(page_no)
        lines: list[Line] = []
        for page_no in sorted(self.items):
            for _top, text, cells, words, ocr_line in self.items[page_no]:
                if ocr_line is None:
                    lines.append(Line(text=text, line_no=len(lines) + 1, page=page_no, cells=cells, words=words))
                else:
                    add_lines(lines, findings, [ocr_line], page_no)
        return lines, findings, ocr_pages, warnings


def _pdfium_pages(data: bytes) -> Iterator[Any]:
    """Each page of the PDF as parsed by PDFium (a `PageLayer`, in pdfplumber's coordinates), or the exception that
    made a damaged page unreadable. PDFium is not thread-safe: it is only entered holding the OCR's PDFium lock."""
    import pypdfium2

    from converter.readers.ocr import _PDFIUM
    from converter.readers.pdf_layer import PageLayer

    with _PDFIUM:
        document = pypdfium2.PdfDocument(data)
    try:
        limits.check("max_pages", len(document), "the PDF has too many pages")
        doctop = 0.0
        for index in range(len(document)):
            with _PDFIUM:
                try:
                    page = document[index]
                    try:
                        layer = PageLayer(page, doctop)
                    finally:
                        page.close()
                except Exception as exc:  # a damaged page: the others are still read
                    layer = exc
            if not isinstance(layer, Exception):
                doctop += layer.height
            yield layer
    finally:
        with _PDFIUM:
            document.close()


def _pdfplumber_pages(data: bytes) -> Iterator[Any]:
    """Each page of the PDF as parsed by pdfplumber (pdfminer)."""
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # damaged streams are reported as page warnings instead
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        limits.check("max_pages", len(pdf.pages), "the PDF has too many pages")
        yield from pdf.pages


def _damaged_pdf_errors() -> tuple[type[Exception], ...]:
    import pypdfium2
    from pdfplumber.utils.exceptions import PdfminerException

    return (pypdfium2.PdfiumError, PdfminerException, ValueError, KeyError, TypeError)


def read_pdf(path: Path, data: bytes, engine: str = "pdfium") -> Document:
    """A Document of the PDF's text lines; pages (or pictures) without a text layer are read by OCR. `engine` parses
    the pages: "pdfium" (fast) or "pdfplumber" (the reference it reproduces)."""
    from converter.readers import UnreadableInput

    pages = _Pages()
    warnings: list[str] = []
    budget = limits.Budget("PDF pages")
    parsed = {"pdfium": _pdfium_pages, "pdfplumber": _pdfplumber_pages}[engine](data)
    try:
        for page_no, page in enumerate(parsed, start=1):
            budget.check()
            try:
                if isinstance(page, Exception):
                    raise page
                pages.read(page, page_no)
            except limits.LimitExceeded:
                raise
            except Exception as exc:  # a damaged page: keep the others
                warnings.append(f"page {page_no}: unreadable ({exc.__class__.__name__})")
    except _damaged_pdf_errors() as exc:
        if getattr(exc, "err_code", None) == PDFIUM_PASSWORD_ERROR:
            raise UnreadableInput(f"{path}: the PDF is protected by a password; save an unprotected copy") from None
        raise UnreadableInput(f"{path}: damaged or truncated PDF ({exc.__class__.__name__})") from None
    finally:
        parsed.close()
    lines, findings, ocr_pages, unread = pages.document_parts(data)
    if not any(line.text.strip() for line in lines):
        if pages.no_ocr:
            raise UnreadableInput(f"{path}: no text layer (scanned pages?); {MISSING_EXTRA}")
        if not pages.jobs:
            raise UnreadableInput(f"{path}: no text layer, and its pages draw only lines and rectangles")
        raise UnreadableInput(f"{path}: no text layer, and OCR found no text on its pages")
    return Document(
        lines=lines,
        source_file=path.name,
        source_sha256=hashlib.sha256(data).hexdigest(),
        source_format="pdf" if pages.text_pages else "pdf-ocr",
        warnings=warnings + unread,
        findings=findings,
        ocr=f"pages {page_ranges(ocr_pages)} · {engine_name()}" if ocr_pages else None,
    )
