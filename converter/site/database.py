"""Build the site's SQLite database from data packages; tables, keys, indexes and views derive from the JSON Schemas.

Amounts (exact decimal strings in the packages) are stored as REAL so they sort and sum as numbers; the printed
number of decimals of each amount is kept in the row's `printed_scale` column and the site plugin displays each
amount with it. Codes stay TEXT.

A build is incremental: packages whose files equal their copy in the download folder are unchanged and not read;
new, replaced and removed packages are applied to the database in place, in one SQLite transaction (full-text rows
deleted and added with them; a rollback journal, synced), so an error or a kill leaves the previous database (a
journal a kill left is rolled back by `recover`, which the next build, `serve` and `publish` run first).
`full=True`, or a database of another layout, builds a new one from nothing on a private file renamed into place
(the same packages give the same bytes). A report is loaded once: by report_id (the first package in path order)
and by source sha256 (the smallest report_id; the others are skipped with the reason).
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import os
import select
import shutil
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from converter import registry
from converter.package import DATAPACKAGE, clean_leftovers, process_running
from converter.site import downloads, summaries
from converter.site.loading import read_identity
from converter.site.plugin import _CJK_CHAR, SCALE_COLUMN, cjk_tokens
from converter.site.sources import publish_sources
from converter.specs.tables import TABLES

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
LAYOUT_VERSION = "2"  # bump when the way rows are stored changes without the DDL changing


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
    validated: list[str] = field(default_factory=list)  # report ids loaded after validating their rows (the others:
    # the converter's record of their validation held, see site.loading)
    rows: dict[str, int] = field(default_factory=dict)  # table → row count
    full: bool = True  # built from nothing (else updated in place)
    full_reason: str = ""
    sources: int = 0  # reports whose source file the download folder serves (site.sources)
    source_problems: dict[str, str] = field(default_factory=dict)  # report id → why its source was not copied

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
    names = ", ".join(map(_quote, FTS_COLUMNS[resource]))
    return [f"CREATE VIRTUAL TABLE [{resource}_fts] USING fts5({names}, content='')"]


def fts_delete(resource: str, where: str) -> str:
    """Unindex the rows matching `where`: a contentless table is told the exact values it indexed."""
    names = ", ".join(map(_quote, FTS_COLUMNS[resource]))
    tokens = ", ".join(f"search_tokens({_quote(name)})" for name in FTS_COLUMNS[resource])
    return (
        f"INSERT INTO [{resource}_fts] ([{resource}_fts], rowid, {names}) SELECT 'delete', rowid, {tokens}"
        f" FROM {_quote(resource)} WHERE {where}"
    )


@cache
def _spaced() -> dict[int, str]:
    """Every character the site's search splits out as a token (plugin._CJK_CHAR) → itself between spaces."""
    return {cp: f" {chr(cp)} " for cp in range(0x30000) if _CJK_CHAR.fullmatch(chr(cp))}


@lru_cache(maxsize=1 << 16)
def _fast_tokens(text: str | None) -> str:
    """Names (items, functions, codes) repeat across reports: the recent ones are remembered."""
    return " ".join(text.translate(_spaced()).split()) if text else ""


_SAMPLES = ("公务接待费 abc，2024", "  医保\u3000（单位：万元）\t1,234.50  ", "", None, "Ｘ　ｙ\n\n结余")


@cache
def _tokenizer() -> Callable[[str | None], str]:
    """The plugin's cjk_tokens, or an equal one ~5× faster (str.translate) when it gives the same text."""
    return _fast_tokens if all(_fast_tokens(s) == cjk_tokens(s) for s in _SAMPLES) else cjk_tokens


def search_tokens(text: str | None) -> str:
    """The text as the site's full-text tables index it (what plugin.cjk_tokens gives)."""
    return _tokenizer()(text)


def layout_stamp() -> int:
    """A number stored as the database's user_version: it changes with any table, index, view, FTS or tokenizer change,
    so an incremental build never updates a database laid out otherwise."""
    parts = [LAYOUT_VERSION, *map(cjk_tokens, _SAMPLES)]
    for resource in registry.resource_names():
        parts += [table_ddl(resource), *index_ddl(resource), view_ddl(resource)]
        parts += fts_ddl(resource) if resource in FTS_COLUMNS else []
    parts += summaries.ddl()
    return zlib.crc32("\n".join(parts).encode()) & 0x7FFFFFFF


