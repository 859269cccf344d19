"""HTML, XLSX and DOCX readers: number display, merged cells, encodings, dispatch and refusals."""

from __future__ import annotations

import zipfile
from decimal import Decimal

import pytest
from conftest import seed

from converter.readers import UnreadableInput, read_document
from converter.readers.cells import Span, expand_spans
from converter.readers.xlsx import render_number


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (2502.7, "0.00", "2502.70"),
        (2502.7, "#,##0.00", "2,502.70"),
        (1877, "#,##0.00_ ;[Red]-#,##0.00 ", "1,877.00"),
        (0.1 + 0.2, "0.00", "0.30"),
        (0.125, "0.00", "0.13"),
        (0.0, "0.00", "0.00"),
        (-0.001, "0.00", "0.00"),
        (-12.5, "0.00", "-12.50"),
        (0.0523, "0.00%", "5.23%"),
        (1877.0, '"￥"#,##0.00', "1,877.00"),
        (2101501, "General", "2101501"),
        (2101501.0, "General", "2101501"),
        (2502.7, "General", "2502.7"),
        (12, "0", "12"),
        (Decimal("3.10"), "0.0", "3.1"),
    ],
)
def test_excel_numbers_are_rendered_as_their_format_displays_them(value, number_format, shown):
    assert render_number(value, number_format) == shown


def test_merged_areas_are_blank_filled_and_rowspans_keep_later_columns_in_place():
    grid = expand_spans(
        [
            [Span("项目", 2, 2), Span("本年支出", 3), Span("年末", 1, 2)],
            [Span("小计"), Span("基本支出"), Span("项目支出")],
            [Span("合计", 2), Span("5.00"), Span("2.00"), Span("3.00"), Span("0.00")],
        ]
    )
    assert grid == [
        ["项目", "", "本年支出", "", "", "年末"],
        ["", "", "小计", "基本支出", "项目支出", ""],
        ["合计", "", "5.00", "2.00", "3.00", "0.00"],
    ]


