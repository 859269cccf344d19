"""Seed 000 (wrapped pdftotext layout): every row of every standard table against values read from the seed text."""

from __future__ import annotations

import pytest
from conftest import seed
from fixtures import seed000_tables as expected
from table_support import (
    CODED_FIELDS,
    T01_FIELDS,
    T02_COLUMNS,
    T03_COLUMNS,
    T04_EXPENSE_FIELDS,
    T05_COLUMNS,
    built,
    econ_record,
    located,
    read_tables,
    text_document,
    without,
)

from converter.document import Document
from converter.model import Finding, TableBlock
from converter.readers import read_document


@pytest.fixture(scope="module")
def read() -> tuple[dict[str, TableBlock], list[Finding]]:
    findings: list[Finding] = []
    blocks = read_tables(read_document(seed("000")), findings)
    return {block.table_id: block for block in blocks}, findings


def records(read, table_id: str) -> list[dict]:
    """Built records of one table, without source_page; fails when building produced a finding."""
    rows, extraction = built(read[0][table_id])
    assert extraction.findings == []
    return without(rows, "source_page")


def without_lines(rows: list[dict]) -> list[dict]:
    return without(rows, "source_line")


def coded(rows: list[tuple], columns: tuple[str, ...]) -> list[dict]:
    return [dict(zip(CODED_FIELDS + columns, row)) for row in rows]



def test_every_table_is_located_with_title_number_and_line(read):
    blocks, findings = read
    assert findings == []
    assert list(blocks) == list(expected.TITLES)
    for table_id, (title, number_label, line_no) in expected.TITLES.items():
        assert located(blocks[table_id]) == (title, number_label, line_no), table_id


def test_t01_income_expense_summary(read):
    rows = records(read, "T01")
    assert without_lines(rows) == [dict(zip(T01_FIELDS, row)) for row in expected.T01]
    lines = {(row["side"], row["line_no"]): row["source_line"] for row in rows}
    assert lines[("income", 1)] == 150  # the wrapped label starts the row
    assert lines[("expense", 45)] == 186
    assert lines[("income", 27)] == 232  # after the page furniture "第二部分 2023年部门决算表"


def test_t02_income_by_function(read):
    rows = records(read, "T02")
    assert without_lines(rows) == coded(expected.T02, T02_COLUMNS)
    assert rows[-1]["source_line"] == 282  # "2101599" on its own line, name wrapped below


def test_t03_expense_by_function(read):
    rows = records(read, "T03")
    assert without_lines(rows) == coded(expected.T03, T03_COLUMNS)
    assert [row["source_line"] for row in rows] == [312, 314, 316, 318, 320, 322]


def test_t04_fiscal_summary(read):
    rows = records(read, "T04")
    assert without_lines(rows) == [dict(zip(T04_EXPENSE_FIELDS, row)) for row in expected.T04]
    lines = {(row["side"], row["line_no"]): row["source_line"] for row in rows}
    assert (lines[("income", 29)], lines[("expense", 41)], lines[("expense", 64)]) == (489, 403, 504)


def test_t05_general_budget_expense(read):
    rows = records(read, "T05")
    assert without_lines(rows) == coded(expected.T05, T05_COLUMNS)


def test_t06_basic_expense_detail(read):
    rows = records(read, "T06")
    want = [
        econ_record(code, name, "personnel" if code[:3] in ("301", "303") else "public", amount)
        for code, (name, amount) in sorted(expected.T06.items(), key=lambda item: (item[0][:3] not in ("301", "303"),
                                                                                    item[0]))
    ] + [econ_record(None, name, category, amount) for name, category, amount in expected.T06_FOOTER]
    assert without_lines(rows) == want
    lines = {row["econ_code"] or row["econ_name"]: row["source_line"] for row in rows}
    assert (lines["30108"], lines["30212"], lines["31304"], lines["人员经费合计"]) == (577, 591, 614, 652)


def test_t06_not_applicable_cells_are_null_never_zero(read):
    amounts = {row["econ_code"]: row["amount"] for row in records(read, "T06")}
    assert expected.T06_NOT_APPLICABLE <= set(amounts)
    assert {code for code in expected.T06_NOT_APPLICABLE if amounts[code] is not None} == set()
    assert amounts["30212"] is None and amounts["30907"] is None  # both wrapped; "────" is no figure


