"""Fuzzing in CI: generated damaged files of every format and hypothesis properties of the readers and the writer.

Every input ends in a valid package or a one-line refusal naming the file (see tests/fuzz_support.py); the long run
with counts is `bench/fuzz.py`.
"""

from __future__ import annotations

import string
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import seed
from fuzz_support import base_files, convert_case, damage_lines, generated_cases
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converter import limits
from converter.convert import convert_file
from converter.package import InvalidRecords, package_files, read_csv_text
from converter.readers import UnreadableInput, read_document
from converter.readers.cells import Span, expand_spans
from converter.readers.xlsx import render_number

CHUNKS, PER_CHUNK = 6, 20  # 120 generated files in CI
FUZZ = settings(  # derandomized: CI runs the same examples every time; bench/fuzz.py explores
    deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.fixture(scope="module")
def bases(tmp_path_factory) -> dict[str, Path]:
    return base_files(tmp_path_factory.mktemp("bases"))


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_generated_damaged_files_end_in_a_valid_package_or_a_one_line_refusal(tmp_path, bases, chunk):
    bad = []
    for name, path in generated_cases(tmp_path, PER_CHUNK, seed=1000 + chunk, bases=bases):
        outcome = convert_case(path, tmp_path / "out")
        if outcome.kind not in {"package", "refused"}:
            bad.append(f"{name} ({path.name}): {outcome.kind}: {outcome.detail}")
    assert bad == []


@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from(["", ".txt", ".pdf", ".xlsx", ".docx", ".html"]))
def test_any_bytes_under_any_suffix_read_or_refuse(tmp_path, data, suffix):
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    try:
        read_document(path)
    except UnreadableInput as exc:
        assert "\n" not in str(exc) and str(exc).startswith(str(path))


@settings(FUZZ, max_examples=20)
@given(number=st.sampled_from(["000", "001", "002", "003", "004"]), salt=st.integers(0, 2**32))
def test_seed_reports_with_damaged_lines_end_in_a_valid_package_or_a_refusal(tmp_path, number, salt):
    import random

    how, text = damage_lines(seed(number).read_text(encoding="utf-8"), random.Random(salt))
    path = tmp_path / f"{number}-{salt}.txt"
    path.write_text(text, encoding="utf-8")
    outcome = convert_case(path, tmp_path / "out")
    assert outcome.kind in {"package", "refused"}, f"{how}: {outcome.detail}"


spans = st.builds(Span, st.text(string.digits + "合计", max_size=3), st.integers(-3, 2_000), st.integers(-3, 70_000))


@FUZZ
@given(rows=st.lists(st.lists(spans, max_size=6), max_size=8))
def test_span_expansion_is_rectangular_keeps_every_text_once_or_refuses(rows):
    try:
        with limits.raised(max_table_cells=50_000, max_columns=50_000):
            grid = expand_spans(rows)
    except limits.LimitExceeded as exc:
        assert "raise JUESUAN_LIMIT_" in str(exc)
        return
    assert len(grid) == len(rows)
    assert len({len(row) for row in grid}) <= 1
    placed = sorted(text for row in grid for text in row if text)
    assert placed == sorted(span.text for row in rows for span in row if span.text)


@FUZZ
@given(
    value=st.decimals(allow_nan=False, allow_infinity=False, min_value=Decimal("-1e300"), max_value=Decimal("1e300"),
                      places=None).filter(lambda d: abs(d.adjusted()) < 300),
    decimals=st.integers(0, 6),
    thousands=st.booleans(),
)
def test_excel_decimal_formats_print_the_value_rounded_half_up_exactly(value, decimals, thousands):
    fmt = ("#,##0" if thousands else "0") + ("." + "0" * decimals if decimals else "")
    shown = render_number(value, fmt)
    from decimal import ROUND_HALF_UP, localcontext

    with localcontext() as context:
        context.prec = 1000
        expected = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        assert Decimal(shown.replace(",", "")) == expected
    assert ("," in shown) == (thousands and abs(expected) >= 1000)


@pytest.fixture(scope="module")
def extraction():
    return convert_file(seed("001"))


@settings(FUZZ, max_examples=60)
@given(text=st.text(max_size=300), section=st.text(max_size=20))
def test_what_is_written_reads_back_as_validated(extraction, text, section):
    row = extraction.resources["narrative"][0]
    saved = dict(row)
    row.update(text=text, section=section)
    try:
        files = package_files(extraction)
    except InvalidRecords as exc:
        assert text == "" or section == "" or "\n" not in str(exc)
        return
    finally:
        row.update(saved)
    written = read_csv_text("narrative", files["narrative.csv"])[0]
    as_written = [value.replace("\r\n", "\n").replace("\r", "\n") or None for value in (text, section)]
    assert [written["text"], written["section"]] == as_written
    assert text != "" and section != ""  # a required field that would read back as null is refused before writing