def _scale_text(amounts: Iterable[tuple[str, str | None]]) -> str | None:
    groups: dict[int, list[str]] = {}
    for name, value in amounts:
        if value is not None:
            groups.setdefault(len(value.partition(".")[2]), []).append(name)
    return ";".join(f"{scale}:{','.join(names)}" for scale, names in sorted(groups.items())) or None


def scale_text(record: dict[str, Any], decimals: list[str]) -> str | None:
    """The printed decimals of a row's amounts, grouped by scale: '2:total,basic;1:score'."""
    return _scale_text((name, record.get(name)) for name in decimals)


@cache
def _decimal_positions(resource: str) -> tuple[tuple[int, str], ...]:
    """(position, name) of the resource's amounts, in the schema's order of decimal fields."""
    fields = registry.field_names(resource)
    return tuple((fields.index(name), name) for name in registry.decimal_fields(resource))


@cache
def _text_positions(resource: str) -> tuple[int, ...]:
    fields = registry.field_names(resource)
    return tuple(fields.index(name) for name in FTS_COLUMNS.get(resource, []))


def _store(resource: str, row: list[Any]) -> None:
    """Turn a row (a package's typed values in field order) into the row the table stores, in place: amounts as REAL,
    their printed decimals appended as the scale column."""
    scales = []
    for index, _ in _decimal_positions(resource):
        value = row[index]
        if value is None:
            scales.append(-1)
        else:
            row[index] = float(value)
            scales.append(len(value.partition(".")[2]))
    row.append(_scale_of(resource, tuple(scales)))


@lru_cache(maxsize=4096)
def _scale_of(resource: str, scales: tuple[int, ...]) -> str | None:
    """The scale text of a row whose amounts (in `_decimal_positions` order) have these decimals (-1: blank); rows
    repeat few patterns."""
    names = [name for _, name in _decimal_positions(resource)]
    return _scale_text((name, None if scale < 0 else "." + "0" * scale) for name, scale in zip(names, scales))


def report_extra(report_id: str, report: dict[str, Any]) -> list[str]:
    label = report["department"] + (f"（{report['year']}）" if report.get("year") else "")
    return [label, f"/{FILES_MOUNT}/packages/{report_id}/{DATAPACKAGE}", f"/{FILES_MOUNT}/packages/{report_id}.zip"]


