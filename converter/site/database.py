"""Build the site's SQLite database from data packages; tables, keys, indexes and views derive from the JSON Schemas.

Amounts (exact decimal strings in the packages) are stored as REAL so they sort and sum as numbers; the printed
number of decimals of each amount is kept in the row's `printed_scale` column and the site plugin displays each
amount with it. Codes stay TEXT.

A build is incremental: packages whose files equal their copy in the download folder are unchanged and not read;
new, replaced and removed packages are applied to a copy of the database in one transaction (full-text rows deleted
and added with them), and the copy is renamed over the database, so a reader or a kill only ever sees the old or the
new database. `full=True`, or a database of another layout, builds a new one from nothing (the same packages give the
same bytes). A report is loaded once: by report_id (the first package in path order) and by source sha256 (the
smallest report_id; the others are skipped with the reason).
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import os
import shutil
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from converter import registry
from converter.package import DATAPACKAGE, clean_leftovers
from converter.site import downloads
from converter.site.loading import Loadable, read_identity, read_loadable
from converter.site.plugin import SCALE_COLUMN, cjk_tokens

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
    "findings": ["message_zh"],
}
REPORT_FIELDS = ["department", "year", "province", "city", "county"]  # joined into every `<resource>_view`
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
LAYOUT_VERSION = "2"  # bump when the way rows are stored changes without the DDL changing
WINDOW = 256  # packages read ahead of the inserts (bounds memory)


class BuildError(Exception):
    """The database could not be written (full disk, I/O error, another build running); nothing was changed."""


@dataclass
class BuildResult:
    loaded: list[str] = field(default_factory=list)  # report ids inserted by this build (new or replaced)
    replaced: list[str] = field(default_factory=list)  # report ids whose package changed
    unchanged: list[str] = field(default_factory=list)  # report ids kept as they were
    removed: list[str] = field(default_factory=list)  # report ids no longer among the packages
    refused: dict[str, str] = field(default_factory=dict)  # package path → reason
    skipped: dict[str, str] = field(default_factory=dict)  # package path → why it was not loaded (same source)
    rows: dict[str, int] = field(default_factory=dict)  # table → row count
    full: bool = True  # built from nothing (else updated in place)
    full_reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


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
    """`<resource>_view`: each row with its report's department, region and year."""
    joined = ", ".join(f"r.{_quote(name)}" for name in REPORT_FIELDS)
    return (
        f"CREATE VIEW [{resource}_view] AS SELECT {joined}, r.[level] AS report_level, f.* "
        f"FROM {_quote(resource)} f JOIN reports r ON r.report_id = f.report_id"
    )


def fts_ddl(resource: str) -> list[str]:
    """A contentless FTS5 table holding the CJK-split text of the resource's text columns, keyed by rowid."""
    names = ", ".join(map(_quote, FTS_COLUMNS[resource]))
    return [f"CREATE VIRTUAL TABLE [{resource}_fts] USING fts5({names}, content='')", fts_insert(resource, "1")]


def fts_insert(resource: str, where: str) -> str:
    """Index the rows matching `where` (their rowids) in the resource's full-text table."""
    names = ", ".join(map(_quote, FTS_COLUMNS[resource]))
    tokens = ", ".join(f"cjk_tokens({_quote(name)})" for name in FTS_COLUMNS[resource])
    return (
        f"INSERT INTO [{resource}_fts] (rowid, {names}) SELECT rowid, {tokens} FROM {_quote(resource)}"
        f" WHERE {where} ORDER BY rowid"
    )


def fts_delete(resource: str, where: str) -> str:
    """Unindex the rows matching `where`: a contentless table is told the exact values it indexed."""
    names = ", ".join(map(_quote, FTS_COLUMNS[resource]))
    tokens = ", ".join(f"cjk_tokens({_quote(name)})" for name in FTS_COLUMNS[resource])
    return (
        f"INSERT INTO [{resource}_fts] ([{resource}_fts], rowid, {names}) SELECT 'delete', rowid, {tokens}"
        f" FROM {_quote(resource)} WHERE {where}"
    )


