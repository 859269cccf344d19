"""Seed 001 (tab-separated layout): every row of every standard table against values read from the seed text."""

from __future__ import annotations

import pytest
from conftest import seed
from fixtures import seed001_tables as expected
from table_support import (
    CODED_FIELDS,
    T01_FIELDS,
    T02_COLUMNS,
    T03_COLUMNS,
    T04_EXPENSE_FIELDS,
    T04_INCOME_FIELDS,
    T05_COLUMNS,
    T08_COLUMNS,
    T09_COLUMNS,
    built,
    extract_findings,
    located,
    project,
    read_tables,
    text_document,
)

from converter.model import TableBlock
from converter.readers import read_document


@pytest.fixture(scope="module")
def blocks() -> dict[str, TableBlock]:
    found = read_tables(read_document(seed("001")))
    assert len(found) == len({block.table_id for block in found})
    return {block.table_id: block for block in found}


def test_all_nine_tables_located_with_title_number_and_title_line(blocks):
    assert sorted(blocks) == [f"T0{n}" for n in range(1, 10)]
    assert {table_id: located(blocks[table_id]) for table_id in ("T01", "T06", "T09")} == {
        "T01": ("收入支出决算总表", "一", 91),
        "T06": ("一般公共预算财政拨款基本支出决算明细表", "六", 229),
        "T09": ("财政拨款“三公”经费支出决算表", "九", 283),
    }


def test_t01_every_row_with_filler_rows_skipped(blocks):
    records, extraction = built(blocks["T01"])
    assert blocks["T01"].status == "found"
    assert project(records, T01_FIELDS) == expected.T01
    by_line = {(r["side"], r["line_no"]): r["source_line"] for r in records}
    assert by_line[("income", 1)] == 96 and by_line[("expense", 40)] == 104 and by_line[("expense", 62)] == 126
    assert not extract_findings(extraction)


def test_t02_every_code_row_in_printed_order_without_synthesised_parents(blocks):
    records, extraction = built(blocks["T02"])
    fields = CODED_FIELDS + T02_COLUMNS
    assert project(records, fields) == expected.T02
    assert [r["source_line"] for r in records] == list(range(137, 148))
    assert not extract_findings(extraction)


def test_t03_blank_cells_are_null_and_truncated_name_kept(blocks):
    records, extraction = built(blocks["T03"])
    fields = CODED_FIELDS + T03_COLUMNS
    assert project(records, fields) == expected.T03
    assert records[0]["source_line"] == 156 and records[-1]["source_line"] == 166
    assert not extract_findings(extraction)


def test_t04_every_row_with_carryover_sub_rows_keyed_under_their_parent(blocks):
    records, extraction = built(blocks["T04"])
    income = [r for r in records if r["side"] == "income"]
    expense = [r for r in records if r["side"] == "expense"]
    assert project(income, T04_INCOME_FIELDS) == expected.T04_INCOME
    assert all(r["general_budget"] is None and r["government_fund"] is None for r in income)
    assert project(expense, T04_EXPENSE_FIELDS) == expected.T04_EXPENSE
    assert income[5]["source_line"] == 203 and expense[-2]["source_line"] == 202
    assert not extract_findings(extraction)


def test_t05_every_code_row(blocks):
    records, extraction = built(blocks["T05"])
    assert project(records, CODED_FIELDS + T05_COLUMNS) == expected.T05
    assert records[0]["source_line"] == 215
    assert not extract_findings(extraction)


def test_t06_every_group_of_the_three_triplet_columns_and_both_footer_totals(blocks):
    records, extraction = built(blocks["T06"])
    groups = expected.T06_PERSONNEL + expected.T06_PUBLIC_MIDDLE + expected.T06_PUBLIC_RIGHT + expected.T06_TOTALS
    assert project(records, ("econ_code", "econ_name", "amount", "source_line")) == groups
    categories = {r["econ_code"] or r["econ_name"]: r["category"] for r in records}
    assert categories["30101"] == "personnel" and categories["30399"] == "personnel"
    assert categories["30299"] == "public" and categories["39999"] == "public"
    assert categories["人员经费合计"] == "personnel" and categories["公用经费合计"] == "public"
    levels = {r["econ_code"]: (r["level"], r["class_code"]) for r in records}
    assert levels["310"] == ("类", "310") and levels["31099"] == ("款", "310") and levels[None] == ("total", None)
    assert not extract_findings(extraction)


def test_t07_stated_empty_with_printed_note_and_no_rows(blocks):
    block = blocks["T07"]
    assert (block.status, block.note, block.title, block.number_label) == (
        "empty",
        expected.EMPTY_NOTE,
        "政府性基金预算财政拨款收入支出决算表",
        "七",
    )
    assert built(block)[0] == []


def test_t08_stated_empty_but_printed_zero_is_kept(blocks):
    # Line 279 prints "合计⇥⇥⇥0.00⇥" above the statement 本表无数据: the printed 0.00 (basic) is kept.
    block = blocks["T08"]
    records, extraction = built(block)
    assert (block.status, block.note) == ("empty", expected.EMPTY_NOTE)
    assert project(records, CODED_FIELDS + T08_COLUMNS + ("carryover_begin", "income")) == [
        (None, "合计", "total", None, None, "0.00", None, None, None)
    ]
    assert records[0]["source_line"] == 279
    assert not extract_findings(extraction)


def test_t09_budget_and_actual_rows(blocks):
    records, extraction = built(blocks["T09"])
    fields = ("measure", *T09_COLUMNS)
    assert project(records, fields) == expected.T09
    assert all(r["meeting"] is None and r["training"] is None and r["source_line"] == 289 for r in records)
    assert not extract_findings(extraction)


def test_t06_group_without_a_name_is_left_out_with_a_finding():
    doc = text_document(
        "六、一般公共预算财政拨款基本支出决算明细表",
        "",
        "科目代码\t科目名称\t决算数\t科目代码\t科目名称\t决算数",
        "301\t工资福利支出\t10.00\t302\t商品和服务支出\t5.00",
        "30101\t\t4.00\t30201\t办公费\t5.00",
        "人员经费合计\t\t10.00\t公用经费合计\t\t5.00",
    )
    (block,) = read_tables(doc)
    records, extraction = built(block)
    assert [(r["econ_code"], r["amount"]) for r in records] == [
        ("301", "10.00"),
        ("302", "5.00"),
        ("30201", "5.00"),
        (None, "10.00"),
        (None, "5.00"),
    ]
    findings = extract_findings(extraction)
    assert [(f.status, f.source_line) for f in findings] == [("not_checkable", 5)]



def test_coded_name_wrapped_onto_the_next_line_is_rejoined():
    doc = text_document(
        "五、一般公共预算财政拨款支出决算表",
        "科目代码\t科目名称\t小计\t基本支出\t项目支出",
        "合计\t\t198.24\t\t198.24",
        "2101202\t财政对城乡居民基本医疗保险基金的",
        "补助\t198.24\t\t198.24",
    )
    (block,) = read_tables(doc)
    records, extraction = built(block)
    assert project(records, ("code", "name", "total", "basic", "project", "source_line")) == [
        (None, "合计", "198.24", None, None, 3),  # which part the second 198.24 is, the reader leaves out
        ("2101202", "财政对城乡居民基本医疗保险基金的补助", "198.24", None, None, 4),
    ]
    assert [f.source_line for f in extract_findings(extraction)] == [3, 4]
