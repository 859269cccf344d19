"""The plugin's pages: a report as printed (/report/<id>), comparisons (/compare…) and the download folder (/files/…).

Every query is keyed by report_id (the leading primary-key column of every table) or by an indexed column, so a page
costs a few index look-ups whatever the number of reports.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from datasette.utils.asgi import NotFound, Response, asgi_static
from markupsafe import Markup, escape

from . import FILES_MOUNT, SCALE_COLUMN, VALUE_ZH, column_labels, parse_scales, printed, zh_label
from .charts import bar_chart

STANDARD_TABLES = [
    ("T01", "income_expense_summary"),
    ("T02", "income_by_function"),
    ("T03", "expense_by_function"),
    ("T04", "fiscal_summary"),
    ("T05", "general_budget_expense"),
    ("T06", "basic_expense_detail"),
    ("T07", "government_fund"),
    ("T08", "state_capital_expense"),
    ("T09", "three_public"),
    ("T10", "disclosure_stats"),
]
# Columns a printed table does not show (keys, derived classifications, provenance, internal).
NOT_PRINTED = {"report_id", "row_no", "level", "parent_code", "class_code", "category", "item_key", "side", "origin",
               "source_page", "source_line", SCALE_COLUMN}  # fmt: skip
ROW_KEYS = ("code", "econ_code", "item_key", "name", "item", "econ_name", "measure")
INLINE_STATUSES = ("mismatch", "rounding")
COMPARE_LINES: dict[str, tuple[str, str, str, str]] = {
    # key: (Chinese label, resource, column, condition)
    "three_public_total": ("“三公”经费合计（决算数）", "three_public", "total", "measure = 'actual'"),
    "official_reception": ("公务接待费（决算数）", "three_public", "official_reception", "measure = 'actual'"),
    "vehicle_total": ("公务用车购置及运行维护费（决算数）", "three_public", "vehicle_total", "measure = 'actual'"),
    "overseas_travel": ("因公出国（境）费（决算数）", "three_public", "overseas_travel", "measure = 'actual'"),
    "total_income": ("本年收入合计", "income_expense_summary", "amount", "item_key = 'total_income'"),
    "total_expense": ("本年支出合计", "income_expense_summary", "amount", "item_key = 'total_expense'"),
    "personnel": ("人员经费合计", "basic_expense_detail", "amount", "level = 'total' and category = 'personnel'"),
    "public": ("公用经费合计", "basic_expense_detail", "amount", "level = 'total' and category = 'public'"),
}
REGION_LIMIT = 200


async def juesuan_database(datasette) -> str:
    """The name of the first database holding a `reports` table."""
    for name, db in datasette.databases.items():
        if name != "_internal" and await db.table_exists("reports"):
            return name
    raise NotFound("no juesuan database")


def files_root(datasette) -> Path | None:
    """The download folder: a `files` static mount, or `<db>_files` beside the first file database."""
    for mount, folder in datasette.static_mounts:
        if mount == FILES_MOUNT:
            return Path(folder)
    for db in datasette.databases.values():
        if db.path:
            folder = Path(db.path).with_name(f"{Path(db.path).stem}_files")
            if folder.is_dir():
                return folder
    return None


def source_href(datasette, report: dict[str, Any]) -> str | None:
    """URL of the report's source file when the download folder carries it (`sources/<report_id>/<source_file>`)."""
    root = files_root(datasette)
    name = Path(report.get("source_file") or "").name
    relative = f"sources/{report['report_id']}/{name}"
    if root and name and (root / relative).is_file():
        return datasette.urls.path(f"/{FILES_MOUNT}/{quote(relative)}")
    return None


def page_ref(row: dict[str, Any], source: str | None, is_pdf: bool) -> Markup:
    """Where a row was printed: a link to its PDF page when the source is downloadable, else the page or line."""
    page, line = row.get("source_page"), row.get("source_line")
    if page and source and is_pdf:
        return Markup(f'<a class="page-link" href="{escape(source)}#page={int(page)}">第{int(page)}页</a>')
    if page:
        return Markup(f"第{int(page)}页")
    return Markup(f'<span title="来源文本第 {int(line)} 行">第{int(line)}行</span>') if line else Markup("")


def finding_text(finding: dict[str, Any]) -> str:
    status = VALUE_ZH["status"].get(finding["status"], finding["status"])
    return f"【{status}】{finding['message_zh'] or finding['message_en'] or ''}"


def row_keys(row: dict[str, Any]) -> set[str]:
    return {str(row[key]) for key in ROW_KEYS if row.get(key) not in (None, "")}


def display_value(column: str, value: Any, scales: dict[str, int]) -> str:
    if column in VALUE_ZH and isinstance(value, str):
        return VALUE_ZH[column].get(value, value)
    return printed(value, scales.get(column))


