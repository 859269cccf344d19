"""Validate packages: Frictionless (structure, types, keys) and every row against the JSON Schemas.

Rows are first checked by the validators fastjsonschema compiles from the schemas (`converter.validators`; the
schemas use only type, pattern, enum, minimum, maximum, minLength, required and additionalProperties, which mean the
same in every draft; fastjsonschema anchors a pattern's `$` at the very end, so it is if anything stricter). Only rows
it rejects are validated again by jsonschema, whose verdict and messages (file, row, field) are the ones reported.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from converter import __version__, registry
from converter.limits import CSV_FIELD_LIMIT
from converter.package import DATAPACKAGE, typed_value
from converter.validators import column_check, fast_check

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

LIMIT_ERRORS = 1_000_000  # frictionless stops after 1000 errors by default: check every row


@dataclass(frozen=True)
class Problem:
    """One validation problem, naming the file, row and field."""

    file: str
    message: str
    row: int | None = None  # CSV row number, header = 1
    field: str | None = None
    source: str = "jsonschema"  # jsonschema | frictionless | package

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
        if self.field:
            where += f" [{self.field}]"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict:
        return asdict(self)


@cache
def _validator(resource: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(registry.schema(resource))


def schema_errors(resource: str, record: dict) -> list:
    """jsonschema's errors for a record; none, without asking jsonschema, when the compiled validator passes it."""
    from fastjsonschema import JsonSchemaException

    try:
        fast_check(resource)(record)
    except JsonSchemaException:
        return list(_validator(resource).iter_errors(record))
    return []


