"""Renderings of a report that people hold instead of the file juesuan was tuned on, and a figure-by-figure comparison.

- `pdf_renderings(pdf, cache)`: the PDF itself plus its text as `pdftotext -layout`, `pdftotext` (raw), pdfplumber
  `extract_text` and PDFium text (pages joined by form feeds), written once under `cache`.
- `table_pdf(extraction, path)`: a report's tables re-rendered as a PDF (reportlab, STSong-Light CID font, one ruled
  column per figure, headers repeated on each page, page numbers as furniture), so a text seed can be read back
  through every PDF text tool.
- `figures(extraction)` / `compare(reference, other)`: every table figure keyed by table, row and column; how many
  of the reference's figures a rendering gives equal, absent or different.

Independent of the converter's readers (it only reads an Extraction), so the tests and `bench/` share it.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterable
from pathlib import Path

TEXT_TOOLS = ("pdftotext-layout", "pdftotext-raw", "pdfplumber", "pdfium")
RENDERINGS = ("pdf", *TEXT_TOOLS)
TABLE_RESOURCES = {
    "income_expense_summary": ("side", "item_key", "item"),
    "income_by_function": ("code",),
    "expense_by_function": ("code",),
    "fiscal_summary": ("side", "item_key", "item"),
    "general_budget_expense": ("code",),
    "basic_expense_detail": ("econ_code", "econ_name"),
    "government_fund": ("code",),
    "state_capital_expense": ("code",),
    "three_public": ("measure",),
    "disclosure_stats": ("item_key",),  # the table's rows only (the narrative's repeat them)
}
NOT_FIGURES = {"line_no", "source_line", "source_page", "row_no", "level", "parent_code", "class_code"}


def _text_of(tool: str, pdf: Path) -> str:
    if tool.startswith("pdftotext"):
        args = ["-layout"] if tool == "pdftotext-layout" else []
        return subprocess.run(["pdftotext", *args, "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                              check=True).stdout.decode("utf-8")
    if tool == "pdfplumber":
        import pdfplumber

        with pdfplumber.open(pdf) as document:
            return "\f".join(page.extract_text() or "" for page in document.pages)
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        return "\f".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


def pdf_renderings(pdf: Path, cache: Path) -> dict[str, Path]:
    """Rendering name → file: the PDF itself and one text file per tool (cached by the PDF's content hash)."""
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()[:12]
    cache.mkdir(parents=True, exist_ok=True)
    files = {"pdf": pdf}
    for tool in TEXT_TOOLS:
        target = cache / f"{pdf.stem}-{digest}.{tool}.txt"
        if not target.exists():
            target.write_text(_text_of(tool, pdf), encoding="utf-8")
        files[tool] = target
    return files


def _row_key(resource: str, record: dict) -> tuple:
    if resource == "basic_expense_detail":  # a coded row by its code; the footer totals by their name
        return (record["econ_code"],) if record["econ_code"] else (None, record["econ_name"])
    return tuple(record.get(field) for field in TABLE_RESOURCES[resource])


def figures(resources: dict[str, list[dict]]) -> dict[tuple, str | None]:
    """(resource, row key, column) → printed figure (None for a blank cell) of every table record."""
    found: dict[tuple, str | None] = {}
    for resource, keys in TABLE_RESOURCES.items():
        for record in resources.get(resource, []):
            if record.get("origin", "table") != "table":
                continue
            row = _row_key(resource, record)
            for column, value in record.items():
                if column in keys or column in NOT_FIGURES or column in {"item", "name", "econ_name", "category",
                                                                        "measure", "side", "item_key", "unit",
                                                                        "origin", "code", "econ_code"}:
                    continue
                found.setdefault((resource, row, column), value)
    return found


def compare(reference: dict[tuple, str | None], other: dict[tuple, str | None]) -> dict[str, list[tuple]]:
    """The reference's printed figures (non-null) equal, absent or different in `other`; a figure `other` prints
    where the reference has none (or has no such row) counts as different too."""
    result: dict[str, list[tuple]] = {"equal": [], "absent": [], "different": []}
    for key, value in reference.items():
        if value is None:
            continue
        got = other.get(key)
        result["equal" if got == value else "absent" if got is None else "different"].append(key)
    for key, value in other.items():
        if value is not None and reference.get(key) is None:
            result["different"].append(key)
    return result


# --- re-rendering a report's tables as a PDF -------------------------------------------------------------------

FONT = "STSong-Light"
HEADERS = {
    "T01": ("项目", "决算数", "项目", "决算数"),
    "T02": ("科目编码", "科目名称", "本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入",
            "附属单位上缴收入", "其他收入"),
    "T03": ("科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出",
            "对附属单位补助支出"),
    "T04": ("项目", "决算数", "项目", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款",
            "国有资本经营预算财政拨款"),
    "T05": ("科目编码", "科目名称", "合计", "基本支出", "项目支出"),
    "T06": ("科目编码", "科目名称", "决算数"),
    "T07": ("科目编码", "科目名称", "年初结转和结余", "本年收入", "本年支出", "基本支出", "项目支出",
            "年末结转和结余"),
    "T08": ("科目编码", "科目名称", "合计", "基本支出", "项目支出"),
    "T09": ("", "合计", "因公出国（境）费", "公务用车购置及运行费小计", "公务用车购置费", "公务用车运行费",
            "公务接待费"),
    "T10": ("项目", "数值"),
}


def _table_rows(table_id: str, spec, records: list[dict]) -> list[tuple[str, ...]]:
    """Printed rows (strings, '' for blank) of one table from its records."""
    def text(value) -> str:
        return "" if value is None else str(value)

    if spec.family == "two_block":
        income = [r for r in records if r["side"] == "income"]
        expense = [r for r in records if r["side"] == "expense"]
        rows = []
        for index in range(max(len(income), len(expense))):
            left = income[index] if index < len(income) else None
            right = expense[index] if index < len(expense) else None
            row = (left["item"], *(text(left[c]) for c in spec.income_columns)) if left else ("",) * (
                1 + len(spec.income_columns))
            row += (right["item"], *(text(right[c]) for c in spec.columns)) if right else ("",) * (
                1 + len(spec.columns))
            rows.append(row)
        return rows
    if spec.family == "coded":
        columns = spec.columns
        return [(r["code"] or "", r["name"] if r["code"] else "合计", *(text(r[c]) for c in columns))
                for r in records]
    if spec.family == "econ":
        return [(r["econ_code"] or "", r["econ_name"], text(r["amount"])) for r in records]
    if spec.family == "three_public":
        return [({"budget": "预算数", "actual": "决算数"}[r["measure"]], *(text(r[c]) for c in spec.columns))
                for r in records]
    return [(r["item"], text(r["value"])) for r in records if r["origin"] == "table"]


def table_pdf(report: dict, resources: dict[str, list[dict]], path: Path) -> Path:
    """The report's tables printed as a PDF: title, name field, each table ruled in columns over as many pages as
    needed (headers repeated, page numbers at the foot)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    from converter.specs.tables import TABLES

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    width, height = landscape(A4)
    pdf = canvas.Canvas(str(path), pagesize=(width, height), invariant=1)
    page = [1]
    margin, row_height, size = 36, 14, 7.5

    def new_page() -> float:
        pdf.setFont(FONT, 8)
        pdf.drawCentredString(width / 2, 20, f"- {page[0]} -")
        pdf.showPage()
        page[0] += 1
        pdf.setFont(FONT, size)
        return height - margin

    def columns_for(header: tuple[str, ...]) -> list[float]:
        label_columns = {i for i, h in enumerate(header) if h in {"项目", "科目名称", ""}}
        weights = [3.2 if i in label_columns else 1.2 if h == "科目编码" else 1.0 for i, h in enumerate(header)]
        unit = (width - 2 * margin) / sum(weights)
        edges = [margin]
        for weight in weights:
            edges.append(edges[-1] + weight * unit)
        return edges

    def draw_row(y: float, cells: Iterable[str], edges: list[float], numeric_from: set[int]) -> None:
        for index, cell in enumerate(cells):
            if not cell:
                continue
            if index in numeric_from:
                pdf.drawRightString(edges[index + 1] - 3, y, cell)
            else:
                pdf.drawString(edges[index] + 3, y, cell)
        pdf.line(margin, y - 4, edges[-1], y - 4)

    pdf.setFont(FONT, 14)
    name, year = report.get("department") or "", report.get("year") or ""
    pdf.drawCentredString(width / 2, height - 120, f"{name}{year}年度部门决算")
    pdf.setFont(FONT, 10)
    pdf.drawCentredString(width / 2, height - 150, f"部门名称：{name}")
    y = new_page()
    for table_id, spec in TABLES.items():
        records = resources.get(spec.resource, [])
        if not records:
            continue
        header = HEADERS[table_id]
        edges = columns_for(header)
        numeric = {i for i, h in enumerate(header) if h not in {"项目", "科目名称", "科目编码", ""}}
        if y < margin + 8 * row_height:
            y = new_page()
        pdf.setFont(FONT, 11)
        pdf.drawCentredString(width / 2, y, spec.titles[0])
        pdf.setFont(FONT, size)
        pdf.drawRightString(width - margin, y - row_height, "单位：万元")
        y -= 2 * row_height
        draw_row(y, header, edges, set())
        y -= row_height
        for row in _table_rows(table_id, spec, records):
            if y < margin + row_height:
                y = new_page()
                draw_row(y, header, edges, set())
                y -= row_height
            draw_row(y, row, edges, numeric)
            y -= row_height
        y -= row_height
    new_page()
    pdf.save()
    return path
