"""Every rendering of a report gives the reference's figures or leaves them out with a finding — never others.

Renderings are generated here (cached per session): the Putuo PDF through pdftotext -layout / raw, pdfplumber and
PDFium text; each text seed re-rendered as a PDF with reportlab, then read as PDF and through the same four tools.
The minimum counts of equal figures keep the tests from passing by reading nothing.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from conftest import SAMPLES, seed

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from renderings import TABLE_RESOURCES, compare, figures, pdf_renderings, table_pdf  # noqa: E402

from converter.convert import convert_file  # noqa: E402
from converter.specs.tables import TABLES  # noqa: E402

PUTUO = SAMPLES / "shanghai-putuo-czj-2024.pdf"
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

# Equal figures each rendering must reach (measured; a regression fails, an improvement may raise them).
MINIMUM_EQUAL = {
    "putuo": {"pdftotext-layout": 195, "pdfplumber": 192, "pdfium": 193, "pdftotext-raw": 0},
    "000": {"pdf": 74, "pdftotext-layout": 74, "pdfplumber": 72, "pdfium": 72, "pdftotext-raw": 46},
    "001": {"pdf": 249, "pdftotext-layout": 249, "pdfplumber": 246, "pdfium": 246, "pdftotext-raw": 187},
    "002": {"pdf": 607, "pdftotext-layout": 607, "pdfplumber": 607, "pdfium": 607, "pdftotext-raw": 440},
    "003": {"pdf": 145, "pdftotext-layout": 145, "pdfplumber": 145, "pdfium": 145, "pdftotext-raw": 58},
}
RESOURCE_TABLE = {spec.resource: table_id for table_id, spec in TABLES.items()}


@pytest.fixture(scope="session")
def rendering_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("renderings")


def mismatches(extraction) -> set[tuple[str, str | None]]:
    return {(f.rule_id, f.location) for f in extraction.findings if f.status == "mismatch"}


REFERENCE_MISMATCHES: dict[str, set] = {}


def _references(report: str, cache: Path) -> tuple[dict, dict[str, Path]]:
    if report == "putuo":
        reference = convert_file(PUTUO)
        REFERENCE_MISMATCHES[report] = mismatches(reference)
        return figures(reference.resources), pdf_renderings(PUTUO, cache)
    reference = convert_file(seed(report))
    REFERENCE_MISMATCHES[report] = mismatches(reference)
    pdf = table_pdf(reference.report, reference.resources, cache / f"{report}.pdf")
    return figures(reference.resources), pdf_renderings(pdf, cache)


def _cases() -> list[tuple[str, str]]:
    # pdftotext raw prints in content-stream order, one cell per line: the cells are regrouped into rows
    # (converter.layouts.cell_lines) and paired by the tables' identities, never into a wrong figure.
    return [(report, rendering) for report, floors in MINIMUM_EQUAL.items() for rendering in floors]


@needs_pdftotext
@pytest.mark.parametrize(("report", "rendering"), _cases())
def test_a_rendering_gives_the_reference_figures_or_leaves_them_out(rendering_cache, report, rendering):
    reference, files = _references(report, rendering_cache)
    extraction = convert_file(files[rendering])
    result = compare(reference, figures(extraction.resources))
    assert result["different"] == []
    assert len(result["equal"]) >= MINIMUM_EQUAL[report].get(rendering, 0)
    # An absent figure is explained: its table carries an EXTRACT finding or was not read as found.
    status = {row["table_id"]: row["status"] for row in extraction.rows("report_tables")}
    explained = {f.tables for f in extraction.findings if f.rule_id == "EXTRACT"}
    for resource, _row, _column in result["absent"]:
        table_id = RESOURCE_TABLE[resource]
        assert table_id in explained or status.get(table_id) != "found" or resource not in TABLE_RESOURCES, (
            resource, _row, _column)
    # A figure left out is never read as 0 by the checks: no mismatch the reference conversion does not also have.
    assert mismatches(extraction) - REFERENCE_MISMATCHES[report] == set()
