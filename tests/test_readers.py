"""Readers: encodings, line ends, and inputs that are not reports."""

from __future__ import annotations

import pytest
from conftest import seed

from converter.convert import NotAReport, convert_file
from converter.readers import UnreadableInput, read_document


def _figures(extraction):
    return {name: [{k: v for k, v in r.items() if k != "source_page"} for r in rows]
            for name, rows in extraction.resources.items()}


@pytest.mark.parametrize("number", ["000", "001", "002", "003", "004"])
@pytest.mark.parametrize("variant", ["utf-8-sig", "gbk", "crlf"])
def test_the_same_report_in_another_encoding_or_line_end_gives_the_same_figures(tmp_path, variant, number):
    text = seed(number).read_text(encoding="utf-8")
    path = tmp_path / seed(number).name
    if variant == "crlf":
        path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    else:
        path.write_bytes(text.encode(variant, errors="strict"))
    original, converted = convert_file(seed(number)), convert_file(path)
    assert sum(len(rows) for rows in original.resources.values()) > 50
    assert _figures(converted) == _figures(original)
    assert converted.report["department"] == original.report["department"]


def test_gbk_text_is_detected_as_gb18030(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(seed("002").read_text(encoding="utf-8").encode("gbk"))
    assert read_document(path).encoding == "gb18030"
    assert read_document(seed("002")).encoding == "utf-8"


def test_an_empty_file_is_refused_with_its_name(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("  \n", encoding="utf-8")
    with pytest.raises(UnreadableInput, match="empty.txt: the file is empty"):
        read_document(path)


def test_a_binary_file_is_refused_with_its_name(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(UnreadableInput, match="image.txt: binary"):
        read_document(path)


def test_a_novel_is_not_a_report(tmp_path):
    path = tmp_path / "novel.txt"
    path.write_text("第一章 春天来了。\n" + "她走进了花园，看见满树的桃花。\n" * 200, encoding="utf-8")
    with pytest.raises(NotAReport, match="novel.txt: not a final-accounts report"):
        convert_file(path)


def test_a_missing_file_is_refused_with_its_name(tmp_path):
    with pytest.raises(UnreadableInput, match="nope.txt: no such file"):
        read_document(tmp_path / "nope.txt")


def test_a_scanned_pdf_without_text_is_refused_clearly(tmp_path):
    from reportlab.pdfgen import canvas  # noqa: F401  (skip below when reportlab is absent)

    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(10, 10, 100, 100, fill=1)
    pdf.save()
    with pytest.raises(UnreadableInput, match="no text layer"):
        read_document(path)


def test_a_truncated_pdf_is_refused_clearly(tmp_path):
    path = tmp_path / "cut.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n")
    with pytest.raises(UnreadableInput, match="cut.pdf"):
        read_document(path)