def layout_stamp() -> int:
    """A number stored as the database's user_version: it changes with any table, index, view, FTS or tokenizer change,
    so an incremental build never updates a database laid out otherwise."""
    parts = [LAYOUT_VERSION, cjk_tokens("公务接待费 abc，2024")]
    for resource in registry.resource_names():
        parts += [table_ddl(resource), *index_ddl(resource), view_ddl(resource)]
        parts += fts_ddl(resource) if resource in FTS_COLUMNS else []
    return zlib.crc32("\n".join(parts).encode()) & 0x7FFFFFFF


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


def insert_sql(resource: str) -> str:
    columns = registry.field_names(resource) + ([SCALE_COLUMN] if registry.decimal_fields(resource) else [])
    if resource == "reports":
        columns += list(REPORT_EXTRA)
    names, marks = ", ".join(map(_quote, columns)), ", ".join("?" * len(columns))
    return f"INSERT INTO {_quote(resource)} ({names}) VALUES ({marks})"


def insert_package(conn: sqlite3.Connection, resources: dict[str, list[dict[str, Any]]]) -> None:
    for resource in registry.resource_names():
        records = resources[resource]
        if not records:
            continue
        decimals = registry.decimal_fields(resource)
        rows = [db_row(resource, record, decimals) for record in records]
        if resource == "reports":
            rows = [row + report_extra(record["report_id"], record) for row, record in zip(rows, records)]
        conn.executemany(insert_sql(resource), rows)


