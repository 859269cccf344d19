"""Narrative figures against the tables (N1–N9): holds, rounding, really off."""

from __future__ import annotations

import pytest
from checks_support import (
    Edit,
    changed,
    coded_row,
    evaluation,
    fact,
    holds_rounds_breaks,
    run,
    seed002,
    stat,
    statuses,
    table_status,
)
from table_support import T03_COLUMNS

CASES = [
    # rule, metric_key (first fact with it), rounding value, mismatch value, location
    ("N1", "total_income", "1269.30", "1300.26", "narrative total_income vs T01 income grand_total"),
    ("N1", "prior_year_change_rate", "-4.72", "-4.81", "narrative prior_year_change_rate"),
    ("N2", "fiscal_appropriation_income_share", "99.99", "98.00", "narrative fiscal_appropriation_income_share"),
    ("N3", "basic_expense_share", "70.03", "71.01", "narrative basic_expense_share"),
    ("N6", "personnel_expense", "811.90", "810.88", "narrative personnel_expense vs T06 personnel_total"),
    ("N7", "three_public_actual", "4.38", "4.53", "narrative three_public_actual vs T09 actual total"),
    ("N9", "performance_project_share", "44.42", "100", "narrative performance share"),
]


def _first_fact_edit(key: str) -> Edit:
    """An edit that sets the value of the first fact with `key`."""

    def edit(resources: dict, value: str) -> dict:
        result = changed(resources, "narrative_facts", {"metric_key": key})
        next(row for row in result["narrative_facts"] if row["metric_key"] == key)["value"] = value
        return result

    return edit


@pytest.mark.parametrize("rule_id,key,rounding,mismatch,location", CASES)
def test_narrative_rule_holds_rounds_and_breaks(rule_id, key, rounding, mismatch, location):
    held, rounded, broken = holds_rounds_breaks(rule_id, location, _first_fact_edit(key), rounding, mismatch)
    assert held == "ok"
    assert rounded == "rounding"
    assert [(f.status, f.severity) for f in broken] == [("mismatch", "warning")]


def test_totals_compare_with_the_table_figure_they_name():
    findings = run(seed002(), "N1") + run(seed002(), "N4")
    # 收、支总计 1269.26 → T01 总计 (line 582); 收入合计 1269.24 → T01 本年收入合计 (line 594);
    # 财政拨款收、支总计 1269.24 → T04 总计 (line 608)
    assert [(f.location, f.expected, f.status) for f in findings if f.location.startswith("narrative ")][:4] == [
        ("narrative total_income vs T01 income grand_total", "1269.26", "ok"),
        ("narrative total_expense vs T01 expense grand_total", "1269.26", "ok"),
        ("narrative income_year_total vs T01 income total_income", "1269.24", "ok"),
        ("narrative prior_year_change_rate", "4.71", "ok"),
    ]
    assert [(f.location, f.status) for f in findings if f.rule_id == "N4"] == [
        ("narrative fiscal_expense_total vs T04 expense grand_total", "ok")
    ]


def test_basic_expense_of_all_money_and_of_the_general_budget():
    """Seed 002 states 基本支出 888.66 (all money, line 600) and 一般公共预算 基本支出 888.64 (line 751)."""
    assert [(f.tables, f.expected) for f in run(seed002(), "N3") if "basic_expense vs" in f.location] == [
        ("T03", "888.66")
    ]
    assert [(f.tables, f.expected) for f in run(seed002(), "N6") if "basic_expense vs" in f.location] == [
        ("T05", "888.64")
    ]


def test_year_on_year_rate_from_the_narrative_when_tables_are_images():
    """Seed 004 (tables are images): 372.65 万元, 增加 26.69 万元, 增长 7% (lines 55–57); 26.69 / 345.96 = 7.71 %."""
    sentence = "2023 年度收入总计、支出总计均为 372.65万元，与上年相比收入总计、支出总计增加 26.69 万元，增长 7%"
    resources = {
        "report_tables": table_status(T01="absent"),
        "narrative_facts": [
            fact("total_income", "372.65", sentence, line=55),
            fact("prior_year_change_total", "26.69", sentence, line=55),
            fact("prior_year_change_rate", "7", sentence, "%", line=55),
        ],
    }
    found = next(f for f in run(resources, "N1") if f.location == "narrative prior_year_change_rate")
    assert (found.status, found.expected, found.actual) == ("mismatch", "7.7148", "7")
    resources["narrative_facts"][2]["value"] = "7.71"
    assert statuses(resources, "N1")["narrative prior_year_change_rate"] == "ok"


def test_grade_counts_against_the_project_scores():
    """Seed 000: "2个项目自评等级为'优'，1个项目自评等级为'良'" (line 1079) but the sheets score 100, 96, 100."""
    sentence = "2023年二级项目绩效自评3个，涉及资金33.01万元：2个项目自评等级为“优”，1个项目自评等级为“良”。"
    resources = {
        "narrative_facts": [
            fact("performance_project_count", "3", sentence, "个", 1079),
            fact("performance_excellent_count", "2", sentence, "个", 1079),
            fact("performance_good_count", "1", sentence, "个", 1079),
        ],
        "performance_evaluations": [evaluation(f"p{n}", total_score=s) for n, s in enumerate(("100", "96", "100"), 1)],
    }
    assert statuses(resources, "N10") == {
        "narrative performance_excellent_count": "mismatch",
        "narrative performance_good_count": "mismatch",
    }
    resources["performance_evaluations"][0]["total_score"] = "85"
    assert statuses(resources, "N10") == {
        "narrative performance_excellent_count": "ok",
        "narrative performance_good_count": "ok",
    }


