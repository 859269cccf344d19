"""Write and read data packages: `<out>/<report_id>/datapackage.json` + one CSV per resource.

Writes are atomic (a temporary folder renamed into place) and deterministic (a rerun gives the same bytes).
A write works in `.<report_id>.<pid>.<random>.tmp` and keeps the previous package as `.<report_id>.<pid>.old` for the
instant of the swap; folders whose name starts with a dot are never packages, and the stale ones (their process is
gone) are removed, or a backup restored, by the next write into the folder or the next build.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from functools import cache, lru_cache
from itertools import chain, count
from json.encoder import encode_basestring
from operator import itemgetter
from pathlib import Path
from typing import Any

from converter import __version__, lazy_re, limits, registry
from converter.model import Extraction, Record
from converter.shared_files import SharedFiles

LICENSE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
DATAPACKAGE = "datapackage.json"


class PackageError(Exception):
    """A folder that is not a readable juesuan package."""


class InvalidRecords(Exception):
    """The conversion produced records that break the schemas; nothing was written."""


class FieldTooLong(InvalidRecords):
    """A value is longer than a CSV reader accepts (limits.CSV_FIELD_LIMIT); nothing was written."""


class WorsePackage(Exception):
    """The new package holds less than the one already in place; it was not written."""


@cache
def _empty_row(resource: str) -> dict[str, None]:
    """Every schema field of the resource, in schema order, set to None: the mould of its rows."""
    return dict.fromkeys(registry.field_names(resource))


def resource_rows(extraction: Extraction, report_id: str) -> dict[str, list[Record]]:
    """Every resource's rows with report_id, row_no and all schema fields, in schema field order."""
    return _rows_and_texts(extraction, report_id)[0]


def _rows_and_texts(extraction: Extraction, report_id: str) -> tuple[dict[str, list[Record]], dict[str, str]]:
    """Every resource's rows (see resource_rows) and their CSV text (see csv_text).

    Each value as the CSV gives it back: an empty string is an empty cell, which reads as null; a carriage return is
    a line break ("\n"), as in the text readers (Python 3.11's csv writer leaves a lone "\r" unquoted). A carriage
    return is rare: the rows are looked at value by value only when their CSV text holds one.
    """
    rows: dict[str, list[Record]] = {}
    texts: dict[str, str] = {}
    for resource in registry.resource_names():
        source = [extraction.report] if resource == "reports" else extraction.rows(resource)
        if resource == "findings" and not source:
            source = [finding.as_record() for finding in extraction.findings]
        values = _full_rows(resource, source, report_id)
        text = csv_text(resource, values)
        if "\r" in text:
            values = [{name: value.replace("\r\n", "\n").replace("\r", "\n")
                       if isinstance(value, str) and "\r" in value else value for name, value in row.items()}
                      for row in values]
            text = csv_text(resource, values)
        rows[resource], texts[resource] = values, text
    return rows, texts


def _full_rows(resource: str, source: list[Record], report_id: str) -> list[Record]:
    """The records with report_id, row_no and every schema field (None where absent), in schema order; '' → None."""
    empty = _empty_row(resource)
    numbered = "row_no" in empty
    result = []
    for number, record in enumerate(source, start=1):
        full = {**empty, "report_id": report_id, **record}  # the mould's keys come first: schema order
        if numbered:
            full["row_no"] = number
        if len(full) != len(empty):
            unknown = full.keys() - empty.keys()
            raise ValueError(f"{resource}: fields not in the schema: {', '.join(sorted(unknown))}")
        if "" in full.values():  # one scan in C; the rare row with an empty string is rebuilt
            full = {name: None if value == "" else value for name, value in full.items()}
        result.append(full)
    return result


def csv_text(resource: str, rows: list[Record]) -> str:
    """CSV text with the schema's header, for rows holding every schema field in schema order (as resource_rows and
    read_csv_text give them); None → empty cell (as the csv writer writes it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(registry.field_names(resource))
    writer.writerows(map(dict.values, rows))
    return buffer.getvalue()


_INTEGER_TYPES = frozenset({int, type(None)})
_TEXT_TYPES = frozenset({str, type(None)})


def reads_back_unchanged(resource: str, rows: list[Record]) -> bool:
    """Whether `read_csv_text(resource, csv_text(resource, rows)) == rows` is certain for rows of resource_rows
    (every schema field; no empty string, no carriage return): when every integer field holds an int or None and
    every other field a str or None. tests/test_csv_roundtrip.py proves it for every code point in every position,
    for generated records and for the shipped packages. Anything else (a float, a bool, a number in a text field,
    digits in an integer field) may read back otherwise: package_files reads those rows back before validating."""
    integers, texts = _columns(resource)
    return _value_types(integers, rows) <= _INTEGER_TYPES and _value_types(texts, rows) <= _TEXT_TYPES


@cache
def _columns(resource: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(integer fields, other fields) of the resource."""
    integers = _integer_names(resource)
    fields = registry.field_names(resource)
    return tuple(name for name in fields if name in integers), tuple(name for name in fields if name not in integers)


