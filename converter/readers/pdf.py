"""PDF reports: the text layer page by page (pdfplumber), lines keeping their page numbers."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from converter.document import Document, Line


def read_pdf(path: Path, data: bytes) -> Document:
    """A Document of the PDF's text lines; a PDF without a text layer (scanned) is refused clearly."""
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    from converter.readers import UnreadableInput

    lines: list[Line] = []
    warnings: list[str] = []
    number = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page_no, page in enumerate(pdf.pages, start=1):
                try:
                    text = page.extract_text(layout=False) or ""
                except Exception as exc:  # a damaged page: keep the others
                    warnings.append(f"page {page_no}: unreadable ({exc.__class__.__name__})")
                    continue
                for raw in text.split("\n"):
                    number += 1
                    lines.append(Line(text=raw, line_no=number, page=page_no))
    except (PdfminerException, ValueError, KeyError, TypeError) as exc:
        raise UnreadableInput(f"{path}: damaged or truncated PDF ({exc.__class__.__name__})") from None
    if not any(line.text.strip() for line in lines):
        raise UnreadableInput(f"{path}: the PDF has no text layer (scanned images?); OCR is not supported")
    return Document(lines=lines, source_file=path.name, source_sha256=hashlib.sha256(data).hexdigest(),
                    source_format="pdf", warnings=warnings)
