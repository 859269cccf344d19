"""Turn a TableBlock of RawRows into schema records, one builder per table family.

Builders never invent a figure: a cell that is not an amount becomes a finding and stays out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from converter import registry
from converter.model import Extraction, Finding, RawRow, Record, TableBlock, unplaced
from converter.normalize import clean_label, code_level, parent_code, parse_amount
from converter.specs.tables import (
    T08_SHANGHAI_COLUMNS,
    T09_COLUMNS_WITH_MEETING_TRAINING,
    T10_LINE_KEYS,
    T10_UNITS,
    TABLES,
    TableSpec,
    function_category_key,
    item_key_for,
)

PERSONNEL_CLASSES = {"301", "303"}


def _amounts(extraction: Extraction, block: TableBlock, row: RawRow, columns: tuple[str, ...]) -> Record:
    """Map a row's cells onto columns; unreadable or surplus cells become findings."""
    values: Record = {column: None for column in columns}
    cells = list(row.cells)
    if len(cells) > len(columns):
        extraction.findings.append(_unplaced(block, row, f"{len(cells)} cells for {len(columns)} columns"))
        cells = cells[: len(columns)]
    for column, cell in zip(columns, cells):
        try:
            values[column] = parse_amount(cell)
        except ValueError:
            extraction.findings.append(_unplaced(block, row, f"cell {cell!r} of column {column} is not an amount"))
    return values


def _unplaced(block: TableBlock, row: RawRow, why: str) -> Finding:
    return unplaced(block.table_id, row.code or row.label or "", why, page=row.source_page, line_no=row.source_line)


def _with_cells(
    extraction: Extraction, block: TableBlock, row: RawRow, record: Record, columns: tuple[str, ...]
) -> Record:
    """The record completed with the row's cells on `columns` and its source page and line."""
    record.update(_amounts(extraction, block, row, columns))
    record.update(source_page=row.source_page, source_line=row.source_line)
    return record


def _two_block(extraction: Extraction, block: TableBlock, spec: TableSpec) -> list[Record]:
    records = []
    parent_key: dict[str | None, str | None] = {}  # per side: the carry-over row whose sub-rows follow
    for row in block.rows:
        label = clean_label(row.label or "")
        key = function_category_key(label) if row.side == "expense" else None
        key = key or item_key_for(spec, label)
        if spec.table_id == "T04" and key in {"general_budget", "government_fund", "state_capital"}:
            if parent_key.get(row.side) in {"carryover_begin", "carryover_end"}:
                key = f"{parent_key[row.side]}_{key}"
        elif key is not None:
            parent_key[row.side] = key if key in {"carryover_begin", "carryover_end"} else None
        columns = spec.columns if row.side == "expense" else spec.income_columns
        record = {"side": row.side, "line_no": row.line_no, "item": label, "item_key": key}
        record = _with_cells(extraction, block, row, record, columns)
        if spec.table_id == "T04":
            record = {"general_budget": None, "government_fund": None, "state_capital": None, **record}
        records.append(record)
    return records


@cache
def _code_pattern(resource: str, field: str) -> re.Pattern[str]:
    """The code pattern the resource's schema demands (the schema is the source of truth)."""
    return re.compile(registry.schema(resource)["properties"][field]["pattern"])


def _foreign_code(extraction: Extraction, block: TableBlock, spec: TableSpec, row: RawRow, field: str) -> bool:
    """True (and a finding) when a row's code cannot belong to this table, e.g. a stray line of another table."""
    if row.code is None or _code_pattern(spec.resource, field).match(row.code):
        return False
    extraction.findings.append(_unplaced(block, row, f"code {row.code!r} does not belong in {block.table_id}"))
    return True


def _coded(extraction: Extraction, block: TableBlock, spec: TableSpec) -> list[Record]:
    columns = spec.columns
    if spec.table_id == "T08" and block.columns and tuple(block.columns) == T08_SHANGHAI_COLUMNS:
        columns = T08_SHANGHAI_COLUMNS
    records = []
    for row in block.rows:
        if _foreign_code(extraction, block, spec, row, "code"):
            continue
        record: Record = {
            "code": row.code,
            "name": clean_label(row.label or ""),
            "level": code_level(row.code),
            "parent_code": parent_code(row.code),
        }
        if spec.table_id == "T08":
            record.update({c: None for c in T08_SHANGHAI_COLUMNS})
        records.append(_with_cells(extraction, block, row, record, columns))
    return records


