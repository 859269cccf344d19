"""Damaged and hostile inputs of every format, and what converting one ends in (tests/test_fuzz_*.py, bench/fuzz.py).

Every input must end in exactly one of: a valid package, or an `UnreadableInput` whose message is one line naming
the file. Anything else is counted: a traceback (any other exception), a hang (past the time budget), an invalid
package (written, but `validate` finds problems), a refusal of invalid records (the converter produced records the
schemas refuse), or a leftover (a temporary folder left in the output folder).
"""

from __future__ import annotations

import io
import random
import signal
import time
import traceback
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from conftest import SAMPLES, SEED_FILES

KINDS = ("package", "refused", "traceback", "hang", "invalid_package", "invalid_records", "leftover")
BAD_KINDS = ("traceback", "hang", "invalid_package", "invalid_records", "leftover")
BUDGET_SECONDS = 30.0  # per input: far above any real report here (a 25-page PDF reads in about 1 s)


@dataclass
class Outcome:
    kind: str  # one of KINDS
    detail: str
    seconds: float


class Hang(Exception):
    pass


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise Hang in the main thread once the budget is spent (SIGALRM; interrupts Python code)."""

    def expire(signum, frame):
        raise Hang(f"still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def convert_case(path: Path, out: Path, budget: float = BUDGET_SECONDS, frictionless: bool = False) -> Outcome:
    """Convert one input into `out` (forced) and classify what happened."""
    from converter.convert import convert_file
    from converter.package import FieldTooLong, InvalidRecords, write_package
    from converter.readers import UnreadableInput
    from converter.validate import validate_package

    start = time.monotonic()
    try:
        with time_budget(budget):
            try:
                target = write_package(convert_file(path), out, force=True)
            except (UnreadableInput, FieldTooLong) as exc:
                message = str(exc)
                if "\n" in message or path.name not in message:
                    return Outcome("traceback", f"refusal not one line naming the file: {message!r}", _since(start))
                return Outcome("refused", message, _since(start))
            except InvalidRecords as exc:
                return Outcome("invalid_records", str(exc), _since(start))
            problems = validate_package(target, frictionless=frictionless)
    except Hang as exc:
        return Outcome("hang", str(exc), _since(start))
    except Exception as exc:  # noqa: BLE001 - what the fuzz suite counts
        detail = "".join(traceback.format_exception_only(exc)).strip()
        return Outcome("traceback", f"{detail}\n{traceback.format_exc(limit=-3)}", _since(start))
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".")] if out.is_dir() else []
    if leftovers:
        return Outcome("leftover", ", ".join(leftovers), _since(start))
    if problems:
        return Outcome("invalid_package", "; ".join(map(str, problems[:3])), _since(start))
    return Outcome("package", target.name, _since(start))


def _since(start: float) -> float:
    return time.monotonic() - start


# ---------------------------------------------------------------------------------------------------------------
# Base files of every format


def seed_text(number: str = "001") -> str:
    return SEED_FILES[number].read_text(encoding="utf-8")


def base_files(folder: Path) -> dict[str, Path]:
    """A valid report per format: the text seeds, seed 001 as HTML, XLSX and DOCX, the Shanghai template PDF."""
    from test_formats_seed001 import write_docx, write_html, write_xlsx

    folder.mkdir(parents=True, exist_ok=True)
    files = {f"txt-{number}": path for number, path in SEED_FILES.items()}
    files["html"] = write_html(folder / "report.html")
    files["xlsx"] = write_xlsx(folder / "report.xlsx")
    files["docx"] = write_docx(folder / "report.docx")
    files["pdf"] = SAMPLES / "shanghai-template-2024.pdf"
    return files


# ---------------------------------------------------------------------------------------------------------------
# Byte-level damage


def flip_bytes(data: bytes, rng: random.Random, count: int) -> bytes:
    buffer = bytearray(data)
    for _ in range(count):
        buffer[rng.randrange(len(buffer))] = rng.randrange(256)
    return bytes(buffer)


def damage(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One random damage of a file's bytes: truncation, flipped bytes, a dropped or repeated slice, garbage."""
    how = rng.choice(("truncate", "flip", "flip-many", "drop", "repeat", "garbage"))
    if how == "truncate":
        return how, data[: rng.randrange(1, len(data))]
    if how == "flip":
        return how, flip_bytes(data, rng, rng.randint(1, 8))
    if how == "flip-many":
        return how, flip_bytes(data, rng, max(1, len(data) // 500))
    start = rng.randrange(len(data))
    end = min(len(data), start + rng.randint(1, 5000))
    if how == "drop":
        return how, data[:start] + data[end:]
    if how == "repeat":
        return how, data[:end] + data[start:end] * rng.randint(1, 5) + data[end:]
    return how, data[:start] + rng.randbytes(rng.randint(1, 2000)) + data[start:]


def damage_lines(text: str, rng: random.Random) -> tuple[str, str]:
    """Line-level damage of a report's text (it stays decodable, so the damage reaches the tables): lines dropped,
    repeated, swapped or cut, cells emptied, digits changed, stray text inserted."""
    lines = text.split("\n")
    done = []
    for _ in range(rng.randint(1, 12)):
        how = rng.choice(("drop", "repeat", "swap", "cut", "empty-cell", "digit", "insert", "blank-label"))
        at = rng.randrange(len(lines))
        done.append(how)
        if how == "drop":
            del lines[at : at + rng.randint(1, 40)]
        elif how == "repeat":
            lines[at:at] = lines[at : at + rng.randint(1, 20)]
        elif how == "swap":
            other = rng.randrange(len(lines))
            lines[at], lines[other] = lines[other], lines[at]
        elif how == "cut":
            lines[at] = lines[at][: rng.randrange(len(lines[at]) + 1)]
        elif how in {"empty-cell", "blank-label"} and "\t" in lines[at]:
            cells = lines[at].split("\t")
            cells[0 if how == "blank-label" else rng.randrange(len(cells))] = rng.choice(("", " ", "\u3000"))
            lines[at] = "\t".join(cells)
        elif how == "digit" and any(c.isdigit() for c in lines[at]):
            positions = [i for i, c in enumerate(lines[at]) if c.isdigit()]
            i = rng.choice(positions)
            lines[at] = lines[at][:i] + rng.choice("0123456789.,-") + lines[at][i + 1 :]
        elif how == "insert":
            stray = ("合计", "\t\t", "一、", "单位：万元", "—", "公开05表", "-16-", "\f", "0.00\t")
            lines.insert(at, rng.choice(stray))
    if rng.random() < 0.1:
        lines.append("一、" + "说明" * rng.randint(1, 80_000))  # a long heading line
    return "lines-" + "+".join(sorted(set(done))), "\n".join(lines)


def rezip(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """An Office file with its members changed (None drops a member)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = change(info.filename, source.read(info.filename))
            if content is not None:
                target.writestr(info.filename, content)
    return out.getvalue()


def damage_member(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """An Office file with one XML member truncated, byte-flipped or removed (the ZIP itself stays sound)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = [name for name in archive.namelist() if name.endswith((".xml", ".rels"))]
    victim = rng.choice(names)
    how = rng.choice(("truncate", "flip", "drop"))

    def change(name: str, content: bytes) -> bytes | None:
        if name != victim:
            return content
        if how == "drop":
            return None
        if how == "truncate":
            return content[: rng.randrange(len(content) + 1)]
        return flip_bytes(content, rng, rng.randint(1, 5)) if content else content

    return f"member-{how}:{victim}", rezip(data, change)


# ---------------------------------------------------------------------------------------------------------------
# The probes of issue 13, one function each: folder → the hostile file


XXE_DTD = b'<!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
LAUGHS_DTD = (b'<!DOCTYPE worksheet [<!ENTITY e0 "lol">'
              + b"".join(b'<!ENTITY e%d "%s">' % (i, b"&e%d;" % (i - 1) * 10) for i in range(1, 10)) + b"]>")


def _workbook(folder: Path, name: str, fill: Callable) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    fill(workbook.active)
    path = folder / name
    workbook.save(path)
    return path


def probe_xlsx_damaged_zip(folder: Path) -> Path:
    data = _workbook(folder, "ok.xlsx", lambda s: s.append(["决算", 1.5])).read_bytes()
    path = folder / "damaged-zip.xlsx"
    cut = data.rindex(b"PK\x01\x02")  # into the central directory
    path.write_bytes(data[: cut + 30] + b"\x00" * 10)
    return path


def probe_xlsx_xml_error(folder: Path) -> Path:
    data = _workbook(folder, "ok.xlsx", lambda s: s.append(["决算", 1.5])).read_bytes()
    path = folder / "xml-error.xlsx"
    path.write_bytes(rezip(data, lambda n, c: c[: len(c) // 2] if n == "xl/worksheets/sheet1.xml" else c))
    return path


def xlsx_with_entity(folder: Path, name: str, dtd: bytes, entity: bytes) -> Path:
    """A workbook whose sheet declares a DTD and whose cell text is an entity reference."""
    data = _workbook(folder, "ok.xlsx", lambda s: s.append(["决算"])).read_bytes()

    def change(member: str, content: bytes) -> bytes:
        if member != "xl/worksheets/sheet1.xml":
            return content
        return b'<?xml version="1.0"?>' + dtd + content.replace(b"&#20915;&#31639;", entity)

    path = folder / name
    path.write_bytes(rezip(data, change))
    return path


def probe_xlsx_xxe(folder: Path) -> Path:
    return xlsx_with_entity(folder, "xxe.xlsx", XXE_DTD, b"&e;")


def probe_xlsx_billion_laughs(folder: Path) -> Path:
    return xlsx_with_entity(folder, "laughs.xlsx", LAUGHS_DTD, b"&e9;")


def _docx_with_entity(folder: Path, name: str, dtd: bytes, entity: bytes) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("ENTITY")
    document.save(folder / "entity-base.docx")

    def change(member: str, content: bytes) -> bytes:
        if member != "word/document.xml":
            return content
        start = content.index(b"?>") + 2 if content.startswith(b"<?xml") else 0
        return content[:start] + dtd.replace(b"worksheet", b"w:document") + content[start:].replace(b"ENTITY", entity)

    path = folder / name
    path.write_bytes(rezip((folder / "entity-base.docx").read_bytes(), change))
    return path


def probe_docx_xxe(folder: Path) -> Path:
    return _docx_with_entity(folder, "xxe.docx", XXE_DTD, b"&e;")


def probe_docx_billion_laughs(folder: Path) -> Path:
    return _docx_with_entity(folder, "laughs.docx", LAUGHS_DTD, b"&e9;")


def probe_xlsx_zip_bomb(folder: Path, megabytes: int = 20) -> Path:
    """A workbook whose sheet XML inflates to `megabytes` of blanks (a few hundred KB packed)."""
    data = _workbook(folder, "ok.xlsx", lambda s: s.append(["决算", 1.5])).read_bytes()
    path = folder / f"bomb-{megabytes}mb.xlsx"
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, content)
                continue
            head, tail = content.split(b"<sheetData>")
            with target.open(info.filename, "w", force_zip64=True) as member:
                member.write(head + b"<sheetData>")
                blanks = b" " * 2**20
                for _ in range(megabytes):
                    member.write(blanks)
                member.write(tail)
    return path


def probe_xlsx_huge_numbers(folder: Path) -> Path:
    def fill(sheet):
        for row, value in enumerate((1e26, 1.7e308, -3.2e120, 12345678901234567890123456789.0), start=1):
            for column, fmt in enumerate(("0.00", "#,##0.00", "0.00%", "General"), start=1):
                cell = sheet.cell(row=row, column=column, value=value)
                cell.number_format = fmt

    return _workbook(folder, "huge-numbers.xlsx", fill)


def probe_xlsx_xfd1(folder: Path) -> Path:
    def fill(sheet):
        sheet["A1"] = "决算"
        sheet["XFD1"] = "远"
        sheet["XFD1048576"] = 1.0

    return _workbook(folder, "xfd1.xlsx", fill)


def probe_docx_huge_spans(folder: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("决算")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "合计"
    document.save(folder / "spans-base.docx")
    data = (folder / "spans-base.docx").read_bytes()

    def change(name: str, content: bytes) -> bytes:
        if name != "word/document.xml":
            return content
        content = content.replace(b"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="100000000"/>', 1)
        return content.replace(b"<w:tr>", b'<w:tr><w:trPr><w:gridBefore w:val="100000000"/></w:trPr>', 1)

    path = folder / "huge-spans.docx"
    path.write_bytes(rezip(data, change))
    return path


def probe_html_spans_near_cap(folder: Path) -> Path:
    row = "<tr>" + '<td colspan="1000" rowspan="65534">1.00</td>' * 50 + "</tr>"
    path = folder / "spans.html"
    path.write_text(f"<html><body><p>决算</p><table>{row * 200}</table></body></html>", encoding="utf-8")
    return path


def probe_utf16_odd_length(folder: Path) -> Path:
    path = folder / "utf16-odd.txt"
    path.write_bytes(seed_text().encode("utf-16")[:-1])
    return path


def probe_text_200mb(folder: Path) -> Path:
    path = folder / "huge.txt"
    with path.open("wb") as handle:
        handle.write(seed_text().encode("utf-8"))
        handle.truncate(200 * 2**20)  # sparse: costs no disk, reads as NUL bytes if anyone reads it
    return path


def probe_pdf_byte_flipped(folder: Path, seed: int = 0) -> Path:
    rng = random.Random(seed)
    data = (SAMPLES / "shanghai-template-2024.pdf").read_bytes()
    path = folder / f"flipped-{seed}.pdf"
    path.write_bytes(flip_bytes(data, rng, 200))
    return path


def probe_performance_repeated_header(folder: Path) -> Path:
    lines = seed_text("003").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("资金来源\t"))
    lines.insert(at + 1, lines[at])  # the header line printed twice (a page break repeating it)
    path = folder / "repeated-header.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def probe_long_paragraph(folder: Path) -> Path:
    """A report whose narrative holds a paragraph of 200,000 characters without a sentence end."""
    text = seed_text("001")
    at = text.index("第三部分")
    at = text.index("\n", at) + 1
    path = folder / "long-paragraph.txt"
    path.write_text(text[:at] + "经费" * 100_000 + "\n" + text[at:], encoding="utf-8")
    return path


PROBES: dict[str, Callable[[Path], Path]] = {
    "xlsx-damaged-zip": probe_xlsx_damaged_zip,
    "xlsx-xml-error": probe_xlsx_xml_error,
    "xlsx-xxe": probe_xlsx_xxe,
    "xlsx-billion-laughs": probe_xlsx_billion_laughs,
    "xlsx-huge-numbers": probe_xlsx_huge_numbers,
    "xlsx-xfd1": probe_xlsx_xfd1,
    "xlsx-zip-bomb": probe_xlsx_zip_bomb,
    "docx-xxe": probe_docx_xxe,
    "docx-billion-laughs": probe_docx_billion_laughs,
    "docx-huge-spans": probe_docx_huge_spans,
    "html-spans-near-cap": probe_html_spans_near_cap,
    "utf16-odd-length": probe_utf16_odd_length,
    "text-200mb": probe_text_200mb,
    "pdf-byte-flipped": probe_pdf_byte_flipped,
    "performance-repeated-header": probe_performance_repeated_header,
    "long-paragraph": probe_long_paragraph,
}


# ---------------------------------------------------------------------------------------------------------------
# Generated cases


TEXT_ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be", "big5", "latin-1")


def encoded_text(number: str, encoding: str) -> bytes:
    """A seed in another encoding (characters the encoding lacks become '?')."""
    return seed_text(number).encode(encoding, errors="replace")


def generated_cases(
    folder: Path, count: int, seed: int = 0, bases: dict[str, Path] | None = None
) -> Iterator[tuple[str, Path]]:
    """`count` damaged files cycling through the formats: (case name, path)."""
    rng = random.Random(seed)
    bases = bases or base_files(folder / "base")
    names = sorted(bases)
    cases = folder / "cases"
    cases.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        base = names[index % len(names)]
        path = bases[base]
        data = path.read_bytes()
        kind = rng.random()
        if base.startswith("txt") and kind < 0.2:
            encoding = rng.choice(TEXT_ENCODINGS)
            how, data = f"encoding-{encoding}", encoded_text(base[4:], encoding)
            if rng.random() < 0.5:
                how, data = f"{how}+truncate", data[: rng.randrange(1, len(data))]
        elif base.startswith(("txt", "html")) and kind < 0.7:
            how, text = damage_lines(data.decode("utf-8"), rng)
            data = text.encode("utf-8")
        elif base in {"xlsx", "docx"} and kind < 0.5:
            how, data = damage_member(data, rng)
        else:
            how, data = damage(data, rng)
        target = cases / f"{index:05d}-{base}-{how.split(':')[0]}{path.suffix}"
        target.write_bytes(data)
        yield f"{base}/{how}", target
