"""Schema files for reuse by other regions: a Frictionless Table Schema beside each JSON Schema, an example CSV each.

`python -m converter.schema_files` (re)writes `schemas/<resource>.table-schema.json` and `schemas/examples/*.csv`
(a test keeps them in sync). The Table Schema is `registry.table_schema` without foreign keys, which need the other
resources of a package, so that `frictionless validate --schema schemas/x.table-schema.json x.csv` works on one CSV.
Example rows come from the shipped packages (`datapackage/`), the first few rows of the first package that has any.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

from converter import registry
from converter.package import DATAPACKAGE

ROOT = registry.SCHEMA_DIR.parent
PACKAGES = ROOT / "datapackage"
EXAMPLES = registry.SCHEMA_DIR / "examples"
EXAMPLE_ROWS = 5
SUFFIX = ".table-schema.json"


def standalone_table_schema(resource: str) -> dict[str, Any]:
    """The resource's Table Schema for validating one CSV on its own (no foreign keys), with its title."""
    doc = registry.schema(resource)
    schema = {key: value for key, value in registry.table_schema(resource).items() if key != "foreignKeys"}
    return {"$comment": f"Generated from {resource}.json by converter.schema_files; do not edit.",
            "title": doc.get("title", resource), "description": doc.get("description", ""), **schema}  # fmt: skip


def table_schema_path(resource: str) -> Path:
    return registry.SCHEMA_DIR / f"{resource}{SUFFIX}"


def example_csv(resource: str, packages: Path = PACKAGES) -> str:
    """Header and the first rows of the resource in the first shipped package that has rows of it."""
    fields = registry.field_names(resource)
    rows: list[dict[str, str]] = []
    for folder in sorted(p.parent for p in packages.glob(f"*/{DATAPACKAGE}")):
        with (folder / f"{resource}.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))[:EXAMPLE_ROWS]
        if rows:
            break
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def generated() -> dict[Path, str]:
    """Every generated file and its content."""
    files: dict[Path, str] = {}
    for resource in registry.resource_names():
        text = json.dumps(standalone_table_schema(resource), ensure_ascii=False, indent=2) + "\n"
        files[table_schema_path(resource)] = text
        files[EXAMPLES / f"{resource}.csv"] = example_csv(resource)
    return files


def main() -> int:
    EXAMPLES.mkdir(exist_ok=True)
    for path, text in generated().items():
        path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