def _econ(extraction: Extraction, block: TableBlock, spec: TableSpec) -> list[Record]:
    records = []
    for row in block.rows:
        if _foreign_code(extraction, block, spec, row, "econ_code"):
            continue
        label = clean_label(row.label or "")
        if row.code:
            class_code = row.code[:3]
            category = "personnel" if class_code in PERSONNEL_CLASSES else "public"
            level = "类" if len(row.code) == 3 else "款"
        else:
            class_code = None
            category = "personnel" if "人员经费" in label else "public"
            level = "total"
        record = {
            "econ_code": row.code,
            "econ_name": label,
            "level": level,
            "class_code": class_code,
            "category": category,
        }
        records.append(_with_cells(extraction, block, row, record, ("amount",)))
    return sorted(records, key=_econ_order)


def _econ_order(record: Record) -> tuple:
    """One order for every rendering, whichever way its groups were printed (side by side, in columns, one per
    line): 人员经费 classes, then 公用经费 classes, each by code; the footer totals last, 人员经费合计 first."""
    if record["econ_code"] is None:
        return (2, record["category"] != "personnel")
    return (record["category"] != "personnel", record["econ_code"])


def _three_public(extraction: Extraction, block: TableBlock, spec: TableSpec) -> list[Record]:
    records = []
    for row in block.rows:
        columns = T09_COLUMNS_WITH_MEETING_TRAINING if len(row.cells) == 8 else spec.columns
        record: Record = {"measure": row.side}
        record.update({c: None for c in T09_COLUMNS_WITH_MEETING_TRAINING})
        records.append(_with_cells(extraction, block, row, record, columns))
    return records


def _stats(extraction: Extraction, block: TableBlock, spec: TableSpec) -> list[Record]:
    records = []
    for row in block.rows:
        label = clean_label(row.label or "")
        key = T10_LINE_KEYS.get(row.line_no) if row.line_no else None
        key = key or item_key_for(spec, label)
        if key is None:
            extraction.findings.append(_unplaced(block, row, f"unknown T10 item {label!r}"))
            continue
        unit = next(u for prefix, u in T10_UNITS.items() if key.startswith(prefix))
        unit = block.unit if unit == "万元" and block.unit else unit  # amounts in the unit the header states
        record = {"item_key": key, "item": label, "line_no": row.line_no, "unit": unit, "origin": "table"}
        records.append(_with_cells(extraction, block, row, record, ("value",)))
    return records


BUILDERS: dict[str, Callable[[Extraction, TableBlock, TableSpec], list[Record]]] = {
    "two_block": _two_block,
    "coded": _coded,
    "econ": _econ,
    "three_public": _three_public,
    "stats": _stats,
}


def build_table(extraction: Extraction, block: TableBlock) -> list[Record]:
    """Records of one located table (without report_id/row_no, which the package writer adds)."""
    spec = TABLES[block.table_id]
    extraction.findings.extend(block.findings)
    if block.status not in {"found", "empty"}:
        return []
    return _complete(extraction, block, spec, BUILDERS[spec.family](extraction, block, spec))


def _complete(extraction: Extraction, block: TableBlock, spec: TableSpec, records: list[Record]) -> list[Record]:
    """The records holding every field their schema requires; a row printed without one (a blank name cell) is
    left out with a finding, never written as an empty value that reads back as null."""
    kept = []
    for record in records:
        missing = registry.missing_required(spec.resource, record)
        if not missing:
            kept.append(record)
            continue
        where = record.get("code") or record.get("econ_code") or f"line {record.get('source_line')}"
        extraction.findings.append(unplaced(
            block.table_id, str(where), f"行缺少{'、'.join(missing)}", f"row without {', '.join(missing)}",
            page=record.get("source_page"), line_no=record.get("source_line"),
        ))
    return kept