def delete_reports(conn: sqlite3.Connection, report_ids: list[str]) -> None:
    """Remove every row (and its full-text entry) of these reports."""
    if not report_ids:
        return
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS gone (report_id TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM gone")
    conn.executemany("INSERT INTO gone VALUES (?)", [(report_id,) for report_id in report_ids])
    where = "report_id IN (SELECT report_id FROM gone)"
    for resource in reversed(registry.resource_names()):
        if resource in FTS_COLUMNS:
            conn.execute(fts_delete(resource, where))
        conn.execute(f"DELETE FROM {_quote(resource)} WHERE {where}")


def load_codes(conn: sqlite3.Connection) -> None:
    """The classification code lists as reference tables (codes are TEXT)."""
    for path in sorted(CODES_DIR.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            rows = [[value or None for value in row] for row in reader]
        columns = ", ".join(f"{_quote(name)} TEXT" for name in header)
        conn.execute(f"DROP TABLE IF EXISTS [{path.stem}]")
        conn.execute(f"CREATE TABLE [{path.stem}] ({columns}, PRIMARY KEY ([code]))")
        conn.executemany(f"INSERT INTO [{path.stem}] VALUES ({', '.join('?' * len(header))})", rows)


CONVERTER_RULES = (
    ("EXTRACT", "converter", "单元格无法确定位置或无法读取，未提取", "A printed cell could not be placed or read with"
     " certainty and was left out", "", "", "warning"),
    ("LAYOUT", "converter", "表格版式无法识别，表格未提取", "The table layout was not recognised; tables were not"
     " extracted", "", "", "error"),
    ("NARRATIVE_QUANTITY", "converter", "情况说明中同一数量的两种表述不一致", "The narrative states one quantity twice"
     " with different figures", "", "", "warning"),
)


def load_rules(conn: sqlite3.Connection) -> None:
    """What each finding's rule_id means: the check registry plus the converter's own findings."""
    from converter.checks.runner import ordered_rules

    conn.execute("DROP TABLE IF EXISTS [rules]")
    conn.execute(
        "CREATE TABLE [rules] ([rule_id] TEXT PRIMARY KEY, [rule_group] TEXT, [description_zh] TEXT,"
        " [description_en] TEXT, [tables] TEXT, [tolerance] TEXT, [severity] TEXT)"
    )
    rows = [(r.id, r.group, r.zh, r.en, r.tables, r.tolerance, r.severity) for r in ordered_rules()]
    conn.executemany("INSERT INTO [rules] VALUES (?, ?, ?, ?, ?, ?, ?)", rows + list(CONVERTER_RULES))




@contextlib.contextmanager
def build_lock(folder: Path) -> Iterator[None]:
    """One build at a time per database folder (an advisory lock on the folder itself)."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(f"{folder}: another build is writing a database in this folder") from None
        yield
    finally:
        os.close(handle)


def loaded_reports(db: Path) -> tuple[dict[str, str] | None, str]:
    """report_id → source_sha256 of a database this build can update, or (None, why it is rebuilt from nothing)."""
    if not db.is_file():
        return None, "no database yet"
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] != layout_stamp():
                return None, "the database was built with another table layout"
            return dict(conn.execute("SELECT report_id, source_sha256 FROM reports")), ""
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return None, f"the database cannot be read ({exc})"


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")  # a private copy, renamed into place only once complete
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -65536")
    conn.create_function("cjk_tokens", 1, cjk_tokens, deterministic=True)
    return conn


def read_all(folders: list[Path], workers: int) -> Iterable[Loadable]:
    """Each package read and validated, in order; in worker processes when there are many (a window at a time)."""
    if workers <= 1 or len(folders) < 16:
        yield from map(read_loadable, folders)
        return
    with ProcessPoolExecutor(workers) as pool:
        for start in range(0, len(folders), WINDOW):
            yield from pool.map(read_loadable, folders[start : start + WINDOW], chunksize=8)


@dataclass
class _Plan:
    """What the build does: the packages to load (by report id), and those kept as they are."""

    load: dict[str, Path] = field(default_factory=dict)
    keep: dict[str, Path] = field(default_factory=dict)


def plan(folders: list[Path], before: dict[str, str] | None, copies: Path, result: BuildResult) -> _Plan:
    """Unchanged packages (equal to their copy) are kept; the others are to be read; one package per report id."""
    todo = _Plan()
    for folder in folders:
        identity = read_identity(folder)
        report_id = identity[0] if identity else None
        if report_id in todo.keep or report_id in todo.load:
            result.refused[str(folder)] = f"report {report_id} already loaded from another package"
        elif before is not None and report_id in before and downloads.same_files(folder, copies / report_id):
            todo.keep[report_id] = folder
        else:
            todo.load[report_id or str(folder)] = folder
    return todo


def one_per_source(reports: dict[str, str], folders: dict[str, Path], result: BuildResult) -> set[str]:
    """Of the reports sharing a source sha256, all but the smallest report_id: skipped with the reason."""
    first: dict[str, str] = {}
    for report_id in sorted(reports):
        first.setdefault(reports[report_id] or report_id, report_id)
    skipped = set()
    for report_id, sha in reports.items():
        winner = first[sha or report_id]
        if winner != report_id:
            skipped.add(report_id)
            result.skipped[str(folders[report_id])] = (
                f"report {report_id} has the same source (sha256 {sha[:12]}…) as report {winner}, loaded once"
            )
    return skipped


def build_database(
    packages: list[Path],
    db: Path,
    on_package: Callable[[Path], None] | None = None,
    workers: int | None = None,
    full: bool = False,
) -> BuildResult:
    """Bring the database at `db` (and its download folder) to exactly the valid packages given; refuse invalid ones.

    Raises BuildError when the database cannot be written; the previous database and downloads are then untouched
    and no temporary file is left.
    """
    db = db.resolve()
    db.parent.mkdir(parents=True, exist_ok=True)
    temp = db.with_name(f".{db.name}.tmp")
    files = files_dir(db)
    copies = files / "packages"
    with build_lock(db.parent):
        try:
            temp.unlink(missing_ok=True)
            for folder in {p.parent for p in packages}:
                clean_leftovers(folder)
            downloads.clean_staged(files)
            downloads.clean_staged(copies)
            return _build(sorted(set(packages)), db, temp, copies, on_package, workers, full)
        except (OSError, sqlite3.OperationalError) as exc:
            temp.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                downloads.clean_staged(copies)
                downloads.clean_staged(files)
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise BuildError(f"{db}: could not write the database: {reason}") from None


def _build(
    folders: list[Path],
    db: Path,
    temp: Path,
    copies: Path,
    on_package: Callable[[Path], None] | None,
    workers: int | None,
    full: bool,
) -> BuildResult:
    result = BuildResult()
    before, result.full_reason = loaded_reports(db)
    previous = set(before or {})
    if full:
        before, result.full_reason = None, "asked for (--full)"
    result.full = before is None
    todo = plan(folders, before, copies, result)
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    loadables: dict[str, Loadable] = {}
    for loadable in read_all(list(todo.load.values()), workers):
        if loadable.problems:
            more = f" (and {len(loadable.problems) - 1} more)" if len(loadable.problems) > 1 else ""
            result.refused[str(loadable.folder)] = f"fails validation: {loadable.problems[0]}{more}"
        else:
            loadables[loadable.report["report_id"]] = loadable
        if on_package:
            on_package(loadable.folder)
    for folder in todo.keep.values():
        if on_package:
            on_package(folder)
    sources = {rid: (before or {}).get(rid, "") for rid in todo.keep}
    sources.update({rid: item.report.get("source_sha256") or "" for rid, item in loadables.items()})
    folders_by_id = {**todo.keep, **{rid: item.folder for rid, item in loadables.items()}}
    skipped = one_per_source(sources, folders_by_id, result)
    final = set(sources) - skipped
    result.removed = sorted(previous - final)
    result.unchanged = sorted(rid for rid in todo.keep if rid in final)
    inserted = sorted(final - set(result.unchanged))  # in a full build nothing is kept: all were read
    result.loaded = inserted
    result.replaced = sorted(set(inserted) & previous)
    if result.full:
        _write_new(temp, [loadables[rid] for rid in inserted], result)
    else:
        shutil.copyfile(db, temp)
        _update(temp, sorted(set(result.removed) | set(result.replaced)), [loadables[rid] for rid in inserted], result)
    for rid in inserted:
        downloads.stage(loadables[rid].folder, rid, copies)
    for rid in sorted(set(result.removed) | set(result.replaced)):
        downloads.remove(rid, copies)  # the copies say what the database holds: gone before the database changes
    with open(temp, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(temp, db)
    for rid in inserted:
        downloads.publish(rid, copies)
    downloads.keep_only(final, copies)
    downloads.write_schemas(copies.parent / "schemas")
    return result


def _write_new(temp: Path, loadables: list[Loadable], result: BuildResult) -> None:
    """A new database from nothing: tables, rows, then indexes, full text, views and statistics."""
    conn = _connect(temp)
    try:
        conn.execute("BEGIN")
        for resource in registry.resource_names():
            conn.execute(table_ddl(resource))
        load_codes(conn)
        load_rules(conn)
        for loadable in loadables:
            insert_package(conn, loadable.resources)
        for resource in registry.resource_names():
            for statement in index_ddl(resource) + (fts_ddl(resource) if resource in FTS_COLUMNS else []):
                conn.execute(statement)
            if resource != "reports":
                conn.execute(view_ddl(resource))
        conn.execute(f"PRAGMA user_version = {layout_stamp()}")
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        conn.execute("VACUUM")
        _count(conn, result)
    finally:
        conn.close()


def _update(temp: Path, gone: list[str], loadables: list[Loadable], result: BuildResult) -> None:
    """Apply removals and new packages to a copy of the database in one transaction."""
    conn = _connect(temp)
    try:
        conn.execute("BEGIN")
        load_codes(conn)
        load_rules(conn)
        delete_reports(conn, gone)
        last = {r: conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {_quote(r)}").fetchone()[0] for r in FTS_COLUMNS}
        for loadable in loadables:
            insert_package(conn, loadable.resources)
        for resource, rowid in last.items():
            conn.execute(fts_insert(resource, f"rowid > {rowid}"))
        conn.execute("COMMIT")
        conn.execute("PRAGMA optimize")
        _count(conn, result)
    finally:
        conn.close()


def _count(conn: sqlite3.Connection, result: BuildResult) -> None:
    for resource in registry.resource_names():
        result.rows[resource] = conn.execute(f"SELECT count(*) FROM {_quote(resource)}").fetchone()[0]