async def rows_of(db, resource: str, report_id: str, order: str = "row_no") -> list[dict[str, Any]]:
    result = await db.execute(f"select * from [{resource}] where report_id = ? order by {order}", [report_id])
    return [dict(row) for row in result.rows]


def table_section(table_id: str, resource: str, meta: dict, rows: list[dict], findings: dict, context: dict) -> dict:
    """One standard table as printed: Chinese column labels, rows with their printed decimals and findings."""
    described = meta.get("columns") or {}
    columns = [name for name in rows[0] if name not in NOT_PRINTED] if rows else []
    columns = [name for name in columns if any(row.get(name) not in (None, "") for row in rows)]  # printed ones
    labels = {
        name: zh_label(described[name], name) if name in described else context["labels"].get(name, name)
        for name in columns
    }
    shown = []
    for row in rows:
        scales = parse_scales(row.get(SCALE_COLUMN))
        matched = [f for key in row_keys(row) for f in findings.pop((table_id, key), [])]
        shown.append(
            {
                "group": VALUE_ZH["side"].get(row.get("side") or "", ""),
                "level": row.get("level") or "",
                "cells": [
                    (display_value(name, row.get(name), scales), isinstance(row.get(name), int | float))
                    for name in columns
                ],
                "findings": [finding_text(f) for f in matched],
                "status": "mismatch" if any(f["status"] == "mismatch" for f in matched) else "",
                "page": page_ref(row, context["source"], context["is_pdf"]),
            }
        )
    return {
        "id": table_id,
        "resource": resource,
        "title": meta.get("title", resource).split(" (")[0],
        "columns": [{"name": name, "label": labels.get(name, name)} for name in columns],
        "rows": shown,
        "csv": context["package"] + f"/{resource}.csv",
        "table_url": context["table_url"](resource),
    }


async def report_page(datasette, request):
    report_id = request.url_vars["report_id"]
    database = await juesuan_database(datasette)
    db = datasette.get_database(database)
    found = await rows_of(db, "reports", report_id, order="report_id")
    if not found:
        raise NotFound(f"no report {report_id}")
    report = found[0]
    tables_meta = ((datasette.metadata("databases") or {}).get(database) or {}).get("tables", {})
    findings_rows = await rows_of(db, "findings", report_id)
    inline: dict[tuple[str, str], list[dict]] = {}
    for finding in findings_rows:
        if finding["status"] in INLINE_STATUSES:
            parts = (finding["location"] or "").split(" ")
            table, key = (finding["tables"] or "").split(",")[0], parts[1] if len(parts) > 1 else ""
            if table == "PERF":
                key = parts[0]
            inline.setdefault((table, key), []).append(finding)
    source = source_href(datasette, report)
    package = datasette.urls.path(f"/{FILES_MOUNT}/packages/{report_id}")
    context = {
        "labels": column_labels(datasette, database),
        "source": source,
        "is_pdf": (report.get("source_format") or "").lower() == "pdf",
        "package": package,
        "table_url": lambda resource: datasette.urls.table(database, resource) + f"?report_id={report_id}",
    }
    statuses = {row["table_id"]: row for row in await rows_of(db, "report_tables", report_id)}
    sections = []
    for table_id, resource in STANDARD_TABLES:
        rows = await rows_of(db, resource, report_id)
        section = table_section(table_id, resource, tables_meta.get(resource, {}), rows, inline, context)
        state = statuses.get(table_id) or {}
        section["status"] = VALUE_ZH["status"].get(state.get("status") or "", state.get("status") or "未列出")
        section["number_label"] = state.get("number_label") or ""
        sections.append(section)
    quantities = await rows_of(db, "three_public_quantities", report_id)
    evaluations = await rows_of(db, "performance_evaluations", report_id, order="evaluation_id")
    indicators = await rows_of(db, "performance_indicators", report_id, order="evaluation_id, seq")
    for evaluation in evaluations:
        scales = parse_scales(evaluation.get(SCALE_COLUMN))
        evaluation["shown"] = {k: display_value(k, v, scales) for k, v in evaluation.items()}
        evaluation["findings"] = [finding_text(f) for f in inline.pop(("PERF", evaluation["evaluation_id"]), [])]
        evaluation["indicators"] = [
            {**i, "shown": {k: display_value(k, v, parse_scales(i.get(SCALE_COLUMN))) for k, v in i.items()}}
            for i in indicators
            if i["evaluation_id"] == evaluation["evaluation_id"]
        ]
        evaluation["page"] = page_ref(evaluation, source, context["is_pdf"])
    other = [f for f in findings_rows if f["status"] not in ("ok",) and not _inlined(f, sections, evaluations)]
    counts: dict[str, int] = {}
    for finding in findings_rows:
        label = VALUE_ZH["status"].get(finding["status"], finding["status"])
        counts[label] = counts.get(label, 0) + 1
    place = "".join(part for part in (report.get("province"), report.get("city"), report.get("county")) if part)
    heading = f"{report['department']} {report.get('year') or ''}年度决算" + (f" · {place}" if place else "")
    context_out = {
        "database": database,
        "report": report,
        "heading": heading,
        "sections": sections,
        "quantities": quantities[0] if quantities else None,
        "evaluations": evaluations,
        "other_findings": [{**f, "text": finding_text(f)} for f in other],
        "finding_counts": counts,
        "labels": context["labels"],
        "downloads": {
            "folder": f"{package}/datapackage.json",
            "zip": datasette.urls.path(f"/{FILES_MOUNT}/packages/{report_id}.zip"),
            "source": source,
        },
        "compare_url": datasette.urls.path("/compare/department") + "?department=" + quote(report["department"]),
        "row_url": datasette.urls.row(database, "reports", report_id),
        "completeness": _completeness(report),
    }
    return Response.html(await datasette.render_template("juesuan_report.html", context_out, request=request))


