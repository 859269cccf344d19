"""The generic reader places a cell format's amounts by the header rows: reordered, missing, unknown, split columns."""

from __future__ import annotations

from table_support import built, extract_findings

from converter.document import Document, Line
from converter.layouts import generic
from converter.model import Extraction


def _doc(*rows: str | list[str], source_format: str = "html") -> Document:
    lines = []
    for number, row in enumerate(rows, start=1):
        if isinstance(row, str):
            lines.append(Line(text=row, line_no=number))
        else:
            lines.append(Line(text="\t".join(row), line_no=number, cells=tuple(row)))
    return Document(lines=lines, source_file="t.html", source_sha256="0" * 64, source_format=source_format)


def _records(doc: Document, table_id: str) -> tuple[list[dict], Extraction]:
    (block,) = [block for block in generic.read_tables(doc) if block.table_id == table_id]
    return built(block)


def test_columns_printed_in_another_order_are_placed_by_their_headers():
    doc = _doc(
        "五、一般公共预算财政拨款支出决算表",
        "单位：万元",
        ["科目编码", "科目名称", "项目支出", "基本支出", "合计"],
        ["合计", "", "31.02", "248.22", "279.24"],
        ["2101501", "行政运行", "31.02", "248.22", "279.24"],
    )
    records, extraction = _records(doc, "T05")
    assert [(r["code"], r["name"], r["total"], r["basic"], r["project"], r["source_line"]) for r in records] == [
        (None, "合计", "279.24", "248.22", "31.02", 4),
        ("2101501", "行政运行", "279.24", "248.22", "31.02", 5),
    ]
    assert not extract_findings(extraction)


def test_columns_a_report_leaves_out_are_null_not_shifted():
    doc = _doc(
        "三、支出决算表",
        ["项目", "", "本年支出合计", "基本支出", "项目支出"],
        ["科目代码", "科目名称", "", "", ""],
        ["2080505", "机关事业单位基本养老保险缴费支出", "26.21", "26.21", ""],
    )
    (record,), extraction = _records(doc, "T03")
    assert (record["total"], record["basic"], record["project"]) == ("26.21", "26.21", None)
    assert record["remittance_to_higher"] is None and record["subsidy_to_affiliated"] is None
    assert not extract_findings(extraction)


def test_a_column_whose_header_matches_nothing_is_reported_not_guessed():
    doc = _doc(
        "五、一般公共预算财政拨款支出决算表",
        ["科目代码", "科目名称", "合计", "基本支出", "项目支出", "备用列"],
        ["2101501", "行政运行", "279.24", "248.22", "31.02", "9.99"],
    )
    (record,), extraction = _records(doc, "T05")
    assert (record["total"], record["basic"], record["project"]) == ("279.24", "248.22", "31.02")
    assert "9.99" not in record.values()
    (finding,) = extract_findings(extraction)
    assert "备用列" in finding.message_en and finding.tables == "T05"


def test_split_class_item_codes_are_joined_and_shanghai_state_capital_columns_recognised():
    doc = _doc(
        "国有资本经营预算财政拨款收入支出决算表",
        ["类", "款", "项", "科目名称", "年初结转和结余", "本年收入", "本年支出", "", "", "年末结转和结余"],
        ["", "", "", "", "", "", "小计", "基本支出", "项目支出", ""],
        ["", "", "", "合计", "0.00", "12.00", "12.00", "", "12.00", "0.00"],
        ["223", "01", "01", "国有企业退休人员社会化管理补助支出", "0.00", "12.00", "12.00", "", "12.00", "0.00"],
    )
    records, extraction = _records(doc, "T08")
    fields = ("code", "level", "parent_code", "carryover_begin", "income", "total", "project", "carryover_end")
    assert [tuple(r[f] for f in fields) for r in records] == [
        (None, "total", None, "0.00", "12.00", "12.00", "12.00", "0.00"),
        ("2230101", "项", "22301", "0.00", "12.00", "12.00", "12.00", "0.00"),
    ]
    assert not extract_findings(extraction)