def test_xlsx_cells_read_as_displayed_with_codes_intact_and_sheet_as_page(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    first.append(["封面：高台县医疗保障局"])
    second = workbook.create_sheet("公开05表")
    second.append(["五、一般公共预算财政拨款支出决算表"])
    second.append(["科目代码", "科目名称", "合计", "基本支出", "项目支出"])
    second.append([2101501, "行政运行", 279.24, 248.22, 31.02])
    second.append(["2101505", "医疗保障政策管理", 2502.7, None, "──"])
    second.append(["合计", None, 2781.94, None, "=1+1"])
    second.merge_cells("A5:B5")
    for row in second.iter_rows(min_row=3, min_col=3):
        for cell in row:
            cell.number_format = "#,##0.00"
    path = tmp_path / "tables.xlsx"
    workbook.save(path)
    doc = read_document(path)
    assert doc.source_format == "xlsx"
    assert [(line.text, line.page, line.cells is not None) for line in doc.lines] == [
        ("封面：高台县医疗保障局", 1, False),
        ("五、一般公共预算财政拨款支出决算表", 2, False),
        ("科目代码\t科目名称\t合计\t基本支出\t项目支出", 2, True),
        ("2101501\t行政运行\t279.24\t248.22\t31.02", 2, True),
        ("2101505\t医疗保障政策管理\t2,502.70\t\t──", 2, True),
        ("合计\t\t2,781.94\t\t", 2, True),
    ]
    assert [line.line_no for line in doc.lines] == [1, 2, 3, 4, 5, 6]
    assert doc.warnings == ["sheet 公开05表: 1 formula cells without a saved value read as blank"]


def test_html_page_prose_nested_layout_table_and_spans(tmp_path):
    page = """<html><body>
      <table class="layout"><tr><td>
        <h2>高台县医疗保障局<br>2023年度部门决算</h2>
        <p>一、部门职责<span>（概述）</span></p>
        <table border="1">
          <tr><th rowspan="2">科目代码</th><th rowspan="2">科目名称</th><th colspan="3">本年支出</th></tr>
          <tr><th>合计</th><th>基本支出</th><th>项目支出</th></tr>
          <tr><td colspan="2">合计</td><td>5.00</td><td>&nbsp;</td><td>5.00</td></tr>
          <tr><td>2101501</td><td>行政<br/>运行</td><td>5.00</td><td></td><td>5.00</td></tr>
        </table>
        注：单位万元
      </td></tr></table>
    </body></html>"""
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    doc = read_document(path)
    assert (doc.source_format, doc.encoding) == ("html", "utf-8")
    assert [(line.text, line.cells) for line in doc.lines] == [
        ("高台县医疗保障局", None),
        ("2023年度部门决算", None),
        ("一、部门职责（概述）", None),
        ("科目代码\t科目名称\t本年支出\t\t", ("科目代码", "科目名称", "本年支出", "", "")),
        ("\t\t合计\t基本支出\t项目支出", ("", "", "合计", "基本支出", "项目支出")),
        ("合计\t\t5.00\t\t5.00", ("合计", "", "5.00", "", "5.00")),
        ("2101501\t行政 运行\t5.00\t\t5.00", ("2101501", "行政 运行", "5.00", "", "5.00")),
        ("注：单位万元", None),
    ]
    assert all(line.page is None for line in doc.lines)


def test_html_without_meta_charset_in_gbk_is_decoded(tmp_path):
    path = tmp_path / "page.htm"
    path.write_bytes("<html><body><p>财政拨款“三公”经费支出决算表</p></body></html>".encode("gbk"))
    doc = read_document(path)
    assert (doc.encoding, doc.lines[0].text) == ("gb18030", "财政拨款“三公”经费支出决算表")


def test_docx_horizontal_and_vertical_merges_are_blank_filled(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("九、财政拨款“三公”经费支出决算表")
    table = document.add_table(rows=3, cols=4)
    texts = [
        ["合计", "公务用车购置及运行维护费", "", ""],
        ["", "小计", "购置费", "运行维护费"],
        ["1.06", "0.00", "0.00", "0.00"],
    ]
    for r, row in enumerate(texts):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(0, 1).merge(table.cell(0, 3))
    table.cell(0, 0).merge(table.cell(1, 0))
    path = tmp_path / "three.docx"
    document.save(path)
    doc = read_document(path)
    assert doc.source_format == "docx"
    assert [line.cells for line in doc.lines] == [
        None,
        ("合计", "公务用车购置及运行维护费", "", ""),
        ("", "小计", "购置费", "运行维护费"),
        ("1.06", "0.00", "0.00", "0.00"),
    ]


def test_legacy_word_binaries_are_refused_with_what_to_do_and_a_damaged_xls_is_named(tmp_path):
    word = tmp_path / "决算说明.doc"
    word.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600 + "WordDocument".encode("utf-16-le"))
    with pytest.raises(UnreadableInput, match=r"决算说明.doc: legacy Word binary file .*save it as .docx"):
        read_document(word)
    workbook = tmp_path / "决算报表.xls"
    workbook.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(UnreadableInput, match=r"决算报表.xls: damaged or unsupported legacy Excel workbook"):
        read_document(workbook)


def test_xls_cells_read_as_displayed_with_their_number_format_and_merges_blank_filled(tmp_path):
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("公开01表")
    sheet.write(0, 0, "单位：万元")
    sheet.write_merge(1, 1, 0, 1, "项目")
    sheet.write(1, 2, "金额")
    sheet.write(2, 0, 2101501)
    sheet.write(2, 1, "行政运行")
    sheet.write(2, 2, 2502.7, xlwt.easyxf(num_format_str="0.00"))
    sheet.write(3, 0, 2101502.0)
    sheet.write(3, 1, "一般行政管理事务")
    sheet.write(3, 2, 12345.6, xlwt.easyxf(num_format_str="#,##0.00"))
    sheet.write(3, 3, 0.0, xlwt.easyxf(num_format_str="0.00"))
    path = tmp_path / "tables.et"  # WPS saves its spreadsheets in the same BIFF format
    workbook.save(str(path))
    doc = read_document(path)
    assert doc.source_format == "xls"
    assert [(line.text, line.cells, line.page) for line in doc.lines] == [
        ("单位：万元", None, 1),
        ("项目\t\t金额\t", ("项目", "", "金额", ""), 1),
        ("2101501\t行政运行\t2502.70\t", ("2101501", "行政运行", "2502.70", ""), 1),
        ("2101502\t一般行政管理事务\t12,345.60\t0.00", ("2101502", "一般行政管理事务", "12,345.60", "0.00"), 1),
    ]


def test_a_zip_that_is_no_office_file_is_refused(tmp_path):
    path = tmp_path / "bundle.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("report.txt", "决算")
    with pytest.raises(UnreadableInput, match="bundle.zip: a ZIP archive that is neither"):
        read_document(path)


def test_html_is_recognised_without_its_suffix_but_markdown_with_tags_stays_text(tmp_path):
    path = tmp_path / "saved_page.txt"
    path.write_text("<!DOCTYPE html>\n<html><body><p>决算</p></body></html>", encoding="utf-8")
    assert read_document(path).source_format == "html"
    assert read_document(seed("003")).source_format == "txt"


def test_ods_cells_read_as_displayed_without_comments_or_sheet_padding(tmp_path):
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content'
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        '<table:table table:name="公开01表">'
        "<table:table-row><table:table-cell><text:p>单位：万元</text:p></table:table-cell></table:table-row>"
        '<table:table-row><table:table-cell table:number-columns-spanned="2"><text:p>项<text:s text:c="2"/>目'
        "</text:p></table:table-cell><table:covered-table-cell/><table:table-cell><text:p>金额</text:p>"
        '</table:table-cell><table:table-cell table:number-columns-repeated="16381"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="4"/>'
        "</table:table-row>"
        '<table:table-row><table:table-cell office:value-type="float" office:value="2101501"><text:p>2101501</text:p>'
        "</table:table-cell><table:table-cell><text:p><text:span>行政</text:span>运行</text:p></table:table-cell>"
        '<table:table-cell office:value-type="float" office:value="2502.7"><office:annotation><text:p>批注</text:p>'
        "</office:annotation><text:p>2,502.70</text:p></table:table-cell></table:table-row>"
        '<table:table-row table:number-rows-repeated="1048570"><table:table-cell/></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    path = tmp_path / "决算表.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    doc = read_document(path)
    assert doc.source_format == "ods"
    assert [(line.cells, line.page) for line in doc.lines] == [
        (None, 1),
        (("项 目", "", "金额"), 1),
        (("2101501", "行政运行", "2,502.70"), 1),
    ]
    assert doc.lines[0].text == "单位：万元"
    damaged = tmp_path / "damaged.ods"
    with zipfile.ZipFile(damaged, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content")
    with pytest.raises(UnreadableInput, match="damaged.ods: damaged OpenDocument spreadsheet"):
        read_document(damaged)