def _value_types(names: tuple[str, ...], rows: list[Record]) -> set[type]:
    """The types of the values of these fields over all rows (iterated in C: itemgetter, chain, map, set)."""
    if not names:
        return set()
    if len(names) == 1:
        return set(map(type, map(itemgetter(names[0]), rows)))
    return set(map(type, chain.from_iterable(map(itemgetter(*names), rows))))


def descriptor(report: Record, rows: dict[str, list[Record]]) -> dict[str, Any]:
    """datapackage.json content: metadata, license, source, unit, resources with embedded Table Schemas."""
    return {**_descriptor_head(report, rows), "resources": [_resource_entry(resource) for resource in rows]}


def _descriptor_head(report: Record, rows: dict[str, list[Record]]) -> dict[str, Any]:
    """Everything of datapackage.json before its resources (which are the same in every package)."""
    report_id = report["report_id"]
    title = f"{report.get('department') or report_id} {report.get('year') or ''} 决算公开".strip()
    return {
        "profile": "tabular-data-package",
        "name": report_id,
        "title": title,
        "description": (
            f"{title}：由 juesuan {__version__} 从 {report['source_file']} 转换，数字与原文一致。"
            f" Final-accounts disclosure converted by juesuan from {report['source_file']}; figures exactly as printed."
        ),
        "version": "1.0.0",
        "licenses": [LICENSE],
        "sources": [{"title": report["source_file"], "path": report["source_file"],
                     "sha256": report["source_sha256"], "format": report["source_format"]}],
        "keywords": ["部门决算", "决算公开", "final accounts", "China"],
        "juesuan": {
            "schema_version": registry.SCHEMA_VERSION,
            "converter_version": __version__,
            "amount_unit": report.get("amount_unit") or "万元",
            "currency": report.get("currency") or "CNY",
            "row_counts": {name: len(values) for name, values in rows.items()},
        },
    }


def _resource_entry(resource: str) -> dict[str, Any]:
    return {
        "name": resource,
        "path": f"{resource}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "title": registry.schema(resource)["title"],
        "description": registry.schema(resource)["description"],
        "jsonschema": f"schemas/{resource}.json",
        "schema": registry.table_schema(resource),
    }


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


@cache
def _resources_json(resources: tuple[str, ...]) -> str:
    """`{"resources": [...]}` as indented JSON, once per process (indented JSON is encoded in pure Python)."""
    return _json({"resources": [_resource_entry(resource) for resource in resources]})


def descriptor_text(report: Record, rows: dict[str, list[Record]], validated: dict[str, Any] | None = None) -> str:
    """datapackage.json as written: exactly `json.dumps(descriptor(...), ensure_ascii=False, indent=2)` and a line
    end, its resources spliced in from the per-process cache; `validated` is the converter's validation record."""
    head_fields = _descriptor_head(report, rows)
    if validated is not None:
        head_fields["juesuan"]["validated"] = validated
    leaves: list[Any] = []
    parts = _json_template(_shape(head_fields, leaves))
    head = "".join(chain.from_iterable(zip(parts, map(_leaf_json, leaves)))) + parts[-1]
    # head is "{\n  ...\n}": reopened before its closing brace
    return f"{head[:-2]},\n{_resources_json(tuple(rows))[2:]}\n"


# Indented JSON is encoded in pure Python; the head of datapackage.json has the same shape (keys and nesting) in
# every package: its indented text is kept per shape as a template, and only the leaves are encoded, in C.
Shape = tuple | None
_HOLE = "\ue000{}\ue000"  # a placeholder leaf (a private-use character: no key or constant of the head holds one)
_HOLES = lazy_re.compile('"\ue000\\d+\ue000"')


def _shape(value: Any, leaves: list[Any]) -> Shape:
    """The shape of a JSON value: ("{", ((key, shape), ...)), ("[", (shape, ...)), or None for a leaf (a scalar,
    an empty object or list), which is appended to `leaves` in the order json.dumps writes it."""
    if isinstance(value, dict) and value:
        return "{", tuple((key, _shape(item, leaves)) for key, item in value.items())
    if isinstance(value, list | tuple) and value:
        return "[", tuple(_shape(item, leaves) for item in value)
    leaves.append(value)
    return None


