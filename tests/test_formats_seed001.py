"""Seed 001 rewritten as HTML (UTF-8, GBK), XLSX (sheet per table, one sheet), XLS, ODS and DOCX gives the same records.

The inputs are built here from the seed's own lines: prose lines become paragraphs, each run of tab-separated lines a
table. Blank cells that follow a text cell are merged into it (colspan, merged Excel/Word cells), amounts go into
Excel as floats with a "0.00"/"#,##0.00" format and codes, 行次 and 栏次 numbers as integers, as Excel's type
inference would store them.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import seed
from fixtures import seed001_tables as expected
from table_support import T01_FIELDS, T04_INCOME_FIELDS, project, without

from converter.convert import convert_file
from converter.model import Extraction
from converter.normalize import is_amount
from converter.readers import read_document
from converter.specs.tables import TABLES

Item = tuple[str, object]  # ("prose", text) or ("table", rows of cells)
PROVENANCE = ("source_line", "source_page")
TABLE_RESOURCES = sorted({spec.resource for spec in TABLES.values()})


def seed_items() -> list[Item]:
    items: list[Item] = []
    table: list[list[str]] | None = None
    for raw in seed("001").read_text(encoding="utf-8").split("\n"):
        if "\t" in raw:
            if table is None:
                table = []
                items.append(("table", table))
            table.append(raw.split("\t"))
            continue
        table = None
        if raw.strip():
            items.append(("prose", raw.strip()))
    return items


def merged_runs(row: list[str]) -> list[tuple[int, int]]:
    """(start, span) of every cell; blanks right after a text cell join it (labels and headers span columns)."""
    runs: list[tuple[int, int]] = []
    for index, text in enumerate(row):
        previous = row[runs[-1][0]] if runs else ""
        if not text and runs and previous and not is_amount(previous):
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((index, 1))
    return runs


def write_html(path: Path, encoding: str = "utf-8", meta: str = "utf-8") -> Path:
    parts = [
        f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={meta}">',
        "<title>决算</title><style>td {border: 1px}</style></head><body><div class='article'>",
    ]
    for kind, value in seed_items():
        if kind == "prose":
            text = html.escape(value)
            parts.append(f"<li>{text[2:]}</li>" if value.startswith("- ") else f"<p>{text}</p>")
            continue
        parts.append("<table><tbody>")
        for row in value:
            cells = [
                f'<td colspan="{span}">{html.escape(row[start])}</td>'
                if span > 1
                else f"<td>{html.escape(row[start])}</td>"
                for start, span in merged_runs(row)
            ]
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</tbody></table>")
    parts.append("</div><script>var x = '收入决算表';</script></body></html>")
    path.write_bytes("\n".join(parts).encode(encoding))
    return path


def _excel_value(text: str) -> tuple[object, str | None]:
    if re.fullmatch(r"\d+", text):
        return int(text), None
    if is_amount(text):
        return float(text.replace(",", "")), "#,##0.00" if "," in text else "0.00"
    return (text or None), None


def write_xlsx(path: Path, one_sheet: bool = False) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "封面"
    items = seed_items()
    for index, (kind, value) in enumerate(items):
        title_of_table = kind == "prose" and index + 1 < len(items) and items[index + 1][0] == "table"
        if title_of_table and not one_sheet:
            sheet = workbook.create_sheet(f"表{len(workbook.worksheets)}")
        if kind == "prose":
            sheet.append([value])
            continue
        for row in value:
            sheet.append([None] * len(row))
            excel_row = sheet.max_row
            for column, text in enumerate(row, start=1):
                cell = sheet.cell(row=excel_row, column=column)
                cell.value, number_format = _excel_value(text)
                if number_format:
                    cell.number_format = number_format
            for start, span in merged_runs(row):
                if span > 1:
                    sheet.merge_cells(
                        start_row=excel_row, end_row=excel_row, start_column=start + 1, end_column=start + span
                    )
    workbook.save(path)
    return path


def write_xls(path: Path) -> Path:
    """The workbook of `write_xlsx` as a legacy BIFF8 .xls (xlwt, the writer behind pandas' former .xls output)."""
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet, row_index = workbook.add_sheet("封面"), 0
    styles = {fmt: xlwt.easyxf(num_format_str=fmt) for fmt in ("0.00", "#,##0.00", "General")}
    items = seed_items()
    for index, (kind, value) in enumerate(items):
        if kind == "prose" and index + 1 < len(items) and items[index + 1][0] == "table":
            sheet, row_index = workbook.add_sheet(f"表{index}"), 0
        if kind == "prose":
            sheet.write(row_index, 0, value)
            row_index += 1
            continue
        for row in value:
            for start, span in merged_runs(row):
                cell, number_format = _excel_value(row[start])
                style = styles[number_format or "General"]
                if span > 1:
                    sheet.write_merge(row_index, row_index, start, start + span - 1, cell, style)
                elif cell is not None:
                    sheet.write(row_index, start, cell, style)
            row_index += 1
    workbook.save(str(path))
    return path


ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content'
    ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
    "<office:body><office:spreadsheet>{}</office:spreadsheet></office:body></office:document-content>"
)


