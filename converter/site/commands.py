"""`juesuan build`, `serve` and `publish`: the site commands (registered in the CLI by converter.cli).

Each returns its exit code when it succeeds and raises typer.Exit with it otherwise: 0 success; 1 some packages were
refused or the publisher failed; 2 bad input (nothing to load, no database, unknown target) or the database could not
be written (full disk, another build running), the previous one left as it was.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from converter.package import PackageError, find_packages
from converter.site import publish as site_publish
from converter.site import serve as site_serve
from converter.site.database import BuildError, build_database, files_dir, recover

DEFAULT_DB = Path("juesuan.db")
DEFAULT_PACKAGES = Path("datapackage")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _exit(code: int, message: str | None = None) -> int:
    if message:
        err.print(f"[red]error:[/red] {escape(message)}", highlight=False)
    if code:
        raise typer.Exit(code)
    return code


def _site_problem(db: Path) -> str | None:
    """Why the database cannot be served or published, or None. An update a kill interrupted is rolled back first:
    Datasette reads the database immutable, ignoring the journal that holds the previous pages."""
    if not (db.is_file() and files_dir(db.resolve()).is_dir()):
        return f"{db}: no built site here; run `juesuan build --db {db}` first"
    try:
        recover(db)
    except sqlite3.Error as exc:
        return f"{db}: an interrupted update could not be rolled back: {exc}"
    return None


def build(
    packages: Annotated[list[Path] | None, typer.Argument(help="Package folders or folders of packages.")] = None,
    db: Annotated[Path, typer.Option("--db", help="The SQLite database to build or update.")] = DEFAULT_DB,
    full: Annotated[bool, typer.Option("--full", help="Rebuild from nothing instead of updating in place.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary on stdout.")] = False,
    sources: Annotated[
        list[Path] | None,
        typer.Option("--sources", help="Folder of the source files (PDF …), found by name and sha256; repeatable."),
    ] = None,
    validate_all: Annotated[bool, typer.Option(
        "--validate-all", help="Validate every package's rows, also those the converter recorded as validated."
    )] = False,
) -> int:
    """Bring one SQLite database (and its download folder) to exactly these packages, atomically.

    New, changed and removed packages are applied to the existing database; unchanged ones are not read again.
    Each report's source file is served with it (for the report page's links to PDF pages) when it is found: in its
    package folder, at the input `juesuan convert` read, or in a --sources folder.
    A report is loaded once: by report_id, and by source sha256 (the others are skipped with the reason).
    Exit codes: 0 built; 1 some packages refused; 2 nothing to load, or the database could not be written.
    """
    paths = packages or [DEFAULT_PACKAGES]
    try:
        found = find_packages(paths)
    except PackageError as exc:
        return _exit(2, str(exc))
    if not found:
        return _exit(2, f"no data packages found in {', '.join(map(str, paths))}")
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=err, transient=True, disable=as_json) as bar:
            task = bar.add_task("loading", total=len(found))
            result = build_database(
                found, db, on_package=lambda _: bar.advance(task), full=full, sources=sources or (),
                validate_all=validate_all,
            )
    except BuildError as exc:
        return _exit(2, str(exc))
    if as_json:
        print(json.dumps({"database": str(db), **result.as_dict()}, ensure_ascii=False, indent=2))
        return _exit(1 if result.refused else 0)
    for path, reason in result.refused.items():
        err.print(f"[red]✗[/red] refused {escape(path)}: {escape(reason)}", highlight=False)
    for path, reason in result.skipped.items():
        err.print(f"skipped {escape(path)}: {escape(reason)}", highlight=False)
    for report_id, reason in result.source_problems.items():
        err.print(f"source of {escape(report_id)} not served: {escape(reason)}", highlight=False)
    total = sum(result.rows.values())
    how = f"rebuilt ({result.full_reason})" if result.full else (
        f"updated: {len(result.loaded) - len(result.replaced)} new, {len(result.replaced)} replaced,"
        f" {len(result.removed)} removed, {len(result.unchanged)} unchanged"
    )
    out.print(
        f"{db}: {how}; {result.rows.get('reports', 0)} report(s), {total} rows;"
        f" {len(result.refused)} package(s) refused, {len(result.skipped)} skipped; {result.sources} source file(s);"
        f" downloads in {files_dir(db)}",
        highlight=False,
    )
    return _exit(1 if result.refused else 0)


def serve(
    db: Annotated[Path, typer.Option("--db", help="The database built by `juesuan build`.")] = DEFAULT_DB,
    port: Annotated[int, typer.Option("--port", "-p", help="Port to listen on.")] = 8001,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
) -> int:
    """Serve the site locally with Datasette (immutable database, bounded queries)."""
    if problem := _site_problem(db):
        return _exit(2, problem)
    with tempfile.TemporaryDirectory(prefix="juesuan-site-") as folder:
        site = site_serve.prepare(db, Path(folder))
        out.print(f"serving {db} on http://{host}:{port}/", highlight=False)
        return _exit(site_serve.run(site, host, port))


def publish(
    target: Annotated[str, typer.Argument(help="cloudrun, fly, vercel or heroku.")],
    db: Annotated[Path, typer.Option("--db", help="The database built by `juesuan build`.")] = DEFAULT_DB,
    generate_dir: Annotated[
        Path | None, typer.Option("--generate-dir", help="Write the deployable files here instead of deploying.")
    ] = None,
    app: Annotated[
        str | None,
        typer.Option(
            "--app", "-a", help="The app's name (fly --app, vercel --project, heroku --name, cloudrun --service)."
        ),
    ] = None,
    extra: Annotated[
        list[str] | None, typer.Argument(help="Further options for `datasette publish <target>` (after --).")
    ] = None,
) -> int:
    """Publish the site with `datasette publish`: our metadata, plugin, downloads and a pinned Datasette.

    Example: juesuan publish fly --app juesuan-demo --generate-dir deploy/ (then `cd deploy && fly deploy`).
    """
    if problem := _site_problem(db):
        return _exit(2, problem)
    if generate_dir is not None and generate_dir.exists():
        return _exit(2, f"{generate_dir}: already exists; give a new folder")
    with tempfile.TemporaryDirectory(prefix="juesuan-publish-") as folder:
        site = site_serve.prepare(db, Path(folder))
        try:
            command = site_publish.publish_command(target, site, generate_dir, extra or [], app)
        except site_publish.PublishError as exc:
            return _exit(2, str(exc))
        code = site_publish.run_command(command)
    if code:
        return _exit(1, f"datasette publish {target} failed (exit {code})")
    if generate_dir is not None:
        out.print(f"deployable files written to {generate_dir}", highlight=False)
    return 0
