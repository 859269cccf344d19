"""`metadata.yml`: hand-written site settings plus table and column descriptions generated from the JSON Schemas.

`python -m converter.site.metadata` refreshes the generated parts of the top-level metadata.yml in place (titles,
descriptions, columns, full-text search settings) and keeps everything else (facets, sorts, canned queries, charts).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

from converter import registry
from converter.site import summaries
from converter.site.database import FTS_COLUMNS, REPORT_EXTRA, REPORT_FIELDS
from converter.site.plugin import SCALE_COLUMN
from converter.specs.tables import TABLES

DB_NAME = "juesuan"
METADATA_PATH = registry.SCHEMA_DIR.parent / "metadata.yml"
SITE_COLUMNS = {
    SCALE_COLUMN: "印刷小数位 — Printed decimal places of this row's amounts (scale:columns; the site displays each"
    " amount with them).",
    "label": "报告名称 — Department and year, shown wherever a row links to its report.",
    "package_folder": "数据包 — The report's Frictionless data package (datapackage.json and one CSV per resource).",
    "package_zip": "数据包压缩文件 — The report's data package as a zip file.",
    "report_level": "公开主体 — 部门 (department, consolidated) or 单位 (single unit), from the report.",
    "amount_unit": "金额单位 — Unit of this table's amounts as its header prints it (万元, 元 …); the report's unit"
    " when the table states none.",
}
RULE_COLUMNS = {
    "rule_id": "规则编号 — Rule id, as in findings.rule_id.",
    "rule_group": "类别 — intra (within a table), structure, cross (across tables), narrative, performance, converter.",
    "description_zh": "规则（中文）",
    "description_en": "Rule (English).",
    "tables": "涉及表 — Tables the rule reads.",
    "tolerance": "容差 — When a difference counts as rounding.",
    "severity": "严重程度 — Severity of a mismatch: error or warning.",
}
CODE_TABLES = {
    "function_codes": ("支出功能分类科目", "Functional classification codes (类 3, 款 5, 项 7 digits)."),
    "economic_codes": ("支出经济分类科目", "Economic classification codes (类 3, 款 5 digits), 人员经费/公用经费."),
}


def column_text(prop: dict[str, Any]) -> str:
    """'合计（万元） — Total (万元). …': the Chinese title, then the English description (units in both)."""
    return f"{prop.get('title', '')} — {prop.get('description', '')}".strip(" —")


def resource_columns(resource: str) -> dict[str, str]:
    columns = {name: column_text(prop) for name, prop in registry.schema(resource)["properties"].items()}
    if resource == "reports":
        columns.update({name: SITE_COLUMNS[name] for name in REPORT_EXTRA})
    if registry.decimal_fields(resource):
        columns[SCALE_COLUMN] = SITE_COLUMNS[SCALE_COLUMN]
    return columns


def generated_tables() -> dict[str, dict[str, Any]]:
    """Title, description, columns (and FTS settings) of every table and view, from the schemas."""
    tables: dict[str, dict[str, Any]] = {}
    reports = resource_columns("reports")
    for resource in registry.resource_names():
        doc = registry.schema(resource)
        entry: dict[str, Any] = {
            "title": f"{doc['title']} ({resource})",
            "description": f"{doc['title']}。{doc['description']} 金额单位：万元 (amounts in 10,000 yuan) unless the"
            " table's header states another unit (report_tables.amount_unit, the view's amount_unit column).",
            "columns": resource_columns(resource),
        }
        if resource in FTS_COLUMNS:  # rowid: a search is shown in load order (plugin.search_in_load_order)
            entry.update({"fts_table": f"{resource}_fts", "fts_pk": "rowid"})
            entry["sortable_columns"] = ["rowid", *entry["columns"]]
        tables[resource] = entry
        if resource != "reports":
            view_columns = {name: reports[name] for name in REPORT_FIELDS}
            view_columns["report_level"] = SITE_COLUMNS["report_level"]
            if any(spec.resource == resource for spec in TABLES.values()):
                view_columns["amount_unit"] = SITE_COLUMNS["amount_unit"]
            view_columns.update(entry["columns"])
            tables[f"{resource}_view"] = {
                "title": f"{doc['title']}（含部门、地区、年度） ({resource}_view)",
                "description": f"{doc['title']}, each row with its report's department, region and year (a view).",
                "columns": view_columns,
            }
    for name, (title, description) in CODE_TABLES.items():
        tables[name] = {"title": f"{title} ({name})", "description": f"{title}。{description}"}
    for summary in summaries.SUMMARIES:
        tables[summary.name] = {
            "title": f"{summary.title} ({summary.name})",
            "description": summary.description,
            "columns": {name: text for name, (_, text) in summary.columns.items()},
        }
    tables["rules"] = {
        "title": "核对规则 (rules)",
        "description": "核对规则：findings 表中每个 rule_id 的含义、涉及的表、容差与严重程度。What each rule_id of the"
        " findings means: the identity checked, the tables it reads, its tolerance and severity.",
        "columns": RULE_COLUMNS,
    }
    return tables


def refresh(metadata: dict[str, Any]) -> dict[str, Any]:
    """The metadata with its generated parts replaced; hand-written keys of each table are kept."""
    database = metadata.setdefault("databases", {}).setdefault(DB_NAME, {})
    tables = database.setdefault("tables", {})
    for name, generated in generated_tables().items():
        tables[name] = {**tables.get(name, {}), **generated}
    database["tables"] = dict(sorted(tables.items()))
    return metadata


def for_database(metadata: dict[str, Any], db_name: str) -> dict[str, Any]:
    """The metadata for a database file with another name than juesuan.db (keys and chart references renamed)."""
    if db_name == DB_NAME:
        return metadata
    text = json.dumps(metadata, ensure_ascii=False)
    renamed = json.loads(text.replace(f'href=\\"/{DB_NAME}/', f'href=\\"/{db_name}/'))
    renamed["databases"] = {db_name if k == DB_NAME else k: v for k, v in renamed["databases"].items()}
    for dashboard in (renamed.get("plugins", {}).get("datasette-dashboards") or {}).values():
        for part in (*dashboard.get("charts", {}).values(), *dashboard.get("filters", {}).values()):
            if part.get("db") == DB_NAME:
                part["db"] = db_name
    return renamed


def load(path: Path = METADATA_PATH) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(metadata: dict[str, Any]) -> str:
    return yaml.dump(metadata, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)


def main(argv: list[str] | None = None) -> int:
    path = Path((argv or sys.argv[1:] or [str(METADATA_PATH)])[0])
    path.write_text(dump(refresh(load(path))), encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
