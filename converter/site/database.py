"""Build the site's SQLite database from data packages; tables, keys, indexes and views derive from the JSON Schemas.

Amounts (exact decimal strings in the packages) are stored as REAL so they sort and sum as numbers; the printed
number of decimals of each amount is kept in the row's `printed_scale` column and the site plugin displays each
amount with it. Codes stay TEXT. A rebuild writes a temporary database and download folder and swaps them in.
"""

from __future__ import annotations

import csv
import os
import shutil
import sqlite3
import zipfile
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from converter import registry
from converter.package import DATAPACKAGE, PackageError, read_package
from converter.site.plugin import SCALE_COLUMN, cjk_tokens
from converter.specs.tables import TABLES
from converter.validate import validate_package

CODES_DIR = registry.SCHEMA_DIR / "codes"
FILES_MOUNT = "files"  # URL prefix the download folder is served under (datasette --static files:DIR)
# Text columns indexed for Chinese full-text search, per resource.
FTS_COLUMNS: dict[str, list[str]] = {
    "reports": ["title", "department"],
    "income_expense_summary": ["item"],
    "income_by_function": ["name"],
    "expense_by_function": ["name"],
    "fiscal_summary": ["item"],
    "general_budget_expense": ["name"],
    "basic_expense_detail": ["econ_name"],
    "government_fund": ["name"],
    "state_capital_expense": ["name"],
    "disclosure_stats": ["item"],
    "performance_evaluations": ["name", "competent_department", "implementing_unit"],
    "performance_indicators": ["name", "level1", "level2", "target", "actual"],
    "narrative": ["section", "text"],
    "narrative_facts": ["sentence"],
    "table_cells": ["table_title", "row_label", "column_header"],
    "findings": ["message_zh"],
}
REPORT_FIELDS = ["department", "year", "province", "city", "county", "division_code"]  # joined into each view
INDEXED_FIELDS = {
    "province",
    "city",
    "year",
    "department",
    "level",
    "code",
    "parent_code",
    "econ_code",
    "class_code",
    "category",
    "item_key",
    "measure",
    "status",
    "rule_id",
    "kind",
    "table_id",
}
REPORT_EXTRA = {"label": "TEXT", "package_folder": "TEXT", "package_zip": "TEXT"}
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass
class BuildResult:
    loaded: list[str] = field(default_factory=list)  # report ids
    refused: dict[str, str] = field(default_factory=dict)  # package path → reason
    rows: dict[str, int] = field(default_factory=dict)  # table → row count


def files_dir(db: Path) -> Path:
    """The download folder that goes with a database: `juesuan.db` → `juesuan_files/`."""
    return db.with_name(f"{db.stem}_files")


def _sql_type(prop: dict[str, Any]) -> str:
    return {float: "REAL", int: "INTEGER", str: "TEXT"}[registry.sqlite_type(prop)]


def _quote(name: str) -> str:
    return f"[{name}]"


def table_ddl(resource: str) -> str:
    """CREATE TABLE for one resource: typed columns, NOT NULL for required fields, primary and foreign keys."""
    doc = registry.schema(resource)
    required = set(doc.get("required", []))
    lines = []
    for name, prop in doc["properties"].items():
        lines.append(f"{_quote(name)} {_sql_type(prop)}" + (" NOT NULL" if name in required else ""))
        if resource == "reports" and name == "report_id":  # the label and download links come first
            lines.extend(f"{_quote(extra)} {kind}" for extra, kind in REPORT_EXTRA.items())
    if registry.decimal_fields(resource):
        lines.append(f"{_quote(SCALE_COLUMN)} TEXT")
    lines.append(f"PRIMARY KEY ({', '.join(map(_quote, registry.primary_key(resource)))})")
    for fk in registry.foreign_keys(resource):
        ref = fk["reference"]
        lines.append(
            f"FOREIGN KEY ({', '.join(map(_quote, fk['fields']))}) REFERENCES {_quote(ref['resource'])}"
            f" ({', '.join(map(_quote, ref['fields']))})"
        )
    body = ",\n  ".join(lines)
    return f"CREATE TABLE {_quote(resource)} (\n  {body}\n)"


