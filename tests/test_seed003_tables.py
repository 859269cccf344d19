"""Seed 003 (layout L4: Markdown/HTML-ish, tab cells): every row of every standard table, checked against the text."""

from __future__ import annotations

import pytest
from conftest import seed
from fixtures import seed003_tables as expected
from table_support import (
    CODED_FIELDS,
    T02_COLUMNS,
    T03_COLUMNS,
    T04_COLUMNS,
    T05_COLUMNS,
    built,
    econ_record,
    read_tables,
    text_document,
    without,
)

from converter.document import Document
from converter.model import Finding
from converter.readers import read_document


@pytest.fixture(scope="module")
def doc() -> Document:
    return read_document(seed("003"))


@pytest.fixture(scope="module")
def blocks(doc) -> dict:
    findings: list[Finding] = []
    read = {block.table_id: block for block in read_tables(doc, findings)}
    assert findings == []
    return read


def _records(block) -> tuple[list[dict], list[Finding]]:
    records, extraction = built(block)
    return without(records, "source_page"), extraction.findings


def _two_block(side, line_no, item, key, amounts: dict, line) -> dict:
    return {"side": side, "line_no": line_no, "item": item, "item_key": key, **amounts, "source_line": line}


def _coded(row, columns, line) -> dict:
    return {**dict(zip(CODED_FIELDS + columns, row)), "source_line": line}


def test_t01_income_expense_summary_every_row(blocks):
    block = blocks["T01"]
    assert (block.status, block.title, block.number_label, block.source_line) == (
        "found",
        "收入支出决算总表",
        "公开01表",
        70,
    )
    want = [
        _two_block("income", n, item, key, {"amount": amount}, line)
        for n, item, key, amount, line in expected.T01_INCOME
    ]
    for offset, ((item, code), line) in enumerate(zip(expected.CATEGORIES, expected.T01_CATEGORY_LINES)):
        line_no = 32 + offset
        amount = expected.T01_CATEGORY_AMOUNTS.get(line_no)
        want.append(_two_block("expense", line_no, item, f"func_{code}", {"amount": amount}, line))
    want += [
        _two_block("expense", n, item, key, {"amount": amount}, line)
        for n, item, key, amount, line in expected.T01_EXPENSE_TAIL
    ]
    records, findings = _records(block)
    assert records == want
    assert findings == []


def test_t01_skips_filler_rows_that_print_only_a_line_number(blocks):
    printed = {(row.side, row.line_no) for row in blocks["T01"].rows}
    assert not any(("income", n) in printed for n in [*range(9, 27), 30])
    assert ("expense", 61) not in printed


def test_t02_income_by_function_every_row(blocks):
    block = blocks["T02"]
    assert (block.status, block.number_label) == ("found", "公开02表")  # printed broken as "公开02  \n表"
    want = [_coded(row[:6] + (None,) * 5, T02_COLUMNS, row[6]) for row in expected.T02]
    records, findings = _records(block)
    assert records == want
    assert findings == []
    assert records[1]["name"] == "社会保障和就业支出"  # printed "社会保障和就业支 出"


def test_t03_expense_by_function_every_row(blocks):
    block = blocks["T03"]
    assert (block.status, block.number_label, block.source_line) == ("found", "公开03表", 151)
    want = [
        _coded(row + (None,) * 3, T03_COLUMNS, expected.T03_FIRST_LINE + i)
        for i, row in enumerate(expected.EXPENSE_ROWS)
    ]
    records, findings = _records(block)
    assert records == want
    assert findings == []


def test_t04_fiscal_summary_every_row(blocks):
    block = blocks["T04"]
    assert (block.status, block.number_label, block.source_line) == ("found", "公开04表", 183)
    nothing = {"general_budget": None, "government_fund": None, "state_capital": None}
    want = [
        _two_block("income", n, item, key, {**nothing, "total": amount}, line)
        for n, item, key, amount, line in expected.T04_INCOME
    ]
    for offset, ((item, code), line) in enumerate(zip(expected.CATEGORIES, expected.T04_CATEGORY_LINES)):
        line_no = 33 + offset
        amounts = expected.T04_CATEGORY_AMOUNTS.get(line_no, (None,) * 4)
        want.append(_two_block("expense", line_no, item, f"func_{code}", dict(zip(T04_COLUMNS, amounts)), line))
    want += [
        _two_block("expense", n, item, key, dict(zip(T04_COLUMNS, amounts)), line)
        for n, item, key, amounts, line in expected.T04_EXPENSE_TAIL
    ]
    records, findings = _records(block)
    assert records == want
    assert findings == []