def _inlined(finding: dict, sections: list[dict], evaluations: list[dict]) -> bool:
    text = finding_text(finding)
    return any(text in row["findings"] for s in sections for row in s["rows"]) or any(
        text in e["findings"] for e in evaluations
    )


def _completeness(report: dict[str, Any]) -> list[tuple[str, str]]:
    names = [("tables_found", "已提取"), ("tables_empty", "空表"), ("tables_absent", "未公开"),
             ("tables_unreadable", "未能读取")]  # fmt: skip
    return [(label, report.get(key) or "—") for key, label in names]


async def line_values(db, key: str, report_ids: list[str]) -> dict[str, tuple[float | None, str]]:
    """report_id → (value, value as printed) of one comparison line."""
    _, resource, column, condition = COMPARE_LINES[key]
    marks = ", ".join("?" * len(report_ids))
    sql = (
        f"select report_id, [{column}] as value, {SCALE_COLUMN} from [{resource}]"
        f" where report_id in ({marks}) and {condition}"
    )
    result = await db.execute(sql, report_ids)
    return {row["report_id"]: (row["value"], printed(row["value"], parse_scales(row[SCALE_COLUMN]).get(column)))
            for row in result.rows}  # fmt: skip


async def code_values(db, code: str, report_ids: list[str]) -> dict[str, tuple[float | None, str]]:
    marks = ", ".join("?" * len(report_ids))
    result = await db.execute(
        f"select report_id, total, {SCALE_COLUMN} from expense_by_function where code = ? and report_id in ({marks})",
        [code, *report_ids],
    )
    return {row["report_id"]: (row["total"], printed(row["total"], parse_scales(row[SCALE_COLUMN]).get("total")))
            for row in result.rows}  # fmt: skip


async def compare_department(datasette, request):
    """One department across years: the main lines per year, a chart per line."""
    database = await juesuan_database(datasette)
    db = datasette.get_database(database)
    department = (request.args.get("department") or "").strip()
    reports = []
    if department:
        result = await db.execute(
            "select report_id, label, year, province, city, county from reports where department = ?"
            " order by year, report_id",
            [department],
        )
        reports = [dict(row) for row in result.rows]
    ids = [r["report_id"] for r in reports]
    lines = []
    for key, (label, *_rest) in COMPARE_LINES.items():
        values = await line_values(db, key, ids) if ids else {}
        bars = [(f"{r['year'] or '年度不详'}年", *values.get(r["report_id"], (None, ""))) for r in reports]
        lines.append({"label": label, "cells": [text for _, _, text in bars], "chart": bar_chart(label, bars)})
    context = {
        "database": database,
        "department": department,
        "reports": reports,
        "lines": lines,
        "departments": await _departments_with_years(db),
        "report_url": lambda rid: datasette.urls.path(f"/report/{rid}"),
    }
    return Response.html(await datasette.render_template("juesuan_compare_department.html", context, request=request))


async def _departments_with_years(db) -> list[str]:
    result = await db.execute(
        "select department from reports group by department having count(distinct year) > 1"
        " order by department limit 500"
    )
    return [row[0] for row in result.rows]


