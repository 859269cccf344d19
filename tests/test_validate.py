"""Validation catches every kind of broken package and names the file, row and field."""

from __future__ import annotations

import csv
import subprocess
import sys

import pytest

from converter.validate import validate_package


def _rows(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _write(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _append(folder, resource, values: dict):
    """Append one row to a resource CSV, blank except the given fields."""
    path = folder / f"{resource}.csv"
    rows = _rows(path)
    header = rows[0]
    rows.append([str(values.get(name, "")) for name in header])
    _write(path, rows)
    return len(rows)  # CSV row number of the new row (header = 1)


def _report_id(folder):
    return _rows(folder / "reports.csv")[1][0]


def _valid_t03_row(folder, **overrides):
    row = {"report_id": _report_id(folder), "row_no": 999, "code": "2101501", "name": "行政运行", "level": "项",
           "parent_code": "21015", "total": "78.65", "basic": "78.65", "source_line": 300}
    row.update(overrides)
    return row


def test_every_seed_package_is_valid(seed_packages):
    for folder in seed_packages.values():
        assert validate_package(folder) == []


def test_every_seed_package_passes_the_frictionless_command_line(seed_packages):
    for folder in seed_packages.values():
        result = subprocess.run([sys.executable, "-m", "frictionless", "validate", str(folder / "datapackage.json")],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout[-2000:]


def test_a_valid_added_row_stays_valid(package_copy):
    _append(package_copy, "expense_by_function", _valid_t03_row(package_copy))
    assert validate_package(package_copy) == []


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"total": "seventy"}, "total", "does not match"),  # wrong type: text in an amount column
        ({"code": "21O1501"}, "code", "does not match"),  # bad code pattern (letter O)
        ({"total": "78.65000000000001"}, "total", "does not match"),  # float-rounded amount
        ({"name": ""}, "name", "None is not of type 'string'"),  # missing required field
        ({"source_line": "12.5"}, "source_line", "is not of type 'integer'"),  # wrong integer type
        ({"level": "sub"}, "level", "is not one of"),
    ],
)
def test_json_schema_errors_name_file_row_and_field(package_copy, overrides, field, words):
    row_number = _append(package_copy, "expense_by_function", _valid_t03_row(package_copy, **overrides))
    problems = [p for p in validate_package(package_copy) if p.source == "jsonschema"]
    assert problems, "the broken row was not caught"
    problem = problems[0]
    assert problem.file.endswith("/expense_by_function.csv")
    assert problem.row == row_number
    assert problem.field == field
    assert words in problem.message
    assert f"expense_by_function.csv:{row_number} [{field}]" in str(problem)


def test_frictionless_catches_a_wrong_type_too(package_copy):
    row_number = _append(package_copy, "expense_by_function", _valid_t03_row(package_copy, total="seventy"))
    problems = [p for p in validate_package(package_copy) if p.source == "frictionless"]
    assert any(p.row == row_number and p.field == "total" for p in problems)


def test_a_broken_foreign_key_is_caught(package_copy):
    row_number = _append(package_copy, "expense_by_function", _valid_t03_row(package_copy, report_id="no-such-report"))
    problems = [p for p in validate_package(package_copy) if p.source == "frictionless"]
    assert any(p.row == row_number and "foreign" in p.message.lower() for p in problems), problems


def test_a_header_that_drifts_from_the_schema_is_caught(package_copy):
    path = package_copy / "three_public.csv"
    rows = _rows(path)
    rows[0][2] = "kind"
    _write(path, rows)
    problems = validate_package(package_copy)
    assert any(p.file.endswith("three_public.csv") and p.row == 1 for p in problems)


def test_a_table_schema_edited_in_the_package_is_caught(package_copy):
    path = package_copy / "datapackage.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"name": "total", "type": "number"', '"x": 1'),
                    encoding="utf-8")
    text = path.read_text(encoding="utf-8").replace('"type": "number"', '"type": "string"', 1)
    path.write_text(text, encoding="utf-8")
    assert any("Table Schema differs" in p.message for p in validate_package(package_copy))


def test_a_folder_that_is_not_a_package_is_one_problem(tmp_path):
    problems = validate_package(tmp_path)
    assert len(problems) == 1 and "not a data package" in problems[0].message


def test_the_fast_path_catches_broken_keys_without_frictionless(package_copy):
    row_number = _append(package_copy, "expense_by_function", _valid_t03_row(package_copy, report_id="no-such-report"))
    problems = validate_package(package_copy, frictionless=False)
    assert [(p.source, p.row, p.field) for p in problems] == [("keys", row_number, "report_id")]
    _append(package_copy, "expense_by_function", _valid_t03_row(package_copy, row_no=1))
    assert any("duplicate primary key" in p.message for p in validate_package(package_copy, frictionless=False))


def test_the_fast_path_passes_every_seed_package(seed_packages):
    for folder in seed_packages.values():
        assert validate_package(folder, frictionless=False) == []


TRICKY_VALUES = [None, "", " ", "x", "0", "-1", "1.5", "78.65\n", "1.2345678", "２", "21O1501", 0, -1, 1, 10**20, 1.5,
                 1.0, True, False, [], {}, "zh-Hant", "error", "ok", "T01", "2024", "abc-def", "ABC", "a" * 300]


def test_the_compiled_validator_never_passes_what_jsonschema_refuses(seed_packages):
    """Every row of every seed package, each field set in turn to values of every kind (and removed, and an unknown
    field added): whenever jsonschema reports an error, the compiled fast check rejects the record too, so skipping
    jsonschema for the records the fast check passes never hides a problem."""
    from fastjsonschema import JsonSchemaException

    from converter import registry
    from converter.package import read_resource
    from converter.validate import _validator
    from converter.validators import fast_check

    refused = 0
    for resource in registry.resource_names():
        records = [row for folder in seed_packages.values() for row in read_resource(folder, resource)[:3]]
        assert records or resource in {"performance_indicators", "performance_evaluations", "state_capital_expense",
                                        "government_fund", "table_cells", "three_public_quantities"}
        for record in records[:2]:
            variants = [{**record, name: value} for name in record for value in TRICKY_VALUES]
            variants += [{k: v for k, v in record.items() if k != name} for name in record]
            variants += [{**record, "unknown_field": "x"}]
            for variant in [record, *variants]:
                errors = list(_validator(resource).iter_errors(variant))
                refused += bool(errors)
                try:
                    fast_check(resource)(variant)
                except JsonSchemaException:
                    continue
                assert not errors, (resource, variant, errors[0].message)
    assert refused > 1000  # the variants do break the schemas


def test_compiled_validators_are_kept_on_disk_and_a_damaged_copy_is_replaced(tmp_path, monkeypatch):
    from fastjsonschema import JsonSchemaException

    from converter import validators

    monkeypatch.setenv("JUESUAN_CACHE_DIR", str(tmp_path))
    validators._validators.cache_clear()
    try:
        check = validators.fast_check("three_public_quantities")
        (stored,) = tmp_path.glob("validators-*")
        validators._validators.cache_clear()
        stored.write_bytes(b"not marshal data")
        again = validators.fast_check("three_public_quantities")
        assert stored.read_bytes() != b"not marshal data"  # compiled anew and stored again
        validators._validators.cache_clear()
        from_disk = validators.fast_check("three_public_quantities")
        for validate in (check, again, from_disk):
            with pytest.raises(JsonSchemaException):
                validate({"report_id": "Not An Id"})
        assert [p.name for p in tmp_path.iterdir()] == [stored.name]  # no temporary file left
    finally:
        validators._validators.cache_clear()
