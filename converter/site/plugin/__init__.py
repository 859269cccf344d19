"""The juesuan Datasette plugin: Chinese search, printed decimals, Chinese labels, report and comparison pages, limits.

Registered through the `datasette` entry point of the juesuan distribution, so plain `datasette juesuan.db -m
metadata.yml` loads it together with its templates (`templates/` beside this file). Self-contained (standard library,
Datasette and markupsafe only, relative imports): `juesuan publish` ships this package folder beside a one-line
plugins-dir loader, so deployments need not install juesuan and its converters.

Search method: every CJK character is indexed as its own token (the text is stored in the FTS table with spaces
around CJK characters, tokenised by FTS5's default unicode61), and the search box's query is rewritten the same way
into phrase queries. "公务接待费" becomes the phrase "公 务 接 待 费", which matches exactly the rows whose text
contains that substring; two-character words (医保) work the same way, with no dictionary to miss them.
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
import time
import urllib.parse
from typing import Any

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils import path_with_replaced_args
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

# CJK ideographs (basic, extension A, compatibility) and CJK punctuation/fullwidth forms are split one per token.
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_CHAR = re.compile(f"([{_CJK}])")
_SPACES = re.compile(r"\s+")
_TERMS = re.compile(r'"([^"]*)"?|(\S+)')
SCALE_COLUMN = "printed_scale"
LINK_COLUMNS = {"package_folder": "datapackage.json", "package_zip": "zip"}
HIDDEN_COLUMNS = {SCALE_COLUMN}  # internal columns never shown in HTML tables and query results
FILES_MOUNT = "files"
# Per-connection SQLite limits: no value (string or blob) over 16 MB, no SQL text over 1 MB. A query such as
# `select randomblob(1000000000)` fails at once with "string or blob too big" instead of taking gigabytes.
SQLITE_LIMITS = {"SQLITE_LIMIT_LENGTH": 16_000_000, "SQLITE_LIMIT_SQL_LENGTH": 1_000_000}
READ_METHODS = {"GET", "HEAD", "OPTIONS"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
VALUE_ZH = {
    "measure": {"budget": "预算数", "actual": "决算数"},
    "side": {"income": "收入", "expense": "支出"},
    "status": {"ok": "相符", "mismatch": "不符", "rounding": "尾差", "not_checkable": "无法核对", "found": "已提取",
               "empty": "空表", "absent": "未公开", "unreadable": "未能读取"},
    "kind": {"project": "项目", "department": "部门整体"},
}  # fmt: skip


# ---------------------------------------------------------------- search and numbers


def cjk_tokens(text: str | None) -> str:
    """Text with spaces around every CJK character, so unicode61 makes each one a token."""
    if not text:
        return ""
    return _SPACES.sub(" ", _CJK_CHAR.sub(r" \1 ", text)).strip()


def fts_query(query: str) -> str:
    """A search-box query as an FTS5 query: each term (or "quoted phrase") becomes a phrase of its tokens."""
    phrases = []
    for match in _TERMS.finditer(query or ""):
        tokens = cjk_tokens(match.group(1) if match.group(1) is not None else match.group(2))
        tokens = tokens.replace('"', "")
        if tokens:
            phrases.append(f'"{tokens}"')
    return " ".join(phrases) or '""'


def parse_scales(text: str | None) -> dict[str, int]:
    """'2:total,basic;1:score' → {'total': 2, 'basic': 2, 'score': 1}."""
    scales: dict[str, int] = {}
    for group in (text or "").split(";"):
        if ":" in group:
            scale, names = group.split(":", 1)
            scales.update(dict.fromkeys(names.split(","), int(scale)))
    return scales


def printed(value: Any, scale: int | None) -> str:
    """A number with its printed decimals ('6.50'); integers as printed; blanks empty."""
    if value is None or value == "":
        return ""
    if isinstance(value, float) and scale is not None:
        return f"{value:.{scale}f}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def zh_label(description: str | None, name: str) -> str:
    """'合计（万元） — Total (万元)…' → '合计（万元）'; the column name when there is no description."""
    head = (description or "").split(" — ", 1)[0].strip()
    return head or name


# ---------------------------------------------------------------- CSV exports


def neutralise(field: str) -> str:
    """A text cell that a spreadsheet would run as a formula, prefixed with ' (numbers such as -0.01 are kept)."""
    if not field.startswith(FORMULA_START):
        return field
    try:
        float(field)
        return field
    except ValueError:
        return "'" + field


