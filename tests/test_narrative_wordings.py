"""The narrative wordings auditors read: Shanghai 政府采购 and SME awards, spending by 类 with shares, year-on-year
changes and 持平, unit types. Sentences are real: the Putuo PDF (examples/samples/shanghai-putuo-czj-2024.pdf, page
and line of its pdfplumber text given) and the seeds; where no shipped report prints a wording, the issue's."""

from __future__ import annotations

import pytest
from conftest import seed
from narrative_support import narrate, narrated
from table_support import text_document

from converter.narrative.paragraphs import build_paragraphs, split_sentences
from converter.narrative.units import unit_types
from converter.readers import read_document

PROCUREMENT = "（二）政府采购支出情况"
GENERAL = "五、一般公共预算财政拨款支出决算情况说明"
OVERALL = "一、收入支出决算总体情况说明"
FISCAL_OVERALL = "四、财政拨款收入支出决算总体情况说明"
THREE_PUBLIC = "七、财政拨款“三公”经费支出决算情况说明"


def facts(*lines: str) -> list[tuple[str, str | None, str | None]]:
    return [(r["metric_key"], r["value"], r["item"]) for r in narrate(*lines).rows("narrative_facts")]


def test_shanghai_procurement_total_and_its_parts():
    # Putuo page 24 line 398
    found = facts(
        PROCUREMENT,
        "上海市普陀区财政局2024年度政府采购金额（以合同签订为准）为251.25万元，其中：货物采购金额4.79万元、"
        "工程采购金额0万元、服务采购金额246.47万元。",
    )
    assert found == [
        ("procurement_total", "251.25", None),
        ("procurement_goods", "4.79", None),
        ("procurement_works", "0", None),
        ("procurement_services", "246.47", None),
    ]


def test_shanghai_sme_reservations_and_awards():
    # Putuo page 24 lines 400–403: one paragraph, five figures, each in its own clause
    found = facts(
        PROCUREMENT,
        "2024年度本部门面向中小企业预留政府采购项目预算金额246.47万元，面向小微企业预留政府采购项目预算金额0万元。"
        "在面向中小企业预留的政府采购项目中，由中小企业供应商中标或成交的，采购金额246.47万元；在面向小微企业预留"
        "政府采购项目中，由小微企业供应商中标或成交的，采购金额0万元；在其他政府采购项目中，由中小企业供应商中标或"
        "成交的，采购金额4.79万元。",
    )
    assert found == [
        ("procurement_sme_reserved_budget", "246.47", None),
        ("procurement_small_micro_reserved_budget", "0", None),
        ("procurement_sme_reserved_award", "246.47", None),
        ("procurement_small_micro_reserved_award", "0", None),
        ("procurement_sme_other_award", "4.79", None),
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Putuo page 21 line 317 (Shanghai: 类 marked, 支出 before it)
        (
            "一般公共预算财政拨款支出2940.05万元，主要用于以下方面：一般公共服务支出（类）2106.66万元，占71.73%；",
            [
                ("general_budget_expense", "2940.05", None),
                ("class_expense", "2106.66", "一般公共服务"),
                ("class_share", "71.73", "一般公共服务"),
            ],
        ),
        # seed 002 line 635 (Henan: 支出 after the 类 mark)
        (
            "于以下方面：科学技术（类）支出35.80万元，占2.82%；",
            [("class_expense", "35.80", "科学技术"), ("class_share", "2.82", "科学技术")],
        ),
        # seed 001 line 319 (Gansu: no 类 mark, spaces and half-width commas)
        (
            "2023 年度一般公共预算财政拨款支出 2502.70 万元，主要用于以下方面："
            "社会保障和就业支出 26.83 万元,占 1.07%；",
            [
                ("general_budget_expense", "2502.70", None),
                ("class_expense", "26.83", "社会保障和就业"),
                ("class_share", "1.07", "社会保障和就业"),
            ],
        ),
    ],
)
def test_spending_by_class_with_its_share(sentence, expected):
    assert facts(GENERAL, sentence) == expected


