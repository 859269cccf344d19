"""On the Shanghai Putuo PDF the contradictions a careful reader finds are mismatches, and nothing else is.

Read by hand (pages and lines of the converter's text of examples/samples/shanghai-putuo-czj-2024.pdf):
- page 21 line 307: "财政拨款收入支出总计0.3万元" while 公开04表 totals 2961.68 (N4);
- page 21 line 317: "一般公共服务支出（类）2106.66万元，占71.73%": 2106.66 / 2940.05 = 71.65 % (N18);
- page 21 lines 317–319: the four 类 shares 71.73 + 11.11 + 2.07 + 15.16 = 100.07 % of a total their amounts
  exhaust (2940.06 ≈ 2940.05) (N19).
"""

from __future__ import annotations

import subprocess

import pytest
from conftest import SAMPLES

from converter.convert import convert_file

PUTUO = str(SAMPLES / "shanghai-putuo-czj-2024.pdf")


@pytest.fixture(scope="module")
def findings():
    return convert_file(PUTUO).findings


def test_the_real_contradictions_are_the_only_mismatches(findings):
    found = {
        (f.rule_id, f.actual, f.expected, f.source_page, f.source_line) for f in findings if f.status == "mismatch"
    }
    assert found == {
        ("N4", "0.3", "2961.68", 21, 307),
        ("N18", "71.73", "71.6539", 21, 317),
        ("N19", "100.07", "100", 21, 317),
    }


def test_budget_lines_named_by_their_path_match_t05(findings):
    """Pages 21–22: eleven "1、一般公共服务支出（类）财政事务（款）行政运行（项）。主要用于：…。年初预算为…" lines."""
    lines = [f for f in findings if f.rule_id == "N17"]
    assert len(lines) == 11 and {f.status for f in lines} == {"ok"}
    assert "2010601" in lines[0].location


def test_sme_awards_round_to_the_procurement_total(findings):
    """Page 24: 246.47 (line 401) + 4.79 (line 403) = 251.26 vs 政府采购金额 251.25 (line 398)."""
    (sme,) = [f for f in findings if f.rule_id == "N20"]
    assert (sme.status, sme.actual, sme.expected) == ("rounding", "251.26", "251.25")


def test_year_on_year_rates_hold(findings):
    """Lines 297, 313, 395: −56.95 / 3052.34 = 1.87 %, −63.14 / 3003.19 = 2.10 %, 2.55 / 182.10 = 1.40 %."""
    rates = {f.location: f.status for f in findings if f.rule_id == "N1" and "rate" in f.location}
    assert rates == {
        "narrative prior_year_change_rate": "ok",
        "narrative general_budget_prior_year_change_rate": "ok",
        "narrative operating_costs_prior_year_change_rate": "ok",
    }


def test_level_with_last_year_is_not_checkable_without_last_years_figures(findings):
    """Line 307 (财政拨款收入支出总计持平), lines 375–376 (三公 total and its three items 持平)."""
    flats = [(f.status, f.source_line) for f in findings if f.rule_id == "N22"]
    assert flats == [("not_checkable", line) for line in (307, 375, 375, 376, 376)]


@pytest.mark.parametrize("mode", [[], ["-raw"]])
def test_the_narrative_contradictions_survive_other_renderings(tmp_path, mode):
    """The same PDF as pdftotext prints it (reading order, then raw stream order): the wordings still read, and the
    share contradictions are still found."""
    text = tmp_path / "putuo.txt"
    subprocess.run(["pdftotext", *mode, PUTUO, str(text)], check=True, capture_output=True)
    extraction = convert_file(text)
    facts = {(r["metric_key"], r["value"]) for r in extraction.rows("narrative_facts")}
    assert {("procurement_total", "251.25"), ("procurement_sme_other_award", "4.79"), ("class_share", "71.73")} <= facts
    mismatches = {(f.rule_id, f.actual) for f in extraction.findings if f.status == "mismatch"}
    assert {("N18", "71.73"), ("N19", "100.07")} <= mismatches