def _leaf_json(value: Any) -> str:
    """A leaf as json.dumps(..., ensure_ascii=False, indent=2) writes it inside an object."""
    return encode_basestring(value) if type(value) is str else json.dumps(value, ensure_ascii=False)


@lru_cache(maxsize=64)
def _json_template(shape: Shape) -> tuple[str, ...]:
    """The indented JSON of a value of this shape split at its leaves: text, leaf, text, …, leaf, text."""
    holes = count()

    def skeleton(part: Shape) -> Any:
        if part is None:
            return _HOLE.format(next(holes))
        kind, items = part
        return {key: skeleton(item) for key, item in items} if kind == "{" else [skeleton(item) for item in items]

    return tuple(_HOLES.split(_json(skeleton(shape))))


def package_files(extraction: Extraction) -> dict[str, str]:
    """Relative path → text of every file of the package."""
    return {path: data.decode("utf-8") for path, data in _package_data(extraction).items()}


def _package_data(extraction: Extraction) -> dict[str, bytes]:
    """Relative path → bytes of every file of the package (UTF-8, encoded once), datapackage.json last; raises
    InvalidRecords (FieldTooLong) when a record breaks the schemas: then nothing is written."""
    from converter.validate import certainly_valid, validate_records, validation_record

    report_id = extraction.report["report_id"]
    rows, texts = _rows_and_texts(extraction, report_id)
    limit = limits.current().max_field_chars  # no value is longer than the CSV text it is part of
    _check_field_lengths(f"{extraction.report.get('source_file')} ({report_id})",
                         {resource: values for resource, values in rows.items() if len(texts[resource]) > limit})
    problems = []
    for resource, text in texts.items():  # validate exactly what is written: what a reader of the CSV text gets
        values = rows[resource]
        if certainly_valid(resource, values):
            continue  # of exact types too, so they read back unchanged (tests/test_column_checks.py)
        if reads_back_unchanged(resource, values):
            written = values  # == read_csv_text(resource, text), without parsing it again
        else:
            written = read_csv_text(resource, text)
            if len(written) != len(values):
                raise InvalidRecords(f"{report_id}: {resource}.csv reads back as {len(written)} rows, not"
                                     f" {len(values)}; nothing written")
        problems.extend(validate_records(resource, written))
    if problems:
        shown = "; ".join(str(problem) for problem in problems[:3])
        raise InvalidRecords(f"{report_id}: {len(problems)} record(s) break the schemas, nothing written: {shown}")
    files = {}
    for resource, text in texts.items():
        files[f"{resource}.csv"] = text.encode("utf-8")
        files[f"schemas/{resource}.json"] = _schema_bytes(resource)
    written_csvs = {resource: files[f"{resource}.csv"] for resource in texts}
    files[DATAPACKAGE] = descriptor_text(rows["reports"][0], rows, validation_record(written_csvs)).encode("utf-8")
    return files


@cache
def _schema_bytes(resource: str) -> bytes:
    """The resource's JSON Schema file as it is copied into every package, read once per process."""
    return (registry.SCHEMA_DIR / f"{resource}.json").read_text(encoding="utf-8").encode("utf-8")


def _check_field_lengths(where: str, rows: dict[str, list[Record]]) -> None:
    """Refuse a value longer than `max_field_chars` (below the 131,072-character CSV field limit that Python's
    csv module and the tools built on it keep by default): such a package could be written but not read back.
    Narrative paragraphs are split into parts below the limit before they get here."""
    limit = limits.current().max_field_chars
    for resource, values in rows.items():
        for number, row in enumerate(values, start=2):
            for name, value in row.items():
                if isinstance(value, str) and len(value) > limit:
                    raise FieldTooLong(
                        f"{where}: {resource}.csv:{number} [{name}]: a value of {len(value):,} characters"
                        f" (> {limit:,}); nothing written; raise {limits.ENV_PREFIX}MAX_FIELD_CHARS"
                        f" (at most {limits.CSV_FIELD_LIMIT - 1:,}) to allow more"
                    )


