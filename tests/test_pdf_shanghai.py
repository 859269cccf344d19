"""The Shanghai Putuo 2024 PDF end to end, against values read by eye from its page images."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures import putuo_2024_tables as expected
from table_support import T05_COLUMNS, project

from converter.document import Document, Line
from converter.layouts import generic

PUTUO = Path(__file__).resolve().parent.parent / "examples" / "samples" / "shanghai-putuo-czj-2024.pdf"
needs_pdf = pytest.mark.skipif(not PUTUO.exists(), reason="sample PDF not present")


@pytest.fixture(scope="module")
def putuo():
    if not PUTUO.exists():
        pytest.skip("sample PDF not present")
    from converter.convert import convert_file

    return convert_file(PUTUO)


@needs_pdf
def test_the_report_metadata_names_the_putuo_finance_bureau(putuo):
    report = putuo.report
    assert (report["department"], report["year"], report["level"]) == ("上海市普陀区财政局", 2024, "部门")
    assert (report["province"], report["city"], report["county"]) == ("上海市", "上海市", "普陀区")
    assert (report["source_format"], report["layout"]) == ("pdf", "generic")


@needs_pdf
def test_every_standard_table_has_its_status_number_and_page(putuo):
    tables = [(r["table_id"], r["status"], r["number_label"], r["source_page"]) for r in putuo.rows("report_tables")]
    assert tables == expected.TABLES
    notes = {r["table_id"]: r["note"] for r in putuo.rows("report_tables") if r["status"] == "empty"}
    assert notes == expected.EMPTY_NOTES
    assert putuo.rows("government_fund") == [] and putuo.rows("state_capital_expense") == []


@needs_pdf
def test_t01_income_then_expense_rows_are_exact(putuo):
    rows = [(r["side"], r["item"], r["item_key"], r["amount"]) for r in putuo.rows("income_expense_summary")]
    assert rows == expected.T01
    assert all(r["line_no"] is None for r in putuo.rows("income_expense_summary"))  # Shanghai prints no 行次


@needs_pdf
def test_t03_rows_with_the_total_first_are_exact(putuo):
    rows = putuo.rows("expense_by_function")
    assert project(rows, ("code", "name", *T05_COLUMNS)) == expected.T03
    assert all(r[k] is None for r in rows for k in ("remittance_to_higher", "operating", "subsidy_to_affiliated"))


@needs_pdf
def test_t05_rows_with_the_total_at_the_bottom_are_exact(putuo):
    rows = putuo.rows("general_budget_expense")
    assert project(rows, ("code", "name", *T05_COLUMNS)) == expected.T05
    assert rows[-1]["level"] == "total" and rows[2]["level"] == "项" and rows[2]["parent_code"] == "20106"


@needs_pdf
def test_t02_rows_spanning_two_pages_keep_their_other_income(putuo):
    rows = {r["code"]: r for r in putuo.rows("income_by_function")}
    assert len(putuo.rows("income_by_function")) == 20
    sample = [
        (code, rows[code]["name"], rows[code]["total"], rows[code]["fiscal_appropriation"], rows[code]["other_income"])
        for code, *_ in expected.T02_SAMPLE
    ]
    assert sample == expected.T02_SAMPLE
    assert rows["2210203"]["source_page"] == 9


@needs_pdf
def test_t06_left_group_then_right_group_then_footer_are_exact(putuo):
    rows = putuo.rows("basic_expense_detail")
    assert [(r["econ_code"], r["econ_name"], r["amount"]) for r in rows] == expected.T06
    by_code = {r["econ_code"]: r for r in rows}
    assert (by_code["30305"]["source_page"], by_code["30216"]["source_page"]) == (17, 16)
    assert by_code["303"]["category"] == "personnel" and by_code["310"]["category"] == "public"


@needs_pdf
def test_t09_interleaved_budget_and_actual_columns_are_separated(putuo):
    rows = {r["measure"]: {k: r[k] for k in expected.T09["budget"]} for r in putuo.rows("three_public")}
    assert rows == expected.T09


@needs_pdf
def test_t04_carryover_sub_rows_and_expense_columns(putuo):
    rows = [
        (r["side"], r["item"], r["item_key"], r["total"], r["general_budget"]) for r in putuo.rows("fiscal_summary")
    ]
    assert all(row in rows for row in expected.T04_SAMPLE)
    assert len(rows) == 38


@needs_pdf
def test_no_cell_was_left_unplaced(putuo):
    assert [f for f in putuo.findings if f.rule_id == "EXTRACT"] == []




def _doc(rows: list[list[str]]) -> Document:
    lines = [Line(text="一般公共预算财政拨款支出决算表", line_no=1, page=1), Line(text="单位：万元", line_no=2, page=1)]
    for number, cells in enumerate(rows, start=3):
        lines.append(Line(text=" ".join(c for c in cells if c), line_no=number, page=1, cells=tuple(cells)))
    return Document(lines=lines, source_file="t.pdf", source_sha256="0" * 64, source_format="pdf")


def test_columns_printed_in_another_order_than_the_standard_are_placed_by_their_headers():
    doc = _doc(
        [
            ["项目", "", "", "", "合计", "项目支出", "基本支出"],
            ["类", "款", "项", "科目名称", "", "", ""],
            ["201", "06", "01", "行政运行", "5.00", "1.00", "4.00"],
        ]
    )
    (block,) = generic.read_tables(doc)
    assert [(row.code, row.cells) for row in block.rows] == [("2010601", ["5.00", "4.00", "1.00"])]  # 合计, 基本, 项目
    assert block.findings == []


def test_a_row_with_amounts_but_a_broken_code_becomes_a_finding():
    doc = _doc(
        [
            ["项目", "", "", "科目名称", "合计", "基本支出", "项目支出"],
            ["类", "款", "项", "", "", "", ""],
            ["201", "", "01", "行政运行", "5.00", "1.00", "4.00"],
            ["201", "06", "", "财政事务", "5.00", "1.00", "4.00"],
        ]
    )
    (block,) = generic.read_tables(doc)
    assert [(row.code, row.cells) for row in block.rows] == [("20106", ["5.00", "1.00", "4.00"])]
    assert [finding.source_line for finding in block.findings] == [5]
