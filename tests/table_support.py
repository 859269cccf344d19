"""Helpers shared by the table tests: build a block into records, project fields, make a small text document."""

from __future__ import annotations

from converter.document import Document, Line
from converter.layouts import generic
from converter.model import Extraction, Finding, TableBlock
from converter.specs.tables import CODED_COLUMNS, TABLES
from converter.tables import build_table

CODED_FIELDS = ("code", "name", "level", "parent_code")
TWO_BLOCK_FIELDS = ("side", "line_no", "item", "item_key")
T01_FIELDS = TWO_BLOCK_FIELDS + TABLES["T01"].columns
T04_COLUMNS = TABLES["T04"].columns
T04_INCOME_FIELDS = TWO_BLOCK_FIELDS + TABLES["T04"].income_columns
T04_EXPENSE_FIELDS = TWO_BLOCK_FIELDS + T04_COLUMNS
T02_COLUMNS = CODED_COLUMNS["T02"]
T03_COLUMNS = CODED_COLUMNS["T03"]
T05_COLUMNS = CODED_COLUMNS["T05"]
T07_COLUMNS = CODED_COLUMNS["T07"]
T08_COLUMNS = CODED_COLUMNS["T08"]
T09_COLUMNS = TABLES["T09"].columns


def built(block: TableBlock) -> tuple[list[dict], Extraction]:
    """The block's records and the extraction that collected the findings of building them."""
    extraction = Extraction(report={})
    return build_table(extraction, block), extraction


def located(block: TableBlock) -> tuple[str | None, str | None, int | None]:
    """Where a table was found: its printed title, number label and title line."""
    return block.title, block.number_label, block.source_line


def project(records: list[dict], fields: tuple[str, ...]) -> list[tuple]:
    return [tuple(record[field] for field in fields) for record in records]


def without(records: list[dict], *fields: str) -> list[dict]:
    return [{k: v for k, v in record.items() if k not in fields} for record in records]


def extract_findings(extraction: Extraction) -> list[Finding]:
    return [finding for finding in extraction.findings if finding.rule_id == "EXTRACT"]


def econ_record(code: str | None, name: str, category: str, amount: str | None) -> dict:
    """A T06 record as built: a 类/款 row by its code, a footer total (no code) by its name."""
    return {
        "econ_code": code,
        "econ_name": name,
        "level": ("类" if len(code) == 3 else "款") if code else "total",
        "class_code": code[:3] if code else None,
        "category": category,
        "amount": amount,
    }


def text_document(*texts: str) -> Document:
    """A plain-text document of the given lines, numbered from 1."""
    lines = [Line(text=text, line_no=number) for number, text in enumerate(texts, start=1)]
    return Document(lines=lines, source_file="x.txt", source_sha256="0" * 64, source_format="txt")


def read_tables(doc: Document, findings: list[Finding] | None = None) -> list[TableBlock]:
    """The generic reader's blocks of `doc`; their findings are also appended to `findings` when given."""
    blocks = generic.read_tables(doc)
    if findings is not None:
        findings.extend(finding for block in blocks for finding in block.findings)
    return blocks
