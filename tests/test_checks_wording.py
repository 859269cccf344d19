"""What the narrative says against its own figures (N11–N14): holds, off by rounding, really off."""

from __future__ import annotations

import pytest
from checks_support import fact, run, stat

LINE = "年初预算为19.93万元，支出决算为20.77万元，完成年初预算的104.21%。"


def budget_line(budget: str, expense: str, rate: str | None = None, sign: str | None = None) -> list[dict]:
    """The facts of one budget line (lines 10–12) as the narrative extractor writes them."""
    rows = [fact("item_budget", budget, LINE, line=10), fact("item_expense", expense, LINE, line=10)]
    if rate is not None:
        rows.append(fact("item_completion_rate", rate, LINE, unit="%", line=10))
    if sign is not None:
        rows.append(fact("item_comparison", sign, "决算支出数小于年初预算安排数。", unit=None, line=12))
    return rows


def one(resources: dict, rule_id: str):
    (found,) = run(resources, rule_id)
    return found


@pytest.mark.parametrize(
    ("budget", "expense", "sign", "status"),
    [
        ("19.93", "20.77", "1", "ok"),  # 大于, and it is above
        ("655.14", "606.61", "-1", "ok"),
        ("1.06", "1.06", "0", "ok"),  # 一致
        ("1.06", "1.08", "0", "rounding"),  # 一致 within 0.05
        ("1.06", "1.20", "0", "mismatch"),
        ("19.93", "20.77", "-1", "mismatch"),  # seed 002 item 4
        ("0.00", "0.00", "-1", "mismatch"),  # seed 001 三公: 小于 with both 0.00
    ],
)
def test_comparison_wording_against_the_lines_figures(budget, expense, sign, status):
    found = one({"narrative_facts": budget_line(budget, expense, sign=sign)}, "N11")
    assert (found.status, found.expected, found.actual, found.source_line) == (status, budget, expense, 12)


def test_a_wording_belongs_to_the_line_before_it_not_to_the_next():
    facts = budget_line("19.93", "20.77") + budget_line("655.14", "606.61", sign="-1")
    found = one({"narrative_facts": facts}, "N11")
    assert (found.status, found.expected) == ("ok", "655.14")


def test_a_line_without_wording_gives_no_comparison_finding():
    assert run({"narrative_facts": budget_line("19.93", "20.77", rate="104.21")}, "N11") == []


@pytest.mark.parametrize(
    ("budget", "expense", "rate", "status"),
    [
        ("19.93", "20.77", "104.21", "ok"),  # 104.2147
        ("18.57", "24.25", "130.56", "rounding"),  # 130.587, and 24.245 / 18.57 = 130.560: one figure rounded
        ("18.57", "24.25", "130.53", "mismatch"),  # 130.587: only both at their extremes (24.245 / 18.575) reach it
        ("19.93", "20.77", "104.23", "rounding"),  # within 0.02
        ("19.93", "20.77", "96.00", "mismatch"),
    ],
)
def test_completion_rate_of_a_line(budget, expense, rate, status):
    found = one({"narrative_facts": budget_line(budget, expense, rate=rate)}, "N12")
    assert (found.status, found.actual) == (status, rate)


def test_completion_rate_with_a_zero_budget_is_not_checkable():
    found = one({"narrative_facts": budget_line("0", "0", rate="0")}, "N12")
    assert found.status == "not_checkable"


def test_completion_rate_of_the_general_budget_total_is_left_to_n5():
    facts = budget_line("19.93", "20.77", rate="104.21")
    facts.append(fact("general_budget_completion_rate", "104.21", LINE, unit="%", line=10))
    assert run({"narrative_facts": facts}, "N12") == []


@pytest.mark.parametrize(("share", "status"), [("99.99", "ok"), ("100.00", "ok"), ("119.76", "mismatch")])
def test_a_share_of_a_total_is_at_most_100(share, status):
    facts = [fact("general_budget_expense_share", share, "占本年支出合计的119.76%。", unit="%", line=93)]
    found = one({"narrative_facts": facts}, "N13")
    assert (found.status, found.expected, found.actual) == (status, "100", share)


def test_other_percentages_are_not_shares():
    facts = [fact("general_budget_completion_rate", "119.76", "完成年初预算的119.76%。", unit="%")]
    assert run({"narrative_facts": facts}, "N13") == []


ASSETS = fact("no_state_assets", None, "本单位2023年度无国有资产占用及购置。", unit=None, line=193)


@pytest.mark.parametrize(("vehicles", "status"), [("0", "ok"), ("1", "mismatch")])
def test_no_state_assets_against_the_stated_vehicles(vehicles, status):
    facts = [ASSETS, fact("vehicles_total", vehicles, f"共有车辆{vehicles}辆。", unit="辆", line=197)]
    found = one({"narrative_facts": facts}, "N14")
    assert (found.status, found.source_line, found.actual) == (status, 193, vehicles)
    assert "第197行" in found.message_zh


def test_no_state_assets_against_the_equipment_of_table_10():
    facts = [ASSETS]
    rows = [stat("vehicles_total", "0", line=795), stat("equipment_over_1m", "2", line=813)]
    found = one({"narrative_facts": facts, "disclosure_stats": rows}, "N14")
    assert (found.status, found.actual) == ("mismatch", "2")
    assert "T10 equipment_over_1m" in found.message_zh


def test_no_procurement_in_a_self_evaluation_note_against_the_narrative_amount():
    note = {"name": "政府采购执行率", "actual": "0%", "deviation_note": "2023年度，我部门无政府采购行为。"}
    indicator = {**note, "evaluation_id": "d1", "seq": 9, "source_page": None, "source_line": 1168}
    facts = [fact("procurement_total", "11.97", "2023年度政府采购支出总额11.97万元。", line=848)]
    found = one({"narrative_facts": facts, "performance_indicators": [indicator]}, "N14")
    assert (found.status, found.source_line, found.expected, found.actual) == ("mismatch", 1168, "0", "11.97")


def test_an_absence_with_no_figure_to_compare_gives_no_finding():
    facts = [fact("no_procurement", None, "本单位2023年度无政府采购事项。", unit=None, line=189)]
    assert run({"narrative_facts": facts}, "N14") == []
