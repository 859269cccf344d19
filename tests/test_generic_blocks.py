"""The generic reader's two-block (公开01/04表), 三公 and statistics tables on text built here: 行次 beside the
figures, labels wrapped over lines, figures a line below their label, 预算数/决算数 printed as two blocks."""

from __future__ import annotations

from table_support import built, extract_findings

from converter.document import Document, Line
from converter.layouts import generic


def _text(*texts: str) -> Document:
    return Document(lines=[Line(text=t, line_no=i, page=1) for i, t in enumerate(texts, start=1)],
                    source_file="t.txt", source_sha256="0" * 64, source_format="txt")


def _records(doc: Document, table_id: str) -> tuple[list[dict], list]:
    block = next(b for b in generic.read_tables(doc) if b.table_id == table_id)
    records, extraction = built(block)
    return records, extract_findings(extraction)


def test_line_numbers_are_never_figures_and_a_wrapped_first_label_starts_the_table():
    # single spaces between cells, runs of spaces only where blanks vanished: no columns to read positions from
    doc = _text(
        "收入支出决算总表", "金额单位：万元", "项目 行次 金额 项目 行次 金额",
        "一、一般公共预算财政拨款收",
        "入",
        "1 97.58 一、一般公共服务支出 32  ",
        "二、政府性基金预算财政拨款收入 2  二、外交支出 33 ",
        " 9  九、卫生健康支出 40 97.58",
        " 本年收入合计 27 97.58 本年支出合计 58 97.58",
        "年初结转和结余 29  年末结转和结余 60  ",
        "总计 31 97.58 总计 62 97.58",
    )
    records, findings = _records(doc, "T01")
    printed = {(r["side"], r["item_key"]): r["amount"] for r in records if r["amount"] is not None}
    assert printed == {("income", "general_budget_appropriation"): "97.58", ("income", "total_income"): "97.58",
                       ("income", "grand_total"): "97.58", ("expense", "func_210"): "97.58",
                       ("expense", "total_expense"): "97.58", ("expense", "grand_total"): "97.58"}
    assert findings == []


T05_TABLE = ("一般公共预算财政拨款支出决算表", "单位：万元", "科目编码 科目名称 合计 基本支出 项目支出",
             "合计 100.00 60.00 40.00", "201 一般公共服务支出 100.00 60.00 40.00")


def test_figures_a_line_below_go_to_the_one_row_the_identities_allow():
    # pdfplumber-like: expense figures on the line under their label; the side-by-side income and expense figures
    # split where both sides' identities hold; 本年支出合计's second figure alone on the next line.
    doc = _text(
        "财政拨款收入支出决算总表", "单位：万元",
        "项目 决算数 项目 合计 一般公共预算财政拨款 政府性基金预算财政拨款 国有资本经营预算财政拨款",
        "一、一般公共预算财政拨款 100.00 一、一般公共服务支出",
        "100.00 100.00",
        "二、政府性基金预算财政拨款 二、外交支出",
        "本年收入合计 100.00 本年支出合计 100.00",
        "100.00",
        "年初财政拨款结转和结余 年末财政拨款结转和结余",
        "5.00 5.00 5.00",
        "总计 总计",
        "105.00 105.00 105.00",
        *T05_TABLE,
    )
    records, findings = _records(doc, "T04")
    printed = {(r["side"], r["item_key"]): (r["total"], r["general_budget"], r["government_fund"])
               for r in records if r["total"] or r["general_budget"]}
    assert printed == {
        ("income", "general_budget"): ("100.00", None, None), ("income", "total_income"): ("100.00", None, None),
        ("income", "carryover_begin"): ("5.00", None, None), ("income", "grand_total"): ("105.00", None, None),
        ("expense", "func_201"): ("100.00", "100.00", None), ("expense", "total_expense"): ("100.00", "100.00", None),
        ("expense", "carryover_end"): ("5.00", "5.00", None), ("expense", "grand_total"): ("105.00", "105.00", None)}
    assert findings == []