def index_ddl(resource: str) -> list[str]:
    """Indexes on foreign-key columns not leading the primary key and on filter/facet columns."""
    pk = registry.primary_key(resource)
    columns: list[list[str]] = []
    for fk in registry.foreign_keys(resource):
        if pk[: len(fk["fields"])] != fk["fields"]:
            columns.append(fk["fields"])
    columns.extend([name] for name in registry.field_names(resource) if name in INDEXED_FIELDS and [name] != pk)
    return [
        f"CREATE INDEX [idx_{resource}_{'_'.join(cols)}] ON {_quote(resource)} ({', '.join(map(_quote, cols))})"
        for cols in columns
    ]


def view_ddl(resource: str) -> str:
    """`<resource>_view`: each row with its report's department, region and year, and a table's amount unit."""
    joined = ", ".join(f"r.{_quote(name)}" for name in REPORT_FIELDS)
    table_id = next((table_id for table_id, spec in TABLES.items() if spec.resource == resource), None)
    if table_id is None:
        return (
            f"CREATE VIEW [{resource}_view] AS SELECT {joined}, r.[level] AS report_level, f.* "
            f"FROM {_quote(resource)} f JOIN reports r ON r.report_id = f.report_id"
        )
    return (
        f"CREATE VIEW [{resource}_view] AS SELECT {joined}, r.[level] AS report_level, "
        "COALESCE(t.[amount_unit], r.[amount_unit]) AS amount_unit, f.* "
        f"FROM {_quote(resource)} f JOIN reports r ON r.report_id = f.report_id "
        f"LEFT JOIN report_tables t ON t.report_id = f.report_id AND t.table_id = '{table_id}'"
    )


def fts_ddl(resource: str) -> list[str]:
    """A contentless FTS5 table holding the CJK-split text of the resource's text columns, keyed by rowid."""
    columns = FTS_COLUMNS[resource]
    names = ", ".join(map(_quote, columns))
    tokens = ", ".join(f"cjk_tokens({_quote(name)})" for name in columns)
    return [
        f"CREATE VIRTUAL TABLE [{resource}_fts] USING fts5({names}, content='')",
        f"INSERT INTO [{resource}_fts] (rowid, {names}) SELECT rowid, {tokens} FROM {_quote(resource)} ORDER BY rowid",
    ]


def scale_text(record: dict[str, Any], decimals: list[str]) -> str | None:
    """The printed decimals of a row's amounts, grouped by scale: '2:total,basic;1:score'."""
    groups: dict[int, list[str]] = {}
    for name in decimals:
        value = record.get(name)
        if value is not None:
            groups.setdefault(len(value.partition(".")[2]), []).append(name)
    return ";".join(f"{scale}:{','.join(names)}" for scale, names in sorted(groups.items())) or None


def db_row(resource: str, record: dict[str, Any], decimals: list[str]) -> list[Any]:
    values = [
        float(record[n]) if n in decimals and record[n] is not None else record[n]
        for n in registry.field_names(resource)
    ]
    if decimals:
        values.append(scale_text(record, decimals))
    return values


def report_extra(report_id: str, report: dict[str, Any]) -> list[str]:
    label = report["department"] + (f"（{report['year']}）" if report.get("year") else "")
    return [label, f"/{FILES_MOUNT}/packages/{report_id}/{DATAPACKAGE}", f"/{FILES_MOUNT}/packages/{report_id}.zip"]