@pytest.mark.parametrize("table_id", ["T07", "T08", "T09"])
def test_tables_printing_only_blank_rows_are_empty_with_their_statement(read, table_id):
    block = read[0][table_id]
    assert (block.status, block.note, block.rows) == ("empty", expected.EMPTY_NOTE, [])
    assert records(read, table_id) == []


def test_t10_disclosure_stats(read):
    rows = records(read, "T10")
    fields = ("line_no", "item", "item_key", "value", "unit")
    assert [{k: row[k] for k in fields} for row in rows] == [dict(zip(fields, row)) for row in expected.T10]
    assert {row["origin"] for row in rows} == {"table"}
    assert rows[-1]["source_line"] == 813


# --- behaviour on small synthetic texts in the same layout ---------------------------------------------------------


T06_LINES = [
    "一般公共预算财政拨款基本支出决算明细表",
    "公开06表",
    "部门名称：某单位 2023年度 金额单位：万元",
    "人员经费 公用经费",
    "科目代码 科目名称 决算数 科目代码 科目名称 决算数",
    "301 工资福利支出 10.00 302 商品和服务支出 1.00",
    "30101   基本工资 4.00 30201   办公费 1.00",
    "30108",
    "  机关事业单位基本养老保",
    "险缴费",
    "",
    "{wrapped} 30202   印刷费  ",
    "人员经费合计 10.00 公用经费合计 1.00",
    "注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。",
]


def t06_document(wrapped_amount: str) -> Document:
    return text_document(*(line.format(wrapped=wrapped_amount) for line in T06_LINES))


def test_t06_wrapped_figure_that_adds_up_is_placed():
    findings: list[Finding] = []
    (block,) = read_tables(t06_document("6.00"), findings)
    amounts = {row.code: row.cells for row in block.rows}
    assert amounts["30108"] == ["6.00"] and amounts["30202"] == [None]
    assert findings == []


def test_t06_wrapped_figure_that_breaks_the_class_sum_is_left_out_with_a_finding():
    findings: list[Finding] = []
    (block,) = read_tables(t06_document("9.00"), findings)
    amounts = {row.code: row.cells for row in block.rows}
    assert amounts["30108"] == [None] and amounts["30101"] == ["4.00"]
    assert [(f.rule_id, f.status, f.location, f.source_line) for f in findings] == [
        ("EXTRACT", "not_checkable", "T06 line 12", 12)
    ]


def test_coded_row_whose_cells_do_not_fit_the_columns_is_left_out_with_a_finding():
    lines = [
        "一般公共预算财政拨款支出决算表",
        "公开05表",
        "科目代码 科目名称 小计 基本支出 项目支出",
        "栏次 1 2 3",
        "合计 5.00 5.00",  # two cells for three columns: 合计 = 基本 + 项目 fixes the 小计, not which part is blank
        "210 卫生健康支出 5.00 5.00  ",  # single spaces: a trailing blank tells no column apart
        "注：本表反映部门本年度一般公共预算财政拨款支出情况。",
    ]
    findings: list[Finding] = []
    (block,) = read_tables(text_document(*lines), findings)
    assert [(row.label, row.cells) for row in block.rows] == [
        ("合计", ["5.00", None, None]), ("卫生健康支出", ["5.00", None, None])]
    assert [(f.rule_id, f.source_line) for f in findings] == [("EXTRACT", 5), ("EXTRACT", 6)]


def test_t09_figures_without_item_headers_or_blank_cells_are_left_out_with_findings():
    lines = [
        "财政拨款“三公”经费支出决算表",
        "公开09表",
        "部门名称：某单位 2023年度 金额单位:万元",
        "预算数 决算数",
        "1 2 3 4 5 6 7 8 9 10 11 12",
        "5.00  3.00  3.00 2.00 4.00  2.50  2.50 1.50",
        "注：本表反映部门本年度“三公”经费支出预决算情况。",
    ]
    findings: list[Finding] = []
    (block,) = read_tables(text_document(*lines), findings)  # no item names, blanks gone: columns cannot be told
    assert built(block)[0] == []
    assert [f.message_en.split(": ")[1] for f in findings] == ["5.00", "3.00", "3.00", "2.00", "4.00", "2.50", "2.50",
                                                                "1.50"]
