"""narrative_facts: the key figures each seed's prose states, read by hand from the seed text (lines given)."""

from __future__ import annotations

import pytest
from conftest import SEED_FILES
from narrative_support import narrate, narrated

from converter.narrative.facts import STATEMENT_KEYS


def facts(number: str) -> list[dict]:
    return narrated(number).rows("narrative_facts")


def first(number: str, metric: str) -> dict:
    return next(row for row in facts(number) if row["metric_key"] == metric)


def values(number: str, metric: str) -> list[str]:
    return [row["value"] for row in facts(number) if row["metric_key"] == metric]


EXPECTED = {
    "000": {  # lines 820–1081
        "total_income": ("97.58", "万元", 820),
        "total_expense": ("97.58", "万元", 820),
        "prior_year_change_total": ("-2258.17", "万元", 820),
        "prior_year_change_rate": ("-95.86", "%", 820),
        "income_year_total": ("97.58", "万元", 838),
        "expense_year_total": ("97.58", "万元", 854),
        "basic_expense": ("78.65", "万元", 856),
        "basic_expense_share": ("80.60", "%", 856),
        "project_expense": ("18.93", "万元", 858),
        "project_expense_share": ("19.40", "%", 858),
        "fiscal_income_total": ("97.58", "万元", 868),
        "fiscal_prior_year_change_total": ("-2258.17", "万元", 868),
        "general_budget_expense": ("97.58", "万元", 896),
        "general_budget_initial_budget": ("165.76", "万元", 920),
        "general_budget_completion_rate": ("58.87", "%", 920),
        "general_budget_basic_expense": ("78.65", "万元", 971),
        "personnel_expense": ("71.90", "万元", 973),
        "public_expense": ("6.75", "万元", 981),
        "three_public_budget": ("0", "万元", 995),
        "three_public_actual": ("0", "万元", 995),
        "operating_costs": ("6.75", "万元", 1047),
        "operating_costs_prior_year_change": ("0.06", "万元", 1047),
        "procurement_total": ("13.00", "万元", 1055),
        "procurement_services": ("13.00", "万元", 1055),
        "procurement_sme": ("13.00", "万元", 1057),
        "procurement_sme_share": ("100.00", "%", 1057),
        "vehicles_total": ("0", "辆", 1065),
        "vehicles_held": ("0", "辆", 1025),
        "reception_batches": ("0", "批次", 1029),
        "reception_persons": ("0", "人次", 1029),
        "performance_project_count": ("3", "个", 1079),
        "performance_project_amount": ("33.01", "万元", 1079),
    },
    "001": {  # lines 297–391
        "total_income": ("2502.70", "万元", 297),
        "total_expense": ("2502.70", "万元", 297),
        "prior_year_change_total": ("1003.63", "万元", 297),
        "prior_year_change_rate": ("66.95", "%", 297),
        "income_year_total": ("2502.70", "万元", 301),
        "fiscal_appropriation_income": ("2502.70", "万元", 301),
        "basic_expense": ("327.51", "万元", 305),
        "basic_expense_share": ("13.09", "%", 305),
        "project_expense": ("2175.20", "万元", 305),
        "project_expense_share": ("86.91", "%", 305),
        "fiscal_prior_year_change_total": ("1003.63", "万元", 309),
        "general_budget_prior_year_change": ("1056.63", "万元", 315),
        "personnel_expense": ("303.26", "万元", 333),
        "public_expense": ("24.24", "万元", 333),
        "three_public_budget": ("1.06", "万元", 349),
        "three_public_actual": ("1.06", "万元", 349),
        "three_public_prior_year_change": ("-1.06", "万元", 349),
        "operating_costs": ("24.24", "万元", 369),
        "operating_costs_prior_year_change": ("-28.4", "万元", 369),
        "procurement_total": ("23.02", "万元", 377),
        "procurement_goods": ("23.02", "万元", 377),
        "procurement_works": ("0.00", "万元", 377),
        "procurement_sme": ("23.02", "万元", 377),
        "reception_batches": ("9", "批次", 365),
        "reception_persons": ("101", "人", 365),
        "vehicles_held": ("0", "辆", 365),
        "vehicles_total": ("0", "辆", 381),
        "performance_project_count": ("6", "个", 391),
        "performance_project_amount": ("309.42", "万元", 391),
        "performance_project_share": ("100", "%", 391),
    },
    "002": {  # lines 582–913
        "total_income": ("1269.26", "万元", 582),
        "prior_year_change_total": ("-62.74", "万元", 582),
        "income_year_total": ("1269.24", "万元", 594),
        "expense_year_total": ("1269.26", "万元", 600),
        "basic_expense": ("888.66", "万元", 600),
        "basic_expense_share": ("70.01", "%", 600),
        "project_expense": ("380.61", "万元", 602),
        "project_expense_share": ("29.99", "%", 602),
        "fiscal_income_total": ("1269.24", "万元", 608),
        "general_budget_initial_budget": ("1198.90", "万元", 645),
        "general_budget_basic_expense": ("888.64", "万元", 751),
        "personnel_expense": ("811.88", "万元", 751),
        "public_expense": ("76.76", "万元", 759),
        "three_public_budget": ("6.50", "万元", 782),
        "three_public_actual": ("4.35", "万元", 782),
        "three_public_completion_rate": ("66.92", "%", 782),
        "vehicles_purchased": ("0", "台", 813),
        "vehicles_held": ("2", "辆", 817),
        "reception_batches": ("9", "个", 835),
        "reception_persons": ("66", "人次", 835),
        "operating_costs": ("76.76", "万元", 841),
        "operating_costs_prior_year_change": ("-0.55", "万元", 841),
        "procurement_total": ("11.97", "万元", 848),
        "procurement_sme": ("0.00", "万元", 852),
        "vehicles_total": ("2", "辆", 860),
        "performance_project_count": ("9", "个", 888),
        "performance_project_amount": ("169.02", "万元", 888),
        "performance_project_share": ("44.41", "%", 888),
        "performance_overall_score": ("96.99", "分", 899),
        "performance_excellent_count": ("8", "个", 907),
    },
    "003": {  # lines 408–516
        "total_income": ("194.91", "万元", 408),
        "prior_year_change_total": ("-1607.64", "万元", 408),
        "basic_expense": ("78.17", "万元", 420),
        "basic_expense_share": ("40.10", "%", 420),
        "project_expense": ("116.74", "万元", 422),
        "project_expense_share": ("59.90", "%", 422),
        "general_budget_prior_year_change": ("-1540.64", "万元", 432),
        "general_budget_basic_expense": ("78.16", "万元", 458),
        "personnel_expense": ("71.35", "万元", 460),
        "public_expense": ("6.81", "万元", 464),
        "three_public_budget": ("0", "万元", 478),
        "three_public_actual": ("0", "万元", 478),
        "vehicles_held": ("0", "辆", 494),
        "operating_costs": ("6.81", "万元", 502),
        "procurement_total": ("8.99", "万元", 506),
        "procurement_goods": ("1.79", "万元", 506),
        "procurement_services": ("7.20", "万元", 506),
        "vehicles_total": ("0", "辆", 510),
        "performance_project_count": ("3", "个", 516),
        "performance_project_amount": ("91.6", "万元", 516),
    },
    "004": {  # lines 55–241
        "total_income": ("372.65", "万元", 55),
        "prior_year_change_total": ("26.69", "万元", 55),
        "prior_year_change_rate": ("7", "%", 55),
        "income_year_total": ("372.65", "万元", 65),
        "basic_expense": ("337.48", "万元", 73),
        "basic_expense_share": ("90.56", "%", 73),
        "project_expense": ("35.17", "万元", 77),
        "project_expense_share": ("9.44", "%", 77),
        "general_budget_initial_budget": ("311.16", "万元", 93),
        "general_budget_expense": ("372.65", "万元", 93),
        "general_budget_completion_rate": ("119.76", "%", 93),
        "personnel_expense": ("330.93", "万元", 121),
        "public_expense": ("6.55", "万元", 129),
        "three_public_budget": ("3.49", "万元", 153),
        "three_public_actual": ("3.49", "万元", 153),
        "vehicles_total": ("1", "辆", 197),
        "performance_overall_score": ("100", "分", 241),
    },
}


