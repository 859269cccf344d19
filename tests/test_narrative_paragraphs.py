"""The narrative resource: prose paragraphs under their headings, rejoined, without tables, markup or furniture.

Expected headings and texts are read by hand from the seed text (line numbers given).
"""

from __future__ import annotations

import re

import pytest
from conftest import SEED_FILES, seed
from narrative_support import narrated

from converter.narrative.paragraphs import build_paragraphs
from converter.readers import read_document


def narrative(number: str) -> list[dict]:
    return narrated(number).rows("narrative")


def paragraph_at(number: str, line: int) -> dict:
    return next(row for row in narrative(number) if row["source_line"] == line)


EXPECTED_SECTIONS = {
    "000": (
        "一、本部门（单位）职责",
        "一、收入支出决算总体情况说明",
        "六、一般公共预算财政拨款基本支出决算情况说明",
        "（二）“三公”经费财政拨款支出决算具体情况说明",
        "（二）政府采购情况说明",
        "1、预算绩效管理工作开展情况",
        "第四部分名词解释",
    ),
    "001": (
        "一、部门职责",
        "二、机构设置",
        "一般公共预算财政拨款支出决算结构情况",
        "(三) “三公”经费财政拨款支出决算实物量情况",
        "十一、政府采购支出情况说明",
        "二、绩效自评结果",
        "第五部分名词解释",
    ),
    "002": (
        "一、部门职责",
        "三、支出决算情况说明",
        "（一）总体情况",
        "（二）“三公”经费财政拨款支出决算具体情况说明",
        "十二、国有资产占用情况说明",
        "（二）项目绩效自评结果",
        "第四部分名词解释",
    ),
    "003": (
        "二、机构设置情况",
        "四、财政拨款收支决算总体情况说明",
        "（二）“三公”经费财政拨款支出决算具体情况说明",
        "（三）国有资产占用情况说明",
        "第四部分名词解释",
        "1. 项目自评得分和结论",
        "六、下一步改进措施及管理建议",
    ),
    "004": (
        "（一）主要职责",
        "三、单位人员情况",
        "（一）“三公”经费支出决算情况说明",
        "4.公务接待费支出情况说明",
        "十二、国有资产占用及购置情况说明",
        "（三）项目绩效自评结果",
        "第四部分专业名词解释",
    ),
}


@pytest.mark.parametrize("number", sorted(EXPECTED_SECTIONS))
def test_paragraphs_sit_under_the_expected_headings(number):
    sections = {row["section"] for row in narrative(number)}
    missing = [s for s in EXPECTED_SECTIONS[number] if s not in sections]
    assert not missing


@pytest.mark.parametrize("number", sorted(SEED_FILES))
def test_no_paragraph_holds_markup_table_rows_or_page_furniture(number):
    for row in narrative(number):
        text = row["text"]
        assert not re.search(r"<\/?b>|\*\*|^#|^- |\t", text), text
        assert not re.search(r"(?:\d[\d,.]*\s+){4,}", text), text  # a row of table cells
        assert not re.search(r"公开\d+表|-\d+-|单位[:：]万元", text), text
        assert "决算公开报告" not in text  # seed 000's running title


@pytest.mark.parametrize("number", sorted(SEED_FILES))
def test_seq_runs_from_one_in_document_order(number):
    rows = narrative(number)
    assert [row["seq"] for row in rows] == list(range(1, len(rows) + 1))
    lines = [row["source_line"] for row in rows]
    assert lines == sorted(lines)


def test_seed000_sentence_wrapped_across_a_page_break_is_rejoined_without_the_footer():
    # lines 868–890: "…其他支出彩票公益金安排的支出减少了57万" / "-16-" / running title / "元。"
    text = paragraph_at("000", 868)["text"]
    assert text.startswith("2023年度财政拨款收入总计97.58万元，支出总计97.58万元。")
    assert text.endswith("其他支出彩票公益金安排的支出减少了57万元。")


def test_seed000_wrapped_lines_become_one_paragraph_with_its_heading():
    row = paragraph_at("000", 1055)
    assert row["section"] == "（二）政府采购情况说明"
    assert row["text"] == (
        "2023年度政府采购支出总额13.00万元，其中：政府采购货物支出0万元、政府采购工程支出0万元、政府采购服务支出"
        "13.00万元。政府采购授予中小企业合同金额13.00万元，占政府采购支出总额的100.00%。其中：授予小微企业合同金额"
        "0万元，占政府采购支出总额的0%。"
    )


def test_seed000_self_evaluation_tables_of_the_annex_are_not_prose():
    assert not [row for row in narrative("000") if row["source_line"] > 1146]


def test_seed001_table_of_contents_and_cover_give_no_paragraph():
    assert min(row["source_line"] for row in narrative("001")) == 55


def test_seed001_bold_markup_is_removed():
    assert paragraph_at("001", 423)["text"].startswith("一、财政拨款收入：指本年度从同级财政部门取得的财政拨款")


def test_seed002_fullwidth_indented_items_start_new_paragraphs():
    assert paragraph_at("002", 14)["text"] == (
        "1、拟订医疗保险、生育保险、离休人员医疗保障、移交政府安置的军队离退休干部医疗保障、医疗救助等医疗保障制度、"
        "政策、规划、标准并组织实施。"
    )


def test_seed002_department_self_evaluation_table_is_left_out():
    assert max(row["source_line"] for row in narrative("002")) < 1021


def test_seed003_markdown_headings_and_bullets_are_cleaned():
    row = paragraph_at("003", 528)
    assert row["section"] == "第四部分名词解释"
    assert row["text"] == "一、财政拨款收入：指单位从同级财政部门取得的财政预算资金。"
    assert paragraph_at("003", 546)["text"] == "项目名称：业务工资经费"


def test_seed004_heading_wrapped_onto_a_second_line_is_joined():
    # lines 145–147: "九、财政拨款“三公”经费及会议费、培训费支出决算情" / "况说明"
    paragraph = next(p for p in build_paragraphs(read_document(seed("004"))) if p.line.line_no == 153)
    assert paragraph.headings[1:] == (
        "九、财政拨款“三公”经费及会议费、培训费支出决算情况说明",
        "（一）“三公”经费支出决算情况说明",
    )
    assert "况说明" not in {row["text"] for row in narrative("004")}


def test_seed004_blank_table_part_and_embedded_score_tables_give_no_paragraph():
    lines = [row["source_line"] for row in narrative("004")]
    assert not [n for n in lines if 279 <= n <= 468 or 488 <= n <= 642 or 682 <= n <= 705]
    text = paragraph_at("004", 476)["text"]
    assert text.startswith("1.单位业务项目绩效自评综述：全年预算数 27.17万元，执行数 35.17万元，")
