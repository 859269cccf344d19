"""Per-item narrative figures (N15–N17): 三公 items against 公开09表 and their arithmetic, 类/款/项 against 公开05表.

Figures are seed 002's (焦作市医疗保障局 2023) as read by hand: T09 (line 575) budget 6.50 / 0.00 / 4.50 / 0.00 /
4.50 / 2.00, actual 4.35 / 0.00 / 3.21 / 0.00 / 3.21 / 1.14; narrative line 796
"公务用车购置及运行维护费支出决算3.21万元，完成预算的71.33%，占73.79%";
seed 001 line 361 "公务接待费…支出决算为1.06万元…较上年决算数减少1.06万元,下降49.94%".
"""

from __future__ import annotations

import pytest
from checks_support import coded_row, fact, run, t09_row, table_status
from table_support import T05_COLUMNS

VEHICLES = "公务用车购置及运行维护费支出决算3.21万元，完成预算的71.33%，占73.79%；"
RECEPTION = "3.公务接待费全年预算数为1.06万元,支出决算为1.06万元,较上年决算数减少1.06万元,下降49.94%。"


def t09_002() -> list[dict]:
    return [
        t09_row("budget", "6.50", "0.00", "4.50", "0.00", "4.50", "2.00", line=575),
        t09_row("actual", "4.35", "0.00", "3.21", "0.00", "3.21", "1.14", line=575),
    ]


def vehicle_facts(actual: str = "3.21", rate: str = "71.33", share: str = "73.79") -> list[dict]:
    return [
        fact("three_public_vehicle_total_actual", actual, VEHICLES, line=796),
        fact("three_public_vehicle_total_completion_rate", rate, VEHICLES, unit="%", line=796),
        fact("three_public_vehicle_total_share", share, VEHICLES, unit="%", line=796),
    ]


def by_key(findings) -> dict[str, str]:
    return {f.location.split()[1]: f.status for f in findings}


@pytest.mark.parametrize(("actual", "status"), [("3.21", "ok"), ("3.25", "rounding"), ("3.60", "mismatch")])
def test_item_actual_against_t09_column(actual, status):
    resources = {"three_public": t09_002(), "narrative_facts": vehicle_facts(actual=actual)}
    (found,) = run(resources, "N15")
    assert (found.status, found.expected, found.actual, found.source_line) == (status, "3.21", actual, 796)


def test_item_against_an_empty_t09_is_zero():
    resources = {
        "report_tables": table_status(T09="empty"),
        "narrative_facts": [fact("three_public_official_reception_actual", "0", "公务接待费支出0万元，", line=1011)],
    }
    (found,) = run(resources, "N15")
    assert (found.status, found.expected) == ("ok", "0")


def test_item_without_t09_is_not_checkable_but_its_rate_is_checked_from_the_narrative():
    sentence = (
        "2023年度财政拨款安排公务用车运行维护费用预算3.49万元，支出决算3.49万元，完成预算的100%。"  # seed 004 l.167
    )
    resources = {
        "report_tables": table_status(T09="absent"),
        "narrative_facts": [
            fact("three_public_vehicle_operation_budget", "3.49", sentence, line=167),
            fact("three_public_vehicle_operation_actual", "3.49", sentence, line=167),
            fact("three_public_vehicle_operation_completion_rate", "100", sentence, unit="%", line=167),
        ],
    }
    assert {f.status for f in run(resources, "N15")} == {"not_checkable"}
    (rate,) = run(resources, "N16")
    assert (rate.status, rate.actual) == ("ok", "100")


@pytest.mark.parametrize(
    ("rate", "share", "statuses"),
    [
        (
            "71.33",
            "73.79",
            {"three_public_vehicle_total_completion_rate": "ok", "three_public_vehicle_total_share": "ok"},
        ),
        (
            "71.34",
            "73.80",
            {"three_public_vehicle_total_completion_rate": "rounding", "three_public_vehicle_total_share": "rounding"},
        ),
        (
            "75.00",
            "63.79",
            {"three_public_vehicle_total_completion_rate": "mismatch", "three_public_vehicle_total_share": "mismatch"},
        ),
    ],
)
def test_item_completion_and_share_against_t09(rate, share, statuses):
    resources = {"three_public": t09_002(), "narrative_facts": vehicle_facts(rate=rate, share=share)}
    assert by_key(run(resources, "N16")) == statuses


def test_a_rate_against_a_zero_budget_is_not_checkable():
    sentence = "因公出国（境）费支出0万元，完成全年预算的0%，与上年相同，"  # seed 000 line 999
    resources = {
        "report_tables": table_status(T09="empty"),
        "narrative_facts": [fact("three_public_overseas_travel_completion_rate", "0", sentence, unit="%", line=999)],
    }
    (found,) = run(resources, "N16")
    assert found.status == "not_checkable"


@pytest.mark.parametrize(
    ("change", "rate", "status"),
    [
        ("-1.06", "-50.00", "ok"),  # 1.06 / (1.06 + 1.06)
        ("-1.06", "-49.94", "rounding"),  # seed 001 line 361: within the rounding of 1.06 and 1.06
        ("-1.06", "-30.00", "mismatch"),
    ],
)
def test_item_year_on_year_rate_is_change_over_prior_year(change, rate, status):
    resources = {
        "three_public": [
            t09_row("budget", "1.06", "0.00", "0.00", "0.00", "0.00", "1.06", line=289),
            t09_row("actual", "1.06", "0.00", "0.00", "0.00", "0.00", "1.06", line=289),
        ],
        "narrative_facts": [
            fact("three_public_official_reception_prior_year_change", change, RECEPTION, line=361),
            fact("three_public_official_reception_prior_year_change_rate", rate, RECEPTION, unit="%", line=361),
        ],
    }
    (found,) = run(resources, "N16")
    assert (found.status, found.source_line) == (status, 361)


