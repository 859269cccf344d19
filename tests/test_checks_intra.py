"""Within-table rules (A1–J1) on seed 002's figures as read by hand: holds, rounding, really off."""

from __future__ import annotations

import pytest
from checks_support import (
    changed,
    coded_row,
    field_edit,
    holds_rounds_breaks,
    run,
    seed002,
    stat,
    statuses,
    table_status,
)
from table_support import T07_COLUMNS

MATCH_T01_TOTAL_INCOME = {"side": "income", "item_key": "total_income"}


def test_seed002_holds_except_the_execution_score_and_the_executed_amount():
    findings = run(seed002())
    assert [(f.rule_id, f.location) for f in findings if f.status == "mismatch"] == [
        ("P4", "d1 医疗保障局 execution_score"),
        ("P6", "d1 医疗保障局 executed vs T01"),  # 1270.64 executed (line 1021) vs 1269.26 spent (T01 line 126)
    ]
    rounding = {(f.rule_id, f.location) for f in findings if f.status == "rounding"}
    # read by hand: T03 合计 888.66 + 380.61 = 1269.27 vs 1269.26 printed (line 206)
    assert ("C1", "T03 合计 total") in rounding
    # T06 301: Σ 款 = 791.09 vs 791.11 printed (lines 443–469)
    assert ("F1", "T06 301 amount") in rounding


def test_income_grand_total_holds_only_with_the_carry_over():
    """Seed 002: 本年收入合计 1269.24 + 年初结转和结余 0.02 = 总计 1269.26 (T01 lines 126–134)."""
    resources = seed002()
    finding = next(f for f in run(resources, "A3"))
    assert (finding.status, finding.expected, finding.actual) == ("ok", "1269.26", "1269.26")
    carried = changed(resources, "income_expense_summary", {"item_key": "carryover_begin"}, amount="5.02")
    finding = next(f for f in run(carried, "A3"))
    assert (finding.status, finding.expected, finding.actual, finding.difference) == (
        "mismatch",
        "1274.26",
        "1269.26",
        "-5.00",
    )
    assert finding.source_line == 134


def test_income_of_the_year_differing_from_expense_is_not_a_finding():
    rules = {f.rule_id for f in run(seed002()) if f.expected == "1269.24" and f.actual == "1269.26"}
    assert rules == set()


CASES = [
    # rule, resource, match, field, rounding value, mismatch value, location
    ("A1", "income_expense_summary", MATCH_T01_TOTAL_INCOME, "amount", "1269.27", "1270.24", "T01 total_income amount"),
    (
        "A2",
        "income_expense_summary",
        {"item_key": "total_expense"},
        "amount",
        "1269.28",
        "1279.26",
        "T01 total_expense amount",
    ),
    (
        "A4",
        "income_expense_summary",
        {"side": "expense", "item_key": "grand_total"},
        "amount",
        "1269.30",
        "1300.00",
        "T01 grand_total amount",
    ),
    (
        "A5",
        "income_expense_summary",
        {"side": "income", "item_key": "grand_total"},
        "amount",
        "1269.30",
        "1280.00",
        "T01 grand_total expense=income",
    ),
    ("B1", "income_by_function", {"code": "2080109"}, "total", "606.63", "616.61", "T02 2080109 total"),
    ("B3", "expense_by_function", {"code": None}, "total", "1269.29", "1300.00", "T03 合计 total"),
    ("C1", "expense_by_function", {"code": "2101501"}, "basic", "205.74", "215.71", "T03 2101501 total"),
    (
        "D1",
        "fiscal_summary",
        {"side": "income", "item_key": "total_income"},
        "total",
        "1269.27",
        "1279.24",
        "T04 total_income total",
    ),
    ("D2", "fiscal_summary", {"item_key": "func_208"}, "total", "698.93", "708.90", "T04 func_208 total"),
    ("E1", "general_budget_expense", {"code": "2101501"}, "basic", "205.74", "215.71", "T05 2101501 total"),
    (
        "F2",
        "basic_expense_detail",
        {"level": "total", "category": "personnel"},
        "amount",
        "811.91",
        "821.88",
        "T06 personnel_total",
    ),
    ("H1", "three_public", {"measure": "actual"}, "total", "4.37", "5.35", "T09 actual total"),
    ("H1", "three_public", {"measure": "budget"}, "vehicle_total", "4.52", "5.50", "T09 budget vehicle_total"),
    (
        "J1",
        "disclosure_stats",
        {"item_key": "procurement_total"},
        "value",
        "11.99",
        "12.97",
        "narrative procurement_total",
    ),
]


