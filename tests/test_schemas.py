"""The JSON Schemas are the single source of truth: valid, versioned, and what packages and CSVs derive from."""

from __future__ import annotations

import csv
import json
import re

import pytest
from jsonschema import Draft202012Validator

from converter import registry

RESOURCES = registry.resource_names()


@pytest.mark.parametrize("resource", RESOURCES)
def test_schema_passes_the_draft_2020_12_meta_schema(resource):
    Draft202012Validator.check_schema(registry.schema(resource))


@pytest.mark.parametrize("resource", RESOURCES)
def test_schema_id_is_versioned_and_named_after_the_resource(resource):
    schema_id = registry.schema(resource)["$id"]
    assert f"/{registry.SCHEMA_VERSION}/" in schema_id
    assert schema_id.endswith(f"/{resource}.json")


@pytest.mark.parametrize("resource", RESOURCES)
def test_every_field_has_a_chinese_title_and_an_english_description(resource):
    for name, prop in registry.schema(resource)["properties"].items():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in prop["title"]), name
        assert len(re.findall(r"[A-Za-z]{2,}", prop["description"])) >= 2, name


@pytest.mark.parametrize("resource", [r for r in RESOURCES if r != "reports"])
def test_every_data_resource_links_to_its_report_and_carries_provenance(resource):
    fields = registry.field_names(resource)
    assert fields[0] == "report_id"
    assert {"source_page", "source_line"} <= set(fields)
    assert {"fields": ["report_id"], "reference": {"resource": "reports", "fields": ["report_id"]}} in (
        registry.foreign_keys(resource)
    )


def test_amount_fields_are_exact_decimal_text_never_numbers():
    amount = registry.schema("expense_by_function")["properties"]["total"]
    validator = Draft202012Validator(amount)
    assert validator.is_valid("2502.70") and validator.is_valid(None) and validator.is_valid("0.00")
    assert not validator.is_valid(2502.7)
    assert not validator.is_valid("2,502.70")
    assert not validator.is_valid("97.58000000000001")
    assert not validator.is_valid("1E+3")


def test_codes_are_strings_with_their_leading_digits():
    code = Draft202012Validator(registry.schema("expense_by_function")["properties"]["code"])
    assert code.is_valid("2101501") and code.is_valid("210") and code.is_valid("21015")
    assert not code.is_valid(2101501)
    assert not code.is_valid("2101501 ")
    assert not code.is_valid("210150")


@pytest.mark.parametrize("resource", RESOURCES)
def test_table_schema_fields_follow_the_json_schema_exactly(resource):
    table = registry.table_schema(resource)
    json_schema = registry.schema(resource)
    assert [f["name"] for f in table["fields"]] == list(json_schema["properties"])
    for field in table["fields"]:
        prop = json_schema["properties"][field["name"]]
        assert field["title"] == prop["title"]
        expected = "number" if prop.get("x-juesuan-decimal") else (
            "integer" if "integer" in (prop["type"] if isinstance(prop["type"], list) else [prop["type"]]) else "string"
        )
        assert field["type"] == expected
        assert field.get("constraints", {}).get("required", False) == (field["name"] in json_schema["required"])


def test_packages_embed_the_derived_table_schemas_and_matching_csv_headers(seed_packages):
    for folder in seed_packages.values():
        descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        assert [r["name"] for r in descriptor["resources"]] == RESOURCES
        for resource in descriptor["resources"]:
            assert resource["schema"] == registry.table_schema(resource["name"])
            with (folder / resource["path"]).open(encoding="utf-8", newline="") as handle:
                assert next(csv.reader(handle)) == registry.field_names(resource["name"])
            shipped = json.loads((folder / resource["jsonschema"]).read_text(encoding="utf-8"))
            assert shipped == registry.schema(resource["name"])


def test_code_lists_ship_with_level_and_parent():
    for name in ("function_codes.csv", "economic_codes.csv"):
        with (registry.SCHEMA_DIR / "codes" / name).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert rows, name
        codes = {row["code"] for row in rows}
        for row in rows:
            assert row["level"] in {"类", "款", "项"}
            if row["parent_code"]:
                assert row["code"].startswith(row["parent_code"]) and row["parent_code"] in codes


def test_the_data_model_doc_is_generated_from_the_schemas():
    from converter.schema_docs import DOC_PATH, render

    assert DOC_PATH.read_text(encoding="utf-8") == render(), "run: python -m converter.schema_docs"
