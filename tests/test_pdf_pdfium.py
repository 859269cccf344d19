"""The PDFium page parser gives the Document pdfplumber's own parser gives: same lines, cells and words (boxes
within PDFium's single-precision rounding), on the shipped PDFs, the seeds re-rendered as PDFs and a PDF made here
to exercise what pdfminer and PDFium could read differently."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from converter.readers import UnreadableInput
from converter.readers.pdf import read_pdf

SAMPLES = Path(__file__).resolve().parent.parent / "examples" / "samples"
BENCH = Path(__file__).resolve().parent.parent / "bench"
TOLERANCE = 0.01  # points: PDFium's floats differ from pdfminer's doubles by less than 0.001


def _read_both(path: Path):
    data = path.read_bytes()
    return read_pdf(path, data, engine="pdfplumber"), read_pdf(path, data)


def assert_same_document(reference, fast) -> None:
    assert [(line.line_no, line.page, line.text, line.cells) for line in fast.lines] == \
        [(line.line_no, line.page, line.text, line.cells) for line in reference.lines]
    for ours, theirs in zip(fast.lines, reference.lines):
        assert (ours.words is None) == (theirs.words is None)
        assert [word.text for word in ours.words or ()] == [word.text for word in theirs.words or ()]
        for word, other in zip(ours.words or (), theirs.words or ()):
            assert max(abs(word.x0 - other.x0), abs(word.x1 - other.x1), abs(word.top - other.top),
                       abs(word.bottom - other.bottom)) < TOLERANCE, (ours.text, word, other)
    assert (fast.source_format, fast.ocr, fast.warnings, fast.findings) == \
        (reference.source_format, reference.ocr, reference.warnings, reference.findings)


@pytest.mark.parametrize("name", ["shanghai-putuo-czj-2024.pdf", "shanghai-template-2024.pdf"])
def test_the_shipped_pdfs_read_the_same_through_pdfium_and_pdfplumber(name):
    reference, fast = _read_both(SAMPLES / name)
    assert sum(1 for line in fast.lines if line.cells) > 100  # ruled tables were found, not only text
    assert_same_document(reference, fast)


def test_a_seed_rendered_as_a_pdf_reads_the_same(tmp_path):
    pytest.importorskip("reportlab")
    sys.path.insert(0, str(BENCH))
    from conftest import SEED_FILES
    from renderings import table_pdf

    from converter.convert import convert_file

    reference = convert_file(SEED_FILES["002"])
    path = table_pdf(reference.report, reference.resources, tmp_path / "002.pdf")
    assert_same_document(*_read_both(path))


def _picture(folder: Path) -> Path:
    from PIL import Image

    Image.new("L", (40, 30), 128).save(folder / "grey.png")
    return folder / "grey.png"


def _stress_pdf(path: Path) -> Path:
    """Page 1: horizontally scaled text (Tz), a text matrix scaling a 6-pt font to 12, a standard font without a
    font file set 3 pt lower, a rectangle grid, a circle and a Bézier curve, a ruled table and a picture in a form
    XObject drawn scaled by 1.2, text rotated by 90°. Page 2: a page with /Rotate 90 holding a ruled table.
    Page 3: only rules."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    text = pdf.beginText()
    text.setTextOrigin(72, 780)
    text.setFont("STSong-Light", 12)
    text.setHorizScale(80)
    text.textLine("收入决算表 横向缩放 12.34")
    pdf.drawText(text)
    text = pdf.beginText()
    text.setTextTransform(2, 0, 0, 2, 72, 740)
    text.setFont("Helvetica", 6)
    text.textLine("Scaled 2502.70")
    pdf.drawText(text)
    for row in range(4):
        for column in range(3):
            pdf.rect(72 + column * 80, 600 - row * 20, 80, 20)
            pdf.setFont("STSong-Light", 9)
            pdf.drawString(76 + column * 80, 606 - row * 20, f"格{row}{column} {row * 10 + column}.00")
    pdf.circle(450, 620, 30)
    pdf.bezier(400, 500, 420, 540, 480, 460, 500, 500)
    pdf.beginForm("table")
    pdf.drawImage(str(_picture(path.parent)), 250, 0, 40, 36)
    pdf.setFont("STSong-Light", 9)
    for row in range(3):
        pdf.line(0, row * 18, 240, row * 18)
    for x in (0, 80, 160, 240):
        pdf.line(x, 0, x, 36)
    pdf.drawString(4, 5, "表单 1.00")
    pdf.drawString(84, 5, "2.00")
    pdf.drawString(164, 23, "合计 3.00")
    pdf.endForm()
    pdf.saveState()
    pdf.translate(72, 380)
    pdf.scale(1.2, 1.2)
    pdf.doForm("table")
    pdf.restoreState()
    pdf.saveState()
    pdf.translate(400, 300)
    pdf.rotate(90)
    pdf.setFont("STSong-Light", 10)
    pdf.drawString(0, 0, "旋转 9.99")
    pdf.restoreState()
    pdf.setFont("STSong-Light", 10)
    pdf.drawString(72, 200, "年初预算为")
    pdf.setFont("Courier", 10)
    pdf.drawString(122, 197, "2993.92")
    pdf.showPage()
    pdf.setPageRotation(90)
    pdf.setFont("STSong-Light", 10)
    for row in range(3):
        pdf.line(72, 700 - row * 20, 372, 700 - row * 20)
    for x in (72, 172, 272, 372):
        pdf.line(x, 660, x, 700)
    pdf.drawString(76, 686, "科目")
    pdf.drawString(176, 686, "合计")
    pdf.drawString(76, 666, "201 一般公共服务")
    pdf.drawString(276, 666, "12.00")
    pdf.showPage()
    pdf.rect(72, 700, 300, 20)
    pdf.line(172, 700, 172, 720)
    pdf.showPage()
    pdf.save()
    return path


