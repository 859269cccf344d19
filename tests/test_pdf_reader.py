"""The PDF reader on PDFs generated here: pages, ruled-table cells, displaced digits, reading order."""

from __future__ import annotations

from pathlib import Path

import pytest

from converter.readers import read_document
from converter.readers.pdf import join_wrapped

pytest.importorskip("reportlab")


def _make_pdf(path: Path) -> None:
    """Page 1: a title, a ruled table (one wrapped cell, one blank row), a note. Page 2: prose whose figure is set
    in another font 4 points below the Chinese text, as in the Shanghai reports."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    from reportlab.platypus import Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("STSong-Light", 14)
    pdf.drawString(72, 780, "收入决算表")
    data = [
        ["类", "款", "科目名称", "合计"],
        ["201", "06", "财政事务", "2,112.86"],
        ["", "", "", ""],
        ["208", "05", "机关事业单位基本养老保险\n缴费支出", "160.75"],
    ]
    table = Table(data, colWidths=[40, 40, 180, 80])
    table.setStyle(
        TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light", 10), ("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0))])
    )
    _, height = table.wrapOn(pdf, 400, 400)
    table.drawOn(pdf, 72, 740 - height)
    pdf.drawString(72, 600, "注：本表反映收入情况。")
    pdf.showPage()
    pdf.setFont("STSong-Light", 12)
    pdf.drawString(72, 700, "年初预算为")
    pdf.setFont("Times-Roman", 12)
    pdf.drawString(72 + 5 * 12, 696, "2993.92")
    pdf.setFont("STSong-Light", 12)
    pdf.drawString(72 + 5 * 12 + pdfmetrics.stringWidth("2993.92", "Times-Roman", 12), 700, "万元。")
    pdf.drawString(72, 680, "第二行")
    pdf.save()


@pytest.fixture(scope="module")
def doc(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "made.pdf"
    _make_pdf(path)
    return read_document(path)


def test_lines_carry_their_page_and_consecutive_line_numbers(doc):
    assert [line.line_no for line in doc.lines] == list(range(1, len(doc.lines) + 1))
    assert {line.page for line in doc.lines} == {1, 2}
    assert doc.source_format == "pdf"


def test_ruled_table_rows_come_with_their_cells_in_reading_order(doc):
    page1 = [(line.text, line.cells) for line in doc.lines if line.page == 1]
    assert page1 == [
        ("收入决算表", None),
        ("类 款 科目名称 合计", ("类", "款", "科目名称", "合计")),
        ("201 06 财政事务 2,112.86", ("201", "06", "财政事务", "2,112.86")),
        ("208 05 机关事业单位基本养老保险缴费支出 160.75", ("208", "05", "机关事业单位基本养老保险缴费支出", "160.75")),
        ("注：本表反映收入情况。", None),
    ]


def test_a_figure_set_lower_in_another_font_stays_on_its_line(doc):
    page2 = [line.text for line in doc.lines if line.page == 2]
    assert page2 == ["年初预算为2993.92万元。", "第二行"]


@pytest.mark.parametrize(
    ("printed", "joined"),
    [("附属单\n位上\n缴收入", "附属单位上缴收入"), ("Total\nincome", "Total income"), (None, ""), ("\n", "")],
)
def test_wrapped_cell_text_is_rejoined(printed, joined):
    assert join_wrapped(printed) == joined
