"""Column checks (converter.validators.column_check) accept only rows that the JSON Schema accepts, with values of
exact types (so their CSV reads back unchanged), and accept the real packages' rows."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from converter import registry
from converter.model import Extraction
from converter.package import read_resource, reads_back_unchanged, resource_rows
from converter.validate import schema_errors
from converter.validators import column_check

SHIPPED = Path(__file__).resolve().parent.parent / "datapackage"
RESOURCES = registry.resource_names()


@cache
def shipped_rows(resource: str) -> list[dict]:
    return [row for folder in sorted(SHIPPED.iterdir()) if folder.is_dir() for row in read_resource(folder, resource)]


def test_every_resource_has_a_column_check_and_the_shipped_rows_pass_it():
    for resource in RESOURCES:
        check = column_check(resource)
        assert check is not None, resource
        rows = shipped_rows(resource)
        assert check(rows) and check([]), resource


def _near_misses(prop: dict) -> list:
    """Values at and around the field's constraints, valid or not."""
    values = [None, "", " ", "x", "0", "12", 0, 1, -1, 3.0, True, False, 2**70, "\n", "a\rb", "中文"]
    values += list(prop.get("enum", [])) + [f"{member}x" for member in prop.get("enum", []) if member]
    for bound in (prop.get("minimum"), prop.get("maximum")):
        if bound is not None:
            values += [bound - 1, bound, bound + 1, float(bound), str(bound)]
    return values


@cache
def field_values(resource: str, name: str) -> list:
    column = [row[name] for row in shipped_rows(resource)][:40]
    return column + _near_misses(registry.schema(resource)["properties"][name])


@st.composite
def rows_of(draw, resource: str) -> list[dict]:
    """1–4 rows of the shipped packages (or of nulls), each with up to two fields changed to a value at or around
    the field's constraints (valid or not) or to another row's value."""
    fields = registry.field_names(resource)
    rows = []
    for _ in range(draw(st.integers(1, 4))):
        row = dict(draw(st.sampled_from(shipped_rows(resource) or [dict.fromkeys(fields)])))
        for name in draw(st.lists(st.sampled_from(fields), max_size=2)):
            row[name] = draw(st.sampled_from(field_values(resource, name)))
        rows.append(row)
    return rows


@pytest.mark.parametrize("resource", RESOURCES)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_rows_the_column_check_accepts_are_valid_and_read_back_unchanged(resource, data):
    rows = data.draw(rows_of(resource))
    accepted = column_check(resource)(rows)
    event(f"accepted: {accepted}")
    if accepted:
        assert all(schema_errors(resource, row) == [] for row in rows)
        report = rows[0] if resource == "reports" else {"report_id": rows[0]["report_id"]}
        normalised = resource_rows(Extraction(report=report, resources={resource: rows}), rows[0]["report_id"])
        if "" not in {value for row in rows for value in row.values()}:
            assert reads_back_unchanged(resource, normalised[resource])


@pytest.mark.parametrize("resource", RESOURCES)
def test_one_bad_value_in_any_field_fails_the_column_check(resource):
    check = column_check(resource)
    good = shipped_rows(resource)[:3] or [{name: None for name in registry.field_names(resource)}]
    for name, prop in registry.schema(resource)["properties"].items():
        for value in _near_misses(prop):
            rows = [*good[:-1], {**good[-1], name: value}]
            assert check(rows) == (schema_errors(resource, rows[-1]) == [] and _exact_type(prop, value)
                                   and all(schema_errors(resource, row) == [] for row in good)), (name, value)
    assert not check([*good, {**good[0], "extra": 1}])
    assert not check([*good, {k: v for k, v in good[0].items() if k != "report_id"}])


def _exact_type(prop: dict, value) -> bool:
    kinds = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
    return type(value) in {{"string": str, "integer": int, "null": type(None)}[kind] for kind in kinds}