def package_rows(tables: dict[str, list[list[Any]]], report: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """resource → the rows of one package as a shard stores them: each row as the table stores it (amounts as REAL
    with their scale column; a report's label and links), followed by the search tokens of its full-text columns.
    The package's rows (lists in field order) are turned into them in place."""
    for resource in registry.resource_names():
        texts = _text_positions(resource)
        amounts = bool(_decimal_positions(resource))
        extra = report_extra(report["report_id"], report) if resource == "reports" else []
        for row in tables[resource]:
            tokens = [search_tokens(row[index]) for index in texts]
            if amounts:
                _store(resource, row)
            row += extra
            row += tokens
    return tables


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


def code_tables() -> dict[str, tuple[list[str], list[tuple]]]:
    """The classification code lists (schemas/codes/*.csv): table → (header, rows); codes are TEXT."""
    tables = {}
    for path in sorted(CODES_DIR.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            tables[path.stem] = (header, [tuple(value or None for value in row) for row in reader])
    return tables


def load_codes(conn: sqlite3.Connection) -> None:
    """The classification code lists as reference tables."""
    for name, (header, rows) in code_tables().items():
        columns = ", ".join(f"{_quote(column)} TEXT" for column in header)
        conn.execute(f"DROP TABLE IF EXISTS [{name}]")
        conn.execute(f"CREATE TABLE [{name}] ({columns}, PRIMARY KEY ([code]))")
        conn.executemany(f"INSERT INTO [{name}] VALUES ({', '.join('?' * len(header))})", rows)


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


def rule_rows() -> list[tuple]:
    """What each finding's rule_id means: the check registry plus the converter's own findings."""
    from converter.checks.runner import ordered_rules

    return [(r.id, r.group, r.zh, r.en, r.tables, r.tolerance, r.severity) for r in ordered_rules()] + list(
        CONVERTER_RULES
    )


def load_rules(conn: sqlite3.Connection) -> None:
    conn.execute("DROP TABLE IF EXISTS [rules]")
    conn.execute(
        "CREATE TABLE [rules] ([rule_id] TEXT PRIMARY KEY, [rule_group] TEXT, [description_zh] TEXT,"
        " [description_en] TEXT, [tables] TEXT, [tolerance] TEXT, [severity] TEXT)"
    )
    conn.executemany("INSERT INTO [rules] VALUES (?, ?, ?, ?, ?, ?, ?)", rule_rows())


def reference_tables_current(db: Path) -> bool:
    """The database's rules and code lists are the ones this version would write."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        if [tuple(row) for row in conn.execute("SELECT * FROM [rules] ORDER BY rowid")] != rule_rows():
            return False
        return all(
            conn.execute(f"SELECT * FROM [{name}] ORDER BY rowid").fetchall() == rows
            for name, (_, rows) in code_tables().items()
        )
    except sqlite3.Error:
        return False
    finally:
        conn.close()


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


def _connect(path: Path, in_place: bool = False) -> sqlite3.Connection:
    """A connection writing the database: a new private file (no journal: renamed into place only once complete), or
    the database itself, updated in place in one transaction (a rollback journal, synced: a kill or an error leaves
    the previous database)."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    if in_place:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA cache_size = -262144")  # the changed pages stay in memory until the commit
    else:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -65536")
    conn.create_function("search_tokens", 1, search_tokens, deterministic=True)
    return conn


def recover(db: Path) -> None:
    """Roll back an update a kill or power loss interrupted (its journal beside the database), as SQLite does when it
    next opens the database; readers that ignore journals (Datasette's immutable mode) then see the previous
    database. A journal killed before it held a page is no hot journal: SQLite ignores it, and it is removed."""
    journal = Path(f"{db}-journal")
    if not journal.exists():
        return
    with contextlib.closing(sqlite3.connect(db, isolation_level=None, timeout=30)) as conn:
        conn.execute("BEGIN IMMEDIATE")  # a hot journal is played back; then no other connection writes
        journal.unlink(missing_ok=True)
        conn.execute("ROLLBACK")


def _end_with(build: int) -> None:
    """Worker initializer: the worker ends when the build process ends, killed or not (a pool's workers otherwise
    wait on their queue forever, and would write into the next build's downloads)."""

    def watch() -> None:
        try:
            select.select([os.pidfd_open(build)], [], [])
        except (AttributeError, OSError):  # no pidfd (old kernel) or the build has ended already
            while process_running(build):
                time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


@dataclass
class _Plan:
    """Which package stands for each report: kept as loaded (unchanged), or to be read; by source, in load order."""

    keep: dict[str, Path] = field(default_factory=dict)  # report id → unchanged package
    read: dict[str, Path] = field(default_factory=dict)  # report id (or folder) → package to read
    sources: dict[str, list[str]] = field(default_factory=dict)  # source sha256 → report ids, smallest first


def plan(folders: list[Path], before: dict[str, str] | None, copies: Path, result: BuildResult) -> _Plan:
    """One package per report id (the first in path order); unchanged ones (equal to their copy) are kept."""
    todo = _Plan()
    shas: dict[str, str] = {}
    for folder in folders:
        identity = read_identity(folder)
        report_id, sha = identity if identity else (str(folder), "")
        if report_id in shas:
            result.refused[str(folder)] = f"report {report_id} already loaded from another package"
            continue
        shas[report_id] = sha or report_id
        if before is not None and report_id in before and downloads.same_files(folder, copies / report_id):
            todo.keep[report_id] = folder
        else:
            todo.read[report_id] = folder
    for report_id in sorted(shas):
        todo.sources.setdefault(shas[report_id], []).append(report_id)
    return todo


def _skip(result: BuildResult, folder: Path, report_id: str, sha: str, winner: str) -> None:
    result.skipped[str(folder)] = (
        f"report {report_id} has the same source (sha256 {sha[:12]}…) as report {winner}, loaded once"
    )


def build_database(
    packages: list[Path],
    db: Path,
    on_package: Callable[[Path], None] | None = None,
    workers: int | None = None,
    full: bool = False,
    sources: Iterable[Path] = (),
    validate_all: bool = False,
) -> BuildResult:
    """Bring the database at `db` (and its download folder) to exactly the valid packages given; refuse invalid ones.
    `validate_all`: validate the rows of every package read, also of those the converter recorded as validated.

    Each report's source file is served beside its package when found (in its package, at its recorded input, or by
    name in the `sources` folders; see site.sources).

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
            recover(db)
            for folder in {p.parent for p in packages}:
                clean_leftovers(folder)
            downloads.clean_staged(files)
            downloads.clean_staged(copies)
            folders = sorted(set(packages))
            result = _build(folders, db, temp, copies, on_package, workers, full, not validate_all)
            result.sources = publish_sources(db, files, folders, sources, result.source_problems)
            return result
        except (OSError, sqlite3.OperationalError, BrokenProcessPool) as exc:
            temp.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                downloads.clean_staged(copies)
                downloads.clean_staged(files)
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
            raise BuildError(f"{db}: could not write the database: {reason}") from None


def _build(
    folders: list[Path],
    db: Path,
    temp: Path,
    copies: Path,
    on_package: Callable[[Path], None] | None,
    workers: int | None,
    full: bool,
    trust: bool,
) -> BuildResult:
    result = BuildResult()
    copies.mkdir(parents=True, exist_ok=True)
    before, result.full_reason = loaded_reports(db)
    previous = set(before or {})
    if full:
        before, result.full_reason = None, "asked for (--full)"
    result.full = before is None
    todo = plan(folders, before, copies, result)
    folder_of = {**todo.keep, **todo.read}
    # the first report id of each source is loaded; should it be refused, the next one is tried after the others
    first = {ids[0]: sha for sha, ids in todo.sources.items()}
    for sha, ids in todo.sources.items():
        for report_id in ids[1:]:
            _skip(result, folder_of[report_id], report_id, sha, ids[0])
    keep = sorted(set(todo.keep) & set(first))
    gone = sorted(previous - set(keep))
    to_read = [folder for report_id, folder in todo.read.items() if report_id in first]
    if not result.full and not gone and not to_read and reference_tables_current(db):  # nothing to change
        result.unchanged = keep
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            _count(conn, result)
        downloads.keep_only(set(keep), copies)
        return result
    from converter.site import shards  # it builds on this module's tables and rows

    staged = downloads.staging(copies)
    staged.mkdir(parents=True, exist_ok=True)
    incoming = staged / ".incoming.db"
    # a full build writes the rows straight into its new database; an update gathers them in one database of
    # shard layout, then applies them to the database in one transaction
    conn = _open_new(temp) if result.full else shards.create(incoming)
    inserted: list[str] = []
    try:
        next_rowid = dict.fromkeys(registry.resource_names(), 1)

        def load(written: Iterable[tuple[Path, list[shards.Outcome]]]) -> list[Path]:
            refused = []
            for shard, outcomes in written:
                shards.merge(conn, shard, next_rowid, gather=not result.full)
                for outcome in outcomes:
                    if on_package:
                        on_package(outcome.folder)
                    if outcome.problems:
                        more = f" (and {len(outcome.problems) - 1} more)" if len(outcome.problems) > 1 else ""
                        result.refused[str(outcome.folder)] = f"fails validation: {outcome.problems[0]}{more}"
                        refused.append(outcome.folder)
                    else:
                        inserted.append(outcome.report_id)
                        if outcome.validated:
                            result.validated.append(outcome.report_id)
            return refused

        for report_id in keep:
            if on_package:
                on_package(todo.keep[report_id])
        refused = load(shards.read_shards(to_read, staged, workers or _workers(), _end_with, (os.getpid(),), trust))
        for folder in refused:  # a refused package gives way to the next one of the same source
            ids = next(ids for ids in todo.sources.values() if any(folder_of[rid] == folder for rid in ids))
            for report_id in ids[ids.index(next(rid for rid in ids if folder_of[rid] == folder)) + 1:]:
                result.skipped.pop(str(folder_of[report_id]), None)
                if not load(shards.read_shards([folder_of[report_id]], staged, 1, _end_with, (), trust)):
                    break
        if result.full:
            conn.execute("BEGIN")
            _finish_new(conn)
            summaries.create(conn)
            conn.execute("COMMIT")
            conn.execute("ANALYZE")
            _count(conn, result)
    finally:
        conn.close()
    final = set(keep) | set(inserted)
    result.loaded = sorted(inserted)
    result.validated.sort()
    result.unchanged = keep
    result.replaced = sorted(set(inserted) & previous)
    result.removed = sorted(previous - final)
    outdated = sorted((previous - final) | set(result.replaced))  # their copies say what the database no longer holds
    if result.full:
        for report_id in outdated:
            downloads.remove(report_id, copies)
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, db)
    else:
        _update_in_place(db, incoming, gone, inserted, lambda: [downloads.remove(rid, copies) for rid in outdated])
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            _count(conn, result)
    for report_id in inserted:
        downloads.publish(report_id, staged, copies)
    shutil.rmtree(staged, ignore_errors=True)
    downloads.keep_only(final, copies)
    downloads.write_schemas(copies.parent / "schemas")
    return result


def _update_in_place(
    db: Path, incoming: Path, gone: list[str], inserted: list[str], before_commit: Callable[[], object]
) -> None:
    """Apply an update to the database in one transaction: the reference tables written again, the rows of `gone`
    deleted, the rows gathered in `incoming` appended (rowids after the database's last), the summaries of the
    reports changed brought up to date; `before_commit` runs last inside the transaction (it removes the download
    copies of what the database will no longer hold). An error or a kill leaves the previous database."""
    from converter.site import shards

    conn = _connect(db, in_place=True)
    try:
        with shards.attached(conn, incoming, "incoming"):
            conn.execute("BEGIN IMMEDIATE")
            load_codes(conn)
            load_rules(conn)
            delete_reports(conn, gone)
            next_rowid = {r: conn.execute(f"SELECT coalesce(max(rowid), 0) + 1 FROM {_quote(r)}").fetchone()[0]
                          for r in registry.resource_names()}
            shards.append(conn, next_rowid, "incoming")
            summaries.update(conn, [*gone, *inserted])
            before_commit()
            conn.execute("COMMIT")
        conn.execute("PRAGMA analysis_limit = 1000")
        conn.execute("PRAGMA optimize")
    finally:
        conn.close()


def _workers() -> int:
    return min(os.cpu_count() or 1, 4)


# While a new database is filled, the full-text tables do not merge their segments as they grow (automerge 0; a
# forced merge only past 1,000 segments of a level, under FTS5's limit of 2,000): 'optimize' merges them once at the
# end, which costs about half the CPU of merging as they come.
BULK_FTS_SETTINGS = {"automerge": 0, "crisismerge": 1000}


def _open_new(temp: Path) -> sqlite3.Connection:
    """A new database with its tables (the indexes come after the rows), the code lists and the rules."""
    temp.unlink(missing_ok=True)
    conn = _connect(temp)
    conn.execute("PRAGMA analysis_limit = 1000")
    for resource in registry.resource_names():
        conn.execute(table_ddl(resource))
        if resource in FTS_COLUMNS:
            conn.execute(*fts_ddl(resource))
            for name, value in BULK_FTS_SETTINGS.items():  # segments merged once, by 'optimize' (_finish_new)
                conn.execute(f"INSERT INTO [{resource}_fts] ([{resource}_fts], rank) VALUES ('{name}', {value})")
    conn.execute(f"PRAGMA user_version = {layout_stamp()}")
    conn.execute("BEGIN")
    load_codes(conn)
    load_rules(conn)
    conn.execute("COMMIT")
    return conn


def _finish_new(conn: sqlite3.Connection) -> None:
    """Indexes and views of a new database, once its rows are in; the full-text index merged into one b-tree."""
    for resource in registry.resource_names():
        for statement in index_ddl(resource):
            conn.execute(statement)
        if resource != "reports":
            conn.execute(view_ddl(resource))
        if resource in FTS_COLUMNS:
            conn.execute(f"INSERT INTO [{resource}_fts] ([{resource}_fts]) VALUES ('optimize')")
            names = ", ".join(f"'{name}'" for name in BULK_FTS_SETTINGS)  # back to FTS5's defaults for updates
            conn.execute(f"DELETE FROM [{resource}_fts_config] WHERE k IN ({names})")


def _count(conn: sqlite3.Connection, result: BuildResult) -> None:
    for resource in registry.resource_names():
        result.rows[resource] = conn.execute(f"SELECT count(*) FROM {_quote(resource)}").fetchone()[0]