def neutralise_csv_chunk(chunk: bytes) -> bytes:
    """One chunk of a Datasette CSV response (whole rows) with formula-leading text cells neutralised."""
    text = chunk.decode("utf-8")
    if not any(mark in text for mark in FORMULA_START):
        return chunk
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if text.endswith("\r\n") else "\n")
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow([neutralise(field) for field in row])
    return out.getvalue().encode("utf-8")


def _is_csv(scope: dict) -> bool:
    path = scope.get("path", "")
    return path.endswith(".csv") or b"_format=csv" in scope.get("query_string", b"")


_VIEW_PAGE = re.compile(r"^/[^/]+/[^/.]+_view$")


def without_count(scope: dict) -> dict:
    """The request with `_nocount=1` added for an HTML page of a view or a search, unless it asks for a count.

    Counting every row of a joined view or every hit of a common word is what makes those pages slow at scale
    (hundreds of ms at 10,000 reports); the rows are paged either way.
    """
    query = scope.get("query_string", b"")
    if b"_nocount" in query:
        return scope
    if _VIEW_PAGE.match(scope.get("path", "")) or (b"_search" in query and "." not in scope.get("path", "")[1:]):
        return {**scope, "query_string": query + (b"&" if query else b"") + b"_nocount=1"}
    return scope


_TABLE_PATH = re.compile(r"^/(?P<database>[^/]+)/(?P<table>[^/.]+)(?:\.\w+)?$")


def search_in_load_order(scope: dict, searchable: set[tuple[str, str]]) -> dict:
    """A full-text search of a table (`_search`) without a sort of its own, sorted by rowid (the order rows were
    loaded, report by report): SQLite then reads the matching rows in the order it found them instead of sorting
    every hit by primary key (400 ms for 医保 in the narrative of 10,000 reports, 80 ms so)."""
    match = _TABLE_PATH.match(scope.get("path", ""))
    if not match or (match["database"], match["table"]) not in searchable:
        return scope
    args = urllib.parse.parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    searched = any(name == "_search" or name.startswith("_search_") for name in args)
    if not searched or "_sort" in args or "_sort_desc" in args:
        return scope
    # _labels=off: Datasette 0.65 cannot page a sort by an unselected column over rows with expanded labels; the
    # report_id cells show their report's label all the same (render_cell)
    query = scope.get("query_string", b"")
    return {**scope, "query_string": query + b"&_sort=rowid" + (b"" if "_labels" in args else b"&_labels=off")}


def searchable_tables(datasette) -> set[tuple[str, str]]:
    """(database, table) of the tables with a full-text table in the metadata."""
    databases = datasette.metadata("databases") or {}
    return {
        (database, table)
        for database, meta in databases.items()
        for table, table_meta in ((meta or {}).get("tables") or {}).items()
        if (table_meta or {}).get("fts_table")
    }