@pytest.mark.parametrize(("number", "metric"), [(n, m) for n, metrics in EXPECTED.items() for m in metrics])
def test_key_figure_is_read_with_value_unit_and_line(number, metric):
    value, unit, line = EXPECTED[number][metric]
    row = first(number, metric)
    assert (row["value"], row["unit"], row["source_line"]) == (value, unit, line)


@pytest.mark.parametrize("number", sorted(SEED_FILES))
def test_every_fact_keeps_its_sentence_and_its_figure_appears_in_it(number):
    for row in facts(number):
        if row["metric_key"] in STATEMENT_KEYS:
            continue
        digits = row["value"].lstrip("-")
        assert digits in row["sentence"].replace(",", "").replace(" ", ""), row


def test_seed004_states_no_operating_costs_or_procurement_figures():
    # lines 185 and 189: "本单位 2023 年度无机关运行经费支出。" / "无政府采购事项。" — nothing to read, not 0.
    metrics = {row["metric_key"] for row in facts("004")}
    assert not metrics & {"operating_costs", "procurement_total", "procurement_sme"}


def test_seed002_totals_differ_between_grand_total_and_year_income_as_printed():
    # line 582 收、支总计均为1,269.26 vs line 594 收入合计1,269.24: both kept as printed.
    assert values("002", "total_income") == ["1269.26"]
    assert values("002", "income_year_total") == ["1269.24"]


