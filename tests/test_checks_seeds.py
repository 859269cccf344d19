"""On the five seeds, the contradictions found by reading the reports are mismatches, and nothing else is.

Read by hand (line numbers of the seed text):
- 000: project 1 sheet (lines 1230–1270) prints 8 indicators of 10 points and 总分 100/100 (Σ = 80);
  the narrative (line 1079) says 3 projects, 33.01 万元, 2 优 + 1 良, but the sheets' 年度资金总额 add up to
  0 + 300,000 + 79 元 = 30.0079 万元 and all three score ≥ 90 (100, 96, 100).
- 001: "二级项目 6 个，共涉及资金 309.42 万元，占…项目支出总额的 100%" (line 391), but 项目支出 is 2175.20
  (line 156) and the six projects' 全年预算数 add up to 313.38 (lines 399–415).
- 002: 部门整体自评表 (line 1030): 执行率 76.37 % with 得分 8.49 (10 × 76.37 % = 7.64).
- 003: "共涉及资金91.6万元，占本部门（单位）项目支出总额的100%" (line 516), but 项目支出 is 116.74 (line 164).
- 004: "增加 26.69 万元，增长 7%" three times (lines 55–57, 83–85, 97–99): 26.69 / 345.96 = 7.71 %.
- 001: "住房保障支出年初预算数为 18.57 万元,支出决算为 24.25 万元,完成年初预算的 130.53%" (line 329):
  24.25 / 18.57 = 130.59 % (130.53 % is 24.24 / 18.57; no single rounding of either figure gets there).
- 002: 部门整体支出绩效自评表 全年执行数 1270.64 (line 1021), but the year's spending is 1269.26 in T01/T03
  (lines 126, 206) and 1269.24 in T04/T05: the department's own evaluation executed 1.38 万元 more than it spent.

And what the narrative says against its own figures:
- 001: four 三公 lines "全年预算数为 0.00 万元,支出决算为 0.00 万元,决算数小于预算数" (lines 353–359): 0.00 < 0.00.
- 002: item 4 "年初预算为19.93万元，支出决算为20.77万元" (lines 678–680) then "决算支出数小于年初预算安排数"
  (line 684); 部门整体自评表 政府采购执行率 "2023年度，我部门无政府采购行为" (line 1168) while the narrative states
  "政府采购支出总额11.97万元" (line 848).
- 004: "支出决算 372.65万元 … 占本年支出合计的 119.76%" (lines 93–97): 本年支出合计 is 372.65 (line 73), a share
  cannot pass 100 %; "无国有资产占用及购置" (line 193) but "共有车辆 1 辆" (line 197).
"""

from __future__ import annotations

import pytest

from converter.checks import run_checks
from converter.package import read_package

EXPECTED_MISMATCHES = {
    "000": {
        ("P1", "100", "80"),
        ("P2", "80", "100"),
        ("N9", "33.01", "30.0079"),
        ("N10", "2", "3"),
        ("N10", "1", "0"),
    },
    "001": {
        ("N9", "100", "14.2249"),
        ("N9", "309.42", "313.38"),
        ("N11", "0.00", "0.00"),
        ("N12", "130.53", "130.5870"),
    },
    "002": {("P4", "8.49", "7.637"), ("N11", "20.77", "19.93"), ("N14", "11.97", "0"), ("P6", "1270.64", "1269.26")},
    "003": {("N9", "100", "78.4650")},
    "004": {("N1", "7", "7.7148"), ("N5", "119.76", "100.0000"), ("N13", "119.76", "100"), ("N14", "1", "0")},
}


@pytest.fixture(scope="module")
def seed_findings(seed_packages):
    return {number: run_checks(read_package(folder)[1]) for number, folder in seed_packages.items()}


@pytest.mark.parametrize("number", sorted(EXPECTED_MISMATCHES))
def test_real_contradictions_are_the_only_mismatches(seed_findings, number):
    found = {(f.rule_id, f.actual, f.expected) for f in seed_findings[number] if f.status == "mismatch"}
    assert found == EXPECTED_MISMATCHES[number]


def test_seed004_states_the_wrong_rate_in_three_sentences(seed_findings):
    lines = sorted(f.source_line for f in seed_findings["004"] if f.status == "mismatch" and f.rule_id == "N1")
    assert len(lines) == 3


def test_seed001_says_below_budget_for_four_zero_budget_lines(seed_findings):
    wrong = [f.source_line for f in seed_findings["001"] if f.rule_id == "N11" and f.status == "mismatch"]
    assert wrong == [353, 355, 357, 359]
    # "决算数大于预算数" 26.83 > 25.29 (line 325) and "决算数与预算数一致" 1.06 = 1.06 (line 349) hold
    held = {f.source_line for f in seed_findings["001"] if f.rule_id == "N11" and f.status == "ok"}
    assert {325, 327, 329, 349, 361} == held