def _ods_cell(text: str, span: int) -> str:
    """A cell as LibreOffice saves it: the value, and the text its number format displays (2502.7 → "2,502.70")."""
    value, _ = _excel_value(text)
    spanned = f' table:number-columns-spanned="{span}" table:number-columns-repeated="1"' if span > 1 else ""
    covered = "<table:covered-table-cell/>" * (span - 1)
    if value is None:
        return f"<table:table-cell{spanned}/>{covered}"
    typed = f' office:value-type="float" office:value="{value}"' if isinstance(value, (int, float)) else (
        ' office:value-type="string"')
    return f"<table:table-cell{typed}{spanned}><text:p>{html.escape(text)}</text:p></table:table-cell>{covered}"


def write_ods(path: Path) -> Path:
    """The workbook of `write_xlsx` as an OpenDocument spreadsheet (content.xml written as LibreOffice lays it out)."""
    import zipfile

    sheets: list[list[str]] = [[]]
    items = seed_items()
    for index, (kind, value) in enumerate(items):
        if kind == "prose" and index + 1 < len(items) and items[index + 1][0] == "table":
            sheets.append([])
        if kind == "prose":
            sheets[-1].append(f'<table:table-row><table:table-cell office:value-type="string"><text:p>'
                              f"{html.escape(value)}</text:p></table:table-cell></table:table-row>")
            continue
        for row in value:
            cells = "".join(_ods_cell(row[start], span) for start, span in merged_runs(row))
            sheets[-1].append(f"<table:table-row>{cells}<table:table-cell table:number-columns-repeated=\"16370\"/>"
                              "</table:table-row>")
    tables = "".join(
        f'<table:table table:name="表{number}">{"".join(rows)}'
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell/></table:table-row></table:table>'
        for number, rows in enumerate(sheets)
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("content.xml", ODS_CONTENT.format(tables), zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
    return path


def write_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    for kind, value in seed_items():
        if kind == "prose":
            document.add_paragraph(value)
            continue
        width = max(len(row) for row in value)
        table = document.add_table(rows=len(value), cols=width)
        for r, row in enumerate(value):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
            for start, span in merged_runs(row):
                if span > 1:
                    table.cell(r, start).merge(table.cell(r, start + span - 1))
    document.save(path)
    return path


WRITERS = {
    "html": lambda tmp: write_html(tmp / "report.html"),
    "html-gbk": lambda tmp: write_html(tmp / "report.htm", encoding="gbk", meta="gb2312"),
    "xlsx": lambda tmp: write_xlsx(tmp / "report.xlsx"),
    "xlsx-one-sheet": lambda tmp: write_xlsx(tmp / "report-one-sheet.xlsx", one_sheet=True),
    "docx": lambda tmp: write_docx(tmp / "report.docx"),
    "xls": lambda tmp: write_xls(tmp / "report.xls"),
    "ods": lambda tmp: write_ods(tmp / "report.ods"),
}


@pytest.fixture(scope="module")
def text_extraction() -> Extraction:
    return convert_file(seed("001"))


@pytest.fixture(scope="module", params=sorted(WRITERS))
def converted(request, tmp_path_factory) -> tuple[str, Path, Extraction]:
    path = WRITERS[request.param](tmp_path_factory.mktemp(request.param))
    return request.param, path, convert_file(path)


def test_every_table_resource_equals_the_text_seed(converted, text_extraction):
    name, _, extraction = converted
    assert extraction.report["layout"] == "generic", name
    for resource in TABLE_RESOURCES + ["report_tables"]:
        got, want = extraction.rows(resource), text_extraction.rows(resource)
        assert without(got, *PROVENANCE) == without(want, *PROVENANCE), (name, resource)


def test_hand_checked_rows_of_seed_001(converted):
    _, _, extraction = converted
    t01 = extraction.rows("income_expense_summary")
    assert project(t01, T01_FIELDS) == expected.T01
    t02 = extraction.rows("income_by_function")
    assert project(t02, ("code", "name", "total", "fiscal_appropriation", "other_income")) == [
        (code, name, total, fiscal, other) for code, name, _, _, total, fiscal, *_, other in expected.T02
    ]
    t04 = extraction.rows("fiscal_summary")
    assert project([r for r in t04 if r["side"] == "income"], T04_INCOME_FIELDS) == expected.T04_INCOME
    t06 = extraction.rows("basic_expense_detail")
    groups = expected.T06_PERSONNEL + expected.T06_PUBLIC_MIDDLE + expected.T06_PUBLIC_RIGHT + expected.T06_TOTALS
    assert project(t06, ("econ_code", "econ_name", "amount")) == [group[:3] for group in groups]
    t09 = extraction.rows("three_public")
    assert [(r["measure"], r["total"], r["official_reception"], r["meeting"]) for r in t09] == [
        ("budget", "1.06", "1.06", None),
        ("actual", "1.06", "1.06", None),
    ]


def test_narrative_and_findings_equal_the_text_seed(converted, text_extraction):
    name, _, extraction = converted
    for resource in ("narrative", "narrative_facts", "performance_evaluations", "three_public_quantities"):
        got, want = extraction.rows(resource), text_extraction.rows(resource)
        assert without(got, *PROVENANCE) == without(want, *PROVENANCE), (name, resource)
    summary = sorted((f.rule_id, f.status, f.expected, f.actual) for f in extraction.findings)
    assert summary == sorted((f.rule_id, f.status, f.expected, f.actual) for f in text_extraction.findings)


def test_report_metadata_is_read_from_every_format(converted):
    name, path, extraction = converted
    report = extraction.report
    assert (report["department"], report["year"], report["level"]) == ("高台县医疗保障局", 2023, "部门")
    assert (report["province"], report["city"], report["county"]) == ("甘肃省", "张掖市", "高台县")
    assert report["source_format"] == name.split("-")[0]
    assert report["source_file"] == path.name
    assert report["tables_found"] == "T01,T02,T03,T04,T05,T06,T09"
    assert report["tables_empty"] == "T07,T08"


def test_every_record_points_at_the_row_that_prints_it(converted):
    name, path, extraction = converted
    doc = read_document(path)
    by_number = {line.line_no: line for line in doc.lines}
    for record in extraction.rows("general_budget_expense") + extraction.rows("income_expense_summary"):
        line = by_number[record["source_line"]]
        assert line.cells is not None, (name, record)
        assert (record.get("code") or record.get("item") or "合计") in line.cells, (name, record)
    pages = {record["source_page"] for record in extraction.rows("basic_expense_detail")}
    assert pages == ({7} if name in ("xlsx", "xls", "ods") else {1} if name == "xlsx-one-sheet" else {None})


def test_gbk_page_is_decoded_from_its_meta_charset(tmp_path):
    path = write_html(tmp_path / "gbk.html", encoding="gbk", meta="gb2312")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    doc = read_document(path)
    assert doc.encoding == "gb18030"
    assert "高台县医疗保障局部门决算" in [line.text for line in doc.lines]
    assert not any("var x" in line.text for line in doc.lines)  # script text is not read


def test_a_folder_of_reports_includes_legacy_and_opendocument_workbooks(tmp_path):
    from converter.batch.inputs import expand_inputs

    write_xls(tmp_path / "决算报表.xls")
    write_ods(tmp_path / "决算报表.ods")
    (tmp_path / "决算报表.et").write_bytes((tmp_path / "决算报表.xls").read_bytes())
    (tmp_path / "说明.md").write_text("不是报告", encoding="utf-8")
    found = [path for path, supported in expand_inputs([tmp_path]) if supported]
    assert [path.name for path in found] == ["决算报表.et", "决算报表.ods", "决算报表.xls"]
    et, ods, xls = (convert_file(path).report["report_id"] for path in found)
    assert et == xls != ods  # one id per source content: the same workbook saved twice is one report
    assert xls.startswith("gaotaixianyiliaobaozhangju-2023-") and ods.startswith("gaotaixianyiliaobaozhangju-2023-")


def test_an_html_table_saved_with_an_xls_suffix_is_read_as_html(tmp_path):
    path = write_html(tmp_path / "决算报表.xls")  # what many sites' "export to Excel" buttons serve
    extraction, text_extraction = convert_file(path), convert_file(seed("001"))
    assert extraction.report["source_format"] == "html"
    for resource in TABLE_RESOURCES:
        assert without(extraction.rows(resource), *PROVENANCE) == without(text_extraction.rows(resource), *PROVENANCE)
