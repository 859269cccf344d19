"""OCR: scanned PDF pages, page images and mixed PDFs read into the same Document, every figure verified.

The Putuo PDF's table pages are rendered to an image-only PDF (PDFium → images → PDF, as a scanner makes it) and read
back by OCR; every numeric token is compared with the same page's text layer. A seed's table text is typeset
(reportlab, STSong-Light), rendered by PDFium to PNG/JPEG and read the same way.
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections import Counter

import pypdfium2
import pytest
from conftest import SAMPLES, seed

from converter.document import Word
from converter.readers import UnreadableInput, read_document
from converter.readers.ocr import (
    LOW_CONFIDENCE,
    NUMBER,
    add_lines,
    agreement,
    engine,
    group_lines,
    image_only_pdf,
    normalise,
    page_numbers,
    text_layer_numbers,
)

PUTUO = SAMPLES / "shanghai-putuo-czj-2024.pdf"
SCANNED = tuple(range(6, 21))  # every page of Putuo's tables (its figures need nothing else)
TABLE_PAGES = (10, 15)  # 支出决算表 (landscape, 55 figures) and 一般公共预算财政拨款支出决算表 (portrait, 89)


def _verified(doc, page: int, expected: list[str]) -> None:
    """≥ 99 % of the page's figures read identically, and none differs without an OCR finding."""
    result = agreement(expected, page_numbers(doc, page))
    assert result.expected >= 20
    assert result.share >= 0.99, (result.differing, result.missing)
    assert result.silent == []


def _ocr_words(line):
    """The OCR boxes a line was read from (its words, or the boxes of its cells)."""
    return [word for word in line.words or line.cell_words or () if word.confidence is not None]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    """Putuo's table pages as an image-only PDF, read once for the module."""
    path = tmp_path_factory.mktemp("ocr") / "putuo-scanned.pdf"
    path.write_bytes(image_only_pdf(PUTUO, SCANNED))
    return read_document(path)


def _scanned_page(page: int) -> int:
    return SCANNED.index(page) + 1


def test_a_scanned_pdf_is_read_by_ocr_page_by_page(scanned):
    assert scanned.source_format == "pdf-ocr"
    blank = _scanned_page(14)  # the ruled but empty end of a table
    assert scanned.ocr.startswith(f"pages 1-{blank - 1},{blank + 1}-{len(SCANNED)} · rapidocr-onnxruntime ")
    assert {line.page for line in scanned.lines} == set(range(1, len(SCANNED) + 1)) - {blank}
    assert all(_ocr_words(line) for line in scanned.lines)
    assert all((line.cells is None) == (line.cell_words is None) and (line.cells is None) != (line.words is None)
               for line in scanned.lines)
    assert [line.line_no for line in scanned.lines] == list(range(1, len(scanned.lines) + 1))


@pytest.mark.parametrize("page", TABLE_PAGES)
def test_every_figure_of_a_scanned_table_page_matches_the_text_layer_or_is_flagged(scanned, page):
    _verified(scanned, _scanned_page(page), text_layer_numbers(PUTUO, page))


def test_a_scanned_ruled_table_gives_the_cells_its_pdf_gives(scanned):
    """The rules found in the image make the same grid as the PDF's vector rules: every page has as many cell rows,
    each as many cells, and (OCR misreads of a few labels aside) the same texts, every figure cell identical."""
    original = read_document(PUTUO)
    pairs = []
    for page in SCANNED:
        printed = [line.cells for line in original.lines if line.page == page and line.cells]
        read = [line.cells for line in scanned.lines if line.page == _scanned_page(page) and line.cells]
        assert [len(cells) for cells in read] == [len(cells) for cells in printed], page
        pairs += [(a, b) for row_a, row_b in zip(printed, read) for a, b in zip(row_a, row_b)]
    assert len(pairs) >= 1400
    assert sum(a == b for a, b in pairs) >= 0.99 * len(pairs)
    assert all(a == b for a, b in pairs if NUMBER.fullmatch(a))
    row = next(line for line in scanned.lines if line.page == _scanned_page(15) and "行政运行" in line.text)
    assert row.cells == ("201", "06", "01", "行政运行", "1,511.89", "1,503.52", "8.37")
    assert row.words is None and [word.text for word in row.cell_words] == list(row.cells)
    assert all(0.9 < word.confidence <= 1 and word.x0 < word.x1 and word.top < word.bottom for word in row.cell_words)
    assert all(0 <= word.x0 and word.x1 <= 596 and word.bottom <= 843 for word in row.cell_words)  # PDF points