def test_seed002_item4_below_budget_wording_contradicts_its_figures(seed_findings):
    (found,) = [f for f in seed_findings["002"] if f.rule_id == "N11" and f.status == "mismatch"]
    assert (found.expected, found.actual, found.difference, found.source_line) == ("19.93", "20.77", "0.84", 680)
    assert "小于" in found.message_zh and "20.77" in found.message_zh and "19.93" in found.message_zh


def test_seed002_no_procurement_note_contradicts_the_stated_procurement(seed_findings):
    (found,) = [f for f in seed_findings["002"] if f.rule_id == "N14"]
    assert (found.status, found.source_line, found.actual) == ("mismatch", 1168, "11.97")
    assert "无政府采购行为" in found.message_zh and "第848行" in found.message_zh


def test_seed004_no_state_assets_contradicts_its_vehicle(seed_findings):
    (found,) = [f for f in seed_findings["004"] if f.rule_id == "N14"]
    assert (found.status, found.source_line, found.actual) == ("mismatch", 193, "1")
    assert "第197行" in found.message_zh


def test_seed004_share_above_100_is_recomputed_from_the_stated_totals(seed_findings):
    (found,) = [f for f in seed_findings["004"] if f.location == "narrative general_budget_expense_share"]
    assert (found.status, found.actual, found.source_line) == ("mismatch", "119.76", 93)
    assert "372.65 / 372.65" in found.message_zh


def test_item_completion_rates_of_the_seeds_hold_but_one(seed_findings):
    """e.g. 002 line 678: 20.77 / 19.93 = 104.21 %; 001 line 329: 24.25 / 18.57 = 130.59 % printed 130.53 — only
    both figures rounded to their extremes at once (24.245 / 18.575) come near it: the % was computed from 24.24."""
    statuses = {n: {f.status for f in found if f.rule_id == "N12"} for n, found in seed_findings.items()}
    assert statuses == {"000": {"ok"}, "001": {"ok", "mismatch"}, "002": {"ok"}, "003": {"ok"}, "004": {"ok"}}
    wrong = [f for f in seed_findings["001"] if f.rule_id == "N12" and f.status == "mismatch"]
    assert [(f.source_line, f.actual, f.expected) for f in wrong] == [(329, "130.53", "130.5870")]


def test_forced_shares_in_seed003_are_rounding(seed_findings):
    """Seed 003 lines 420–422: 78.17 / 194.91 = 40.11 % printed 40.10; 116.74 / 194.91 = 59.89 % printed 59.90."""
    shares = {
        f.location: (f.status, f.actual) for f in seed_findings["003"] if f.rule_id == "N3" and "share" in f.location
    }
    assert shares == {
        "narrative basic_expense_share": ("rounding", "40.10"),
        "narrative project_expense_share": ("rounding", "59.90"),
    }


def test_carry_over_makes_seed002_balance(seed_findings):
    """Seed 002 T01: 1269.24 + 年初结转和结余 0.02 = 总计 1269.26 (lines 126–134): ok, not a mismatch."""
    a3 = [f for f in seed_findings["002"] if f.rule_id == "A3"]
    assert [(f.status, f.expected, f.actual) for f in a3] == [("ok", "1269.26", "1269.26")]


def test_tables_printed_as_images_are_not_checkable(seed_findings):
    table_findings = [
        f
        for f in seed_findings["004"]
        if f.rule_id[0] in "ABCDEFGHJX" and not (f.location or "").startswith("narrative")
    ]
    assert table_findings and {f.status for f in table_findings} == {"not_checkable"}
    # the narrative's own vehicle list still adds up: 共有车辆 1 辆 … 其他用车 1 辆 (lines 197–203)
    assert [f.status for f in seed_findings["004"] if f.location == "narrative vehicles_total"] == ["ok"]


def test_seed002_every_named_item_line_matches_t05(seed_findings):
    # 五、(三) items 1–11 (lines 651–741), each "…（类）…（款）…（项）。年初预算为…，支出决算为 A 万元":
    # A = the T05 项 total
    n17 = [f for f in seed_findings["002"] if f.rule_id == "N17"]
    assert [f.source_line for f in n17] == [651, 659, 668, 678, 688, 696, 706, 716, 725, 733, 741]
    assert {f.status for f in n17} == {"ok"}


def test_seed002_three_public_items_hold_against_t09(seed_findings):
    # line 796 "公务用车购置及运行维护费支出决算3.21万元，完成预算的71.33%，占73.79%":
    # T09 (line 575) 3.21 / 4.50, 3.21 / 4.35
    n16 = {(f.location, f.status) for f in seed_findings["002"] if f.rule_id == "N16"}
    assert ("narrative three_public_vehicle_total_share", "ok") in n16
    assert ("narrative three_public_vehicle_total_completion_rate", "ok") in n16
    assert {f.status for f in seed_findings["002"] if f.rule_id == "N15"} == {"ok"}
