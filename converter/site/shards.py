"""Packages read into shard databases, then merged into the site database by SQLite itself (ATTACH + INSERT … SELECT).

Each shard holds a run of packages in path order: every table's rows (untyped columns, so the site database's column
types apply on the merge exactly as on a direct insert), each followed by the search tokens of its full-text
columns.
Workers write shards in parallel; the build merges them in order, adding an offset to the rowids, so the rows get
the same rowids (and the database the same content) whatever the number of workers. Shards live in the build's
staging folder (a dot-name, removed by the next build should this one be killed).
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import sqlite3
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from converter import registry
from converter.site import downloads
from converter.site.database import (
    FTS_COLUMNS,
    REPORT_EXTRA,
    SCALE_COLUMN,
    _quote,
    package_rows,
)
from converter.site.loading import read_loadable

SHARD_PACKAGES = 64  # packages per shard: a worker's unit of work (fixed, so the merge order never depends on cores)


@dataclass
class Outcome:
    """One package of a shard: loaded (report_id) or refused (problems)."""

    folder: Path
    report_id: str | None = None
    problems: list[str] = field(default_factory=list)
    validated: bool = True  # its rows were validated (not only the converter's record of their validation)


@cache
def columns(resource: str) -> list[str]:
    """The columns a package fills, in insert order (the database's own columns but for the rowid)."""
    names = list(registry.field_names(resource))
    names += [SCALE_COLUMN] if registry.decimal_fields(resource) else []
    return names + (list(REPORT_EXTRA) if resource == "reports" else [])


def _token_columns(resource: str) -> list[str]:
    """A shard's columns holding the search tokens of the resource's full-text columns, after its own."""
    return [f"_tokens_{name}" for name in FTS_COLUMNS.get(resource, [])]


def _create(conn: sqlite3.Connection) -> None:
    for resource in registry.resource_names():
        names = [*columns(resource), *_token_columns(resource)]
        conn.execute(f"CREATE TABLE {_quote(resource)} ({', '.join(map(_quote, names))})")


@cache
def _insert(resource: str) -> str:
    marks = ", ".join("?" * (len(columns(resource)) + len(_token_columns(resource))))
    return f"INSERT INTO {_quote(resource)} VALUES ({marks})"


def write_shard(folders: list[Path], path: Path, staged: Path, trust: bool = True) -> list[Outcome]:
    """Read, validate and shape each package into a new shard database at `path`; stage the download copies of the
    loadable ones. Returns each package's outcome, in order. `trust`: see `loading.read_loadable`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    outcomes = []
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        _create(conn)
        for folder in folders:
            loadable = read_loadable(folder, trust)
            if loadable.problems:
                outcomes.append(Outcome(folder, problems=loadable.problems))
                continue
            report_id = loadable.report["report_id"]
            for resource, rows in package_rows(loadable.tables, loadable.report).items():
                if rows:
                    conn.executemany(_insert(resource), rows)
            downloads.stage(loadable.files, report_id, staged, folder)
            outcomes.append(Outcome(folder, report_id, validated=loadable.validated))
        conn.execute("COMMIT")
    return outcomes


def create(path: Path) -> sqlite3.Connection:
    """A new, empty database laid out as a shard (rows merged into it by `merge`), for writing by this process."""
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    _create(conn)
    return conn


@contextlib.contextmanager
def attached(conn: sqlite3.Connection, path: Path, schema: str = "shard") -> Iterator[None]:
    """`path` attached as `schema`; on leaving, a transaction still open is rolled back and the database detached.
    `conn` must not be inside a transaction (a database is attached and detached outside one)."""
    conn.execute(f"ATTACH DATABASE ? AS {schema}", [str(path)])
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.execute(f"DETACH DATABASE {schema}")


def append(conn: sqlite3.Connection, next_rowid: dict[str, int], schema: str = "shard", gather: bool = False) -> None:
    """Append the rows of the attached shard-layout database `schema` (rowids continuing from `next_rowid`, which
    advances) inside the caller's transaction: into the site database's tables and full-text index, or, `gather`,
    into another shard-layout database (tokens kept beside the rows)."""
    for resource in registry.resource_names():
        offset = next_rowid[resource] - 1
        names = ", ".join(map(_quote, columns(resource) + (_token_columns(resource) if gather else [])))
        added = conn.execute(
            f"INSERT INTO main.{_quote(resource)} (rowid, {names}) SELECT rowid + {offset}, {names}"
            f" FROM {schema}.{_quote(resource)} ORDER BY rowid"
        ).rowcount
        if resource in FTS_COLUMNS and added and not gather:
            texts = ", ".join(map(_quote, FTS_COLUMNS[resource]))
            tokens = ", ".join(map(_quote, _token_columns(resource)))
            conn.execute(
                f"INSERT INTO main.[{resource}_fts] (rowid, {texts}) SELECT rowid + {offset}, {tokens}"
                f" FROM {schema}.{_quote(resource)} ORDER BY rowid"
            )
        next_rowid[resource] += added


def merge(conn: sqlite3.Connection, shard: Path, next_rowid: dict[str, int], gather: bool = False) -> None:
    """Append a shard's rows to the database of `conn` in a transaction of their own (see `append`); the shard is
    removed after. `conn` must not be inside a transaction."""
    with attached(conn, shard):
        conn.execute("BEGIN")
        append(conn, next_rowid, gather=gather)
        conn.execute("COMMIT")
    shard.unlink()


def shard_paths(staged: Path) -> Iterator[Path]:
    return (staged / f".shard-{number}.db" for number in itertools.count())


def read_shards(
    folders: list[Path],
    staged: Path,
    workers: int,
    initializer: Callable[..., None],
    initargs: tuple,
    trust: bool = True,
) -> Iterator[tuple[Path, list[Outcome]]]:
    """(shard, outcomes) for each run of SHARD_PACKAGES packages, in order: written in worker processes when there
    are several runs, with at most two per worker written ahead of the merge (bounds the disk the shards take)."""
    runs = [folders[start : start + SHARD_PACKAGES] for start in range(0, len(folders), SHARD_PACKAGES)]
    paths = shard_paths(staged)
    if workers <= 1 or len(runs) < 2:
        for run in runs:
            path = next(paths)
            yield path, write_shard(run, path, staged, trust)
        return
    # forkserver: workers do not inherit the build lock (a killed build's workers must not keep holding it)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])  # imported once by the fork server, not by every worker
    with ProcessPoolExecutor(workers, mp_context=context, initializer=initializer, initargs=initargs) as pool:
        pending: deque = deque()
        todo = iter(runs)
        try:
            for run in itertools.islice(todo, 2 * workers):
                path = next(paths)
                pending.append((path, pool.submit(write_shard, run, path, staged, trust)))
            while pending:
                path, future = pending.popleft()
                outcomes = future.result()
                for run in itertools.islice(todo, 1):
                    following = next(paths)
                    pending.append((following, pool.submit(write_shard, run, following, staged, trust)))
                yield path, outcomes
        finally:  # the build failed or stopped: shards not yet begun are not written
            for _, future in pending:
                future.cancel()
