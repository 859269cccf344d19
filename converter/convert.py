"""The conversion pipeline: a report file → an Extraction holding every entity it prints."""

from __future__ import annotations

from pathlib import Path, PurePath

from converter.checks import run_checks
from converter.checks.completeness import assess
from converter.document import Document
from converter.layouts import generic
from converter.locate import find_sections
from converter.metadata import report_metadata
from converter.model import Extraction, Finding, TableBlock
from converter.narrative import extract_narrative
from converter.performance import extract_performance
from converter.readers import UnreadableInput, read_document
from converter.specs.tables import TABLES
from converter.tables import build_table
from converter.tables.other import other_table_cells, unplaced_cells
from converter.units import assign_units, report_unit

REPORT_WORDS = ("决算", "财政拨款", "三公", "万元", "预算", "基本支出", "项目支出")
ALWAYS_EXPECTED = tuple(f"T0{n}" for n in range(1, 10))  # T10 is regional (Shanxi)


class NotAReport(UnreadableInput):
    """The file was read, but it is not a final-accounts report."""


def _looks_like_report(doc: Document) -> bool:
    text = doc.text
    return sum(1 for word in REPORT_WORDS if word in text) >= 4 and text.count("决算") >= 3


def _table_blocks(doc: Document, extraction: Extraction) -> list[TableBlock]:
    if not find_sections(doc):
        extraction.report["layout"] = "narrative-only"
        return []
    blocks = generic.read_tables(doc)
    extraction.report["layout"] = generic.NAME
    assign_units(doc, blocks)
    return blocks


def _record_tables(extraction: Extraction, blocks: list[TableBlock]) -> None:
    by_id = {block.table_id: block for block in blocks}
    expected = list(ALWAYS_EXPECTED) + (["T10"] if "T10" in by_id or extraction.report.get("province") == "山西省"
                                        else [])
    for table_id in sorted(set(expected) | set(by_id)):
        block = by_id.get(table_id)
        if block is None:
            block = TableBlock(table_id=table_id, status="absent", note="表格未出现在文本中（可能为图片）")
        records = build_table(extraction, block)
        for record in records:
            extraction.add(TABLES[table_id].resource, record)
        extraction.add("report_tables", {
            "table_id": table_id, "title": block.title, "number_label": block.number_label,
            "status": block.status, "row_count": len(records), "note": block.note,
            "source_page": block.source_page, "source_line": block.source_line, "amount_unit": block.unit,
        })
    statuses = {status: [r["table_id"] for r in extraction.rows("report_tables") if r["status"] == status]
                for status in ("found", "empty", "absent", "unreadable")}
    for status in ("found", "empty", "absent"):
        extraction.report[f"tables_{status}"] = ",".join(statuses[status]) or None
    extraction.report["tables_unreadable"] = ",".join(statuses["unreadable"]) or None
    extraction.report["amount_unit"] = report_unit(block.unit for block in blocks if block.status == "found")


def extract(doc: Document) -> Extraction:
    """Every entity of a decoded document."""
    if not _looks_like_report(doc):
        raise NotAReport(f"{doc.source_file}: not a final-accounts report (no 决算 tables or narrative found)")
    extraction = Extraction(report=report_metadata(doc))
    if not extraction.report["department"]:
        # Never refused for that alone: the file name stands in, and a finding says so.
        extraction.report["department"] = PurePath(doc.source_file).stem
        extraction.findings.append(Finding(
            rule_id="METADATA", status="not_checkable", severity="warning", tables=None, location="reports.department",
            message_zh="报告中未找到部门（单位）名称（封面、标题、部门名称栏、文件名），暂以文件名代替",
            message_en="No department or unit name found (cover, title line, name field, file name); the file name"
                       " stands in for it",
        ))
    extraction.findings.extend(doc.findings)
    blocks = _table_blocks(doc, extraction)
    _record_tables(extraction, blocks)
    for record in [cell for block in blocks for cell in unplaced_cells(block)] + other_table_cells(doc):
        extraction.add("table_cells", record)
    extract_narrative(doc, extraction)
    extract_performance(doc, extraction)
    completeness, extraction.report["disclosure_score"] = assess(
        {"reports": [extraction.report], **extraction.resources}
    )
    for record in completeness:
        extraction.add("disclosure_completeness", record)
    resources = {"reports": [extraction.report], **extraction.resources,
                 "findings": [finding.as_record() for finding in extraction.findings]}
    extraction.findings.extend(run_checks(resources))
    return extraction


def convert_file(path: str | Path) -> Extraction:
    """Read and extract one report file."""
    return extract(read_document(path))