def t05_002() -> list[dict]:
    """Seed 002 公开05表 (lines 381–397), the 科学技术 and 社会保障和就业 rows."""
    return [
        coded_row("206", T05_COLUMNS, "35.80", "0.00", "35.80", line=381),
        coded_row("20699", T05_COLUMNS, "35.80", "0.00", "35.80", line=383),
        coded_row("2069999", T05_COLUMNS, "35.80", "0.00", "35.80", line=385),
        coded_row("208", T05_COLUMNS, "698.90", "625.92", "72.98", line=387),
        coded_row("20805", T05_COLUMNS, "85.57", "85.57", "0.00", line=393),
        coded_row("2080599", T05_COLUMNS, "20.77", "20.77", "0.00", line=397),
    ]


def named(rows: list[dict], names: dict[str, str]) -> list[dict]:
    return [{**row, "name": names[row["code"]]} for row in rows]


NAMES = {
    "206": "科学技术支出",
    "20699": "其他科学技术支出",
    "2069999": "其他科学技术支出",
    "208": "社会保障和就业支出",
    "20805": "行政事业单位养老支出",
    "2080599": "其他行政事业单位养老支出",
}
ITEM4 = "4.社会保障和就业支出（类）行政事业单位养老支出（款）其他行政事业单位养老支出（项）。"
LINE4 = "年初预算为19.93万元，支出决算为20.77万元，完成年初预算的104.21%。"


@pytest.mark.parametrize(("expense", "status"), [("20.77", "ok"), ("20.80", "rounding"), ("21.77", "mismatch")])
def test_item_expense_of_a_named_path_against_t05(expense, status):
    resources = {
        "general_budget_expense": named(t05_002(), NAMES),
        "narrative": [{"section": "（三）具体情况。", "seq": 1, "text": ITEM4 + LINE4, "source_line": 676}],
        "narrative_facts": [
            fact("item_budget", "19.93", LINE4, line=678),
            fact("item_expense", expense, LINE4, line=678),
        ],
    }
    (found,) = run(resources, "N17")
    assert (found.status, found.expected, found.actual) == (status, "20.77", expense)
    assert "2080599" in found.location


def test_a_category_named_in_the_sentence_is_the_sum_of_its_printed_rows():
    sentence = (
        "1. 社会保障和就业支出年初预算数为 25.29 万元,支出决算为 26.83 万元,完成年初预算的 106.09%。"  # 001 l.325
    )
    rows = [
        {
            **coded_row("2080505", T05_COLUMNS, "26.21", "26.21", None, line=216),
            "name": "机关事业单位基本养老保险缴费支出",
        },
        {**coded_row("2089999", T05_COLUMNS, "0.62", "0.62", None, line=217), "name": "其他社会保障和就业支出"},
    ]
    resources = {
        "general_budget_expense": rows,
        "narrative_facts": [
            fact("item_budget", "25.29", sentence, line=325),
            fact("item_expense", "26.83", sentence, line=325),
        ],
    }
    (found,) = run(resources, "N17")
    assert (found.status, found.expected) == ("ok", "26.83")


def test_a_line_whose_subject_is_not_a_t05_item_is_not_compared():
    sentence = "行政运行公用经费支出年初预算6.75万元，支出决算6.75万元，完成年初预算的100%。"  # seed 000 line 932
    resources = {
        "general_budget_expense": named(t05_002(), NAMES),
        "narrative_facts": [
            fact("item_budget", "6.75", sentence, line=932),
            fact("item_expense", "6.75", sentence, line=932),
        ],
    }
    assert run(resources, "N17") == []


def receptions(actual: str, **quantities) -> dict:
    """T09 with the given reception actual (seed 002 otherwise) and one three_public_quantities record."""
    rows = t09_002()
    rows[1] = {**rows[1], "official_reception": actual}
    record = dict.fromkeys(
        (
            "domestic_reception_batches",
            "domestic_reception_persons",
            "foreign_reception_batches",
            "foreign_reception_persons",
            "official_reception_batches",
            "official_reception_persons",
        )
    )
    return {"three_public": rows, "three_public_quantities": [{**record, **quantities, "source_line": 803}]}


@pytest.mark.parametrize(
    ("actual", "quantities", "status"),
    [
        ("1.14", {"domestic_reception_batches": 9}, "ok"),  # seed 002 lines 798, 835–837: 9 国内 batches, 1.14 万元
        ("0.00", {"official_reception_batches": 0}, "ok"),  # seeds 000/003: 共接待0批次, 0 spent
        ("0.00", {"official_reception_batches": 2}, "mismatch"),  # "公务接待2批次、26人次" with nothing spent
        ("1.14", {"official_reception_batches": 0}, "mismatch"),  # spending, yet 0 receptions
        ("1.14", {"domestic_reception_batches": 0}, None),  # 国内 0 says nothing of 国（境）外 receptions
    ],
)
def test_receptions_against_reception_spending(actual, quantities, status):
    found = [f for f in run(receptions(actual, **quantities), "N23") if "actual" in f.location]
    assert [f.status for f in found] == ([status] if status else [])
    if found:
        assert actual in found[0].message_zh


def test_reception_parts_within_the_total():
    held = run(receptions("1.14", official_reception_batches=9, domestic_reception_batches=9), "N23")
    assert {f.location: f.status for f in held}[
        "narrative domestic_reception_batches ≤ official_reception_batches"
    ] == "ok"
    broken = run(receptions("1.14", official_reception_batches=2, domestic_reception_batches=9), "N23")
    statuses = {f.location: f.status for f in broken}
    assert statuses["narrative domestic_reception_batches ≤ official_reception_batches"] == "mismatch"
