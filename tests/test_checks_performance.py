"""Self-evaluation arithmetic (P1–P5) on evaluations read by hand from seeds 000, 002 and 003."""

from __future__ import annotations

from checks_support import evaluation, indicators, seed002, statuses

# seed 003 业务工资经费 (lines 600–622): 180,000 元 budget, 179,859 executed, 99.92 %, 9.99, total 99.89
SEED003_P1 = evaluation(
    "p1",
    amount_unit="元",
    budget_initial="180000",
    budget_full_year="180000",
    executed="179859",
    execution_rate="99.92",
    execution_score="9.99",
    total_score="99.89",
    grade="优",
)
SEED003_P1_INDICATORS = [
    ("9", "9"),
    ("5", "5"),
    ("6", "6"),
    ("10", "10"),
    ("10", "10"),
    ("10", "9.9"),
    ("30", "30"),
    ("10", "10"),
]


def _one(evaluation_record: dict, pairs: list[tuple[str, str]] | None = None) -> dict:
    return {
        "performance_evaluations": [evaluation_record],
        "performance_indicators": indicators(evaluation_record["evaluation_id"], pairs or []),
    }


def test_seed003_project_evaluation_adds_up():
    resources = _one(SEED003_P1, SEED003_P1_INDICATORS)
    for rule_id in ("P1", "P2", "P3", "P4", "P5"):
        assert set(statuses(resources, rule_id).values()) == {"ok"}, rule_id


def test_total_score_against_its_parts():
    assert statuses(_one(dict(SEED003_P1, total_score="99.92"), SEED003_P1_INDICATORS), "P1") == {
        "p1 p1 total_score": "rounding"
    }
    # seed 000 first project (lines 1230–1270): eight indicators of 10 points each, 总分 printed 100 / 100
    goal_sheet = evaluation("p1", amount_unit="元", total_score="100")
    found = statuses(_one(goal_sheet, [("10", "10")] * 8), "P1")
    assert found == {"p1 p1 total_score": "mismatch"}


def test_indicator_weights_total():
    goal_sheet = evaluation("p1", amount_unit="元", total_score="100")
    assert statuses(_one(goal_sheet, [("10", "10")] * 10), "P2") == {"p1 p1 weights": "ok"}
    assert statuses(_one(goal_sheet, [("10", "10")] * 8), "P2") == {"p1 p1 weights": "mismatch"}
    # with an execution-rate score the indicators carry 90 (seed 002 部门整体自评表)
    assert statuses(seed002(), "P2") == {"d1 医疗保障局 weights": "ok"}


def test_execution_rate_is_executed_over_budget():
    assert statuses(_one(dict(SEED003_P1, execution_rate="99.93")), "P3") == {"p1 p1 execution_rate": "rounding"}
    assert statuses(_one(dict(SEED003_P1, execution_rate="98.92")), "P3") == {"p1 p1 execution_rate": "mismatch"}
    # seed 001 (line 403): 198.24 / 202.4 = 97.94 %
    narrative = evaluation("p2", budget_full_year="202.4", executed="198.24", execution_rate="97.94")
    assert statuses(_one(narrative), "P3") == {"p2 p2 execution_rate": "ok"}


def test_execution_score_follows_the_rate_capped_at_100():
    # seed 003 second project: 99.99 % → 10 (line 714); seed 004: 119.76 % → 10 (line 376)
    assert statuses(_one(evaluation("p2", execution_rate="99.99", execution_score="10")), "P4") == {
        "p2 p2 execution_score": "ok"
    }
    assert statuses(_one(evaluation("d1", execution_rate="119.76", execution_score="10")), "P4") == {
        "d1 d1 execution_score": "ok"
    }
    assert statuses(_one(evaluation("p2", execution_rate="99.99", execution_score="10.01")), "P4") == {
        "p2 p2 execution_score": "rounding"
    }
    # seed 002 (line 1030): 76.37 % should score 7.64, printed 8.49
    assert statuses(seed002(), "P4") == {"d1 医疗保障局 execution_score": "mismatch"}


def test_grade_matches_its_score_band():
    assert statuses(_one(evaluation("p3", total_score="95.87", grade="优")), "P5") == {"p3 p3 grade": "ok"}
    assert statuses(_one(evaluation("p3", total_score="85", grade="优")), "P5") == {"p3 p3 grade": "mismatch"}


def test_department_self_evaluation_executed_against_the_years_spending():
    """Seed 002: 部门整体支出绩效自评表 全年执行数 1270.64 (line 1021) vs 本年支出合计 1269.26 (T01 line 126)."""
    base = seed002()
    assert statuses(base, "P6") == {"d1 医疗保障局 executed vs T01": "mismatch"}
    for executed, status in (("1269.26", "ok"), ("1269.29", "rounding")):
        changed_resources = {
            **base,
            "performance_evaluations": [
                {**e, "executed": executed} if e.get("kind") == "department" else e
                for e in base["performance_evaluations"]
            ],
        }
        assert statuses(changed_resources, "P6") == {"d1 医疗保障局 executed vs T01": status}


def test_department_self_evaluation_may_cover_fiscal_money_only():
    """Seed 004: 全年执行数 372.65 (line 279) = the general-budget expense (T05): the nearest table figure is used."""
    base = seed002()
    fiscal = {
        **base,
        "performance_evaluations": [
            {**e, "executed": "1269.24"} if e.get("kind") == "department" else e
            for e in base["performance_evaluations"]
        ],
    }
    found = statuses(fiscal, "P6")
    assert list(found.values()) == ["ok"] and list(found)[0].split()[-1] in {"T04", "T05"}
