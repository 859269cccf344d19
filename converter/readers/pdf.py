"""PDF reports: the text layer page by page (pdfplumber), lines keeping their page numbers.

Text outside ruled tables becomes lines by vertical overlap, so digits set in another font a few points lower
("年初预算为 万元" / "2993.92") rejoin their line. Each row of a ruled table becomes one Line whose `cells` hold
the cell texts in column order ("" for a blank or merged cell); rows with no text at all are dropped.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from pathlib import Path
from typing import Any

from converter import limits
from converter.document import Document, Line

SAME_LINE_OVERLAP = 0.5  # share of the smaller glyph height two glyphs must share to sit on one line
WORD_GAP = 0.3  # a horizontal gap wider than this share of the glyph size is printed as a space
_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")

Bbox = tuple[float, float, float, float]


def _inside(obj: dict[str, Any], bbox: Bbox) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _overlap(a: list[float], b: dict[str, Any]) -> float:
    shared = min(a[1], b["bottom"]) - max(a[0], b["top"])
    return shared / max(min(a[1] - a[0], b["bottom"] - b["top"]), 0.1)


def _text_lines(chars: list[dict[str, Any]]) -> list[tuple[float, str]]:
    """(top, text) of each visual line: glyphs grouped by vertical overlap, spaces where the gap is wide."""
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
        text = glyphs[0]["text"]
        for before, char in zip(glyphs, glyphs[1:]):
            gap = char["x0"] - before["x1"]
            text += (" " if gap > WORD_GAP * max(char.get("size", 10), 1) else "") + char["text"]
        lines.append((extent[0], text))
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


def _page_lines(page: Any) -> list[tuple[float, str, tuple[str, ...] | None]]:
    """(top, text, cells) of a page in reading order: free text lines and table rows interleaved by position."""
    tables = page.find_tables()
    items: list[tuple[float, str, tuple[str, ...] | None]] = []
    for table in tables:
        for row, values in zip(table.rows, table.extract()):
            cells = tuple(join_wrapped(value) for value in values)
            if any(cells):
                items.append((row.bbox[1], " ".join(cell for cell in cells if cell), cells))
    boxes = [table.bbox for table in tables]
    chars = [char for char in page.chars if not any(_inside(char, box) for box in boxes)]
    items.extend((top, text, None) for top, text in _text_lines(chars))
    items.sort(key=lambda item: item[0])
    return items


def read_pdf(path: Path, data: bytes) -> Document:
    """A Document of the PDF's text lines; a PDF without a text layer (scanned) is refused clearly."""
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    from converter.readers import UnreadableInput

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # damaged streams are reported as page warnings instead
    lines: list[Line] = []
    warnings: list[str] = []
    budget = limits.Budget("PDF pages")
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            limits.check("max_pages", len(pdf.pages), "the PDF has too many pages")
            for page_no, page in enumerate(pdf.pages, start=1):
                budget.check()
                try:
                    items = _page_lines(page)
                except limits.LimitExceeded:
                    raise
                except Exception as exc:  # a damaged page: keep the others
                    warnings.append(f"page {page_no}: unreadable ({exc.__class__.__name__})")
                    continue
                for _top, text, cells in items:
                    lines.append(Line(text=text, line_no=len(lines) + 1, page=page_no, cells=cells))
    except (PdfminerException, ValueError, KeyError, TypeError) as exc:
        raise UnreadableInput(f"{path}: damaged or truncated PDF ({exc.__class__.__name__})") from None
    if not any(line.text.strip() for line in lines):
        raise UnreadableInput(f"{path}: the PDF has no text layer (scanned images?); OCR is not supported")
    return Document(
        lines=lines,
        source_file=path.name,
        source_sha256=hashlib.sha256(data).hexdigest(),
        source_format="pdf",
        warnings=warnings,
    )