def read_csv_text(resource: str, text: str) -> list[Record]:
    """Records of a resource's CSV text as every reader of a package gets them (typed, '' → None)."""
    rows = [row for row in csv.reader(io.StringIO(text, newline="")) if row]  # DictReader skips blank rows too
    if not rows or any(len(row) != len(rows[0]) for row in rows):  # ragged: DictReader's fillers, typed as such
        return [{k: typed_value(resource, k, v) for k, v in row.items()}
                for row in csv.DictReader(io.StringIO(text, newline=""))]
    header, integers = rows[0], _integer_names(resource)
    records = []
    for values in rows[1:]:
        record = {k: v if v != "" else None for k, v in zip(header, values)}
        for name in integers:
            if record.get(name) is not None:
                record[name] = typed_value(resource, name, record[name])
        records.append(record)
    return records


def data_row_count(folder: Path) -> int:
    """Rows of the table resources of an existing package (0 when it is unreadable)."""
    try:
        meta = json.loads((folder / DATAPACKAGE).read_text(encoding="utf-8"))
        counts = meta["juesuan"]["row_counts"]
    except (OSError, ValueError, KeyError):
        return 0
    skip = {"reports", "report_tables", "findings"}
    return sum(count for name, count in counts.items() if name not in skip)


def write_package(extraction: Extraction, out_dir: str | Path, force: bool = False) -> Path:
    """Write the package atomically; refuse to replace a package holding more rows unless forced."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / extraction.report["report_id"]
    files = _package_data(extraction)
    if target.exists() and not force:
        new_rows = sum(
            len(extraction.rows(name)) for name in registry.resource_names()
            if name not in {"reports", "report_tables", "findings"}
        )
        old_rows = data_row_count(target)
        if new_rows < old_rows:
            raise WorsePackage(
                f"{target}: kept the existing package ({old_rows} rows); the new conversion has only {new_rows}"
                " (use --force to replace it)"
            )
    clean_leftovers(out_dir, once=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=out_dir))
    try:
        # datapackage.json last: a folder left by a killed run is never a (half) package
        _write_files(temp, sorted(files.items(), key=lambda item: item[0] == DATAPACKAGE))
        os.chmod(temp, 0o755)
        if target.exists() and exchange(temp, target):
            pass  # temp now holds the old package: removed below
        elif target.exists():
            backup = out_dir / f".{target.name}.{os.getpid()}.old"
            discard(backup)
            target.rename(backup)
            temp.rename(target)
            discard(backup)
        else:
            temp.rename(target)
        _shared_files.landed(target)
    finally:
        discard(temp)
    return target


# open(path, "wb")'s flags and mode; os.open and os.write skip the file object's fstat, ioctl and lseek calls
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC
_FILE_MODE = 0o666  # less the umask


_shared_files = SharedFiles()
PARTIAL_DESCRIPTOR = ".datapackage.json.part"  # datapackage.json while it is written
SHARED_FOLDER = "schemas/"  # files with the same bytes in every package: hard-linked to the last package's


def _write_files(folder: Path, files: list[tuple[str, bytes]]) -> None:
    """Create the files (relative path, bytes) in this order in a new folder; their folders ("schemas") are made
    at their first file. Paths are opened relative to the folder's descriptor: no path walk per file."""
    _shared_files.begin()
    folder_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        made = {""}
        for relative, data in files:
            parent = relative.rpartition("/")[0]
            if parent not in made:
                os.makedirs(folder / parent, exist_ok=True)
                made.add(parent)
            shared = relative.startswith(SHARED_FOLDER)
            if shared and _shared_files.link(relative, data, folder_fd):
                continue
            # datapackage.json is written under another name and renamed: a kill while it is being written never
            # leaves a folder whose datapackage.json is cut short
            name = PARTIAL_DESCRIPTOR if relative == DATAPACKAGE else relative
            fd = os.open(name, _CREATE, _FILE_MODE, dir_fd=folder_fd)
            try:
                remaining = memoryview(data)
                while remaining:  # a regular file takes all at once, unless interrupted
                    remaining = remaining[os.write(fd, remaining):]
                if shared:
                    _shared_files.wrote(relative, data, fd)
            finally:
                os.close(fd)
            if name != relative:
                os.rename(name, relative, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
    finally:
        os.close(folder_fd)


def discard(folder: Path) -> None:
    """Remove a hidden folder of this module's (a write's temporary folder, a swapped-out or backed-up package):
    its datapackage.json first, so that a kill midway never leaves a half package under any name."""
    if folder.exists():
        (folder / DATAPACKAGE).unlink(missing_ok=True)
        shutil.rmtree(folder, ignore_errors=True)


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2 RENAME_EXCHANGE): the package folder is always either
    the old or the new one, even when the process is killed. False where the system cannot do it."""
    import ctypes
    import errno

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in {errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP}:
        return False
    raise OSError(code, os.strerror(code), str(b))


_LEFTOVER = lazy_re.compile(r"^\.(?P<name>.+?)\.(?:(?P<pid>\d+)\.(?:.+\.tmp|old)|[a-z0-9_]{8}|old)$")
_cleaned: set[Path] = set()


def process_running(pid: int) -> bool:
    """Whether a process with this id is alive (one of another user counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_leftovers(folder: Path, once: bool = False) -> list[Path]:
    """Remove the temporary folders of writes whose process is gone; restore a backup whose package went missing.

    Names without a process id come from older versions and are always stale. `once`: only the first call per folder
    in this process does the work (writes call it for every package). Returns the folders removed or restored.
    """
    folder = Path(folder)
    if once and folder.resolve() in _cleaned:
        return []
    _cleaned.add(folder.resolve())
    done: list[Path] = []
    try:
        entries = [entry for entry in os.scandir(folder) if entry.name.startswith(".") and entry.is_dir()]
    except OSError:
        return done
    for entry in entries:
        match = _LEFTOVER.match(entry.name)
        if not match or (match["pid"] and process_running(int(match["pid"]))):
            continue
        path, target = Path(entry.path), folder / match["name"]
        if entry.name.endswith(".old") and not target.exists() and (path / DATAPACKAGE).is_file():
            path.rename(target)  # killed between the two renames of a swap: the backup is the package
        else:
            discard(path)
        done.append(path)
    return done


@cache
def _integer_names(resource: str) -> frozenset[str]:
    return frozenset(registry.integer_fields(resource))


def typed_value(resource: str, name: str, text: str) -> Any:
    """A CSV cell as a record value: '' → None, integer fields → int (when they are integers), else the text."""
    if text is None or text == "":  # None: a short row (csv.DictReader's filler)
        return None
    if name in _integer_names(resource):
        try:
            return int(text)
        except ValueError:
            return text
    return text


def read_resource(folder: Path, resource: str) -> list[Record]:
    """The typed records of one CSV; PackageError when its header is not the schema's or a row is ragged."""
    path = folder / f"{resource}.csv"
    fields = registry.field_names(resource)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        if next(reader, None) != fields:
            raise PackageError(f"{path}: header differs from the schema's fields")
        integers = [name for name in fields if name in _integer_names(resource)]
        records = []
        for values in reader:
            if len(values) != len(fields):
                raise PackageError(f"{path}:{reader.line_num}: {len(values)} cells for {len(fields)} columns")
            record = {k: v if v != "" else None for k, v in zip(fields, values)}
            for name in integers:
                record[name] = typed_value(resource, name, record[name] or "")
            records.append(record)
        return records


def read_package(path: str | Path, descriptor: bool = True) -> tuple[Record, dict[str, list[Record]]]:
    """(report record, resource → records) of a package folder or its datapackage.json (`descriptor=False`: the
    caller has read datapackage.json already)."""
    folder = Path(path)
    if folder.name == DATAPACKAGE:
        folder = folder.parent
    if not (folder / DATAPACKAGE).is_file():
        raise PackageError(f"{path}: not a data package (no {DATAPACKAGE})")
    try:
        if descriptor:
            json.loads((folder / DATAPACKAGE).read_text(encoding="utf-8"))
        resources = {name: read_resource(folder, name) for name in registry.resource_names()}
    except (OSError, ValueError, UnicodeDecodeError, csv.Error) as exc:
        raise PackageError(f"{path}: unreadable package: {exc}") from None
    if len(resources["reports"]) != 1:
        raise PackageError(f"{path}: reports.csv must hold exactly one report")
    return resources["reports"][0], resources


def is_leftover(folder: Path) -> bool:
    """A folder named with a leading dot: a write's temporary or backup folder, never a package."""
    return folder.name.startswith(".")


def find_packages(paths: list[Path]) -> list[Path]:
    """Package folders named directly or found below the given folders, sorted; temporary and backup folders skipped."""
    found: list[Path] = []
    for path in paths:
        folder = path.parent if path.name == DATAPACKAGE else path
        if is_leftover(folder) and folder.name not in (".", ".."):
            raise PackageError(f"{path}: a temporary or backup folder of an interrupted write, not a package")
        if path.name == DATAPACKAGE:
            found.append(path.parent)
        elif (path / DATAPACKAGE).is_file():
            found.append(path)
        elif path.is_dir():
            found.extend(p.parent for p in sorted(path.glob(f"*/{DATAPACKAGE}")) if not is_leftover(p.parent))
        else:
            raise PackageError(f"{path}: not a data package or a folder of packages")
    return sorted(set(found))