def test_scaled_rotated_and_nested_drawing_reads_the_same(tmp_path):
    pytest.importorskip("reportlab")
    reference, fast = _read_both(_stress_pdf(tmp_path / "stress.pdf"))
    assert_same_document(reference, fast)
    cells = [(line.page, line.cells) for line in fast.lines if line.cells]
    assert (1, ("格10 10.00", "格11 11.00", "格12 12.00")) in cells  # a grid of rectangles
    assert (1, ("表单 1.00", "2.00", "")) in cells and (1, ("", "", "合计 3.00")) in cells  # lines in a scaled form
    assert (2, ("201 一般公共服务", "科目")) in cells  # a ruled table on a page displayed rotated
    assert "年初预算为 2993.92" in [line.text for line in fast.lines]


def test_the_page_layer_lists_the_chars_edges_and_pictures_pdfplumber_lists(tmp_path):
    pytest.importorskip("reportlab")
    import pdfplumber
    import pypdfium2

    from converter.readers.pdf_layer import PageLayer

    path = _stress_pdf(tmp_path / "stress.pdf")

    def boxes(objects, *keys):
        return sorted(tuple(str(obj[key]) if key in ("text", "orientation", "object_type", "upright")
                            else round(obj[key], 1) for key in keys) for obj in objects)

    with pdfplumber.open(path) as pdf:
        document = pypdfium2.PdfDocument(path)
        for index, theirs in enumerate(pdf.pages):
            ours = PageLayer(document[index])
            assert ours.bbox == pytest.approx(theirs.bbox, abs=1e-3)
            assert boxes(ours.chars, "text", "x0", "x1", "top", "bottom", "size", "upright") == \
                boxes(theirs.chars, "text", "x0", "x1", "top", "bottom", "size", "upright")
            assert boxes(ours.edges, "orientation", "object_type", "x0", "x1", "top", "bottom") == \
                boxes(theirs.edges, "orientation", "object_type", "x0", "x1", "top", "bottom")
            assert boxes(ours.images, "x0", "x1", "top", "bottom") == boxes(theirs.images, "x0", "x1", "top", "bottom")
            assert (len(ours.lines), len(ours.rects), len(ours.curves)) == \
                (len(theirs.lines), len(theirs.rects), len(theirs.curves))
        assert len(PageLayer(document[0]).images) == 1 and len(PageLayer(document[0]).curves) > 0


def test_a_page_of_ruling_lines_only_is_not_sent_to_ocr(tmp_path, monkeypatch):
    pytest.importorskip("reportlab")
    from reportlab.pdfgen import canvas

    path = tmp_path / "rules.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.setFont("Helvetica", 12)
    pdf.drawString(72, 700, "Total")
    pdf.drawString(200, 700, "1.00")
    pdf.showPage()
    pdf.rect(72, 700, 300, 20)
    pdf.line(172, 700, 172, 720)
    pdf.showPage()
    pdf.save()
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # OCR would be "not installed": a finding
    doc = read_pdf(path, path.read_bytes())
    assert (doc.ocr, doc.findings, doc.warnings) == (None, [], [])
    assert [(line.page, line.text) for line in doc.lines] == [(1, "Total 1.00")]


def test_a_pdf_of_ruling_lines_only_is_refused_in_one_line(tmp_path):
    pytest.importorskip("reportlab")
    from reportlab.pdfgen import canvas

    path = tmp_path / "grid.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(72, 700, 300, 20)
    pdf.save()
    with pytest.raises(UnreadableInput, match=r"grid\.pdf: no text layer, and its pages draw only lines"):
        read_pdf(path, path.read_bytes())


def test_a_pdf_locked_by_a_password_is_refused_in_one_line_and_one_with_an_owner_password_only_is_read(tmp_path):
    pytest.importorskip("reportlab")
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    locked, open_ = tmp_path / "locked.pdf", tmp_path / "open.pdf"
    for path, encryption in ((locked, "secret"), (open_, StandardEncryption("", ownerPassword="owner"))):
        pdf = canvas.Canvas(str(path), encrypt=encryption)
        pdf.drawString(72, 700, "Total")
        pdf.drawString(200, 700, "1.00")
        pdf.save()
    with pytest.raises(UnreadableInput, match=r"^\S+locked\.pdf: the PDF is protected by a password"):
        read_pdf(locked, locked.read_bytes())
    assert [line.text for line in read_pdf(open_, open_.read_bytes()).lines] == ["Total 1.00"]
