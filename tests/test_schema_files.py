"""Schema reuse: a Frictionless Table Schema and a valid example CSV beside each JSON Schema, and a changelog."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from frictionless import Resource, Schema
from jsonschema import Draft202012Validator

from converter import registry, schema_files

RESOURCES = registry.resource_names()
FRICTIONLESS = Path(sys.executable).with_name("frictionless")


def test_generated_schema_files_are_up_to_date():
    stale = [str(path) for path, text in schema_files.generated().items() if path.read_text(encoding="utf-8") != text]
    assert stale == [], "run: python -m converter.schema_files"


@pytest.mark.parametrize("resource", RESOURCES)
def test_each_example_is_valid_against_its_table_schema_and_json_schema(resource):
    descriptor = json.loads(schema_files.table_schema_path(resource).read_text(encoding="utf-8"))
    example = schema_files.EXAMPLES / f"{resource}.csv"
    report = Resource(path=example.name, basepath=str(example.parent), schema=Schema.from_descriptor(descriptor))
    result = report.validate()
    assert result.valid, result.flatten(["rowNumber", "fieldName", "type", "note"])
    with example.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows, f"{resource}: the example has no rows"
    validator = Draft202012Validator(registry.schema(resource))
    integers = set(registry.integer_fields(resource))
    for row in rows:
        record = {k: None if v == "" else int(v) if k in integers else v for k, v in row.items()}
        assert list(validator.iter_errors(record)) == [], (resource, row)


def test_the_table_schema_is_the_packages_schema_without_foreign_keys():
    for resource in RESOURCES:
        standalone = json.loads(schema_files.table_schema_path(resource).read_text(encoding="utf-8"))
        embedded = registry.table_schema(resource)
        assert standalone["fields"] == embedded["fields"] and standalone["primaryKey"] == embedded["primaryKey"]
        assert "foreignKeys" not in standalone


def test_frictionless_cli_validates_a_csv_with_the_table_schema_and_rejects_a_bad_one(tmp_path):
    folder = registry.SCHEMA_DIR
    good = subprocess.run(
        [str(FRICTIONLESS), "validate", "--schema", "three_public.table-schema.json", "examples/three_public.csv"],
        cwd=folder, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert good.returncode == 0, good.stdout[-2000:]
    bad = tmp_path / "three_public.csv"
    text = (schema_files.EXAMPLES / "three_public.csv").read_text(encoding="utf-8")
    bad.write_text(re.sub(r",(budget|actual),[0-9.]+,", r",\1,6.5O,", text, count=1), encoding="utf-8")
    (tmp_path / "schema.json").write_text(
        schema_files.table_schema_path("three_public").read_text(encoding="utf-8"), encoding="utf-8"
    )
    refused = subprocess.run(
        [str(FRICTIONLESS), "validate", "--schema", "schema.json", "three_public.csv"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert refused.returncode == 1 and "type-error" in refused.stdout


def test_changelog_top_version_is_every_schemas_version():
    changelog = (registry.SCHEMA_DIR / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## (\d+\.\d+\.\d+)", changelog, flags=re.M)
    assert versions, "CHANGELOG.md lists no version"
    assert {registry.schema(r)["x-juesuan-version"] for r in RESOURCES} == {versions[0]}
    major = versions[0].split(".")[0]
    assert all(f"/v{major}/" in registry.schema(r)["$id"] for r in RESOURCES)