def test_three_public_with_meeting_and_training_columns_by_measure_groups():
    doc = _doc(
        "财政拨款“三公”经费及会议费、培训费支出决算表",
        ["预算数", "", "", "", "", "", "", "", "决算数", "", "", "", "", "", "", ""],
        ["合计", "因公出国（境）费", "公务用车购置及运行维护费", "", "", "公务接待费", "会议费", "培训费"] * 2,
        ["", "", "小计", "公务用车购置费", "公务用车运行维护费", "", "", ""] * 2,
        [str(n) for n in range(1, 17)],
        "10.00 0.00 6.00 0.00 6.00 1.00 2.00 1.00 9.50 ── 5.50 0.00 5.50 1.00 2.00 1.00".split(),
    )
    records, extraction = _records(doc, "T09")
    fields = ("measure", "total", "overseas_travel", "vehicle_total", "vehicle_operation", "meeting", "training")
    assert [tuple(r[f] for f in fields) for r in records] == [
        ("budget", "10.00", "0.00", "6.00", "6.00", "2.00", "1.00"),
        ("actual", "9.50", None, "5.50", "5.50", "2.00", "1.00"),
    ]
    assert not extract_findings(extraction)


def test_three_public_measures_printed_as_row_labels():
    doc = _doc(
        "九、财政拨款“三公”经费支出决算表",
        ["项目", "合计", "因公出国（境）费", "公务用车购置及运行维护费", "", "", "公务接待费"],
        ["", "", "", "小计", "公务用车购置费", "公务用车运行维护费", ""],
        ["预算数", "3.00", "0.00", "2.00", "0.00", "2.00", "1.00"],
        ["决算数", "2.50", "0.00", "1.50", "0.00", "1.50", "1.00"],
    )
    records, _ = _records(doc, "T09")
    assert [(r["measure"], r["total"], r["vehicle_purchase"], r["official_reception"]) for r in records] == [
        ("budget", "3.00", "0.00", "1.00"),
        ("actual", "2.50", "0.00", "1.00"),
    ]


def test_two_block_table_without_line_numbers_uses_the_item_columns():
    doc = _doc(
        "一、收入支出决算总表",
        ["收入", "", "支出", ""],
        ["项目", "决算数", "项目", "决算数"],
        ["一、一般公共预算财政拨款收入", "97.58", "八、社会保障和就业支出", "97.58"],
        ["本年收入合计", "97.58", "本年支出合计", "97.58"],
    )
    records, extraction = _records(doc, "T01")
    assert [(r["side"], r["line_no"], r["item_key"], r["amount"]) for r in records] == [
        ("income", None, "general_budget_appropriation", "97.58"),
        ("income", None, "total_income", "97.58"),
        ("expense", None, "func_208", "97.58"),
        ("expense", None, "total_expense", "97.58"),
    ]
    assert not extract_findings(extraction)


def test_basic_expense_footer_total_spanning_merged_columns_takes_the_one_amount():
    doc = _doc(
        "六、一般公共预算财政拨款基本支出决算明细表",
        ["科目代码", "科目名称", "决算数", "科目代码", "科目名称", "决算数"],
        ["301", "工资福利支出", "10.00", "302", "商品和服务支出", "5.00"],
        ["", "", "", "30201", "办公费", "5.00"],
        ["人员经费合计", "", "10.00", "公用经费合计", "", "5.00"],
    )
    records, extraction = _records(doc, "T06")
    assert [(r["econ_code"], r["econ_name"], r["amount"], r["source_line"]) for r in records] == [
        ("301", "工资福利支出", "10.00", 3),
        ("302", "商品和服务支出", "5.00", 3),
        ("30201", "办公费", "5.00", 4),
        (None, "人员经费合计", "10.00", 5),
        (None, "公用经费合计", "5.00", 5),
    ]
    assert not extract_findings(extraction)
