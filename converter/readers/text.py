"""Plain-text reports (pdftotext output, copied text, Markdown): encoding detection and lines."""

from __future__ import annotations

import hashlib
from pathlib import Path

from converter.document import Document, Line

# Tried in order; GB18030 is a superset of GBK and GB2312.
ENCODINGS = ("utf-8-sig", "gb18030", "utf-16")


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 (with BOM) or GB18030/GBK."""
    from converter.readers import UnreadableInput

    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:4096]:
        raise UnreadableInput("binary file (NUL bytes), not a text report")
    for encoding in ENCODINGS[:2]:
        try:
            return data.decode(encoding), ("utf-8" if encoding == "utf-8-sig" else encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableInput("text is neither UTF-8 nor GB18030/GBK")


def read_text(path: Path, data: bytes) -> Document:
    """A Document from text bytes: universal line ends, form feeds counted as page breaks."""
    from converter.readers import UnreadableInput

    try:
        text, encoding = decode(data)
    except UnreadableInput as exc:
        raise UnreadableInput(f"{path}: {exc}") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    has_pages = "\f" in text
    page = 1 if has_pages else None
    lines: list[Line] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        if not has_pages or "\f" not in raw:
            lines.append(Line(text=raw, line_no=number, page=page))
            continue
        # A page break inside a line (pdfplumber/PDFium text joined by form feeds) splits it: the text before the
        # break ends one page, the text after it starts the next (same source line number).
        parts = raw.split("\f")
        for index, part in enumerate(parts):
            if part or index == len(parts) - 1 and not any(parts):
                lines.append(Line(text=part, line_no=number, page=page))
            if index < len(parts) - 1:
                page += 1
    return Document(
        lines=lines,
        source_file=path.name,
        source_sha256=hashlib.sha256(data).hexdigest(),
        source_format="txt",
        encoding=encoding,
    )
