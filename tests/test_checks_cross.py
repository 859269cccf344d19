"""Cross-table rules (X1–X11) and code structure (B2, S1) on seed 002's figures and small hand-made cases."""

from __future__ import annotations

import copy

import pytest
from checks_support import (
    changed,
    coded_row,
    field_edit,
    fixed_row,
    holds_rounds_breaks,
    run,
    seed002,
    statuses,
    table_status,
)
from table_support import T03_COLUMNS

CASES = [
    # rule, resource, match, field, rounding value, mismatch value, location
    ("X1", "income_by_function", {"code": None}, "total", "1269.27", "1279.24", "T02 合计 total"),
    ("X2", "expense_by_function", {"code": "208"}, "total", "698.96", "708.93", "T03 208 total"),
    ("X3", "fiscal_summary", {"item_key": "func_208"}, "total", "698.95", "699.00", "T04 208 total"),
    ("X4", "general_budget_expense", {"code": "208"}, "total", "698.93", "708.90", "T04 208 general_budget"),
    (
        "X8",
        "basic_expense_detail",
        {"level": "total", "category": "public"},
        "amount",
        "76.79",
        "86.76",
        "T06 personnel+public",
    ),
    ("X9", "basic_expense_detail", {"econ_code": "30217"}, "amount", "1.17", "2.00", "T06 30217"),
    (
        "X10",
        "disclosure_stats",
        {"item_key": "operating_costs"},
        "value",
        "76.80",
        "86.76",  # above the 公用经费: wrong whatever the unit types (below it, see test_operating_costs_*)
        "narrative operating_costs",
    ),
]


@pytest.mark.parametrize("rule_id,resource,match,field,rounding,mismatch,location", CASES)
def test_cross_rule_holds_rounds_and_breaks(rule_id, resource, match, field, rounding, mismatch, location):
    edit = field_edit(resource, match, field)
    held, rounded, broken = holds_rounds_breaks(rule_id, location, edit, rounding, mismatch)
    assert held == "ok"
    assert rounded == "rounding"
    assert [f.status for f in broken] == ["mismatch"]
    assert broken[0].expected is not None and broken[0].actual is not None


def test_general_budget_within_all_money_per_code():
    """Seed 002: T05 20801 基本支出 540.35 ≤ T03 540.37 (lines 389, 216); one finding per code when all hold."""
    base = seed002()
    assert statuses(base, "X7")["T05 20801"] == "ok"
    rounding = changed(base, "general_budget_expense", {"code": "20801"}, basic="540.40")
    assert statuses(rounding, "X7")["T05 20801 basic"] == "rounding"
    broken = changed(base, "general_budget_expense", {"code": "20801"}, basic="550.35")
    found = [f for f in run(broken, "X7") if f.location.split()[1] == "20801"]
    assert [(f.location, f.status, f.severity) for f in found] == [("T05 20801 basic", "mismatch", "warning")]


def test_a_figure_the_reader_left_out_is_not_read_as_zero():
    """T03 20801's 基本支出 not read (blank, an EXTRACT finding names T03 at another line): T05 20801 basic 540.35
    ≤ T03 cannot be called a mismatch — the blank may be a figure not read. The same blank without the finding is
    one."""
    broken = changed(seed002(), "expense_by_function", {"code": "20801"}, basic=None)
    assert statuses(broken, "X7")["T05 20801 basic"] == "mismatch"
    broken["findings"] = [{"rule_id": "EXTRACT", "status": "not_checkable", "tables": "T03", "source_line": 9999}]
    (found,) = [f for f in run(broken, "X7") if f.location == "T05 20801 basic"]
    assert (found.status, found.severity) == ("not_checkable", "info")
    assert "T03" in found.message_en
    broken["findings"][0]["tables"] = "performance_evaluations"  # a figure left out elsewhere changes nothing
    assert statuses(broken, "X7")["T05 20801 basic"] == "mismatch"


def test_fiscal_money_below_all_money_is_fine():
    """Seed 002: T04 208 = 698.90 ≤ T03 208 = 698.93 (lines 289, 214) — fiscal money is a part of all money."""
    finding = next(f for f in run(seed002(), "X3") if f.location == "T04 208 total")
    assert (finding.status, finding.expected, finding.actual) == ("ok", "698.93", "698.90")


def test_money_in_a_table_stated_empty_is_a_mismatch():
    """T07/T08 stated 本表无数据 read as zeros: fund or state-capital money in T04 contradicts them."""
    base = seed002()
    assert "T04 208 government_fund" not in statuses(base, "X5")  # zero against an empty table: nothing to say
    fund = changed(base, "fiscal_summary", {"item_key": "func_208"}, government_fund="5.00")
    assert statuses(fund, "X5")["T04 208 government_fund"] == "mismatch"
    capital = changed(base, "fiscal_summary", {"item_key": "func_208"}, state_capital="5.00")
    assert statuses(capital, "X6")["T04 208 state_capital"] == "mismatch"


