"""Read a package for loading: each CSV read once, every row validated, keys checked; the problems, or the records.

The rows are checked with JSON Schema validators compiled by fastjsonschema (the schemas use only type, pattern,
enum, minimum, required and additionalProperties, which mean the same in every draft); a package it rejects is
validated again by `converter.validate` (jsonschema), whose problems name the file, row and field.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema

from converter import registry
from converter.package import DATAPACKAGE, PackageError, read_package
from converter.validate import descriptor_problems, key_problems, validate_package


@dataclass
class Loadable:
    """One package read for the database: its records, or why it cannot be loaded."""

    folder: Path
    report: dict[str, Any] = field(default_factory=dict)
    resources: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    rows: dict[str, Any] = field(default_factory=dict)  # resource → rows as the database stores them (site.database)


@cache
def _validator(resource: str):
    return fastjsonschema.compile(registry.schema(resource))


def _valid_rows(resources: dict[str, list[dict[str, Any]]]) -> bool:
    try:
        for resource, records in resources.items():
            check = _validator(resource)
            for record in records:
                check(record)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def _detailed_problems(folder: Path) -> list[str]:
    try:
        return [str(problem) for problem in validate_package(folder, frictionless=False)] or [
            f"{folder}: not loadable"
        ]
    except (OSError, ValueError, csv.Error, PackageError) as exc:
        return [f"{folder}: unreadable: {exc}"]


def read_loadable(folder: Path) -> Loadable:
    """The package's records when it is valid (schemas, keys, descriptor), else its problems."""
    try:
        meta = json.loads((folder / DATAPACKAGE).read_text(encoding="utf-8"))
        report, resources = read_package(folder, descriptor=False)
    except (OSError, ValueError, csv.Error, PackageError):
        return Loadable(folder, problems=_detailed_problems(folder))
    if not isinstance(meta, dict) or descriptor_problems(folder, meta) or not _valid_rows(resources):
        return Loadable(folder, problems=_detailed_problems(folder))
    keys = key_problems(folder, resources)
    if keys:
        return Loadable(folder, problems=[str(problem) for problem in keys])
    return Loadable(folder, report, resources)


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