def test_without_the_pinning_table_equal_figures_in_many_columns_are_left_out():
    # 100.00 100.00 fits 合计 with any one of the three fund columns: no T05 to pin it, so only 合计 (first in
    # every reading) is placed; the fund column is left out, never guessed.
    doc = _text("财政拨款收入支出决算总表", "单位：万元",
                "一、一般公共预算财政拨款 100.00 一、一般公共服务支出 100.00 100.00",
                "本年收入合计 100.00 本年支出合计 100.00 100.00", "总计 100.00 总计 100.00 100.00")
    records, findings = _records(doc, "T04")
    expense = [r for r in records if r["side"] == "expense"]
    assert {r["item_key"]: (r["total"], r["general_budget"], r["government_fund"]) for r in expense} == {
        "func_201": ("100.00", None, None), "total_expense": ("100.00", None, None),
        "grand_total": ("100.00", None, None)}
    assert findings


T09_ITEMS = " ".join(["合计 因公出国（境）费 公务用车购置及运行维护费 公务接待费"] * 2)  # under 预算数, then 决算数


def test_three_public_printed_as_a_budget_block_and_an_actual_block():
    doc = _text(
        "财政拨款“三公”经费支出决算表", "单位：万元",
        "预算数 决算数",
        T09_ITEMS,
        "小计 公务用车购置费 公务用车运行维护费 小计 公务用车购置费 公务用车运行维护费",
        "6.50 0.00 4.50 0.00 4.50 2.00 4.35 0.00 3.21 0.00 3.21 1.14",
    )
    records, findings = _records(doc, "T09")
    fields = ("total", "overseas_travel", "vehicle_total", "vehicle_purchase", "vehicle_operation",
              "official_reception")
    assert {r["measure"]: tuple(r[f] for f in fields) for r in records} == {
        "budget": ("6.50", "0.00", "4.50", "0.00", "4.50", "2.00"),
        "actual": ("4.35", "0.00", "3.21", "0.00", "3.21", "1.14")}
    assert findings == []


def test_three_public_blocks_whose_sums_fail_are_left_out():
    doc = _text("财政拨款“三公”经费支出决算表", "预算数 决算数",
                T09_ITEMS,
                "6.50 0.00 4.50 0.00 4.50 2.00 4.35 0.00 3.21 0.00 3.21 9.99")
    records, findings = _records(doc, "T09")
    actual = next(r for r in records if r["measure"] == "actual")
    assert actual["total"] is None and actual["official_reception"] is None
    assert findings


def test_a_stats_heading_is_not_a_blank_row_of_the_item_its_total_prints():
    doc = _text("部门决算公开相关信息统计表", "一、政府采购情况", "项目 行次 统计数", "合计 1 13.00", "货物 2",
                "服务 4 13.00", "二、机关运行经费", "（一）行政单位 5 6.75")
    records, findings = _records(doc, "T10")
    assert [(r["item_key"], r["value"]) for r in records] == [
        ("procurement_total", "13.00"), ("procurement_goods", None), ("procurement_services", "13.00"),
        ("operating_costs_admin", "6.75")]
    assert findings == []


def test_the_year_set_apart_from_its_title_is_the_reports_year():
    from converter.metadata import find_year

    # pdfplumber puts a year printed in another font on the line below (or above) its title
    assert find_year(["上海市普陀区财政局", "年度部门决算", "2024目 录", "第二部分 上海市普陀区财政局 年度部门决算表",
                      "2024", "一、收入支出决算总表"]) == 2024
    assert find_year(["年度部门决算表", "一、收入支出决算总表 2024"]) is None  # a year must stand alone beside it
    assert find_year(["朔州市朔城区医疗保障局2023年度部门决算", "2022"]) == 2023


STATS_HEAD = ("部门决算公开相关信息统计表", "单位：万元", "项目", "数值")


