"""The schema registry: the only place that knows resource and field names (read from schemas/*.json)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_REPOSITORY_SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"  # a checkout (editable install)
_INSTALLED_SCHEMAS = Path(__file__).resolve().parent / "_data" / "schemas"  # a wheel (copied there by setup.py)
SCHEMA_DIR = _REPOSITORY_SCHEMAS if _REPOSITORY_SCHEMAS.is_dir() else _INSTALLED_SCHEMAS
SCHEMA_VERSION = "v1"
# Resource order in every package: the report first, findings last.
RESOURCE_ORDER = (
    "reports",
    "report_tables",
    "income_expense_summary",
    "income_by_function",
    "expense_by_function",
    "fiscal_summary",
    "general_budget_expense",
    "basic_expense_detail",
    "government_fund",
    "state_capital_expense",
    "three_public",
    "three_public_quantities",
    "disclosure_stats",
    "performance_evaluations",
    "performance_indicators",
    "narrative",
    "narrative_facts",
    "disclosure_completeness",
    "table_cells",
    "findings",
)


@cache
def load_schemas() -> dict[str, dict[str, Any]]:
    """Resource name → JSON Schema, in package order."""
    schemas = {}
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        if "x-juesuan-resource" in schema:
            schemas[schema["x-juesuan-resource"]] = schema
    missing = set(RESOURCE_ORDER) - set(schemas)
    if missing:
        raise RuntimeError(f"schemas missing for: {', '.join(sorted(missing))}")
    return {name: schemas[name] for name in RESOURCE_ORDER}


def resource_names() -> list[str]:
    return list(load_schemas())


def schema(resource: str) -> dict[str, Any]:
    return load_schemas()[resource]


def field_names(resource: str) -> list[str]:
    return list(schema(resource)["properties"])


def _types(prop: dict[str, Any]) -> set[str]:
    kind = prop.get("type", "string")
    return set(kind if isinstance(kind, list) else [kind])


def is_decimal(prop: dict[str, Any]) -> bool:
    return bool(prop.get("x-juesuan-decimal"))


def decimal_fields(resource: str) -> list[str]:
    return [name for name, prop in schema(resource)["properties"].items() if is_decimal(prop)]


def integer_fields(resource: str) -> list[str]:
    return [name for name, prop in schema(resource)["properties"].items() if "integer" in _types(prop)]


def primary_key(resource: str) -> list[str]:
    return list(schema(resource)["x-juesuan-primary-key"])


def foreign_keys(resource: str) -> list[dict[str, Any]]:
    return list(schema(resource).get("x-juesuan-foreign-keys", []))


def table_schema_field(name: str, prop: dict[str, Any], required: bool) -> dict[str, Any]:
    """One Frictionless Table Schema field from one JSON Schema property."""
    types = _types(prop) - {"null"}
    if is_decimal(prop):
        kind = "number"
    elif "integer" in types:
        kind = "integer"
    else:
        kind = "string"
    field: dict[str, Any] = {"name": name, "type": kind, "title": prop.get("title", name)}
    if prop.get("description"):
        field["description"] = prop["description"]
    constraints: dict[str, Any] = {}
    if required:
        constraints["required"] = True
    if kind == "string" and "pattern" in prop:
        constraints["pattern"] = prop["pattern"]
    if "enum" in prop:
        constraints["enum"] = [value for value in prop["enum"] if value is not None]
    for bound in ("minimum", "maximum"):
        if bound in prop:
            constraints[bound] = prop[bound]
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema(resource: str) -> dict[str, Any]:
    """The Frictionless Table Schema of a resource, derived from its JSON Schema (never typed twice)."""
    doc = schema(resource)
    required = set(doc.get("required", []))
    result: dict[str, Any] = {
        "fields": [table_schema_field(n, p, n in required) for n, p in doc["properties"].items()],
        "missingValues": [""],
        "primaryKey": primary_key(resource),
    }
    fks = foreign_keys(resource)
    if fks:
        result["foreignKeys"] = [
            {"fields": fk["fields"], "reference": {"resource": fk["reference"]["resource"],
                                                   "fields": fk["reference"]["fields"]}}
            for fk in fks
        ]
    return result


def sqlite_type(prop: dict[str, Any]) -> type:
    """Python type sqlite-utils maps to the column type: float → REAL, int → INTEGER, str → TEXT."""
    if is_decimal(prop):
        return float
    if "integer" in _types(prop):
        return int
    return str


def sqlite_columns(resource: str) -> dict[str, type]:
    return {name: sqlite_type(prop) for name, prop in schema(resource)["properties"].items()}


def missing_required(resource: str, record: dict[str, Any]) -> list[str]:
    """The fields the schema requires that a record lacks or holds blank (report_id and row_no are added later)."""
    return [
        name for name in schema(resource).get("required", ())
        if name not in {"report_id", "row_no"} and (record.get(name) is None or str(record[name]).strip() == "")
    ]