def insert_package(conn: sqlite3.Connection, resources: dict[str, list[dict[str, Any]]]) -> None:
    for resource in registry.resource_names():
        records = resources[resource]
        if not records:
            continue
        decimals = registry.decimal_fields(resource)
        rows = [db_row(resource, record, decimals) for record in records]
        columns = registry.field_names(resource) + ([SCALE_COLUMN] if decimals else [])
        if resource == "reports":
            rows = [row + report_extra(record["report_id"], record) for row, record in zip(rows, records)]
            columns += list(REPORT_EXTRA)
        names = ", ".join(map(_quote, columns))
        conn.executemany(f"INSERT INTO {_quote(resource)} ({names}) VALUES ({', '.join('?' * len(columns))})", rows)


def write_downloads(folder: Path, report_id: str, target: Path) -> None:
    """Copy the package folder and write a deterministic zip of it."""
    files = sorted(p for p in folder.iterdir() if p.is_file())
    (target / report_id).mkdir(parents=True)
    with zipfile.ZipFile(target / f"{report_id}.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            shutil.copyfile(path, target / report_id / path.name)
            info = zipfile.ZipInfo(f"{report_id}/{path.name}", ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())


def load_codes(conn: sqlite3.Connection) -> None:
    """The classification code lists as reference tables (codes are TEXT)."""
    for path in sorted(CODES_DIR.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            rows = [[value or None for value in row] for row in reader]
        columns = ", ".join(f"{_quote(name)} TEXT" for name in header)
        conn.execute(f"CREATE TABLE [{path.stem}] ({columns}, PRIMARY KEY ([code]))")
        conn.executemany(f"INSERT INTO [{path.stem}] VALUES ({', '.join('?' * len(header))})", rows)


CONVERTER_RULES = (
    (
        "EXTRACT",
        "converter",
        "单元格无法确定位置或无法读取，未提取",
        "A printed cell could not be placed or read with certainty and was left out",
        "",
        "",
        "warning",
    ),
    (
        "LAYOUT",
        "converter",
        "表格版式无法识别，表格未提取",
        "The table layout was not recognised; tables were not extracted",
        "",
        "",
        "error",
    ),
    (
        "METADATA",
        "converter",
        "报告中未找到部门（单位）名称，暂以文件名代替",
        "No department or unit name was found in the report; the file name stands in for it",
        "",
        "",
        "warning",
    ),
    (
        "OCR",
        "converter",
        "OCR识别的数字置信度低或有字母被读作数字，需核对；或无文字层的页面未能识别",
        "A figure read by OCR with low confidence or with a letter read as a digit: check it against the page;"
        " or a page without a text layer left unread",
        "",
        "",
        "warning",
    ),
    (
        "NARRATIVE_QUANTITY",
        "converter",
        "情况说明中同一数量的两种表述不一致",
        "The narrative states one quantity twice with different figures",
        "",
        "",
        "warning",
    ),
)


def load_rules(conn: sqlite3.Connection) -> None:
    """What each finding's rule_id means: the check registry plus the converter's own findings."""
    from converter.checks.runner import ordered_rules

    conn.execute(
        "CREATE TABLE [rules] ([rule_id] TEXT PRIMARY KEY, [rule_group] TEXT, [description_zh] TEXT,"
        " [description_en] TEXT, [tables] TEXT, [tolerance] TEXT, [severity] TEXT)"
    )
    rows = [(r.id, r.group, r.zh, r.en, r.tables, r.tolerance, r.severity) for r in ordered_rules()]
    conn.executemany("INSERT INTO [rules] VALUES (?, ?, ?, ?, ?, ?, ?)", rows + list(CONVERTER_RULES))


def _validate_for_load(package: Path) -> list:
    """JSON Schema rows and keys; the full Frictionless pass is `juesuan validate`."""
    return validate_package(package, frictionless=False)


def check_packages(packages: list[Path], workers: int) -> Iterable[tuple[Path, list[str]]]:
    """(package, problems) in order; validation runs in worker processes when there are many packages."""
    if workers <= 1 or len(packages) < 8:
        for package in packages:
            yield package, [str(p) for p in validate_package(package, frictionless=False)]
        return
    with ProcessPoolExecutor(workers) as pool:
        for package, problems in zip(packages, pool.map(_validate_for_load, packages, chunksize=8)):
            yield package, [str(p) for p in problems]


def write_schemas(target: Path) -> None:
    """The JSON Schemas and code lists, with an index page linking them."""
    shutil.copytree(registry.SCHEMA_DIR, target)
    links = "\n".join(
        f'<li><a href="{path.relative_to(target).as_posix()}">{path.relative_to(target).as_posix()}</a></li>'
        for path in sorted(target.rglob("*"))
        if path.is_file()
    )
    head = "<!DOCTYPE html>\n<meta charset=utf-8><title>juesuan schemas</title>\n<h1>数据结构 Schemas</h1>"
    page = f"{head}\n<ul>\n{links}\n</ul>\n"
    (target / "index.html").write_text(page, encoding="utf-8")


def _swap(temp: Path, target: Path) -> None:
    """Replace a folder by another with two renames."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    temp.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def build_database(
    packages: list[Path], db: Path, on_package: Callable[[Path], None] | None = None, workers: int | None = None
) -> BuildResult:
    """Load valid packages into a new database at `db` (and downloads beside it); refuse invalid ones."""
    db = db.resolve()
    db.parent.mkdir(parents=True, exist_ok=True)
    temp_db = db.with_name(f".{db.name}.tmp")
    downloads = files_dir(db)
    temp_files = downloads.with_name(f".{downloads.name}.tmp")
    temp_db.unlink(missing_ok=True)
    shutil.rmtree(temp_files, ignore_errors=True)
    (temp_files / "packages").mkdir(parents=True)
    result = BuildResult()
    conn = sqlite3.connect(temp_db)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.create_function("cjk_tokens", 1, cjk_tokens, deterministic=True)
        for resource in registry.resource_names():
            conn.execute(table_ddl(resource))
        load_codes(conn)
        load_rules(conn)
        workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
        for package, problems in check_packages(sorted(packages), workers):
            reason = _load_one(conn, package, problems, temp_files / "packages", result)
            if reason:
                result.refused[str(package)] = reason
            if on_package:
                on_package(package)
        _finish(conn, result)
        conn.commit()
        conn.execute("VACUUM")
    finally:
        conn.close()
    write_schemas(temp_files / "schemas")
    os.replace(temp_db, db)
    _swap(temp_files, downloads)
    return result


def _load_one(conn: sqlite3.Connection, package: Path, problems: list[str], target: Path, result: BuildResult) -> str:
    """Load one validated package in its own savepoint; the reason it was refused, or ''."""
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return f"fails validation: {problems[0]}{more}"
    try:
        report, resources = read_package(package)
    except PackageError as exc:
        return str(exc)
    report_id = report["report_id"]
    conn.execute("SAVEPOINT package")
    try:
        insert_package(conn, resources)
    except sqlite3.IntegrityError as exc:
        conn.execute("ROLLBACK TO package")
        conn.execute("RELEASE package")
        duplicate = report_id in result.loaded
        return f"report {report_id} already loaded from another package" if duplicate else f"not loadable: {exc}"
    conn.execute("RELEASE package")
    write_downloads(package, report_id, target)
    result.loaded.append(report_id)
    return ""


def _finish(conn: sqlite3.Connection, result: BuildResult) -> None:
    """Full-text tables, indexes, views, statistics; row counts into the result."""
    for resource in registry.resource_names():
        for statement in index_ddl(resource) + (fts_ddl(resource) if resource in FTS_COLUMNS else []):
            conn.execute(statement)
        if resource != "reports":
            conn.execute(view_ddl(resource))
        result.rows[resource] = conn.execute(f"SELECT count(*) FROM {_quote(resource)}").fetchone()[0]
    conn.execute("ANALYZE")
