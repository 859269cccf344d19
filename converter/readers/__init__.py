"""Readers: one small module per file format, each returning the same `Document`."""

from __future__ import annotations

from pathlib import Path

from converter import limits
from converter.document import Document


class UnreadableInput(Exception):
    """The file cannot be read as a report (missing, empty, binary, damaged, over a limit); one line naming it."""


HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
CONTAINER_SUFFIXES = {".pdf", ".xlsx", ".docx", ".xls", ".doc", ".et", ".ods", ".png", ".jpg", ".jpeg", ".tif", ".tiff",
                      ".bmp"}  # binary formats: bounded by max_input_bytes, not by the text limit
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
XLS_SUFFIXES = {".xls", ".et"}
MIMETYPE_ODS = b"application/vnd.oasis.opendocument.spreadsheet"
DOC_SUFFIXES = {".doc", ".wps"}
WORKBOOK_STREAM, WORD_STREAM = "Workbook".encode("utf-16-le"), "WordDocument".encode("utf-16-le")  # OLE2 entries


def _legacy_format(path: Path, data: bytes) -> str:
    """'xls' for a legacy Excel/WPS workbook (an OLE2 file with a Workbook stream); legacy Word is refused clearly."""
    if WORKBOOK_STREAM in data or path.suffix.lower() in XLS_SUFFIXES:
        return "xls"
    if WORD_STREAM in data or path.suffix.lower() in DOC_SUFFIXES:
        raise UnreadableInput(f"{path}: legacy Word binary file (.doc/.wps) cannot be read; save it as .docx")
    raise UnreadableInput(f"{path}: legacy Office binary file that is neither a workbook nor a document")


def _office_format(path: Path, data: bytes) -> str | None:
    """'docx', 'xlsx', 'ods' or 'xls' for an Office file; legacy Word and other archives are refused clearly."""
    if data.startswith(OLE2):
        return _legacy_format(path, data)
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
        mimetype = archive.read("mimetype").strip() if "mimetype" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, zlib.error):
        raise UnreadableInput(f"{path}: damaged ZIP archive (not a readable .docx/.xlsx/.ods)") from None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names and mimetype == MIMETYPE_ODS:
        return "ods"
    raise UnreadableInput(f"{path}: a ZIP archive that is neither a .docx, an .xlsx nor an .ods report")


IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"}
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
REPORT_SUFFIXES = frozenset(
    {".txt", ".pdf", *HTML_SUFFIXES, ".xlsx", ".xls", ".et", ".ods", ".docx", *IMAGE_SUFFIXES}
)


def page_images(folder: Path) -> list[Path]:
    """A folder's page images in name order, when it holds images and no other report file (else [])."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES)
    return files if files and all(p.suffix.lower() in IMAGE_SUFFIXES for p in files) else []


def _read_images(paths: list[Path], source_file: str) -> Document:
    from converter.readers.ocr import OcrUnavailable, read_images

    try:
        return read_images(paths, source_file)
    except OcrUnavailable as exc:
        raise UnreadableInput(f"{paths[0]}: {exc}") from None


def read_document(path: str | Path) -> Document:
    """Read any supported report file into a Document (format chosen by content and suffix), in Simplified Chinese;
    a folder of page images (and nothing else) is one report whose pages are the images in name order."""
    from converter.readers.script import to_simplified

    return to_simplified(_read_file(Path(path)))


def _read_file(path: Path) -> Document:
    """Read a file (or a folder of page images) within the limits; every failure is one UnreadableInput line."""
    if not path.exists():
        raise UnreadableInput(f"{path}: no such file")
    if path.is_dir() and page_images(path):
        return _read_images(page_images(path), path.name)
    if not path.is_file():
        raise UnreadableInput(f"{path}: not a file")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
        binary = (b"%PDF", b"PK\x03\x04", OLE2, *IMAGE_MAGIC)
        container = head.startswith(binary) or path.suffix.lower() in CONTAINER_SUFFIXES
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
    if suffix in IMAGE_SUFFIXES or data.startswith(IMAGE_MAGIC):
        return _read_images([path], path.name)
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
    if office == "ods":
        from converter.readers.ods import read_ods

        return read_ods(path, data)
    if office == "xls":
        from converter.readers.xls import read_xls

        return read_xls(path, data)
    from converter.readers.html import looks_like_html

    if suffix in HTML_SUFFIXES or looks_like_html(data):
        from converter.readers.html import read_html

        return read_html(path, data)
    from converter.readers.text import read_text

    return read_text(path, data)
