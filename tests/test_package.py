"""Packages: deterministic ids and bytes, atomic writes, never replaced by a worse conversion."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import seed
from hypothesis import given, settings
from hypothesis import strategies as st

from converter.convert import convert_file
from converter.metadata import report_id_for
from converter.package import InvalidRecords, WorsePackage, read_package, write_package


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_report_id_is_lowercase_ascii_and_unique_per_file():
    a = report_id_for("上海市普陀区财政局2024年度部门决算.pdf", "ab" * 32)
    b = report_id_for("上海市普陀区财政局2024年度部门决算.pdf", "cd" * 32)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", a)
    assert a == "shanghaishiputuoqucaizhengju2024niandubumenjuesu-abababab" and a != b
    assert report_id_for("000_B4694FA5.txt", "0f" * 32) == "000-b4694fa5-0f0f0f0f"
    assert report_id_for("报告.txt", "12" * 32) == "baogao-12121212"
    assert report_id_for("？？.txt", "12" * 32) == "report-12121212"


def test_a_chinese_file_name_gives_the_pinyin_of_its_department_and_year(tmp_path):
    path = tmp_path / "部门决算.txt"
    path.write_bytes(seed("001").read_bytes())
    report = convert_file(path).report
    assert report["report_id"] == f"gaotaixianyiliaobaozhangju-2023-{_sha(seed('001'))[:8]}"
    chinese = report_id_for("部门决算.pdf", "ab" * 32, "上海市普陀区财政局", 2024)
    assert chinese == "shanghaishiputuoqucaizhengju-2024-abababab"
    assert report_id_for("部门决算.pdf", "ab" * 32) == "bumenjuesuan-abababab"
    assert convert_file(seed("001")).report["report_id"].startswith("001-ccb00ef10012d506-")


def test_a_rerun_writes_byte_identical_files(tmp_path):
    first = _files(write_package(convert_file(seed("001")), tmp_path / "a"))
    second = _files(write_package(convert_file(seed("001")), tmp_path / "b"))
    assert first == second
    assert "datapackage.json" in first and "findings.csv" in first and "schemas/reports.json" in first


def test_datapackage_json_is_the_plain_json_dump_of_the_descriptor(tmp_path):
    """The resources spliced in from the cache leave datapackage.json exactly as json.dumps writes it."""
    import json

    from converter.package import descriptor, resource_rows
    from converter.validate import validation_record

    for number in ("000", "003"):
        extraction = convert_file(seed(number))
        rows = resource_rows(extraction, extraction.report["report_id"])
        folder = write_package(extraction, tmp_path)
        meta = descriptor(rows["reports"][0], rows)
        texts = {resource: (folder / f"{resource}.csv").read_text(encoding="utf-8") for resource in rows}
        meta["juesuan"]["validated"] = validation_record(texts)
        expected = json.dumps(meta, ensure_ascii=False, indent=2) + "\n"
        assert (folder / "datapackage.json").read_text(encoding="utf-8") == expected
        assert json.loads(expected)["resources"][2]["schema"]["primaryKey"] == ["report_id", "row_no"]


def test_every_resource_has_a_csv_with_its_header_even_without_rows(tmp_path):
    folder = write_package(convert_file(seed("004")), tmp_path)
    report, resources = read_package(folder)
    assert report["department"] == "米脂县医疗保险经办中心"
    assert resources["income_by_function"] == []
    assert (folder / "income_by_function.csv").read_text(encoding="utf-8").startswith("report_id,row_no,code,")


def test_the_report_records_unit_currency_and_source(tmp_path):
    folder = write_package(convert_file(seed("002")), tmp_path)
    report, _ = read_package(folder)
    assert report["amount_unit"] == "万元" and report["currency"] == "CNY"
    assert report["source_file"] == seed("002").name and len(report["source_sha256"]) == 64
    assert report["year"] == 2023 and report["level"] == "部门" and report["department"] == "焦作市医疗保障局"
    assert (report["province"], report["city"]) == ("河南省", "焦作市")


def test_no_temporary_folders_are_left_behind(tmp_path):
    write_package(convert_file(seed("003")), tmp_path)
    write_package(convert_file(seed("003")), tmp_path, force=True)
    assert [p.name for p in tmp_path.iterdir()] == [report_id_for(seed("003").name, _sha(seed("003")))]


def _sha(path):
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_conversion_with_fewer_rows_does_not_replace_a_good_package(tmp_path):
    extraction = convert_file(seed("004"))
    extraction.resources["narrative"] = [
        {"section": "一、概况", "seq": n, "text": f"第{n}段。", "source_page": None, "source_line": n}
        for n in (1, 2, 3)
    ]
    folder = write_package(extraction, tmp_path)
    before = _files(folder)
    extraction.resources = {"report_tables": extraction.resources["report_tables"],
                            "narrative": extraction.resources["narrative"][:1]}
    with pytest.raises(WorsePackage, match="kept the existing package"):
        write_package(extraction, tmp_path)
    assert _files(folder) == before
    write_package(extraction, tmp_path, force=True)
    assert _files(folder) != before


def test_records_that_break_the_schemas_are_never_written(tmp_path):
    extraction = convert_file(seed("004"))
    extraction.resources["narrative"] = [{"section": "一", "seq": 1, "text": "x", "source_page": None,
                                          "source_line": "seven"}]
    with pytest.raises(InvalidRecords, match=r"narrative.csv:2 \[source_line\]"):
        write_package(extraction, tmp_path)
    assert list(tmp_path.iterdir()) == []


@settings(max_examples=200, deadline=None)
@given(department=st.one_of(st.none(), st.text()), year=st.one_of(st.none(), st.integers(), st.booleans()),
       source_file=st.text(min_size=1), unit=st.one_of(st.none(), st.text(), st.floats(allow_nan=False)),
       validated=st.booleans())
def test_datapackage_json_is_the_plain_json_dump_whatever_the_values(department, year, source_file, unit, validated):
    """The head is filled into a template of its indented JSON: the same text as json.dumps for any value."""
    import json

    from converter import registry
    from converter.package import descriptor, descriptor_text
    from converter.validate import validation_record

    report = {"report_id": "r-1", "department": department, "year": year, "source_file": source_file,
              "source_sha256": "0" * 64, "source_format": "txt", "amount_unit": unit}
    rows = {name: [report] * (len(name) % 3) for name in registry.resource_names()}
    meta = descriptor(report, rows)
    record = validation_record({name: name * len(name) for name in rows}) if validated else None
    if record:
        meta["juesuan"]["validated"] = record
    assert descriptor_text(report, rows, record) == json.dumps(meta, ensure_ascii=False, indent=2) + "\n"


def test_schema_copies_are_links_to_the_last_packages_while_they_hold_the_bytes_written(tmp_path):
    """Each package's schemas/*.json holds the schema's bytes; a copy is a hard link to the last package's while that
    one is unchanged, and a new file when it was changed, replaced or removed."""
    from converter import registry

    expected = {p.name: p.read_bytes() for p in registry.SCHEMA_DIR.glob("*.json") if p.stem in registry.RESOURCE_ORDER}
    extractions = [convert_file(seed(number)) for number in ("000", "001", "002", "003")]
    first = write_package(extractions[0], tmp_path / "a")
    second = write_package(extractions[1], tmp_path / "a")
    for folder in (first, second):
        assert {p.name: p.read_bytes() for p in (folder / "schemas").iterdir()} == expected
    assert (first / "schemas/narrative.json").stat().st_ino == (second / "schemas/narrative.json").stat().st_ino
    changed = second / "schemas/narrative.json"
    changed.write_bytes(changed.read_bytes().replace(b"{", b" ", 1))  # in place: the first package's copy too
    third = write_package(extractions[2], tmp_path / "b")
    assert (third / "schemas/narrative.json").read_bytes() == expected["narrative.json"]
    assert (third / "schemas/narrative.json").stat().st_ino != changed.stat().st_ino
    assert (third / "schemas/reports.json").stat().st_ino == (second / "schemas/reports.json").stat().st_ino
    shutil.rmtree(third)
    fourth = write_package(extractions[3], tmp_path / "b")
    assert {p.name: p.read_bytes() for p in (fourth / "schemas").iterdir()} == expected