@cache
def schemas_sha256() -> str:
    """One hash of every resource's JSON Schema: what a package's rows were validated against."""
    digest = hashlib.sha256()
    for resource in registry.resource_names():
        digest.update(json.dumps(registry.schema(resource), sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def validation_record(texts: dict[str, str] | dict[str, bytes]) -> dict[str, object]:
    """What the converter records in datapackage.json (`juesuan.validated`) about the CSV texts it validated against
    the schemas before writing them: `juesuan build` trusts it while the CSVs and the schemas are unchanged.
    `texts`: resource → its CSV text, or the UTF-8 bytes of it as written."""
    return {
        "converter_version": __version__,
        "schemas_sha256": schemas_sha256(),
        "files_sha256": {
            f"{resource}.csv": hashlib.sha256(text if isinstance(text, bytes) else text.encode()).hexdigest()
            for resource, text in texts.items()
        },
    }


def validate_rows(folder: Path, resource: str) -> list[Problem]:
    """Every CSV row of one resource against its JSON Schema (one compiled validator for all rows)."""
    path = folder / f"{resource}.csv"
    name = f"{folder.name}/{path.name}"
    if not path.is_file():
        return [Problem(name, "file missing", source="package")]
    problems: list[Problem] = []
    expected = registry.field_names(resource)
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header != expected:
                return [Problem(name, f"header {header} differs from the schema's fields {expected}", row=1)]
            for number, values in enumerate(reader, start=2):
                if len(values) != len(header):
                    problems.append(Problem(name, f"{len(values)} cells for {len(header)} columns", row=number))
                    continue
                record = {k: typed_value(resource, k, v) for k, v in zip(header, values)}
                for field, value in zip(header, values):
                    if len(value) > CSV_FIELD_LIMIT:
                        problems.append(Problem(name, f"a value of {len(value):,} characters: past the CSV field"
                                                f" limit ({CSV_FIELD_LIMIT:,}) of common readers",
                                                row=number, field=field))
                for error in schema_errors(resource, record):
                    field = error.path[0] if error.path else None
                    if field is None and error.validator == "required":
                        field = error.message.split("'")[1] if "'" in error.message else None
                    problems.append(Problem(name, error.message, row=number, field=field))
    except UnicodeDecodeError:
        problems.append(Problem(name, "not UTF-8", source="package"))
    except csv.Error as exc:  # a field past the CSV field limit juesuan never writes, or a broken quote
        problems.append(Problem(name, f"unreadable CSV: {exc}", row=reader.line_num, source="package"))
    return problems


def certainly_valid(resource: str, records: list[dict]) -> bool:
    """Whether the records all pass the resource's JSON Schema with values of exact types (str, int, None), as
    checked column by column (converter.validators.column_check); False: ask validate_records."""
    check = column_check(resource)
    return check is not None and check(records)


def validate_records(resource: str, records: list[dict]) -> list[Problem]:
    """Records about to be written, against the resource's JSON Schema (row = CSV row number)."""
    from fastjsonschema import JsonSchemaException

    check = fast_check(resource)
    try:
        for record in records:  # the common case: every record passes
            check(record)
        return []
    except JsonSchemaException:
        pass
    problems = []
    for number, record in enumerate(records, start=2):
        try:
            check(record)
            continue
        except JsonSchemaException:
            pass
        for error in _validator(resource).iter_errors(record):  # what the compiled validator refused, in detail
            field = error.path[0] if error.path else None
            problems.append(Problem(f"{resource}.csv", error.message, row=number, field=field))
    return problems


def validate_frictionless(folder: Path) -> list[Problem]:
    """Frictionless validation of the whole package (types, constraints, primary and foreign keys)."""
    from frictionless import Package

    try:
        package = Package(str(folder / DATAPACKAGE))
        report = package.validate(limit_errors=LIMIT_ERRORS)
    except Exception as exc:  # frictionless raises many kinds on broken descriptors
        return [Problem(f"{folder.name}/{DATAPACKAGE}", f"not a valid data package: {exc}", source="frictionless")]
    problems = [Problem(f"{folder.name}/{DATAPACKAGE}", e.message, source="frictionless") for e in report.errors]
    for task in report.tasks:
        for error in task.errors:
            problems.append(Problem(
                f"{folder.name}/{Path(task.place).name}",
                error.message,
                row=getattr(error, "row_number", None),
                field=getattr(error, "field_name", None),
                source="frictionless",
            ))
    return problems


def validate_keys(folder: Path) -> list[Problem]:
    """Primary keys unique and foreign keys resolved within the package (what frictionless checks, fast)."""
    from converter.package import read_resource

    return key_problems(folder, {name: read_resource(folder, name) for name in registry.resource_names()})


def key_problems(folder: Path, tables: dict[str, list[dict]]) -> list[Problem]:
    """Primary keys unique and foreign keys resolved among a package's records already read."""
    problems: list[Problem] = []
    for resource, rows in tables.items():
        name = f"{folder.name}/{resource}.csv"
        key = registry.primary_key(resource)
        seen: set[tuple] = set()
        for number, row in enumerate(rows, start=2):
            value = tuple(row.get(field) for field in key)
            if value in seen:
                problems.append(Problem(name, f"duplicate primary key {value}", row=number, source="keys"))
            seen.add(value)
        for fk in registry.foreign_keys(resource):
            target = {tuple(r.get(f) for f in fk["reference"]["fields"]) for r in tables[fk["reference"]["resource"]]}
            for number, row in enumerate(rows, start=2):
                value = tuple(row.get(field) for field in fk["fields"])
                if value not in target:
                    problems.append(Problem(name, f"foreign key {value} not found in {fk['reference']['resource']}",
                                            row=number, field=fk["fields"][-1], source="keys"))
    return problems


@cache
def _table_schema(resource: str) -> dict:
    return registry.table_schema(resource)


def descriptor_problems(folder: Path, meta: dict) -> list[Problem]:
    """Every resource declared in datapackage.json, each with the Table Schema derived from its JSON Schema."""
    problems: list[Problem] = []
    names = [resource.get("name") for resource in meta.get("resources", [])]
    for resource in registry.resource_names():
        if resource not in names:
            problems.append(Problem(f"{folder.name}/{DATAPACKAGE}", f"resource {resource} missing", source="package"))
        elif next(r for r in meta["resources"] if r.get("name") == resource).get("schema") != _table_schema(resource):
            problems.append(Problem(f"{folder.name}/{DATAPACKAGE}",
                                    f"resource {resource}: Table Schema differs from schemas/{resource}.json",
                                    source="package"))
    return problems


def validate_package(path: str | Path, frictionless: bool = True) -> list[Problem]:
    """All problems of one package folder (empty list = valid).

    `frictionless=False` replaces the (slower) Frictionless pass by the JSON Schema rows plus a key check:
    what a bulk load needs, at a fraction of the time.
    """
    folder = Path(path)
    if folder.name == DATAPACKAGE:
        folder = folder.parent
    descriptor = folder / DATAPACKAGE
    if not descriptor.is_file():
        return [Problem(str(folder), f"not a data package (no {DATAPACKAGE})", source="package")]
    try:
        meta = json.loads(descriptor.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        return [Problem(f"{folder.name}/{DATAPACKAGE}", f"unreadable JSON: {exc}", source="package")]
    problems = descriptor_problems(folder, meta)
    for resource in registry.resource_names():
        problems.extend(validate_rows(folder, resource))
    if frictionless:
        problems.extend(validate_frictionless(folder))
    elif not problems:
        problems.extend(validate_keys(folder))
    return problems
