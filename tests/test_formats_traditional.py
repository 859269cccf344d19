"""A report printed in Traditional Chinese is read as Simplified (OpenCC) and gives the Simplified seed's records."""

from __future__ import annotations

from pathlib import Path

import opencc
import pytest
from conftest import seed
from table_support import without

from converter.convert import convert_file
from converter.readers import read_document, script
from converter.readers.script import traditional_share
from converter.specs.tables import TABLES

RESOURCES = sorted({spec.resource for spec in TABLES.values()}) + [
    "report_tables", "narrative", "narrative_facts", "three_public_quantities", "performance_evaluations",
]


@pytest.mark.parametrize(("number", "variant"), [("001", "s2t"), ("003", "s2t"), ("001", "s2tw"), ("003", "s2hk")])
def test_a_seed_in_traditional_chinese_gives_the_seeds_records(tmp_path, number, variant):
    simplified = seed(number).read_text(encoding="utf-8")
    traditional = opencc.OpenCC(variant).convert(simplified)
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
    assert traditional_share(seed("002").read_text(encoding="utf-8")) < 0.001  # 显著 reads as a variant once
    path = tmp_path / "mixed.txt"
    text = "臺灣事務辦公室顯著" + seed("001").read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    doc = read_document(path)
    assert doc.script == "zh-Hans" and doc.lines[0].text.startswith("臺灣事務辦公室顯著")


def test_a_big5_text_in_traditional_chinese_is_decoded_as_big5_and_read(tmp_path):
    traditional = opencc.OpenCC("s2tw").convert(seed("001").read_text(encoding="utf-8"))
    path = tmp_path / "big5.txt"
    path.write_bytes(traditional.encode("big5"))
    doc = read_document(path)
    assert (doc.encoding, doc.script) == ("big5", "zh-Hant")
    got, want = convert_file(path), convert_file(seed("001"))
    for resource in RESOURCES:
        assert without(got.rows(resource), "report_id") == without(want.rows(resource), "report_id"), resource
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(seed("001").read_text(encoding="utf-8").encode("gb18030"))
    assert read_document(gbk).encoding == "gb18030"


def test_the_characters_opencc_can_change_bound_what_it_changes():
    """Every character the conversion changes, in a Traditional seed and in text drawn from the dictionaries'
    own variants, is in `changeable()`; a Simplified seed is decided without loading OpenCC, a Traditional one not."""
    sources = script.changeable()
    assert sources is not None and {"臺", "顯", "著", "衞", "爲"} <= sources and not {"决", "算", "元"} & sources
    traditional = opencc.OpenCC("s2hk").convert(seed("003").read_text(encoding="utf-8")) + "附著物衞生爲臺灣"
    converted = script.simplified(traditional)
    assert len(converted) == len(traditional)
    changed = {before for before, after in zip(traditional, converted) if before != after}
    assert changed and changed <= sources
    script._converters.cache_clear()
    assert not script.is_traditional(seed("001").read_text(encoding="utf-8"))
    assert script._converters.cache_info().currsize == 0  # OpenCC was not needed
    assert script.is_traditional(traditional)


def test_without_opencc_dictionaries_every_text_is_measured(monkeypatch):
    monkeypatch.setattr(script, "changeable", lambda: None)
    assert not script.is_traditional(seed("002").read_text(encoding="utf-8"))
    assert script.is_traditional(opencc.OpenCC("s2t").convert(seed("002").read_text(encoding="utf-8")))
    assert script._read_sources(Path("/nonexistent/share/opencc"), ["TSCharacters.ocd2"]) == script.NOT_KNOWN
