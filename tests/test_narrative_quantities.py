"""three_public_quantities: one record per report with a 三公 section, integers as stated, null when not stated.

Seed expectations are read by hand from the 三公 sections (lines given).
"""

from __future__ import annotations

import pytest
from narrative_support import narrate, narrated

ZEROS = dict.fromkeys(
    (
        "overseas_groups",
        "overseas_persons",
        "vehicles_purchased",
        "vehicles_held",
        "domestic_reception_batches",
        "domestic_reception_persons",
        "foreign_reception_batches",
        "foreign_reception_persons",
        "official_reception_batches",
        "official_reception_persons",
    ),
    0,
)
NO_TOTAL = {"official_reception_batches": None, "official_reception_persons": None}

EXPECTED = {
    # 1017 出国团组共0个，0人次; 1021 购置公务用车0辆; 1025 保有量共0辆; 1029 公务接待费支出0万元，共接待0批次，0人次;
    # 1029–1039 国内/外事/国（境）外 0批次，0人次
    "000": {**ZEROS, "source_line": 1017, "source_page": None},
    # 365: 因公出国(境)共计 0 个 0 团 0 组,0 人;公务用车购置 0 辆,公务用车保有量为 0 辆;国内公务接待 9 批次 101 人,
    #      其中:外事接待 0 批 0 次,0 人;国(境)外公务接待 0 批 0 次,0 人
    "001": {
        **ZEROS,
        "domestic_reception_batches": 9,
        "domestic_reception_persons": 101,
        **NO_TOTAL,  # only 国内 and its parts are counted
        "source_line": 365,
        "source_page": None,
    },
    # 803 团组0个，累计0人次; 813 购置车辆0台; 817–819 保有量为2辆; 829–831 国（境）外来访团组0个、来访外宾0人次;
    # 835–837 国内来访团组9个、来宾66人次
    "002": {
        **ZEROS,
        "vehicles_held": 2,
        "domestic_reception_batches": 9,
        "domestic_reception_persons": 66,
        **NO_TOTAL,
        "source_line": 803,
        "source_page": None,
    },
    # 490–496, as in 000
    "003": {**ZEROS, "source_line": 490, "source_page": None},
    # 153–181: amounts only ("本年度无财政拨款因公出国（境）费支出"), no quantity stated: all null, not 0
    "004": {**dict.fromkeys(ZEROS), "source_line": 153, "source_page": None},
}


@pytest.mark.parametrize("number", sorted(EXPECTED))
def test_seed_three_public_quantities_record(number):
    extraction = narrated(number)
    assert extraction.rows("three_public_quantities") == [EXPECTED[number]]
    assert not [f for f in extraction.findings if f.rule_id == "NARRATIVE_QUANTITY"]


def test_no_three_public_section_gives_no_record():
    extraction = narrate("一、收入支出决算总体情况说明", "2023年度收入总计1.00万元。")
    assert extraction.rows("three_public_quantities") == []


def test_foreign_affairs_figures_win_over_differing_abroad_figures_with_a_finding():
    extraction = narrate(
        "九、财政拨款“三公”经费支出决算情况说明",
        "4、公务接待费支出1.5万元。国内接待费1.00万元，共接待3批次，20人次，其中外事接待费0.5万元，共接待1批次，"
        "5人次；国（境）外接待费0万元，共接待国（境）外2批次，6人次。",
    )
    record = extraction.rows("three_public_quantities")[0]
    assert (record["domestic_reception_batches"], record["domestic_reception_persons"]) == (3, 20)
    assert (record["foreign_reception_batches"], record["foreign_reception_persons"]) == (1, 5)
    differing = [(f.expected, f.actual) for f in extraction.findings if f.rule_id == "NARRATIVE_QUANTITY"]
    assert differing == [("1", "2"), ("5", "6")]


def test_abroad_figures_fill_foreign_reception_when_no_foreign_affairs_figure_is_stated():
    extraction = narrate(
        "九、财政拨款“三公”经费支出决算情况说明",
        "外宾接待支出 0.00万元。2023年共接待国（境）外来访团组4个、来访外宾12人次（不包括陪同人员）。",
    )
    record = extraction.rows("three_public_quantities")[0]
    assert (record["foreign_reception_batches"], record["foreign_reception_persons"]) == (4, 12)
    assert record["overseas_groups"] is None and record["vehicles_held"] is None


def test_garbled_repeats_that_disagree_are_left_null_with_a_finding():
    extraction = narrate(
        "九、财政拨款“三公”经费支出决算情况说明",
        "2023 年度本部门因公出国(境)共计 1 个 2 团 1 组,3 人;公务用车购置 0 辆,公务用车保有量为 4 辆。",
    )
    record = extraction.rows("three_public_quantities")[0]
    assert (record["overseas_groups"], record["overseas_persons"]) == (None, 3)
    assert (record["vehicles_purchased"], record["vehicles_held"]) == (0, 4)
    findings = [f for f in extraction.findings if f.rule_id == "NARRATIVE_QUANTITY"]
    assert len(findings) == 1 and "1 2 1" in findings[0].message_zh and findings[0].source_line == 2


def test_quantities_outside_the_three_public_section_are_not_read():
    extraction = narrate(
        "九、财政拨款“三公”经费支出决算情况说明",
        "本年度无财政拨款公务用车购置费支出。",
        "十二、国有资产占用情况说明",
        "截至2023年末，本单位公务用车保有量为3辆。",
    )
    assert extraction.rows("three_public_quantities")[0]["vehicles_held"] is None


@pytest.mark.parametrize(
    ("sentence", "batches", "persons"),
    [
        ("公务接待2批次、26人次。", 2, 26),  # the Shanghai wording the issue quotes
        ("4、公务接待费支出0万元，共接待0批次，0人次。", 0, 0),  # seed 000 line 1029, seed 003 line 496
        ("国内公务接待 9 批次 101 人,其中:外事接待 0 批 0 次,0 人。", None, None),  # seed 001 line 365: 国内 only
    ],
)
def test_all_receptions_batches_and_persons(sentence, batches, persons):
    (record,) = narrate("七、“三公”经费财政拨款支出决算情况说明", sentence).rows("three_public_quantities")
    assert (record["official_reception_batches"], record["official_reception_persons"]) == (batches, persons)