@pytest.mark.parametrize("rule_id,resource,match,field,rounding,mismatch,location", CASES)
def test_rule_holds_rounds_and_breaks(rule_id, resource, match, field, rounding, mismatch, location):
    edit = field_edit(resource, match, field)
    held, rounded, broken = holds_rounds_breaks(rule_id, location, edit, rounding, mismatch)
    assert held in (None, "ok")
    assert rounded == "rounding"
    assert [f.status for f in broken] == ["mismatch"]
    assert broken[0].severity == "error"
    assert broken[0].expected is not None and broken[0].actual is not None


def test_t06_class_against_its_items():
    """Seed 002 prints 301 = 791.11 while its 款 add up to 791.09 (lines 443–469): rounding."""
    base = seed002()
    assert statuses(base, "F1")["T06 301 amount"] == "rounding"
    fixed = changed(base, "basic_expense_detail", {"econ_code": "30101"}, amount="261.19")
    assert statuses(fixed, "F1")["T06 301 amount"] == "ok"
    broken = changed(base, "basic_expense_detail", {"econ_code": "30101"}, amount="271.17")
    assert statuses(broken, "F1")["T06 301 amount"] == "mismatch"


def _t07(*rows) -> dict:
    return {"report_tables": table_status(T07="found"), "government_fund": list(rows)}


def test_government_fund_carry_over_identity():
    # 年初 1.00 + 收入 5.00 − 支出 4.00 = 年末 2.00; 支出 4.00 = 基本 1.50 + 项目 2.50
    holds = _t07(coded_row(None, T07_COLUMNS, "1.00", "5.00", "4.00", "1.50", "2.50", "2.00"))
    assert {f.status for f in run(holds, "G1")} == {"ok"}
    rounding = _t07(coded_row(None, T07_COLUMNS, "1.00", "5.00", "4.00", "1.50", "2.50", "2.03"))
    assert statuses(rounding, "G1")["T07 合计 carryover_end"] == "rounding"
    off = _t07(coded_row(None, T07_COLUMNS, "1.00", "5.00", "4.00", "1.50", "2.00", "3.00"))
    assert statuses(off, "G1") == {"T07 合计 expense_total": "mismatch", "T07 合计 carryover_end": "mismatch"}


def test_state_capital_rows_add_up():
    columns = ("total", "basic", "project")
    resources = {"report_tables": table_status(T08="found")}
    for values, status in (
        (("3.00", "1.00", "2.00"), "ok"),
        (("3.02", "1.00", "2.00"), "rounding"),
        (("4.00", "1.00", "2.00"), "mismatch"),
    ):
        resources["state_capital_expense"] = [coded_row(None, columns, *values)]
        assert statuses(resources, "G2") == {"T08 合计 total": status}


def test_t10_table_procurement_and_vehicles():
    rows = [
        stat("procurement_total", "8.99"),
        stat("procurement_goods", "1.79"),
        stat("procurement_works", None),
        stat("procurement_services", "7.20"),
        stat("vehicles_total", None),
    ]
    resources = {"report_tables": table_status(T10="found"), "disclosure_stats": rows}
    assert statuses(resources, "J1") == {"T10 procurement_total": "ok"}  # seed 003 公开10表 lines 376–379
    resources["disclosure_stats"][0]["value"] = "9.99"
    assert statuses(resources, "J1") == {"T10 procurement_total": "mismatch"}


def test_empty_table_yields_nothing_and_absent_table_is_not_checkable():
    resources = {"report_tables": table_status(T07="empty", T09="absent")}
    assert run(resources, "G1") == []
    assert [(f.status, f.location) for f in run(resources, "H1")] == [("not_checkable", "T09")]


def test_unreadable_cell_turns_a_mismatch_into_not_checkable():
    broken = changed(seed002(), "expense_by_function", {"code": "2101501"}, basic=None)
    assert statuses(broken, "C1")["T03 2101501 total"] == "mismatch"
    broken["findings"] = [{"rule_id": "EXTRACT", "status": "not_checkable", "source_line": 240}]
    assert statuses(broken, "C1")["T03 2101501 total"] == "not_checkable"