def test_figures_alone_below_their_labels_go_where_the_sums_confirm():
    # pdftotext raw: each cell on its own line. Below: 合计 8.99 = 货物 1.79 + 服务 7.20 holds; read as the figure
    # above each label (8.99 to 货物, 1.79 to 工程 …) the 政府采购 sum fails. 6.81 follows the same way.
    doc = _text(*STATS_HEAD, "合计", "8.99", "货物", "1.79", "工程", "服务", "7.20",
                "(一)行政单位", "6.81", "(二)参照公务员法管理事业单位")
    records, findings = _records(doc, "T10")
    assert {r["item_key"]: r["value"] for r in records} == {
        "procurement_total": "8.99", "procurement_goods": "1.79", "procurement_works": None,
        "procurement_services": "7.20", "operating_costs_admin": "6.81", "operating_costs_civil_service": None}
    assert findings == []


def test_figures_alone_that_no_sum_confirms_are_left_out():
    doc = _text(*STATS_HEAD, "(一)行政单位", "6.81", "(二)参照公务员法管理事业单位")
    records, findings = _records(doc, "T10")
    assert all(r["value"] is None for r in records)
    assert findings


def test_three_public_rows_with_one_figure_a_line_in_stream_order():
    doc = _text("财政拨款“三公”经费支出决算表", "合计", "因公出国（境）费", "公务用车购置及运行费小计",
                "公务用车购置费", "公务用车运行费", "公务接待费",
                "预算数", "6.50", "0.00", "4.50", "0.00", "4.50", "2.00",
                "决算数", "4.35", "0.00", "3.21", "0.00", "3.21", "1.14")
    records, findings = _records(doc, "T09")
    assert [(r["measure"], r["total"], r["vehicle_operation"], r["official_reception"]) for r in records] == [
        ("budget", "6.50", "4.50", "2.00"), ("actual", "4.35", "3.21", "1.14")]
    assert findings == []


def test_wrapped_labels_keep_their_line_numbers_and_their_side():
    # the 行次 printed on the line under a wrapped label is that row's when it follows its side's last 行次; a label
    # both sides could begin (国有资本经…) goes to the side whose numbering it continues (二十 → 二十一)
    doc = _text(
        "财政拨款收入支出决算总表", "金额单位：万元", "项目 行次 金额 项目 行次 合计",
        "一、一般公共预算", "财政拨款", "1 97.58",
        "一、一般公共服务支", "出", "33 ",
        "二、政府性基金预", "算财政拨款", "2  二十、粮油物资储备支出 52",
        " 3  ", "二十一、国有资本经", "营预算支出", "53",
        "本年收入合计 27 97.58 本年支出合计 59 97.58 97.58",
        "总计 32 97.58 总计 64 97.58 97.58",
        *T05_TABLE[:3], "合计 97.58 97.58", "201 一般公共服务支出 97.58 97.58",
    )
    records, _findings = _records(doc, "T04")
    assert [(r["side"], r["item_key"], r["line_no"]) for r in records] == [
        ("income", "general_budget", 1), ("income", "government_fund", 2), ("income", "total_income", 27),
        ("income", "grand_total", 32), ("expense", "func_201", 33), ("expense", "func_222", 52),
        ("expense", "func_223", 53), ("expense", "total_expense", 59), ("expense", "grand_total", 64)]


def test_the_number_label_under_blank_lines_or_from_the_contents_list():
    table = ("财政拨款“三公”经费支出决算表", " ", "", "  ", "公开", "09表", "预算数 决算数", T09_ITEMS,
             "6.50 0.00 4.50 0.00 4.50 2.00 4.35 0.00 3.21 0.00 3.21 1.14")
    (block,) = [b for b in generic.read_tables(_text(*table)) if b.table_id == "T09"]
    assert block.number_label == "公开09表"
    contents = ("目 录", "七、财政拨款“三公”经费支出决算表", "八、政府性基金预算财政拨款收入支出决算表")
    (block,) = [b for b in generic.read_tables(_text(*contents, *table[:1], *table[6:])) if b.table_id == "T09"]
    assert block.number_label == "七"
