"""Tables printed one cell per line (`pdftotext` raw) are regrouped into rows and read like any text."""

from __future__ import annotations

from table_support import built, extract_findings, text_document

from converter.layouts import generic

TITLE = "一般公共预算财政拨款支出决算表"


def _cells(*cells: str) -> list[str]:
    """Each cell on a line of its own with a blank line after it, as `pdftotext` raw prints a ruled table."""
    return [line for cell in cells for line in (cell, "")]


def test_a_coded_table_one_cell_per_line_reads_like_its_rows():
    # The content stream puts the 合计 row's label among the header cells (合计 | 合计 基本支出 项目支出 …).
    doc = text_document(TITLE, "单位：万元", *_cells(
        "科目编码", "科目名称", "合计", "合计", "基本支出", "项目支出", "100.00", "60.00", "40.00",
        "201", "一般公共服务支出", "100.00", "60.00", "40.00",
        "20101", "人大事务", "100.00", "60.00", "40.00",
        "2010101", "行政运行", "60.00", "60.00", "0.00",
        "2010102", "一般行政管理事务", "40.00", "0.00", "40.00"))
    (block,) = generic.read_tables(doc)
    records, extraction = built(block)
    assert [(r["code"], r["name"], r["total"], r["basic"], r["project"]) for r in records] == [
        (None, "合计", "100.00", "60.00", "40.00"), ("201", "一般公共服务支出", "100.00", "60.00", "40.00"),
        ("20101", "人大事务", "100.00", "60.00", "40.00"), ("2010101", "行政运行", "60.00", "60.00", "0.00"),
        ("2010102", "一般行政管理事务", "40.00", "0.00", "40.00")]
    assert extract_findings(extraction) == []


def test_a_row_whose_cells_do_not_add_up_is_left_out_not_guessed():
    # 行政运行 prints only two of its three figures (the third moved elsewhere by the content stream): its figures
    # cannot be told apart, so they are left out with findings; the other rows stay.
    doc = text_document(TITLE, "单位：万元", *_cells(
        "科目编码", "科目名称", "合计", "基本支出", "项目支出",
        "20101", "人大事务", "100.00", "60.00", "40.00",
        "2010101", "行政运行", "60.00", "0.00",
        "2010102", "一般行政管理事务", "40.00", "0.00", "40.00"))
    (block,) = generic.read_tables(doc)
    records, extraction = built(block)
    rows = {r["code"]: (r["total"], r["basic"], r["project"]) for r in records}
    assert rows["20101"] == ("100.00", "60.00", "40.00")
    assert rows["2010102"] == ("40.00", "0.00", "40.00")
    assert rows.get("2010101", (None, None, None)) == (None, None, None)
    assert extract_findings(extraction)
