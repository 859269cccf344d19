"""Plain-text reports (pdftotext output, copied text, Markdown): encoding detection (UTF-8, GB18030, Big5) and lines."""

from __future__ import annotations

import hashlib
from pathlib import Path

from converter import limits
from converter.document import Document, Line

# Tried in order; GB18030 is a superset of GBK and GB2312.
ENCODINGS = ("utf-8-sig", "gb18030", "utf-16")
BIG5_WORDS = ("決算", "預算", "財政", "萬元", "支出", "收入")  # words of a report in Traditional Chinese


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 (with BOM), GB18030/GBK or Big5."""
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
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            if encoding == "utf-8-sig" and exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
                return data[: exc.start].decode(encoding), "utf-8"  # a file cut inside its last character
            continue
        if encoding == "gb18030":
            return _gb_or_big5(data, text)
        return text, "utf-8"
    raise UnreadableInput("text is neither UTF-8 nor GB18030/GBK")


def _gb_or_big5(data: bytes, gb_text: str) -> tuple[str, str]:
    """GB18030 unless the bytes read as Big5 (Traditional Chinese) name more report words: GB18030 decodes most Big5
    bytes without error, into nonsense."""
    try:
        big5_text = data.decode("cp950")
    except UnicodeDecodeError:
        return gb_text, "gb18030"
    return (big5_text, "big5") if _report_words(big5_text) > _report_words(gb_text) else (gb_text, "gb18030")


def _report_words(text: str) -> int:
    return sum(text.count(word) for word in BIG5_WORDS)


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
