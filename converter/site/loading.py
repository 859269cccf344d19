"""Read a package for loading: each file read once, its CSVs parsed into typed rows, checked; the problems, or the rows.

Which packages are validated row by row: every package, unless the converter that wrote it recorded that it
validated exactly these bytes (`juesuan.validated` in datapackage.json: the sha256 of each CSV and of the JSON
Schemas it validated them against) and both still hold — a package of ours, unchanged since it was written, against
the schemas of this version. A package from elsewhere, one whose CSVs were edited, or one written against other
schemas is validated in full. The descriptor, the CSV headers and shapes and the keys (which the converter does not
check when writing) are checked for every package.

Rows are checked with JSON Schema validators compiled by fastjsonschema (the schemas use only type, pattern, enum,
minimum, required and additionalProperties, which mean the same in every draft); a package it rejects is validated
again by `converter.validate` (jsonschema), whose problems name the file, row and field.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import Any

import fastjsonschema

from converter import __version__, registry
from converter.package import DATAPACKAGE, PackageError, _integer_names
from converter.validate import descriptor_problems, key_problems, schemas_sha256, validate_package
from converter.validators import fast_check

Row = list[Any]


@dataclass
class Loadable:
    """One package read for the database: its rows (lists in the schema's field order), or why it cannot be loaded."""

    folder: Path
    report: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    files: dict[str, tuple[bytes, int]] = field(default_factory=dict)  # top-level file → (bytes, mtime ns)
    validated: bool = False  # its rows were validated here (else the converter's record of its validation held)


def trusted(meta: dict[str, Any], files: dict[str, tuple[bytes, int]]) -> bool:
    """The package's record says this converter version validated exactly these CSV bytes against these schemas."""
    ours = meta.get("juesuan")
    record = ours.get("validated") if isinstance(ours, dict) else None
    if not isinstance(record, dict) or record.get("converter_version") != __version__:
        return False
    if record.get("schemas_sha256") != schemas_sha256():
        return False
    hashes = record.get("files_sha256")
    names = [f"{resource}.csv" for resource in registry.resource_names()]
    return isinstance(hashes, dict) and all(
        name in files and hashes.get(name) == hashlib.sha256(files[name][0]).hexdigest() for name in names
    )


def read_files(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every top-level file of the package: name → (bytes, modification time in ns)."""
    files = {}
    for entry in os.scandir(folder):
        if entry.is_file():
            with open(entry.path, "rb") as handle:
                files[entry.name] = (handle.read(), os.fstat(handle.fileno()).st_mtime_ns)
    return files


def read_rows(folder: Path, resource: str, data: bytes) -> list[Row]:
    """The typed rows of one CSV ('' → None, integer fields → int when they are integers); PackageError when its
    header is not the schema's or a row is ragged (as `converter.package.read_resource`)."""
    fields = registry.field_names(resource)
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    if next(reader, None) != fields:
        raise PackageError(f"{folder / resource}.csv: header differs from the schema's fields")
    integers = [index for index, name in enumerate(fields) if name in _integer_names(resource)]
    rows = []
    for values in reader:
        if len(values) != len(fields):
            where = f"{folder / resource}.csv:{reader.line_num}"
            raise PackageError(f"{where}: {len(values)} cells for {len(fields)} columns")
        row = [value or None for value in values]  # '' (the only false string) → None
        for index in integers:
            value = row[index]
            if value is not None:
                try:
                    row[index] = int(value)
                except ValueError:
                    pass
        rows.append(row)
    return rows


def records(tables: dict[str, list[Row]]) -> dict[str, list[dict[str, Any]]]:
    """The rows as records (field name → value), as the validators take them."""
    return {resource: [dict(zip(registry.field_names(resource), row)) for row in rows]
            for resource, rows in tables.items()}


def _valid_rows(resources: dict[str, list[dict[str, Any]]]) -> bool:
    try:
        for resource, rows in resources.items():
            check = fast_check(resource)
            for record in rows:
                check(record)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


@cache
def _key_getters(resource: str) -> tuple[Callable[[Row], Any], list[tuple[Callable[[Row], Any], str, Callable]]]:
    """The primary key's getter and, per foreign key, (its getter, the referenced resource, the referenced getter):
    each gives a row's key (a value, or a tuple when the key has several fields)."""

    def getter(names: list[str], of: str = resource) -> Callable[[Row], Any]:
        return itemgetter(*(registry.field_names(of).index(name) for name in names))

    foreign = [
        (getter(fk["fields"]), fk["reference"]["resource"],
         getter(fk["reference"]["fields"], fk["reference"]["resource"]))
        for fk in registry.foreign_keys(resource)
    ]
    return getter(registry.primary_key(resource)), foreign


def keys_hold(tables: dict[str, list[Row]]) -> bool:
    """Primary keys unique and foreign keys resolved (`converter.validate.key_problems` says which do not)."""
    for resource, rows in tables.items():
        primary, foreign = _key_getters(resource)
        if len(set(map(primary, rows))) != len(rows):
            return False
        for key, target, referenced in foreign:
            if not set(map(referenced, tables[target])).issuperset(map(key, rows)):
                return False
    return True


def _detailed_problems(folder: Path) -> list[str]:
    try:
        return [str(problem) for problem in validate_package(folder, frictionless=False)] or [
            f"{folder}: not loadable"
        ]
    except (OSError, ValueError, csv.Error, PackageError) as exc:
        return [f"{folder}: unreadable: {exc}"]


def read_loadable(folder: Path, trust: bool = True) -> Loadable:
    """The package's rows when it is valid (descriptor, CSV shapes, keys; rows unless `trust` and `trusted`), else
    its problems."""
    try:
        files = read_files(folder)
        meta = json.loads(files[DATAPACKAGE][0].decode("utf-8"))
        missing = [resource for resource in registry.resource_names() if f"{resource}.csv" not in files]
        if missing:
            raise PackageError(f"{folder}: {missing[0]}.csv missing")
        tables = {resource: read_rows(folder, resource, files[f"{resource}.csv"][0])
                  for resource in registry.resource_names()}
    except (OSError, ValueError, KeyError, csv.Error, PackageError):
        return Loadable(folder, problems=_detailed_problems(folder))
    if not isinstance(meta, dict) or len(tables["reports"]) != 1 or descriptor_problems(folder, meta):
        return Loadable(folder, problems=_detailed_problems(folder))
    validated = not (trust and trusted(meta, files))
    if validated and not _valid_rows(records(tables)):
        return Loadable(folder, problems=_detailed_problems(folder))
    if not keys_hold(tables):
        problems = [str(problem) for problem in key_problems(folder, records(tables))]
        return Loadable(folder, problems=problems or [f"{folder}: its keys do not hold"])
    report = dict(zip(registry.field_names("reports"), tables["reports"][0]))
    return Loadable(folder, report, tables, files=files, validated=validated)


def read_identity(folder: Path) -> tuple[str, str] | None:
    """(report_id, source_sha256) from a package's reports.csv, or None when it cannot be read."""
    try:
        with (folder / "reports.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, ValueError, csv.Error):
        return None
    if len(rows) != 1 or not rows[0].get("report_id"):
        return None
    return rows[0]["report_id"], rows[0].get("source_sha256") or ""