def test_vehicles_held_cannot_exceed_all_vehicles():
    base = seed002()  # 保有量 2 (line 819), 共有车辆 2 (line 860)
    assert statuses(base, "X11") == {"narrative vehicles_total": "ok"}
    base["three_public_quantities"][0]["vehicles_held"] = 3
    assert statuses(base, "X11") == {"narrative vehicles_total": "mismatch"}


def _seed001_like() -> dict:
    """Seed 001 prints only 项 rows, unsorted (T03 lines 156–166) and T01 categories (lines 103–114)."""
    rows = [coded_row(None, T03_COLUMNS, "2502.70", "327.51", "2175.20")] + [
        coded_row(code, T03_COLUMNS, total, basic, project)
        for code, total, basic, project in (
            ("2080505", "26.21", "26.21", None),
            ("2089999", "0.62", "0.62", None),
            ("2101501", "279.24", "248.22", "31.02"),
            ("2101505", "20.00", None, "20.00"),
            ("2101599", "48.94", None, "48.94"),
            ("2101202", "198.24", None, "198.24"),
            ("2101101", "24.90", "24.90", None),
            ("2101103", "3.31", "3.31", None),
            ("2210201", "24.25", "24.25", None),
            ("2101301", "1877.00", None, "1877.00"),
        )
    ]
    t01 = [
        fixed_row("expense", "func_208", "26.83"),
        fixed_row("expense", "func_210", "2451.63"),
        fixed_row("expense", "func_221", "24.25"),
        fixed_row("expense", "total_expense", "2502.70"),
    ]
    return {
        "report_tables": table_status(T01="found", T03="found"),
        "expense_by_function": rows,
        "income_expense_summary": t01,
    }


def test_categories_derived_from_items_when_only_items_are_printed():
    resources = _seed001_like()
    found = {f.location: f for f in run(resources, "X2")}
    assert found["T03 210 total"].status == "ok"
    assert found["T03 210 total"].actual == "2451.63"  # 279.24+20.00+48.94+198.24+24.90+3.31+1877.00
    assert "推算" in found["T03 210 total"].message_zh
    b3 = {f.location: f.status for f in run(resources, "B3")}
    assert b3["T03 合计 total"] == "rounding"  # 26.83 + 2451.63 + 24.25 = 2502.71 vs 2502.70
    resources["income_expense_summary"][1]["amount"] = "2351.63"
    assert statuses(resources, "X2")["T03 210 total"] == "mismatch"


def test_parent_rows_equal_the_sum_of_their_children():
    base = seed002()
    assert statuses(base, "B2")["T03 21015"] == "ok"  # 308.50 + 5.00 + 8.00 + 156.03 = 477.53
    assert statuses(base, "B2")["T03 210 total"] == "rounding"  # 57.01 + 477.53 = 534.54 vs 534.53
    broken = changed(base, "expense_by_function", {"code": "21015"}, project="281.82")
    assert statuses(broken, "B2")["T03 21015 project"] == "mismatch"


def test_child_codes_printed_under_the_wrong_parent():
    base = seed002()
    assert statuses(base, "S1") == {"T02": "ok", "T03": "ok", "T05": "ok"}
    rows = base["income_by_function"]
    moved = rows.pop(6)  # 2080109 moved below 210
    rows.insert(13, moved)
    assert statuses(base, "S1")["T02 2080109"] == "mismatch"


def _with_units(resources: dict, **units) -> dict:
    result = copy.deepcopy(resources)
    result["reports"] = [{"report_id": "r", **units}]
    return result


@pytest.mark.parametrize(
    ("units", "value", "status"),
    [
        ({}, "76.76", "ok"),  # equal: holds whether = or ≤ applies
        ({}, "66.76", "not_checkable"),  # below, unit types unknown: = or ≤ cannot be told
        ({}, "86.76", "mismatch"),  # above: wrong either way
        ({"admin_units": 1, "civil_service_units": 1, "institution_units": 0}, "66.76", "mismatch"),
        ({"admin_units": 1}, "76.80", "rounding"),
        ({"admin_units": 1, "institution_units": 2}, "66.76", "ok"),  # other 事业单位 included: ≤
        ({"admin_units": 1, "institution_units": 2}, "76.80", "rounding"),
        ({"admin_units": 1, "institution_units": 2}, "86.76", "mismatch"),
    ],
)
def test_operating_costs_equal_public_expense_only_for_administrative_units(units, value, status):
    """Seed 002: T06 公用经费合计 76.76 (line 517); narrative 机关运行经费 76.76 (line 841)."""
    base = _with_units(seed002(), **units)
    resources = changed(base, "disclosure_stats", {"item_key": "operating_costs"}, value=value)
    found = [f for f in run(resources, "X10") if f.location == "narrative operating_costs"]
    assert [f.status for f in found] == [status]
    assert "76.76" in found[0].message_zh and value in found[0].message_zh
