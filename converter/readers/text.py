"""Plain-text reports (pdftotext output, copied text, Markdown): encoding detection and lines."""

from __future__ import annotations

import hashlib
from pathlib import Path

from converter import limits
from converter.document import Document, Line

# Tried in order; GB18030 is a superset of GBK and GB2312.
ENCODINGS = ("utf-8-sig", "gb18030", "utf-16")


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 (with BOM) or GB18030/GBK."""
    from converter.readers import UnreadableInput

    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise UnreadableInput(f"damaged UTF-16 text ({exc.reason} at byte {exc.start:,})") from None
    if b"\x00" in data[:4096]:
        raise UnreadableInput("binary file (NUL bytes), not a text report")
    for encoding in ENCODINGS[:2]:
        try:
            return data.decode(encoding), ("utf-8" if encoding == "utf-8-sig" else encoding)
        except UnicodeDecodeError as exc:
            if encoding == "utf-8-sig" and exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
                return data[: exc.start].decode(encoding), "utf-8"  # a file cut inside its last character
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
    limits.check("max_lines", text.count("\n") + 1, "too many lines for a report")
    has_pages = "\f" in text
    page = 1 if has_pages else None
    lines: list[Line] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        if has_pages and "\f" in raw:
            page += raw.count("\f")
            raw = raw.replace("\f", "")
        lines.append(Line(text=raw, line_no=number, page=page))
    return Document(
        lines=lines,
        source_file=path.name,
        source_sha256=hashlib.sha256(data).hexdigest(),
        source_format="txt",
        encoding=encoding,
    )