def test_two_classes_in_one_sentence_keep_both():
    found = facts(GENERAL, "其中：卫生健康支出（类）60.99万元，占2.07%，住房保障支出（类）445.69万元，占15.16%。")
    assert found == [
        ("class_expense", "60.99", "卫生健康"),
        ("class_share", "2.07", "卫生健康"),
        ("class_expense", "445.69", "住房保障"),
        ("class_share", "15.16", "住房保障"),
    ]


def test_shares_of_basic_and_project_expense_are_not_classes():
    # seed 002 line 600–602: 基本支出/项目支出 shares are read by their own metrics, never as a 类
    found = facts(
        GENERAL, "本年支出合计1,269.24万元，其中：基本支出888.64万元，占70.01%；项目支出380.61万元，占29.99%。"
    )
    assert not [f for f in found if f[0].startswith("class_")]


def test_shanghai_year_on_year_change_of_the_totals():
    # Putuo page 21 line 297 and line 313
    assert facts(
        OVERALL,
        "上海市普陀区财政局2024年度收入支出总计2995.39万元。与2023年度相比，收入支出总计减少56.95万元，下降1.87%。",
    ) == [
        ("total_expense", "2995.39", None),
        ("prior_year_change_total", "-56.95", None),
        ("prior_year_change_rate", "-1.87", None),
    ]
    assert facts(
        GENERAL,
        "一般公共预算财政拨款支出2940.05万元，占本年支出合计的100.00%。与2023年度相比，一般公共预算财政拨款支出"
        "减少63.14万元，下降2.10%。",
    )[-2:] == [
        ("general_budget_prior_year_change", "-63.14", None),
        ("general_budget_prior_year_change_rate", "-2.10", None),
    ]


def test_level_with_last_year_is_a_statement_without_a_figure():
    # Putuo page 21 line 307 and page 23 line 375
    assert facts(FISCAL_OVERALL, "与2023年度相比，财政拨款收入支出总计持平。") == [
        ("fiscal_prior_year_flat_total", None, None)
    ]
    assert facts(THREE_PUBLIC, "2024年度“三公”经费财政拨款支出决算数与2023年度持平。") == [
        ("three_public_prior_year_flat", None, None)
    ]
    # seed 000 line 995–997: "…完成全年预算的0%，与上年“三公”经费财政拨款支出决算相同。"
    found = facts(
        THREE_PUBLIC,
        "2023年度“三公”经费财政拨款支出全年预算0万元，支出决算0万元，完成全年预算的0%，"
        "与上年“三公”经费财政拨款支出决算相同。",
    )
    assert ("three_public_prior_year_flat", None, None) in found


def test_prior_year_figure_before_its_change():
    # no shipped report prints last year's figure; the wording as such reports print it
    found = facts(THREE_PUBLIC, "“三公”经费财政拨款支出决算3.20万元，比上年决算数5.40万元减少2.20万元，下降40.74%。")
    assert ("three_public_prior_year", "5.40", None) in found


def test_operating_costs_change_and_rate():
    # Putuo page 24 line 395
    assert facts("（一）机关运行经费支出情况", "机关运行经费支出184.65万元，比2023年度增加2.55万元，增长1.40%。") == [
        ("operating_costs", "184.65", None),
        ("operating_costs_prior_year_change", "2.55", None),
        ("operating_costs_prior_year_change_rate", "1.40", None),
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the wording the issue names: counts of 行政单位 / 参照公务员法管理 / 事业单位
        (
            "纳入本部门2023年度部门决算编制范围的单位共3个，其中：行政单位1个，参照公务员法管理的事业单位1个，事业单位1个。",
            {"admin_units": 1, "civil_service_units": 1, "institution_units": 1},
        ),
        (
            "本部门下设行政单位2个、参公管理事业单位0个。",
            {"admin_units": 2, "civil_service_units": 0, "institution_units": None},
        ),
        # seed 002 lines 46–50: units counted, not typed
        (
            "2023年度，纳入本部门决算编制范围的单位共2个，其中二级预算单位包括：",
            {"admin_units": None, "civil_service_units": None, "institution_units": None},
        ),
    ],
)
def test_unit_types(sentence, expected):
    doc = text_document("二、机构设置", sentence)
    assert unit_types(split_sentences(build_paragraphs(doc))) == expected