def test_seed001_garbled_percentages_with_no_number_give_no_fact():
    # line 353: "较上年决算数减少 0.0 万元,下降%" — no figure after 下降.
    assert not [row for row in facts("001") if "下降%" in row["sentence"] and row["unit"] == "%"]


def test_seed000_infinite_growth_rate_gives_no_fact():
    # line 948: "增长∞%"; the same sentence's "完成年初预算的63.07%" (line 942) is a figure.
    percents = [
        (row["metric_key"], row["value"]) for row in facts("000") if "∞" in row["sentence"] and row["unit"] == "%"
    ]
    assert percents == [("item_completion_rate", "63.07")]


def test_fiscal_section_figures_are_not_taken_for_report_totals():
    assert values("000", "total_income") == ["97.58"]
    assert values("000", "fiscal_income_total") == ["97.58"]
    assert [row["source_line"] for row in facts("000") if row["metric_key"] == "total_income"] == [820]


def test_a_decrease_worded_as_下降_is_negative_and_a_zero_change_stays_unsigned():
    lines = [
        "一、收入支出决算总体情况说明",
        "2023年度收入总计10.00万元，支出总计10.00万元。与上年相比，收入总计减少0.00万元，下降0.00%。",
        "与上年相比，收入总计减少1,000.50万元，下降9.1%。",
    ]
    extraction = narrate(*lines)
    changes = [
        (r["metric_key"], r["value"])
        for r in extraction.rows("narrative_facts")
        if r["metric_key"].startswith("prior_year")
    ]
    assert changes == [
        ("prior_year_change_total", "0.00"),
        ("prior_year_change_rate", "0.00"),
        ("prior_year_change_total", "-1000.50"),
        ("prior_year_change_rate", "-9.1"),
    ]


def line_facts(number: str, line: int) -> list[tuple[str, str | None, str | None]]:
    keys = ("item_budget", "item_expense", "item_completion_rate", "item_comparison")
    return [
        (r["metric_key"], r["value"], r["unit"])
        for r in facts(number)
        if r["source_line"] == line and r["metric_key"] in keys
    ]


def test_seed002_item4_line_and_its_wording_in_the_next_sentence():
    # lines 678–684: "年初预算为19.93万元，支出决算为20.77万元，完成年初预算的104.21%。"
    # then "决算数与年初预算数存在差异的主要原因是…，决算支出数小于年初预算安排数。"
    assert line_facts("002", 678) == [
        ("item_budget", "19.93", "万元"),
        ("item_expense", "20.77", "万元"),
        ("item_completion_rate", "104.21", "%"),
    ]
    assert line_facts("002", 680) == [("item_comparison", "-1", None)]


def test_seed002_差异_without_a_direction_gives_no_comparison():
    # line 651: "年初预算为0.00万元，支出决算为35.80万元。决算数与年初预算数存在差异的主要原因是…"
    assert line_facts("002", 651) == [("item_budget", "0.00", "万元"), ("item_expense", "35.80", "万元")]
    # line 717: "项目类支出小于年初预算安排数" compares a part, not the line's 决算数
    assert line_facts("002", 717) == []


