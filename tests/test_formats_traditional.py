"""A report printed in Traditional Chinese is read as Simplified (OpenCC) and gives the Simplified seed's records."""

from __future__ import annotations

import opencc
import pytest
from conftest import seed
from table_support import without

from converter.convert import convert_file
from converter.readers import read_document
from converter.readers.script import traditional_share
from converter.specs.tables import TABLES

RESOURCES = sorted({spec.resource for spec in TABLES.values()}) + [
    "report_tables", "narrative", "narrative_facts", "three_public_quantities", "performance_evaluations",
]


@pytest.mark.parametrize("number", ["001", "003"])
def test_a_seed_in_traditional_chinese_gives_the_seeds_records(tmp_path, number):
    simplified = seed(number).read_text(encoding="utf-8")
    traditional = opencc.OpenCC("s2t").convert(simplified)
    assert "決算" in traditional and "决算" not in traditional
    path = tmp_path / f"{number}-traditional.txt"
    path.write_text(traditional, encoding="utf-8")
    got, want = convert_file(path), convert_file(seed(number))
    for resource in RESOURCES:
        assert without(got.rows(resource), "report_id") == without(want.rows(resource), "report_id"), resource
    assert got.report["department"] == want.report["department"]
    assert got.report["source_script"] == "zh-Hant" and want.report["source_script"] == "zh-Hans"
    summary = sorted((f.rule_id, f.status, f.expected, f.actual) for f in got.findings)
    assert summary == sorted((f.rule_id, f.status, f.expected, f.actual) for f in want.findings)


def test_simplified_text_is_left_as_printed_even_with_a_few_traditional_names(tmp_path):
    assert traditional_share(seed("002").read_text(encoding="utf-8")) == 0
    path = tmp_path / "mixed.txt"
    text = "臺灣事務辦公室顯著" + seed("001").read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    doc = read_document(path)
    assert doc.script == "zh-Hans" and doc.lines[0].text.startswith("臺灣事務辦公室顯著")
