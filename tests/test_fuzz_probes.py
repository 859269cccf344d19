"""The hostile inputs of issue 13, one regression test each: a one-line refusal naming the file, or a valid package."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from fuzz_support import (
    PROBES,
    XXE_DTD,
    convert_case,
    probe_docx_billion_laughs,
    probe_docx_huge_spans,
    probe_docx_xxe,
    probe_html_spans_near_cap,
    probe_long_paragraph,
    probe_pdf_byte_flipped,
    probe_performance_repeated_header,
    probe_text_200mb,
    probe_utf16_odd_length,
    probe_xlsx_billion_laughs,
    probe_xlsx_damaged_zip,
    probe_xlsx_huge_numbers,
    probe_xlsx_xfd1,
    probe_xlsx_xml_error,
    probe_xlsx_xxe,
    probe_xlsx_zip_bomb,
    xlsx_with_entity,
)

from converter import limits
from converter.convert import convert_file
from converter.package import (
    FieldTooLong,
    InvalidRecords,
    PackageError,
    package_files,
    read_csv_text,
    read_package,
    write_package,
)
from converter.readers import UnreadableInput, read_document
from converter.readers.xlsx import render_number
from converter.validate import validate_package


def refusal(path: Path) -> str:
    with pytest.raises(UnreadableInput) as caught:
        convert_file(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(path)), message
    return message


@pytest.mark.parametrize("name", sorted(PROBES))
def test_every_probe_ends_in_a_valid_package_or_a_one_line_refusal(tmp_path, name):
    outcome = convert_case(PROBES[name](tmp_path), tmp_path / "out")
    assert outcome.kind in {"package", "refused"}, outcome.detail


def test_a_damaged_zip_is_refused(tmp_path):
    assert "damaged ZIP archive" in refusal(probe_xlsx_damaged_zip(tmp_path))


def test_a_workbook_with_broken_xml_is_refused(tmp_path):
    assert "damaged or unsupported workbook (ExpatError)" in refusal(probe_xlsx_xml_error(tmp_path))


@pytest.mark.parametrize(
    "probe", [probe_xlsx_xxe, probe_xlsx_billion_laughs, probe_docx_xxe, probe_docx_billion_laughs]
)
def test_xml_entities_are_refused_safely_in_one_line(tmp_path, probe):
    message = refusal(probe(tmp_path))
    assert "document.xml declares a DTD" in message or "sheet1.xml declares a DTD" in message
    assert message.endswith("(XML entities); refused for safety") and "root:" not in message


def test_a_dtd_after_a_long_prolog_is_still_refused_by_defusedxml(tmp_path):
    path = xlsx_with_entity(tmp_path, "late-dtd.xlsx", b"<!--" + b" " * 5000 + b"-->" + XXE_DTD, b"&e;")
    assert "declares entities or a DTD (EntitiesForbidden); refused for safety" in refusal(path)


def test_a_zip_bomb_is_refused_before_inflating_and_one_within_limits_is_read(tmp_path):
    path = probe_xlsx_zip_bomb(tmp_path, megabytes=20)
    assert [line.text for line in read_document(path).lines] == ["决算\t1.5"]
    with limits.raised(max_unpacked_bytes=16 * 2**20):
        assert "the archive's XML unpacks too large (20,98" in refusal(path)


def test_numbers_past_1e26_keep_their_digits_under_a_decimal_format(tmp_path):
    assert render_number(1e26, "0.00") == "100000000000000000000000000.00"
    assert render_number(1e26, "#,##0.00") == "100,000,000,000,000,000,000,000,000.00"
    assert render_number(-3.2e120, "0.00") == "-32" + "0" * 119 + ".00"
    assert render_number(1.7e308, "0.00%") == "17" + "0" * 309 + ".00%"
    assert render_number(float("inf"), "0.00") == "inf"
    document = read_document(probe_xlsx_huge_numbers(tmp_path))
    assert document.lines[0].cells[:2] == ("100000000000000000000000000.00", "100,000,000,000,000,000,000,000,000.00")


def test_a_cell_at_xfd1_is_refused_without_building_the_grid_and_read_when_the_limit_is_raised(tmp_path):
    path = probe_xlsx_xfd1(tmp_path)
    assert "sheet Sheet is too wide (16,384 > 1,000); raise JUESUAN_LIMIT_MAX_COLUMNS" in refusal(path)
    with limits.raised(max_columns=16_384):
        document = read_document(path)
    assert [(line.cells[0], line.cells[-1], len(line.cells)) for line in document.lines] == [
        ("决算", "远", 16_384),
        ("", "1", 16_384),  # row 1,048,576: only the rows that hold values are read
    ]


def test_docx_spans_of_a_hundred_million_are_refused(tmp_path):
    assert "a table row skips too many columns (gridBefore) (100,000,000 > 1,000)" in refusal(
        probe_docx_huge_spans(tmp_path)
    )


def test_html_spans_near_the_cap_are_refused_before_expansion(tmp_path):
    message = refusal(probe_html_spans_near_cap(tmp_path))
    # 50 cells a row, 1000 columns each, spanning down to the last of 200 rows: 50,000 × (200 + 199 + … + 1)
    assert "a table spans too many cells (1,005,000,000 > 2,000,000)" in message


def test_odd_length_utf16_text_is_refused(tmp_path):
    assert "damaged UTF-16 text (truncated data" in refusal(probe_utf16_odd_length(tmp_path))


def test_a_200_mb_text_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = probe_text_200mb(tmp_path)

    def never(self):
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_bytes", never)
    assert "the text is too large for a report (209,715,200 > 33,554,432)" in refusal(path)


@pytest.mark.parametrize("seed", range(4))
def test_byte_flipped_pdfs_end_in_a_package_or_a_refusal(tmp_path, seed):
    outcome = convert_case(probe_pdf_byte_flipped(tmp_path, seed), tmp_path / "out")
    assert outcome.kind in {"package", "refused"}, outcome.detail


def test_pdf_pages_and_reading_time_are_bounded(tmp_path):
    pdf = probe_pdf_byte_flipped(tmp_path, 0).with_name("template.pdf")
    pdf.write_bytes((Path(__file__).parent.parent / "examples/samples/shanghai-template-2024.pdf").read_bytes())
    with limits.raised(max_pages=5):
        assert "the PDF has too many pages (23 > 5); raise JUESUAN_LIMIT_MAX_PAGES" in refusal(pdf)
    with limits.raised(seconds_per_document=0):
        assert "reading took longer than 0 s (PDF pages); raise JUESUAN_LIMIT_SECONDS_PER_DOCUMENT" in refusal(pdf)


def test_a_repeated_performance_header_line_reads_the_same_sheets(tmp_path):
    original = convert_file(next((Path(__file__).parent.parent / "examples/seeds").glob("003_*.txt")))
    repeated = convert_file(probe_performance_repeated_header(tmp_path))
    names = [row["name"] for row in repeated.rows("performance_evaluations")]
    assert names == [row["name"] for row in original.rows("performance_evaluations")]
    write_package(repeated, tmp_path / "out")


def test_a_long_paragraph_is_split_into_parts_that_join_to_its_text(tmp_path):
    target = write_package(convert_file(probe_long_paragraph(tmp_path)), tmp_path / "out")
    assert validate_package(target) == []
    _, resources = read_package(target)
    long_rows = [row for row in resources["narrative"] if "经费经费" in row["text"]]
    assert [len(row["text"]) for row in long_rows] == [100_000, 100_000]
    assert "".join(row["text"] for row in long_rows) == "经费" * 100_000
    assert [row["seq"] for row in long_rows] == [long_rows[0]["seq"], long_rows[0]["seq"] + 1]


def test_a_field_past_the_limit_elsewhere_is_refused_before_writing(tmp_path):
    extraction = convert_file(probe_long_paragraph(tmp_path))
    extraction.report["title"] = "决" * 200_000
    with pytest.raises(FieldTooLong, match=r"long-paragraph.txt \(.+\): reports.csv:2 \[title\]: a value of 200,000"):
        write_package(extraction, tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_an_empty_string_is_written_as_null_and_a_required_one_refused_before_writing():
    extraction = convert_file(next((Path(__file__).parent.parent / "examples/seeds").glob("001_*.txt")))
    extraction.resources["narrative"][0]["source_page"] = ""  # nullable: written as null, as it reads back
    files = package_files(extraction)
    assert read_csv_text("narrative", files["narrative.csv"])[0]["source_page"] is None
    extraction.resources["narrative"][0]["section"] = ""  # required: null once written, so refused now
    with pytest.raises(InvalidRecords, match=r"narrative.csv:2 \[section\]: None is not of type 'string'"):
        package_files(extraction)


def test_packages_with_a_field_past_the_csv_limit_give_problems_not_tracebacks(package_copy):
    path = package_copy / "narrative.csv"
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    rows[1][3] = "长" * 140_000
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    problems = validate_package(package_copy, frictionless=False)
    assert any("past the CSV field limit" in p.message or "unreadable CSV" in p.message for p in problems)
    try:
        read_package(package_copy)
    except PackageError as exc:
        assert "field larger than field limit" in str(exc)


def test_limits_come_from_the_environment_and_refuse_nonsense():
    assert limits.Limits.from_env({"JUESUAN_LIMIT_MAX_PAGES": "9", "JUESUAN_LIMIT_SECONDS_PER_DOCUMENT": "2.5"}) == (
        limits.Limits(max_pages=9, seconds_per_document=2.5)
    )
    with pytest.raises(ValueError, match="JUESUAN_LIMIT_MAX_PAGES='many' is not a number"):
        limits.Limits.from_env({"JUESUAN_LIMIT_MAX_PAGES": "many"})
    with pytest.raises(ValueError, match="below the CSV field limit"):
        limits.Limits(max_field_chars=200_000)
    with limits.raised(max_pages=1):
        assert limits.current().max_pages == 1
    assert limits.current().max_pages == limits.Limits().max_pages


def _seed_with(tmp_path: Path, number: str, line_no: int, text: str) -> Path:
    lines = next((Path(__file__).parent.parent / "examples/seeds").glob(f"{number}_*.txt")).read_text().split("\n")
    lines[line_no - 1] = text
    path = tmp_path / f"{number}-edited.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_a_table_row_printed_without_its_name_is_left_out_with_a_finding(tmp_path):
    extraction = convert_file(_seed_with(tmp_path, "001", 216, "2080505\t\t26.21\t26.21"))
    assert "2080505" not in [r["code"] for r in extraction.rows("general_budget_expense")]
    assert [(f.location, f.message_en) for f in extraction.findings if f.source_line == 216] == [
        ("T05 2080505", "Cell could not be placed with certainty and was left out: row without name")
    ]
    assert validate_package(write_package(extraction, tmp_path / "out"), frictionless=False) == []


def test_a_performance_sheet_without_a_project_name_is_left_out_with_a_finding(tmp_path):
    extraction = convert_file(_seed_with(tmp_path, "004", 491, "项目名称"))
    assert [r["name"] for r in extraction.rows("performance_evaluations")] == ["米脂县医疗保险经办中心"]
    assert [f.message_en for f in extraction.findings if f.message_en.startswith("Performance sheet without")] == [
        "Performance sheet without name was not extracted"
    ]
    assert validate_package(write_package(extraction, tmp_path / "out"), frictionless=False) == []


def test_a_ruled_table_row_narrower_than_its_header_gives_no_row():
    from dataclasses import replace

    from converter.layouts import generic

    document = read_document(Path(__file__).parent.parent / "examples/samples/shanghai-template-2024.pdf")
    at = next(i for i, line in enumerate(document.lines) if line.cells and line.cells[:2] == ("20502", "普通教育"))
    document.lines[at] = replace(document.lines[at], text="20502", cells=("20502",))  # found by bench/fuzz.py
    blocks = generic.read_tables(document)
    assert [row for block in blocks for row in block.rows if row.source_line == document.lines[at].line_no] == []


def test_a_line_number_0_is_not_a_line_number():
    from converter.layouts.common import LINE_NO

    assert [bool(LINE_NO.match(t)) for t in ("0", "1", "63", "100")] == [False, True, True, True]