def test_seed001_三公_lines_carry_their_wording_in_the_same_sentence():
    # line 349 "决算数与预算数一致"; line 353 "全年预算数为 0.00 万元,支出决算为 0.00 万元,决算数小于预算数"
    assert line_facts("001", 349) == [
        ("item_budget", "1.06", "万元"),
        ("item_expense", "1.06", "万元"),
        ("item_comparison", "0", None),
    ]
    assert line_facts("001", 353)[-1] == ("item_comparison", "-1", None)
    assert line_facts("001", 329)[-1] == ("item_comparison", "1", None)  # 决算数大于预算数


def test_seed000_line_with_an_aside_and_a_rate_without_percent_sign():
    # line 940: "年初预算30万元（此外，…3万元），支出决算共18.92万元（其中…），完成年初预算的63.07%"
    assert line_facts("000", 940) == [
        ("item_budget", "30", "万元"),
        ("item_expense", "18.92", "万元"),
        ("item_completion_rate", "63.07", "%"),
    ]
    # line 958: "年初预算5万元，支出决算0万元，完成年初预算0"
    assert line_facts("000", 958)[-1] == ("item_completion_rate", "0", None)


def test_seed004_share_of_the_year_total_and_statements_of_absence():
    # line 93–95: "…完成年初预算的 119.76%，占本年支出合计的 119.76%"; lines 189, 193
    assert values("004", "general_budget_expense_share") == ["119.76"]
    statements = [
        (r["metric_key"], r["value"], r["source_line"]) for r in facts("004") if r["metric_key"].startswith("no_")
    ]
    assert statements == [("no_procurement", None, 189), ("no_state_assets", None, 193)]


def item_facts(number: str) -> set[tuple[str, str, int]]:
    return {
        (r["metric_key"].removeprefix("three_public_"), r["value"], r["source_line"])
        for r in facts(number)
        if r["metric_key"].startswith("three_public_") and r["metric_key"].count("_") > 3
    }


def test_seed002_三公_items_with_rate_share_and_budget_lines():
    # line 794 "因公出国（境）费支出决算0.00万元；"
    # 796 "公务用车购置及运行维护费支出决算3.21万元，完成预算的71.33%，占73.79%；"
    # 805 "公务用车购置及运行费 预算数为4.50万元，支出决算数为3.21万元"; 813 "公务用车购置支出 0.00万元";
    # 815 "公务用车运行维护支出 3.21万元"; 829 "外宾接待支出 0.00万元"; 833 "其他国内公务接待支出 1.14万元"
    found = item_facts("002")
    assert {
        ("overseas_travel_actual", "0.00", 794),
        ("vehicle_total_actual", "3.21", 796),
        ("vehicle_total_completion_rate", "71.33", 796),
        ("vehicle_total_share", "73.79", 796),
        ("official_reception_share", "26.21", 798),
        ("vehicle_total_budget", "4.50", 805),
        ("vehicle_purchase_actual", "0.00", 813),
        ("vehicle_operation_actual", "3.21", 815),
        ("official_reception_budget", "2.00", 821),
        ("reception_foreign_affairs_actual", "0.00", 829),
        ("reception_domestic_actual", "1.14", 833),
    } <= found
    assert not any(key.startswith("vehicle_purchase") and value == "3.21" for key, value, _ in found)


def test_seed001_三公_item_year_on_year_change_and_a_rate_printed_without_figure():
    # line 361 "公务接待费…较上年决算数减少 1.06 万元,下降 49.94%"; line 353 "较上年决算数减少 0.0 万元,下降%"
    found = item_facts("001")
    assert ("official_reception_prior_year_change", "-1.06", 361) in found
    assert ("official_reception_prior_year_change_rate", "-49.94", 361) in found
    assert ("overseas_travel_prior_year_change", "0.0", 353) in found
    assert not any(key == "overseas_travel_prior_year_change_rate" for key, _, _ in found)
    # line 349, the total: "较上年决算数减少 1.06 万元,下降 49.94%"
    assert values("001", "three_public_prior_year_change_rate") == ["-49.94"]


def test_seed004_三公_item_named_in_its_own_sentence():
    # line 167 "财政拨款安排公务用车运行维护费用预算 3.49万元，支出决算 3.49 万元，完成预算的 100%"
    assert item_facts("004") == {
        ("vehicle_operation_budget", "3.49", 167),
        ("vehicle_operation_actual", "3.49", 167),
        ("vehicle_operation_completion_rate", "100", 167),
    }