def _seed003_shares() -> dict:
    """Seed 003: T03 合计 194.91 = 78.17 + 116.74 (line 164); narrative 40.10% / 59.90% (lines 420–422)."""
    sentence = "基本支出78.17万元，占比40.10%；"
    return {
        "report_tables": table_status(T03="found"),
        "expense_by_function": [coded_row(None, T03_COLUMNS, "194.91", "78.17", "116.74")],
        "narrative_facts": [
            fact("basic_expense_share", "40.10", sentence, "%", 420),
            fact("project_expense_share", "59.90", "项目支出116.74万元，占比59.90%。", "%", 422),
        ],
    }


def test_forced_shares_that_add_to_100_are_rounding():
    findings = run(_seed003_shares(), "N3")
    assert [(f.status, f.actual) for f in findings] == [("rounding", "40.10"), ("rounding", "59.90")]
    assert findings[0].expected == "40.1057"  # 78.17 / 194.91


def test_narrative_figure_with_its_table_absent_is_not_checkable():
    resources = {
        "report_tables": table_status(T06="absent"),
        "narrative_facts": [fact("personnel_expense", "330.93", "（一）人员经费 330.93 万元")],
    }
    assert statuses(resources, "N6") == {"narrative personnel_expense vs T06 personnel_total": "not_checkable"}


def test_procurement_against_t10():
    resources = {
        "report_tables": table_status(T10="found"),
        "disclosure_stats": [stat("procurement_total", "8.99")],
        "narrative_facts": [fact("procurement_total", "8.99", "政府采购支出总额8.99万元")],
    }
    where = "narrative procurement_total vs T10 procurement_total"
    assert statuses(resources, "N8") == {where: "ok"}
    resources["narrative_facts"][0]["value"] = "9.99"
    assert statuses(resources, "N8") == {where: "mismatch"}


def _seed001_performance() -> dict:
    """Seed 001: 二级项目 6 个, 309.42 万元, 占项目支出 100% (line 391); T03 项目支出 2175.20 (line 156);
    the six projects' 全年预算数 66 + 202.4 + 7 + 10 + 13.12 + 14.86 = 313.38 (lines 399–415)."""
    sentence = "二级项目 6 个,共涉及资金 309.42 万元,占一般公共预算项目支出总额的 100%"
    budgets = ("66", "202.4", "7", "10", "13.12", "14.86")
    return {
        "report_tables": table_status(T03="found"),
        "expense_by_function": [coded_row(None, T03_COLUMNS, "2502.70", "327.51", "2175.20")],
        "narrative_facts": [
            fact("performance_project_count", "6", sentence, "个", 391),
            fact("performance_project_amount", "309.42", sentence, "万元", 391),
            fact("performance_project_share", "100", sentence, "%", 391),
        ],
        "performance_evaluations": [evaluation(f"p{n}", budget_full_year=b) for n, b in enumerate(budgets, 1)],
    }


def test_evaluated_amount_and_share_contradict_the_tables():
    found = {f.location: f for f in run(_seed001_performance(), "N9")}
    share = found["narrative performance share"]
    assert (share.status, share.actual) == ("mismatch", "100")
    assert share.expected == "14.2249"  # 309.42 / 2175.20
    amount = found["narrative performance amount"]
    assert (amount.status, amount.expected, amount.actual) == ("mismatch", "313.38", "309.42")


def test_evaluated_amount_matching_the_project_budgets():
    """Seed 003: 3 projects, 91.6 万元 (line 516) = 180,000 + 386,000 + 350,000 元 (lines 600–823)."""
    resources = {
        "narrative_facts": [
            fact("performance_project_count", "3", "二级项目3个", "个"),
            fact("performance_project_amount", "91.6", "共涉及资金91.6万元"),
        ],
        "performance_evaluations": [
            evaluation(f"p{n}", amount_unit="元", budget_full_year=b)
            for n, b in enumerate(("180000", "386000", "350000"), 1)
        ],
    }
    assert statuses(resources, "N9") == {"narrative performance amount": "ok"}


@pytest.mark.parametrize(
    ("grades", "status"),
    [
        ({"performance_excellent_count": "2", "performance_good_count": "1"}, "ok"),  # seed 000 line 1079: 3 projects
        ({"performance_excellent_count": "3", "performance_good_count": "1"}, "mismatch"),  # more graded than evaluated
        ({"performance_excellent_count": "1", "performance_good_count": "1"}, "not_checkable"),  # 中/差 unstated
        (  # every grade of the scheme stated, one project unaccounted for
            {
                "performance_excellent_count": "1",
                "performance_good_count": "1",
                "performance_fair_count": "0",
                "performance_poor_count": "0",
            },
            "mismatch",
        ),
    ],
)
def test_grade_counts_add_up_to_the_projects_evaluated(grades, status):
    facts = [fact("performance_project_count", "3", "2023年二级项目绩效自评3个，涉及资金33.01万元", "个", 1079)]
    facts += [fact(key, value, "…", "个", 1079) for key, value in grades.items()]
    (found,) = run({"narrative_facts": facts}, "N24")
    assert found.status == status
