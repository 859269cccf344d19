"""Damaged input: truncated reports and stray rows give a clear error or a finding, never a crash or a bad package."""

from __future__ import annotations

import random

import pytest
from conftest import SEED_FILES, seed

from converter.convert import convert_file
from converter.model import Extraction, RawRow, TableBlock
from converter.package import write_package
from converter.readers import UnreadableInput
from converter.tables import build_table


def test_a_stray_row_of_another_table_is_left_out_with_a_finding():
    block = TableBlock(table_id="T05", status="found", rows=[
        RawRow(cells=["97.58", "78.65", "18.93"], source_line=10, label="合计"),
        RawRow(cells=["0.78"], source_line=11, code="30299", label="其他商品和服务支出"),
    ])
    extraction = Extraction(report={})
    records = build_table(extraction, block)
    assert [r["name"] for r in records] == ["合计"]
    (finding,) = extraction.findings
    assert (finding.rule_id, finding.status, finding.source_line) == ("EXTRACT", "not_checkable", 11)
    assert "30299" in finding.message_en


def test_a_report_cut_before_its_name_converts_with_a_finding_naming_it_by_its_file(tmp_path):
    path = tmp_path / "cut.txt"
    text = seed("001").read_text(encoding="utf-8")
    start = text.index("第三部分", 200)  # the narrative, without the cover and the tables that name the department
    path.write_text(text[start : start + 3000], encoding="utf-8")
    extraction = convert_file(path)
    assert (extraction.report["department"], extraction.report["title"]) == ("cut", None)
    (finding,) = [f for f in extraction.findings if f.rule_id == "METADATA"]
    assert (finding.severity, finding.location) == ("warning", "reports.department")


@pytest.mark.parametrize("number", sorted(SEED_FILES))
def test_truncated_and_spliced_reports_never_crash_or_write_an_invalid_package(tmp_path, number):
    data = seed(number).read_bytes()
    rng = random.Random(int(number) + 7)
    for attempt in range(12):
        chunk = data[: rng.randint(1, len(data))]
        if attempt % 3 == 0:  # drop a slice from the middle too
            start = rng.randint(0, len(chunk))
            chunk = chunk[:start] + chunk[start + rng.randint(1, 3000):]
        path = tmp_path / f"{attempt}_{seed(number).name}"
        path.write_bytes(chunk)
        try:
            extraction = convert_file(path)
        except UnreadableInput:
            continue  # a clear, named refusal
        write_package(extraction, tmp_path / "out", force=True)  # raises if any record broke the schemas