def read_only_app(app, datasette=None):
    """ASGI middleware: 405 for anything but reads; no counts on view and search pages, searches in load order;
    safe CSV cells."""
    searchable = searchable_tables(datasette) if datasette is not None else set()

    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        if scope["method"] not in READ_METHODS:
            response = Response.text("405 Method Not Allowed: this site is read-only", status=405)
            response.headers["Allow"] = "GET, HEAD, OPTIONS"
            return await response.asgi_send(send)
        scope = search_in_load_order(without_count(scope), searchable)
        if not _is_csv(scope):
            return await app(scope, receive, send)
        pending = b""

        async def csv_send(message):
            nonlocal pending
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"content-length"]
                return await send({**message, "headers": headers})
            if message["type"] == "http.response.body":
                pending += message.get("body", b"")
                complete, _, pending = pending.rpartition(b"\n") if message.get("more_body") else (pending, b"", b"")
                if message.get("more_body"):
                    complete += b"\n" if complete or _ else b""
                body = neutralise_csv_chunk(complete) if complete else b""
                return await send({**message, "body": body})
            return await send(message)

        return await app(scope, receive, csv_send)

    return wrapped


# ---------------------------------------------------------------- hooks


@hookimpl(trylast=True)
def prepare_connection(conn):
    # trylast: runs after Datasette's own plugin registered the default escape_fts, and replaces it.
    conn.create_function("escape_fts", 1, fts_query)
    if isinstance(conn, sqlite3.Connection):
        for name, value in SQLITE_LIMITS.items():
            conn.setlimit(getattr(sqlite3, name), value)


# The site's settings, also under plain `datasette juesuan.db -m metadata.yml`: applied at startup wherever the
# command line left Datasette's default, so an explicit --setting still wins.
SITE_SETTINGS = {
    "sql_time_limit_ms": 3000,
    "facet_time_limit_ms": 400,
    "max_returned_rows": 2000,
    "default_page_size": 50,
    "suggest_facets": False,
}


@hookimpl
def startup(datasette):
    from datasette.app import DEFAULT_SETTINGS

    for name, value in SITE_SETTINGS.items():
        if datasette._settings.get(name) == DEFAULT_SETTINGS.get(name):
            datasette._settings[name] = value
    remember_table_permissions(datasette)


def remember_table_permissions(datasette) -> None:
    """Datasette's `allow` blocks of each table, worked out once per table instead of on every permission check.

    Datasette 0.65 deep-copies the whole metadata for every view-table check; the database page checks each of its
    ~100 tables, which cost ~300 ms a page with this site's metadata. The metadata does not change while serving.
    """
    original = getattr(datasette, "_table_permission_allows", None)
    if original is None or getattr(original, "remembered", False):
        return
    allows: dict[tuple[str, str], Any] = {}

    def remembered(database: str, table: str):
        key = (database, table)
        if key not in allows:
            allows[key] = original(database, table)
        return allows[key]

    remembered.remembered = True
    datasette._table_permission_allows = remembered


@hookimpl
def asgi_wrapper(datasette):
    return lambda app: read_only_app(app, datasette)


_LABELS: dict[tuple[int, str], tuple[float, dict[str, str]]] = {}
LABEL_TTL = 60.0


async def report_labels(datasette, database: str) -> dict[str, str]:
    """report_id → '部门（年度）' of a database (cached for a minute)."""
    key = (id(datasette), database)
    cached = _LABELS.get(key)
    if cached and time.monotonic() - cached[0] < LABEL_TTL:
        return cached[1]
    db = datasette.get_database(database)
    labels: dict[str, str] = {}
    if await db.table_exists("reports"):
        labels = dict((await db.execute("select report_id, label from reports")).rows)
    _LABELS[key] = (time.monotonic(), labels)
    return labels