async def compare_region(datasette, request):
    """Departments of one region side by side for one table line, 三公 item or function code."""
    database = await juesuan_database(datasette)
    db = datasette.get_database(database)
    args = {name: (request.args.get(name) or "").strip() for name in ("province", "city", "county", "year", "line")}
    code = (request.args.get("code") or "").strip()
    line = args["line"] if args["line"] in COMPARE_LINES else "three_public_total"
    conditions, params = [], []
    for name in ("province", "city", "county", "year"):
        if args[name]:
            conditions.append(f"[{name}] = ?")
            params.append(int(args[name]) if name == "year" and args[name].isdigit() else args[name])
    where = " and ".join(conditions) or "1 = 1"
    result = await db.execute(
        f"select report_id, label, department, year from reports where {where} order by department, year"
        f" limit {REGION_LIMIT}",
        params,
    )
    reports = [dict(row) for row in result.rows]
    ids = [r["report_id"] for r in reports]
    label = f"支出功能分类 {code} 本年支出合计" if code else COMPARE_LINES[line][0]
    values = (await code_values(db, code, ids) if code else await line_values(db, line, ids)) if ids else {}
    rows = sorted(
        ((r, *values.get(r["report_id"], (None, ""))) for r in reports),
        key=lambda item: (item[1] is None, -(item[1] or 0)),
    )
    bars = [(r["label"], value, text) for r, value, text in rows]
    choices = {}
    for name in ("province", "city", "year"):
        found = await db.execute(f"select distinct [{name}] from reports where [{name}] is not null order by 1")
        choices[name] = [row[0] for row in found.rows]
    context = {
        "database": database,
        "args": {**args, "line": line, "code": code},
        "label": label,
        "rows": rows,
        "chart": bar_chart(label, bars) if reports else Markup(""),
        "lines": {key: value[0] for key, value in COMPARE_LINES.items()},
        "choices": choices,
        "limit": REGION_LIMIT,
        "report_url": lambda rid: datasette.urls.path(f"/report/{rid}"),
    }
    return Response.html(await datasette.render_template("juesuan_compare_region.html", context, request=request))


async def schemas_page(datasette, request):
    """The schemas as a browsable list: per resource its JSON Schema, Table Schema and example CSV."""
    root = files_root(datasette)
    folder = root / "schemas" if root else None
    if folder is None or not folder.is_dir():
        raise NotFound("no schemas folder")
    base = datasette.urls.path(f"/{FILES_MOUNT}/schemas")
    resources = []
    for path in sorted(folder.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        name = doc.get("x-juesuan-resource")
        if not name:
            continue
        links = {"JSON Schema": f"{base}/{path.name}"}
        for label, relative in (("Table Schema", f"{name}.table-schema.json"), ("示例 CSV", f"examples/{name}.csv")):
            if (folder / relative).is_file():
                links[label] = f"{base}/{relative}"
        fields = [(field, prop.get("title", "")) for field, prop in doc.get("properties", {}).items()]
        resources.append({"name": name, "title": doc.get("title", name), "description": doc.get("description", ""),
                          "version": doc.get("x-juesuan-version", ""), "links": links, "fields": fields})  # fmt: skip
    extras = {name: f"{base}/{name}" for name in ("README.md", "CHANGELOG.md") if (folder / name).is_file()}
    context = {"resources": resources, "extras": extras, "index": f"{base}/index.html"}
    return Response.html(await datasette.render_template("juesuan_schemas.html", context, request=request))


async def home_page(datasette, request):
    """A reader's home: what the site holds, where to start, every table by its Chinese title (no per-table counts,
    which cost a query and a permission check per table on Datasette's own index page)."""
    database = await juesuan_database(datasette)
    db = datasette.get_database(database)
    meta = datasette.metadata() or {}
    tables_meta = ((meta.get("databases") or {}).get(database) or {}).get("tables", {})
    names = set(await db.table_names()) | set(await db.view_names())
    tables = [(name, tables_meta[name].get("title", name)) for name in tables_meta if name in names]
    reports = (await db.execute("select count(*), count(distinct department), min(year), max(year) from reports")).rows
    queries = ((meta.get("databases") or {}).get(database) or {}).get("queries", {})
    context = {
        "database": database,
        "metadata": meta,
        "stats": dict(zip(("reports", "departments", "first_year", "last_year"), reports[0], strict=True)),
        "tables": [t for t in tables if not t[0].endswith("_view")],
        "views": [t for t in tables if t[0].endswith("_view")],
        "queries": [(name, query.get("title", name)) for name, query in queries.items()],
    }
    return Response.html(await datasette.render_template("juesuan_home.html", context, request=request))


async def compare_index(datasette, request):
    return Response.redirect(datasette.urls.path("/compare/region"))


def routes(datasette) -> list[tuple[str, Any]]:
    found = [
        (r"^/$", home_page),
        (r"^/report/(?P<report_id>[^/]+)$", report_page),
        (r"^/compare$", compare_index),
        (r"^/schemas$", schemas_page),
        (r"^/compare/department$", compare_department),
        (r"^/compare/region$", compare_region),
    ]
    has_mount = any(mount == FILES_MOUNT for mount, _ in datasette.static_mounts)
    root = files_root(datasette)
    if root is not None and not has_mount:  # plain `datasette juesuan.db`: serve juesuan_files/ as /files/
        static = asgi_static(root)

        async def files(request, send):
            await static(request, send)

        found.append((rf"^/{FILES_MOUNT}/(?P<path>.*)$", files))
    return found
