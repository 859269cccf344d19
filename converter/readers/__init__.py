"""Readers: one small module per file format, each returning the same `Document`."""

from __future__ import annotations

from pathlib import Path

from converter import limits
from converter.document import Document


class UnreadableInput(Exception):
    """The file cannot be read as a report (missing, empty, binary, damaged, over a limit); one line naming it."""


HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
CONTAINER_SUFFIXES = {".pdf", ".xlsx", ".docx", ".xls", ".doc"}
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _office_format(path: Path, data: bytes) -> str | None:
    """'docx' or 'xlsx' for an Office Open XML package; legacy and other archives are refused clearly."""
    if data.startswith(OLE2):
        raise UnreadableInput(
            f"{path}: legacy Word/Excel binary file (.doc/.xls/.et/.wps); open it and save it as .docx or .xlsx"
        )
    if not data.startswith(b"PK\x03\x04"):
        return None
    import io
    import zipfile
    import zlib

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [member for member in archive.infolist() if member.filename.endswith((".xml", ".rels", ".vml"))]
        limits.check("max_unpacked_bytes", sum(m.file_size for m in members), "the archive's XML unpacks too large")
        for member in members:  # Office XML never declares a DTD: one that does is an XXE or entity-expansion attack
            with archive.open(member) as handle:
                if b"<!DOCTYPE" in handle.read(4096):
                    raise UnreadableInput(
                        f"{path}: {member.filename} declares a DTD (XML entities); refused for safety"
                    )
        names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, zlib.error):
        raise UnreadableInput(f"{path}: damaged ZIP archive (not a readable .docx/.xlsx)") from None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    raise UnreadableInput(f"{path}: a ZIP archive that is neither a .docx nor an .xlsx report")


def read_document(path: str | Path) -> Document:
    """Read any supported report file into a Document (format chosen by content and suffix)."""
    path = Path(path)
    if not path.exists():
        raise UnreadableInput(f"{path}: no such file")
    if not path.is_file():
        raise UnreadableInput(f"{path}: not a file")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
        container = head.startswith((b"%PDF", b"PK\x03\x04", OLE2)) or path.suffix.lower() in CONTAINER_SUFFIXES
        size = path.stat().st_size
        if container:
            limits.check("max_input_bytes", size, "the file is too large")
        else:  # text or HTML: refused before it is read into memory
            limits.check("max_text_bytes", size, "the text is too large for a report")
        data = path.read_bytes()
    except limits.LimitExceeded as exc:
        raise UnreadableInput(f"{path}: {exc}") from None
    except OSError as exc:
        raise UnreadableInput(f"{path}: cannot read the file ({exc.strerror or exc.__class__.__name__})") from None
    if not data.strip():
        raise UnreadableInput(f"{path}: the file is empty")
    try:
        document = _read(path, data)
        limits.check("max_lines", len(document.lines), "too many lines for a report")
        limits.check("max_document_chars", sum(len(line.text) for line in document.lines), "too much text for a report")
        return document
    except UnreadableInput:
        raise
    except limits.LimitExceeded as exc:
        raise UnreadableInput(f"{path}: {exc}") from None
    except (RecursionError, MemoryError) as exc:
        raise UnreadableInput(f"{path}: too deeply nested or too large ({exc.__class__.__name__})") from None
    except Exception as exc:  # a parser library failing on a damaged file: one line, never a traceback
        raise UnreadableInput(f"{path}: damaged or unsupported file ({_reason(exc)})") from None


def _reason(exc: BaseException) -> str:
    """An exception as a short one-line reason."""
    message = " ".join(str(exc).split())
    if len(message) > 160:
        message = message[:157] + "..."
    return f"{exc.__class__.__name__}: {message}" if message else exc.__class__.__name__


def _read(path: Path, data: bytes) -> Document:
    """Dispatch to the reader of the file's format (by content, then by suffix)."""
    suffix = path.suffix.lower()
    if data.startswith(b"%PDF") or suffix == ".pdf":
        from converter.readers.pdf import read_pdf

        return read_pdf(path, data)
    office = _office_format(path, data)
    if office == "docx":
        from converter.readers.docx import read_docx

        return read_docx(path, data)
    if office == "xlsx":
        from converter.readers.xlsx import read_xlsx

        return read_xlsx(path, data)
    from converter.readers.html import looks_like_html

    if suffix in HTML_SUFFIXES or looks_like_html(data):
        from converter.readers.html import read_html

        return read_html(path, data)
    from converter.readers.text import read_text

    return read_text(path, data)