def report_link(datasette, report_id: str, label: str | None) -> Markup:
    href = datasette.urls.path(f"/report/{report_id}")
    return Markup(f'<a href="{escape(href)}" title="{escape(report_id)}">{escape(label or report_id)}</a>')


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if column in LINK_COLUMNS and isinstance(value, str) and value.startswith("/"):
        return Markup(f'<a href="{escape(value)}">{escape(LINK_COLUMNS[column])}</a>')
    if column == "report_id" and isinstance(value, dict):  # foreign key expanded with the report's label
        return report_link(datasette, value["value"], value["label"])
    if column == "report_id" and isinstance(value, str):

        async def linked():
            return report_link(datasette, value, (await report_labels(datasette, database)).get(value))

        return linked()
    if column == "label" and table == "reports" and row is not None:
        return report_link(datasette, row["report_id"], value)
    if column in VALUE_ZH and isinstance(value, str) and value in VALUE_ZH[column]:
        return Markup(f'<span title="{escape(value)}">{escape(VALUE_ZH[column][value])}</span>')
    if not isinstance(value, float) or row is None:
        return None
    try:
        scales = parse_scales(row[SCALE_COLUMN])
    except (IndexError, KeyError, ValueError):
        return None
    if column in scales:
        return f"{value:.{scales[column]}f}"
    return None


@hookimpl(trylast=True)
def filters_from_request(request, database, table, datasette):
    """`_search` on `<resource>_view`: the view's rows whose base-table row matches `<resource>_fts`."""
    search = request.args.get("_search")
    if not table or not table.endswith("_view"):
        return None
    resource = table[: -len("_view")]

    async def inner():
        db = datasette.get_database(database)
        fts = f"{resource}_fts"
        if not await db.table_exists(fts):
            return None
        if not search:
            return FilterArguments([], extra_context={"supports_search": True})
        pks = await db.primary_keys(resource)
        keys = ", ".join(f"[{pk}]" for pk in pks)
        clause = (
            f"({keys}) in (select {keys} from [{resource}] where rowid in"
            f" (select rowid from [{fts}] where [{fts}] match escape_fts(:view_search)))"
        )
        return FilterArguments(
            [clause],
            params={"view_search": search},
            human_descriptions=[f'search matches "{search}"'],
            extra_context={"supports_search": True, "search": search},
        )

    return inner


@hookimpl
def extra_template_vars(datasette, database):
    """`column_label(name)`: the Chinese label of a column (from the metadata's column descriptions)."""
    labels = column_labels(datasette, database)
    per_table = table_column_labels(datasette, database)

    def column_label(name: str, description: str | None = None, sql: str | None = None) -> str:
        """A table column by its description; a query column by the tables its SQL reads, in order."""
        if description:
            return zh_label(description, name)
        for table in _SQL_TABLES.findall(sql or ""):
            if name in per_table.get(table, {}):
                return per_table[table][name]
        return labels.get(name, name)

    return {
        "column_label": column_label,
        "hidden_columns": HIDDEN_COLUMNS,
        "value_zh": VALUE_ZH,
        "path_with_replaced_args": path_with_replaced_args,
    }


_SQL_TABLES = re.compile(r"\b(?:from|join)\s+\[?(\w+)", re.IGNORECASE)


def table_column_labels(datasette, database: str | None) -> dict[str, dict[str, str]]:
    """Table → column name → Chinese label."""
    tables = ((datasette.metadata("databases") or {}).get(database or "", {}) or {}).get("tables", {})
    return {
        table: {name: zh_label(text, name) for name, text in (meta.get("columns") or {}).items()}
        for table, meta in tables.items()
    }


def column_labels(datasette, database: str | None) -> dict[str, str]:
    """Column name → Chinese label, over every table of the database (first description wins)."""
    labels: dict[str, str] = {}
    tables = ((datasette.metadata("databases") or {}).get(database or "", {}) or {}).get("tables", {})
    for meta in tables.values():
        for name, description in (meta.get("columns") or {}).items():
            labels.setdefault(name, zh_label(description, name))
    labels.update(EXTRA_LABELS)
    return labels


EXTRA_LABELS = {
    "source": "来源",
    "text": "内容",
    "report": "报告",
    "personnel": "人员经费（万元）",
    "public": "公用经费（万元）",
    "personnel_share_pct": "人员经费占比（%）",
    "label": "报告名称",
    "page": "页码",
    "q": "搜索词",
}


@hookimpl
def register_routes(datasette):
    from .pages import routes

    return routes(datasette)