def test_the_scanned_tables_convert_like_the_pdf_every_figure_identical(scanned):
    """The same Document with cells → the same reader reads it: the scan's figures equal the text layer's."""
    sys.path.insert(0, str(PUTUO.parent.parent.parent / "bench"))
    from renderings import compare, figures

    from converter.convert import convert_file, extract

    reference = figures(convert_file(PUTUO).resources)
    extraction = extract(scanned)
    assert extraction.report["layout"] == "generic"
    result = compare(reference, figures(extraction.resources))
    assert result["different"] == [] and result["absent"] == []
    assert len(result["equal"]) == 195  # every printed figure (blank cells are not counted)


@pytest.fixture(scope="module")
def seed_image(tmp_path_factory):
    """Seed 000's T05/T06 text typeset (STSong-Light, columns 14 pt apart) and rendered by PDFium to a PNG at 150 dpi:
    (path, the lines typeset)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    text = seed("000").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(text) if line.strip() == "一般公共预算财政拨款支出决算表")
    lines = [line.rstrip() for line in text[start:start + 80] if line.strip()]
    lines = [line for line in lines if pdfmetrics.stringWidth(line, "STSong-Light", 10) + 14 * line.count(" ") < 520]
    lines = lines[:40]
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(595, 842))
    pdf.setFont("STSong-Light", 10)
    for number, line in enumerate(lines):
        x = 36.0
        for token in line.split():  # the seed's text columns set apart as a printed table sets them
            pdf.drawString(x, 800 - 19 * number, token)
            x += pdfmetrics.stringWidth(token, "STSong-Light", 10) + 14
    pdf.save()
    path = tmp_path_factory.mktemp("seed-image") / "seed000-page.png"
    pypdfium2.PdfDocument(buffer.getvalue())[0].render(scale=150 / 72, grayscale=True).to_pil().save(path)
    return path, lines


def test_a_seed_rendered_to_an_image_reads_back_its_figures(seed_image):
    path, lines = seed_image
    doc = read_document(path)
    assert (doc.source_format, doc.source_file) == ("image", "seed000-page.png")
    assert doc.ocr.startswith("pages 1 · ")
    assert all(line.words and line.cells is None for line in doc.lines)  # no rules printed: layout lines
    _verified(doc, 1, [token for line in lines for token in NUMBER.findall(line)])


def test_a_jpeg_page_reads_and_a_folder_of_page_images_is_one_report_in_name_order(seed_image, tmp_path):
    from PIL import Image

    path, _lines = seed_image
    folder = tmp_path / "pages"
    folder.mkdir()
    Image.open(path).convert("RGB").save(folder / "p2.jpg", quality=85)
    Image.open(path).crop((0, 0, 1240, 300)).save(folder / "p1.png")
    jpeg = read_document(folder / "p2.jpg")
    assert jpeg.source_format == "image" and any("2101501" in line.text for line in jpeg.lines)
    both = read_document(folder)
    assert both.source_file == "pages" and both.ocr.startswith("pages 1-2 · ")
    first = Counter(token for token, _flagged in page_numbers(both, 1))
    assert first and first <= Counter(token for token, _flagged in page_numbers(both, 2))
    assert len([line for line in both.lines if line.page == 1]) < len([line for line in both.lines if line.page == 2])
    assert [line.line_no for line in both.lines] == list(range(1, len(both.lines) + 1))


def test_a_mixed_pdf_reads_text_pages_as_text_and_image_pages_by_ocr(tmp_path):
    original = pypdfium2.PdfDocument(PUTUO)
    scan = pypdfium2.PdfDocument(image_only_pdf(PUTUO, [15]))
    mixed = pypdfium2.PdfDocument.new()
    mixed.import_pages(original, list(range(14)))  # pages 1–14 with their text layer
    mixed.import_pages(scan)  # page 15 scanned
    mixed.import_pages(original, list(range(15, 25)))  # pages 16–25 with their text layer
    path = tmp_path / "putuo-mixed.pdf"
    mixed.save(path)
    doc = read_document(path)
    assert doc.source_format == "pdf"
    assert doc.ocr.startswith("pages 15 · ")
    assert {line.page for line in doc.lines if line.words and line.words[0].confidence is not None} == {15}
    assert any(line.cells for line in doc.lines if line.page == 16)
    _verified(doc, 15, text_layer_numbers(PUTUO, 15))
    full = read_document(PUTUO)
    assert [line.text for line in doc.lines if line.page != 15] == [line.text for line in full.lines if line.page != 15]


def test_a_table_pasted_as_a_picture_on_a_text_page_is_read_by_ocr_beside_the_text(tmp_path):
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    picture = pypdfium2.PdfDocument(PUTUO)[14].render(scale=150 / 72, grayscale=True).to_pil()
    path = tmp_path / "pasted.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(595, 842))
    pdf.setFont("STSong-Light", 12)
    pdf.drawString(60, 800, "五、一般公共预算财政拨款支出决算表（见下图）")
    pdf.drawImage(ImageReader(picture), 20, 20, width=555, height=555 * 842 / 595 * 0.9)
    pdf.save()
    doc = read_document(path)
    assert doc.source_format == "pdf" and doc.ocr.startswith("pages 1 · ")
    title = doc.lines[0]
    assert title.text == "五、一般公共预算财政拨款支出决算表（见下图）" and title.words[0].confidence is None
    ocr_lines = [line for line in doc.lines if _ocr_words(line)]
    assert len(ocr_lines) >= 20 and sum(1 for line in ocr_lines if line.cells) >= 20
    assert all(20 <= word.x0 and word.x1 <= 576 and word.top >= 842 - 20 - 555 * 842 / 595 * 0.9 - 1
               for line in ocr_lines for word in _ocr_words(line))
    _verified(doc, 1, text_layer_numbers(PUTUO, 15))


def test_pages_recognised_in_parallel_threads_equal_those_read_one_by_one(monkeypatch):
    from converter.readers import ocr

    data = image_only_pdf(PUTUO, [1, 7, 18])
    jobs = [(1, [None]), (2, [None]), (3, [None])]
    parallel = ocr.ocr_pdf_pages(data, jobs)
    monkeypatch.setattr(ocr, "MAX_WORKERS", 1)
    assert parallel == ocr.ocr_pdf_pages(data, jobs)
    assert [len(lines) > 0 for lines in parallel] == [True, True, True]
    assert any("三公" in line.text for line in parallel[2])


def test_the_mixed_pdf_converts_end_to_end_with_the_text_pages_tables_intact(tmp_path):
    from converter.convert import convert_file
    from converter.package import write_package

    original = pypdfium2.PdfDocument(PUTUO)
    mixed = pypdfium2.PdfDocument.new()
    mixed.import_pages(original, list(range(24)))
    mixed.import_pages(pypdfium2.PdfDocument(image_only_pdf(PUTUO, [25])))  # the glossary page, scanned
    path = tmp_path / "putuo-mixed.pdf"
    mixed.save(path)
    extraction = convert_file(path)
    assert extraction.report["ocr"].startswith("pages 25 · rapidocr-onnxruntime")
    reference = convert_file(PUTUO)
    for resource in ("income_expense_summary", "general_budget_expense", "basic_expense_detail", "three_public"):
        assert extraction.rows(resource) == reference.rows(resource)
    package = write_package(extraction, tmp_path / "out")
    assert "pdf" in (package / "reports.csv").read_text(encoding="utf-8")


def test_low_confidence_and_letter_for_digit_tokens_become_ocr_findings():
    words = [
        (Word("行政运行", 10, 50, 100, 112, 0.99), normalise("行政运行", [0.99] * 4)[2]),
        (Word("1,5O3.52", 200, 240, 100, 112, 0.97), normalise("1,5O3.52", [0.99] * 8)[2]),
        (Word("8.37", 300, 320, 101, 113, 0.6), normalise("8.37", [0.99, 0.99, 0.6, 0.99])[2]),
        (Word("603.14", 300, 330, 130, 142, 0.99), normalise("603.14", [0.99] * 6)[2]),
    ]
    lines, findings = [], []
    add_lines(lines, findings, group_lines(words), page=7)
    assert [line.page for line in lines] == [7, 7]
    assert [(f.rule_id, f.source_page, f.source_line, f.location) for f in findings] == [
        ("OCR", 7, 1, "page 7 line 1: 1,503.52"),
        ("OCR", 7, 1, "page 7 line 1: 8.37"),
    ]
    assert "0.60" in findings[1].message_en and "low confidence" in findings[1].message_en
    assert "letter read as digit" in findings[0].message_en
    assert LOW_CONFIDENCE > 0.6


@pytest.mark.parametrize(("raw", "expected", "tokens"), [
    ("3832. 36", "3832.36", ["3832.36"]),
    ("2, 106.66", "2,106.66", ["2,106.66"]),
    ("3832 .36", "3832.36", ["3832.36"]),
    ("2O1", "201", ["201"]),
    ("１，２３４．５６", "1,234.56", ["1,234.56"]),
    ("１２.５％", "12.5%", ["12.5%"]),
    ("1. 2023年度收入", "1. 2023年度收入", ["1", "2023"]),
    ("2024 12", "2024 12", ["2024", "12"]),
    ("COVID-19 IT运维", "COVID-19 IT运维", ["-19"]),
    ("其中：增加3.5万元，减少6.2", "其中：增加3.5万元，减少6.2", ["3.5", "6.2"]),
])
def test_digits_are_normalised_only_inside_numeric_tokens(raw, expected, tokens):
    text, confidences, found = normalise(raw, [0.99] * len(raw))
    assert text == expected
    assert len(confidences) == len(text)
    assert [token for token, _confidence, _guessed in found] == tokens


def test_layout_text_renders_gaps_as_proportional_spaces():
    words = [(Word(text, x0, x1, 0, 10, 1.0), []) for text, x0, x1 in
             [("科目", 0, 20), ("合计", 100, 120), ("1.00", 200, 220), ("2.00", 224, 244)]]
    assert group_lines(words)[0].text == "科目" + " " * 18 + "合计" + " " * 18 + "1.00 2.00"  # 1 column = 5 px


def test_without_the_ocr_extra_a_scan_is_refused_in_one_line_and_a_mixed_pdf_keeps_its_text_pages(
        tmp_path, monkeypatch):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(image_only_pdf(PUTUO, [1]))
    mixed = pypdfium2.PdfDocument.new()
    mixed.import_pages(pypdfium2.PdfDocument(PUTUO), [1])
    mixed.import_pages(pypdfium2.PdfDocument(image_only_pdf(PUTUO, [15])))
    mixed.save(tmp_path / "mixed.pdf")
    engine.cache_clear()
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)
    try:
        with pytest.raises(UnreadableInput, match=r"^\S+scan\.pdf: no text layer \(scanned pages\?\); .*\[ocr\]'$"):
            read_document(scan)
        doc = read_document(tmp_path / "mixed.pdf")
    finally:
        engine.cache_clear()
    assert {line.page for line in doc.lines} == {1} and doc.ocr is None
    assert [(f.rule_id, f.status, f.source_page) for f in doc.findings] == [("OCR", "not_checkable", 2)]
    assert "pip install 'juesuan[ocr]'" in doc.findings[0].message_en


def _cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "converter.cli", *map(str, args)], capture_output=True, text=True)


def test_the_cli_converts_a_page_image_into_a_valid_package_and_refuses_a_blank_one_clearly(tmp_path, seed_image):
    import csv

    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("L", (400, 300), 255).save(blank)
    result = _cli("convert", blank, "--out", tmp_path / "out")
    assert result.returncode == 2
    assert "blank.png: no text found in the image(s)" in result.stderr and "Traceback" not in result.stderr
    result = _cli("convert", seed_image[0], "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    (package,) = (p for p in (tmp_path / "out").iterdir() if not p.name.startswith("."))  # not the batch index
    with (package / "reports.csv").open(encoding="utf-8") as handle:
        (report,) = csv.DictReader(handle)
    assert (report["department"], report["year"]) == ("朔州市朔城区医疗保障局", "2023")
    assert report["source_format"] == "image"
    assert report["ocr"].startswith("pages 1 · rapidocr-onnxruntime")
    assert _cli("validate", package).returncode == 0


def test_a_seed_typeset_as_a_pdf_and_scanned_converts_with_no_figure_different(tmp_path):
    """Seed 000's tables typeset in 7.5 pt type (rules between rows only) and scanned: the small type is rendered
    again at a larger scale, the boxes the detector joined across columns are split, and the generic reader reads
    the scan as it reads the typeset PDF's words — figures equal the seed's or are left out, never different."""
    sys.path.insert(0, str(PUTUO.parent.parent.parent / "bench"))
    from renderings import compare, figures, table_pdf

    from converter.convert import convert_file, extract

    reference = convert_file(seed("000"))
    typeset = table_pdf(reference.report, reference.resources, tmp_path / "seed000.pdf")
    scan = tmp_path / "seed000-scan.pdf"
    scan.write_bytes(image_only_pdf(typeset))
    document = read_document(scan)
    expected = figures(reference.resources)
    extraction = extract(document)
    result = compare(expected, figures(extraction.resources))
    on_text = compare(expected, figures(convert_file(typeset).resources))
    assert result["different"] == [] and on_text["different"] == []
    assert len(result["equal"]) == 74 and len(on_text["equal"]) == 74
    # T01's 97.58 was read with confidence 0.87: kept because 本年收入合计 = Σ its parts holds with it, and flagged
    assert [f.message_en for f in extraction.findings if f.rule_id == "OCR" and f.tables == "T01"] == [
        "OCR-read figure '97.58' (confidence 0.87) confirmed by the table's identities: A1 T01 total_income amount"]
    header = next(line for line in document.lines if line.text.split()[:2] == ["科目编码", "科目名称"])
    assert [word.text for word in header.words][-2:] == ["附属单位上缴收入", "其他收入"]  # one box, two columns


def test_rules_in_an_image_become_pdfplumber_cells_and_are_erased_but_a_dash_in_a_cell_stays():
    import numpy
    from PIL import Image, ImageDraw

    from converter.readers.ruling import ruled_page

    image = Image.new("L", (600, 300), 255)
    draw = ImageDraw.Draw(image)
    for y in (50, 100, 150, 200):
        draw.line((50, y, 550, y), fill=0, width=2)
    for x in (50, 250, 550):
        draw.line((x, 50, x, 200), fill=0, width=2)
    draw.line((400, 100, 400, 200), fill=0, width=2)  # the right column split below its header: a merged header cell
    draw.line((270, 175, 330, 175), fill=0, width=2)  # a printed "────" inside a cell
    page = ruled_page(image, scale=2.0)  # 2 pixels a point
    (table,) = page.tables
    assert table.bbox == pytest.approx((25, 25, 275, 100), abs=1)  # the rules' centre lines, in points
    assert [[cell is not None for cell in row] for row in table.rows] == [[True, True, False], [True] * 3, [True] * 3]
    assert [cell[0] for cell in table.rows[1]] == pytest.approx([25, 125, 200], abs=1)
    assert sorted(x for x, _top, _bottom in page.cuts) == pytest.approx([25, 125, 200, 275], abs=1)
    pixels = numpy.asarray(page.image)
    assert pixels[100, 300] == 255 and pixels[120, 400] == 255  # rules erased
    assert pixels[175, 300] == 0  # the dash is print, not a rule
