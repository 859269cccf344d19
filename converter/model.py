"""What a converter extracts from one report, before it is written as a package.

Layout modules produce `TableBlock`s of `RawRow`s (tokenised cells, no semantics);
the table builders in `converter.tables` turn them into records keyed by schema field names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Record = dict[str, Any]


@dataclass
class RawRow:
    """One printed table row as tokenised by a layout reader.

    - Coded tables (T02, T03, T05, T07, T08): `code` (None on 合计 rows), `label` = name,
      `cells` = amounts in printed column order.
    - Two-block tables (T01, T04): one RawRow per side: `side` ('income'/'expense'), `line_no` (行次),
      `label` = item, `cells` = the amount cells of that side.
    - T06: one RawRow per code-name-amount group: `code` (None on 人员经费合计/公用经费合计), `label`,
      `cells` = [amount].
    - T09: one RawRow per measure ('budget'/'actual' in `side`), `cells` = the 6 (or 8) amounts in printed order.
    - T10: `line_no`, `label`, `cells` = [value].
    Cells hold the printed text (e.g. "2,502.70", "0.00", "────") or None for a blank cell.
    """

    cells: list[str | None]
    source_line: int
    source_page: int | None = None
    label: str | None = None
    code: str | None = None
    line_no: int | None = None
    side: str | None = None


@dataclass
class TableBlock:
    """One standard table as located in a report."""

    table_id: str  # T01 … T10
    status: str  # found | empty | absent
    title: str | None = None
    number_label: str | None = None  # 公开01表, 表一 …
    note: str | None = None  # empty statement, or why absent
    rows: list[RawRow] = field(default_factory=list)
    source_line: int | None = None
    source_page: int | None = None
    columns: list[str] | None = None  # column keys in printed order, when the layout knows them
    findings: list[Finding] = field(default_factory=list)  # cells the layout could not place (EXTRACT)
    unit: str | None = None  # amount unit its header states (单位：万元 → 万元), see converter.units
    # The printed values behind those findings (row_label, column_index, value, line), kept in `table_cells`.
    loose_cells: list[dict] = field(default_factory=list)


@dataclass
class Finding:
    """A quality finding (a check result, or something the converter could not read)."""

    rule_id: str
    status: str  # ok | rounding | mismatch | not_checkable | info
    message_zh: str
    message_en: str
    tables: str | None = None
    location: str | None = None
    expected: str | None = None
    actual: str | None = None
    difference: str | None = None
    severity: str | None = None
    source_page: int | None = None
    source_line: int | None = None

    def as_record(self) -> Record:
        return {k: v for k, v in self.__dict__.items()}


@dataclass
class Extraction:
    """Everything read from one report: metadata, records per resource, findings."""

    report: Record
    resources: dict[str, list[Record]] = field(default_factory=dict)
    tables: list[TableBlock] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def add(self, resource: str, record: Record) -> None:
        self.resources.setdefault(resource, []).append(record)

    def rows(self, resource: str) -> list[Record]:
        return self.resources.get(resource, [])


def unplaced(
    table_id: str,
    where: str,
    why_zh: str,
    why_en: str | None = None,
    page: int | None = None,
    line_no: int | None = None,
) -> Finding:
    """An EXTRACT finding: a cell left out because it could not be placed with certainty (`why_en` defaults to zh)."""
    return Finding(
        rule_id="EXTRACT",
        status="not_checkable",
        severity="warning",
        tables=table_id,
        location=f"{table_id} {where}".strip(),
        message_zh=f"无法确定单元格位置，未提取：{why_zh}",
        message_en=f"Cell could not be placed with certainty and was left out: {why_zh if why_en is None else why_en}",
        source_page=page,
        source_line=line_no,
    )
