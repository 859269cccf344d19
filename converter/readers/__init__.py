"""Readers: one small module per file format, each returning the same `Document`."""

from __future__ import annotations

from pathlib import Path

from converter.document import Document


class UnreadableInput(Exception):
    """The file cannot be read as a report (missing, empty, binary, unknown format)."""


def read_document(path: str | Path) -> Document:
    """Read any supported report file into a Document (format chosen by content and suffix)."""
    path = Path(path)
    if not path.exists():
        raise UnreadableInput(f"{path}: no such file")
    if not path.is_file():
        raise UnreadableInput(f"{path}: not a file")
    data = path.read_bytes()
    if not data.strip():
        raise UnreadableInput(f"{path}: the file is empty")
    suffix = path.suffix.lower()
    if data.startswith(b"%PDF") or suffix == ".pdf":
        from converter.readers.pdf import read_pdf

        return read_pdf(path, data)
    from converter.readers.text import read_text

    return read_text(path, data)
