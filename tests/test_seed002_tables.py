"""Seed 002 (paginated space-separated layout): every row of every standard table against values read from the seed."""

from __future__ import annotations

import pytest
from conftest import seed
from fixtures import seed002_tables as expected
from table_support import (
    CODED_FIELDS,
    T01_FIELDS,
    T04_EXPENSE_FIELDS,
    T04_INCOME_FIELDS,
    T05_COLUMNS,
    T09_COLUMNS,
    built,
    extract_findings,
    located,
    project,
    read_tables,
    text_document,
)

from converter.document import Document
from converter.model import TableBlock
from converter.readers import read_document
from converter.specs.tables import CODED_COLUMNS


@pytest.fixture(scope="module")
def blocks() -> dict[str, TableBlock]:
    found = read_tables(read_document(seed("002")))
    assert len(found) == len({block.table_id for block in found}), "a table split over pages became two tables"
    return {block.table_id: block for block in found}


def coded_expected(amounts: list[tuple], columns: tuple[str, ...], zero_columns: tuple[str, ...]) -> list[dict]:
    rows = []
    for (code, name, level, parent), values in zip(expected.CODE_ROWS, amounts, strict=True):
        row = {"code": code, "name": name, "level": level, "parent_code": parent}
        row.update(zip(columns, values, strict=True))
        row.update({column: "0.00" for column in zero_columns})
        rows.append(row)
    return rows


def test_nine_tables_located_with_title_number_and_title_line(blocks):
    assert sorted(blocks) == [f"T0{n}" for n in range(1, 10)]
    assert {table_id: located(blocks[table_id]) for table_id in ("T01", "T04", "T09")} == {
        "T01": ("收入支出决算总表", "公开01表", 59),
        "T04": ("财政拨款收入支出决算总表", "公开04表", 251),
        "T09": ("财政拨款“三公”经费支出决算表", "公开09表", 558),
    }


def test_t01_every_row_across_the_page_break(blocks):
    records, extraction = built(blocks["T01"])
    assert project(records, T01_FIELDS) == expected.T01
    lines = {(r["side"], r["line_no"]): r["source_line"] for r in records}
    assert lines[("income", 1)] == 69
    assert lines[("expense", 55)] == 120  # first row after the repeated header on the next page
    assert lines[("income", 31)] == 134
    assert not extract_findings(extraction)


@pytest.mark.parametrize(
    ("table_id", "columns", "amounts", "zero_columns", "lines"),
    [
        ("T02", ("total", "fiscal_appropriation"), expected.T02_AMOUNTS, expected.T02_ZERO_COLUMNS, {0: 150, -1: 190}),
        ("T03", ("total", "basic", "project"), expected.T03_AMOUNTS, expected.T03_ZERO_COLUMNS, {4: 214}),
        ("T05", T05_COLUMNS, expected.T05_AMOUNTS, (), {0: 379}),
    ],
    ids=["T02", "T03", "T05"],
)
def test_coded_table_every_row(blocks, table_id, columns, amounts, zero_columns, lines):
    records, extraction = built(blocks[table_id])
    want = coded_expected(amounts, columns, zero_columns)
    fields = CODED_FIELDS + columns + zero_columns
    assert project(records, fields) == [tuple(row[f] for f in fields) for row in want]
    assert {index: records[index]["source_line"] for index in lines} == lines
    assert not extract_findings(extraction)


def test_t04_every_row_with_wrapped_labels_and_carryover_sub_rows(blocks):
    records, extraction = built(blocks["T04"])
    income = [r for r in records if r["side"] == "income"]
    expense = [r for r in records if r["side"] == "expense"]
    assert project(income, T04_INCOME_FIELDS) == expected.T04_INCOME
    assert all(r["general_budget"] is None and r["state_capital"] is None for r in income)
    assert project(expense, T04_EXPENSE_FIELDS) == expected.T04_EXPENSE
    lines = {(r["side"], r["line_no"]): r["source_line"] for r in records}
    assert lines[("income", 3)] == 276  # "三、国有资本经营预算财政拨\n\n款\n3 0.00 …" starts on line 276
    assert lines[("expense", 54)] == 334  # "22\n二十二、灾害防治及应急管理支\n\n出\n54 …": the label's line
    assert lines[("income", 31)] == 359
    assert not extract_findings(extraction)


def test_t06_every_group_column_by_column_with_footer_totals(blocks):
    records, extraction = built(blocks["T06"])
    fields = ("econ_code", "econ_name", "category", "amount", "source_line")
    assert project(records, fields) == expected.T06
    levels = {r["econ_code"]: (r["level"], r["class_code"]) for r in records}
    assert levels["303"] == ("类", "303")
    assert levels["39908"] == ("款", "399")
    assert levels[None] == ("total", None)
    assert not extract_findings(extraction)


@pytest.mark.parametrize("table_id", ["T07", "T08"])
def test_t07_t08_stated_empty_with_the_printed_statement(blocks, table_id):
    block = blocks[table_id]
    assert (block.status, block.note) == ("empty", expected.EMPTY[table_id])
    records, extraction = built(block)
    columns = CODED_COLUMNS[table_id]
    # The printed 合计 row of zeros is kept exactly as printed.
    assert [(r["code"], r["name"], r["level"]) + tuple(r[c] for c in columns) for r in records] == [
        (None, "合计", "total") + ("0.00",) * len(columns)
    ]
    assert records[0]["source_line"] == {"T07": 536, "T08": 552}[table_id]
    assert not extract_findings(extraction)


def test_t09_budget_and_actual_split_from_one_printed_line(blocks):
    records, extraction = built(blocks["T09"])
    fields = ("measure", *T09_COLUMNS)
    assert project(records, fields) == expected.T09
    assert [(r["meeting"], r["training"], r["source_line"]) for r in records] == [(None, None, 575)] * 2
    assert not extract_findings(extraction)


def _t06_document(class_amount: str) -> Document:
    texts = [
        "一般公共预算财政拨款基本支出决算明细表",
        "公开06表",
        "经济分类",
        "科目编码",
        "科目名称 决算数",
        f"399 其他支出 {class_amount}",
        "39907 国家赔偿费用支出 0.00 39908",
        "对民间非营利组织和群众性自治",
        "组织补贴",
        "1.00",
        f"人员经费合计 0.00 公用经费合计 {class_amount}",
    ]
    return text_document(*texts)


def test_t06_amount_below_a_wrapped_name_is_kept_when_the_class_sum_confirms_it():
    (block,) = read_tables(_t06_document("1.00"))
    records, extraction = built(block)
    assert [(r["econ_code"], r["econ_name"], r["amount"]) for r in records][:3] == [
        ("399", "其他支出", "1.00"),
        ("39907", "国家赔偿费用支出", "0.00"),
        ("39908", "对民间非营利组织和群众性自治组织补贴", "1.00"),
    ]
    assert not extract_findings(extraction)


def test_t06_amount_below_a_wrapped_name_is_left_out_with_a_finding_when_unconfirmed():
    (block,) = read_tables(_t06_document("5.00"))
    records, extraction = built(block)
    by_code = {r["econ_code"]: r["amount"] for r in records}
    assert by_code["39908"] is None
    assert by_code["399"] == "5.00"
    (finding,) = extract_findings(extraction)
    assert (finding.status, finding.tables, finding.source_line) == ("not_checkable", "T06", 10)  # the 1.00 line
