"""The CSV read-back is the identity for the values the converter writes, so package_files may validate its rows
directly (`converter.package.reads_back_unchanged`): proved for every code point, for generated records (hypothesis)
and for every shipped package; whatever the proof does not cover is read back and validated as written."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import seed
from hypothesis import given, settings
from hypothesis import strategies as st

from converter import registry
from converter.convert import convert_file
from converter.model import Extraction
from converter.package import (
    InvalidRecords,
    csv_text,
    package_files,
    read_csv_text,
    read_resource,
    reads_back_unchanged,
    resource_rows,
)

SHIPPED = Path(__file__).resolve().parent.parent / "datapackage"
RESOURCE = "performance_evaluations"  # the most text fields, and nullable integer fields
FIELDS = registry.field_names(RESOURCE)
INTEGERS = set(registry.integer_fields(RESOURCE))
TEXTS = [name for name in FIELDS if name not in INTEGERS and name != "report_id"]


def _rows(records: list[dict]) -> list[dict]:
    """The records as package_files validates them: normalised by resource_rows."""
    extraction = Extraction(report={"report_id": "r"}, resources={RESOURCE: records})
    return resource_rows(extraction, "r")[RESOURCE]


def _record(texts: list, integers: list | None = None) -> dict:
    return {**dict(zip(TEXTS, texts)), **dict(zip(sorted(INTEGERS), integers or []))}


def test_the_schemas_hold_only_text_and_integer_fields():
    """The premise of the proof: a field is a string or an integer (either may be null), nothing else."""
    for resource in registry.resource_names():
        for prop in registry.schema(resource)["properties"].values():
            kinds = prop.get("type", "string")
            assert set(kinds if isinstance(kinds, list) else [kinds]) <= {"string", "integer", "null"}


def _chunks(size: int):
    """Every code point (surrogates too), `size` at a time."""
    for start in range(0, sys.maxunicode + 1, size):
        yield [chr(point) for point in range(start, min(start + size, sys.maxunicode + 1))]


def test_every_code_point_in_every_position_reads_back_unchanged():
    """Each code point alone in a cell, and at the start, inside, doubled, next to a quote, a comma, a space and a
    line break and at the end of another; the first ones of each chunk next to every character csv treats apart."""
    specials = ['"', ",", "\n", "\r", "\r\n", " ", "\t", "\0", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "'", "\\"]
    per_record = len(TEXTS) // 2
    for chars in _chunks(8192):
        cells = [cell for char in chars for cell in (char, f'{char}a{char}{char}"{char},{char} {char}\n{char}')]
        records = [_record(cells[start:start + 2 * per_record]) for start in range(0, len(cells), 2 * per_record)]
        records += [_record([f"{special}{char}", f"{char}{special}"]) for char in chars[:32] for special in specials]
        rows = _rows(records)
        assert reads_back_unchanged(RESOURCE, rows)
        assert read_csv_text(RESOURCE, csv_text(RESOURCE, rows)) == rows, f"code points from {ord(chars[0]):#x}"


text_values = st.one_of(st.none(), st.text(), st.sampled_from(["", "\r", "\r\n", "\n", '"', ",", "\0", " ", "0", "-1"]))
int_values = st.one_of(st.none(), st.integers(min_value=-(10**30), max_value=10**30))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.lists(text_values, min_size=len(TEXTS), max_size=len(TEXTS)),
                          st.lists(int_values, min_size=len(INTEGERS), max_size=len(INTEGERS))), max_size=5))
def test_generated_records_read_back_unchanged(records):
    rows = _rows([_record(texts, integers) for texts, integers in records])
    assert reads_back_unchanged(RESOURCE, rows)
    assert read_csv_text(RESOURCE, csv_text(RESOURCE, rows)) == rows


@pytest.mark.parametrize("value", [3.0, True, 0.5, b"x"])
def test_a_value_that_would_not_read_back_unchanged_is_noticed(value):
    record = _record(["x"], [1])
    assert reads_back_unchanged(RESOURCE, _rows([record]))
    assert not reads_back_unchanged(RESOURCE, _rows([{**record, "source_page": value}]))
    assert not reads_back_unchanged(RESOURCE, _rows([{**record, TEXTS[0]: value}]))
    assert not reads_back_unchanged(RESOURCE, _rows([record, {**record, TEXTS[-1]: 5}]))
    assert not reads_back_unchanged(RESOURCE, _rows([record, {**record, "source_line": "5"}]))


def test_an_integer_float_is_validated_as_read_back_text():
    """3.0 passes a JSON Schema integer, but its CSV text "3.0" does not: the package is refused."""
    extraction = convert_file(seed("004"))
    narrative = extraction.rows("narrative")
    narrative[0] = {**narrative[0], "source_line": float(narrative[0]["source_line"])}
    with pytest.raises(InvalidRecords, match=r"narrative\.csv:2 \[source_line\]"):
        package_files(extraction)


def test_integer_text_in_an_integer_field_is_validated_as_the_integer_read_back():
    """"12" in an integer field breaks the schema as a record, yet a reader of the CSV gets the integer 12."""
    extraction = convert_file(seed("004"))
    narrative = extraction.rows("narrative")
    narrative[0] = {**narrative[0], "source_line": str(narrative[0]["source_line"])}
    files = package_files(extraction)
    assert read_csv_text("narrative", files["narrative.csv"])[0]["source_line"] == int(narrative[0]["source_line"])


def test_every_shipped_package_reads_back_unchanged():
    folders = sorted(path for path in SHIPPED.iterdir() if path.is_dir())
    assert len(folders) == 5
    for folder in folders:
        for resource in registry.resource_names():
            records = read_resource(folder, resource)
            text = (folder / f"{resource}.csv").read_text(encoding="utf-8")
            assert csv_text(resource, records) == text
            assert reads_back_unchanged(resource, records)
            assert read_csv_text(resource, text) == records