def test_t04_garbled_column_number_row_is_not_read(blocks):
    assert all(row.source_line != 193 for row in blocks["T04"].rows)  # "栏次 1 194.91 栏次 2 3 4 5"


def test_t05_general_budget_expense_every_row(blocks):
    block = blocks["T05"]
    assert (block.status, block.number_label, block.source_line) == ("found", "公开05表", 230)
    want = [_coded(row, T05_COLUMNS, expected.T05_FIRST_LINE + i) for i, row in enumerate(expected.EXPENSE_ROWS)]
    records, findings = _records(block)
    assert records == want
    assert findings == []


def test_t06_basic_expense_detail_every_group_and_totals(blocks):
    block = blocks["T06"]
    assert (block.status, block.number_label, block.source_line) == ("found", "公开06表", 262)
    groups = (
        (expected.T06_PERSONNEL, "personnel"),
        (expected.T06_PUBLIC_1, "public"),
        (expected.T06_PUBLIC_2, "public"),
        (expected.T06_PUBLIC_3, "public"),
    )
    want = [
        {**econ_record(code, name, category, amount), "source_line": line}
        for rows, category in groups
        for code, name, amount, line in rows
    ] + [
        {**econ_record(None, name, category, amount), "source_line": line}
        for name, category, amount, line in expected.T06_TOTALS
    ]
    records, findings = _records(block)
    assert records == want
    assert findings == []


@pytest.mark.parametrize("table_id", sorted(expected.EMPTY_TABLES))
def test_t07_t08_t09_are_empty_with_the_printed_statement(blocks, table_id):
    number_label, title_line = expected.EMPTY_TABLES[table_id]
    block = blocks[table_id]
    assert (block.status, block.note, block.rows) == ("empty", expected.EMPTY_NOTE, [])
    assert (block.number_label, block.source_line) == (number_label, title_line)


def test_t10_disclosure_stats_every_row(blocks):
    block = blocks["T10"]
    assert (block.status, block.number_label, block.source_line) == ("found", "公开10表", 364)
    want = [
        {
            "item_key": key,
            "item": item,
            "line_no": n,
            "value": value,
            "unit": unit,
            "origin": "table",
            "source_line": line,
        }
        for n, item, key, value, unit, line in expected.T10
    ]
    records, findings = _records(block)
    assert records == want
    assert findings == []


def test_every_standard_table_is_located_once(blocks):
    assert sorted(blocks) == [f"T{n:02d}" for n in range(1, 11)]



def test_image_only_seed_004_yields_no_found_table():
    blocks = read_tables(read_document(seed("004")))
    assert [block for block in blocks if block.status == "found"] == []


def test_t06_line_whose_codes_are_off_the_header_columns_is_read_when_the_class_sums_confirm_it():
    doc = text_document(
        "## 一般公共预算财政拨款基本支出决算明细表",
        "公开06表",
        "金额单位：万元",
        "科目代码\t科目名称\t决算数\t科目代码\t科目名称\t决算数",
        "301\t工资福利支出\t10.00\t302\t商品和服务支出\t2.00",
        "30101\t基本工资\t10.00\t\t30201\t办公费\t2.00",
    )
    findings: list[Finding] = []
    (block,) = read_tables(doc, findings)
    assert [(row.code, row.cells) for row in block.rows] == [
        ("301", ["10.00"]), ("302", ["2.00"]), ("30101", ["10.00"]), ("30201", ["2.00"])]  # 301 = 30101, 302 = 30201
    assert findings == []


def test_t09_figure_row_without_item_headers_is_left_out_with_findings():
    doc = text_document(
        "## 财政拨款“三公”经费支出决算表",
        "公开09表",
        "金额单位：万元",
        "预算数\t\t\t\t\t\t决算数\t\t\t\t\t",
        "1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12",
        "3.00\t\t2.00\t\t2.00\t1.00\t2.50\t\t1.80\t\t1.80\t0.70",
    )
    (block,) = read_tables(doc)  # no item names under 预算数/决算数: the columns cannot be told
    records, findings = _records(block)
    assert records == [] and len(findings) == 8
