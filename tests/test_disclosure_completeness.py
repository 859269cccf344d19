"""disclosure_completeness: required items present, stated empty or missing, and the report's score."""

from __future__ import annotations

import pytest
from conftest import SAMPLES

from converter.checks.completeness import ITEMS, assess
from converter.convert import convert_file
from converter.package import read_package

PUTUO = str(SAMPLES / "shanghai-putuo-czj-2024.pdf")


def statuses(records: list[dict]) -> dict[str, str]:
    return {r["item_key"]: r["status"] for r in records}


@pytest.fixture(scope="module")
def seeds(seed_packages):
    return {number: read_package(folder)[1] for number, folder in seed_packages.items()}


def test_sixteen_items_per_report(seeds):
    assert len(ITEMS) == 16
    for resources in seeds.values():
        assert [r["item_key"] for r in resources["disclosure_completeness"]] == [key for key, _, _ in ITEMS]


@pytest.mark.parametrize("number", ["000", "001", "002", "003"])
def test_complete_seeds_score_100(seeds, number):
    resources = seeds[number]
    assert resources["reports"][0]["disclosure_score"] == "100.00"
    assert "missing" not in statuses(resources["disclosure_completeness"]).values()


def test_seed004_omits_its_tables_and_its_three_public_quantities(seeds):
    """Seed 004 carries no table text (公开01–09表 are images in the source); its 三公 section (lines 153–181) gives
    amounts only; "无机关运行经费支出" (line 185) and "无政府采购事项" (line 189) are stated empty."""
    found = statuses(seeds["004"]["disclosure_completeness"])
    assert [key for key, status in found.items() if status == "missing"] == [
        "T01",
        "T02",
        "T03",
        "T04",
        "T05",
        "T06",
        "T09",
        "three_public_quantities",
    ]
    assert found["operating_costs"] == found["procurement"] == "stated_empty"
    assert found["T07"] == found["T08"] == "stated_empty"  # "无政府性基金预算财政拨款收支，已公开空表" (line 135)
    assert seeds["004"]["reports"][0]["disclosure_score"] == "50.00"  # 8 of 16


def test_stated_empty_tables_carry_their_note(seeds):
    t07 = next(r for r in seeds["002"]["disclosure_completeness"] if r["item_key"] == "T07")
    assert (t07["status"], t07["score"]) == ("stated_empty", 1)
    assert t07["evidence"] == "说明：我部门没有政府性基金收入，也没有使用政府性基金安排的支出，故本表无数据。"


def test_putuo_is_complete_and_states_no_three_public_spending():
    extraction = convert_file(PUTUO)
    found = {r["item_key"]: r for r in extraction.rows("disclosure_completeness")}
    assert extraction.report["disclosure_score"] == "100.00"
    quantities = found["three_public_quantities"]
    assert quantities["status"] == "stated_empty"
    assert quantities["evidence"] == "2024年度“三公”经费支出决算数小于预算数的主要原因：当年度无“三公”经费支出。"
    assert (quantities["source_page"], quantities["source_line"]) == (23, 370)
    assert found["procurement"]["status"] == "present" and found["procurement"]["source_line"] == 398


def test_a_report_without_glossary_or_assets_loses_those_items():
    resources = {
        "report_tables": [{"table_id": f"T0{n}", "status": "found", "title": "…"} for n in range(1, 10)],
        "narrative": [{"section": "二、收入决算情况说明", "text": "本年收入合计1.00万元。", "source_line": 5}],
        "narrative_facts": [],
    }
    records, score = assess(resources)
    found = statuses(records)
    assert [key for key, status in found.items() if status == "missing"] == [
        "three_public_explanation",
        "three_public_quantities",
        "operating_costs",
        "procurement",
        "state_assets",
        "performance",
        "glossary",
    ]
    assert score == "56.25"  # 9 of 16