def test_unit_types_of_the_shipped_reports_are_not_stated():
    """None of the seeds counts its units by type (001 line 87 says "（参公管理）" of one unit, not a count)."""
    for number in ("000", "001", "002", "003", "004"):
        sentences = split_sentences(build_paragraphs(read_document(seed(number))))
        assert unit_types(sentences) == dict.fromkeys(("admin_units", "civil_service_units", "institution_units"))


def test_seed_facts_carry_item_only_for_classes():
    rows = narrated("002").rows("narrative_facts")
    assert {r["item"] for r in rows if r["metric_key"].startswith("class_")} == {
        "科学技术",
        "社会保障和就业",
        "卫生健康",
    }
    assert {r["item"] for r in rows if not r["metric_key"].startswith("class_")} == {None}


def test_shanghai_performance_summary():
    # Putuo page 23 lines 385–390: three "项目4个，涉及预算金额…" clauses; the third is the self-evaluation
    found = facts(
        "十、预算绩效管理情况",
        "实行全过程绩效管理实施情况跟踪：编报绩效目标的2024年度项目4个，涉及预算金额598.42万元；绩效跟踪评价的2024年度"
        "项目4个，涉及预算金额598.42万元；绩效自评的2024年度项目4个，涉及预算金额598.42万元，平均得分99.43分（其中，"
        "绩效评级为“优”的项目4个；绩效评级为“良”的项目0个；绩效评级为“合格”的项目0个；绩效评级为“不合格”的项目0个。",
    )
    assert found == [
        ("performance_project_count", "4", None),
        ("performance_project_amount", "598.42", None),
        ("performance_excellent_count", "4", None),
        ("performance_average_score", "99.43", None),
        ("performance_good_count", "0", None),
        ("performance_pass_count", "0", None),
        ("performance_fail_count", "0", None),
    ]


def test_grade_counts_of_every_grade():
    # seed 002 lines 905–913
    found = facts(
        "十、预算绩效管理情况说明",
        "我部门2023年度9个项目支出绩效自评中，8个项目自评等级为优，1个项目自评等级为良，0个项目自评等级为中，0个"
        "项目自评等级为差。",
    )
    assert found == [
        ("performance_excellent_count", "8", None),
        ("performance_good_count", "1", None),
        ("performance_fair_count", "0", None),
        ("performance_poor_count", "0", None),
    ]


def test_agreement_with_a_years_budget_is_not_level_with_last_year():
    assert facts(THREE_PUBLIC, "“三公”经费财政拨款支出决算数与2024年度预算数一致。") == []
    assert facts(GENERAL, "与2023年度相比，一般公共预算财政拨款支出决算与年初预算一致。") == []


def test_three_public_items_level_with_last_year():
    # Putuo page 23 lines 375–376: items without amounts
    found = facts(
        THREE_PUBLIC,
        "其中：因公出国（境）费支出决算持平；公务用车购置及运行维护费支出决算持平；公务接待费支出决算持平。",
    )
    assert [key for key, _, _ in found] == [
        "three_public_overseas_travel_prior_year_flat",
        "three_public_vehicle_total_prior_year_flat",
        "three_public_official_reception_prior_year_flat",
    ]
    # seed 000 line 999: an item with its amount, then 与上年相同
    found = facts(
        THREE_PUBLIC,
        "因公出国（境）费支出0万元，完成全年预算的0%，与上年相同，主要原因是本单位无因公出国（境）费支出。",
    )
    assert ("three_public_overseas_travel_prior_year_flat", None, None) in found


def test_administrative_and_public_institutions_together_are_not_a_count_of_institutions():
    doc = text_document("二、机构设置", "本部门下属行政事业单位2个。")
    assert unit_types(split_sentences(build_paragraphs(doc)))["institution_units"] is None
