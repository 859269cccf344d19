"""The `juesuan` command line: thin typer commands over the library.

Exit codes: 0 success; 1 some input failed (not converted, invalid package, mismatches with --strict);
2 bad invocation or input that cannot be read at all (missing file, not a package).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from converter import __version__
from converter.checks.command import check as check_command
from converter.site import commands as site

app = typer.Typer(
    name="juesuan",
    help="Chinese government final-accounts disclosures (部门决算公开) → validated data packages → Datasette.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def fail(message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    err.print(f"[red]error:[/red] {escape(message)}", highlight=False)
    return typer.Exit(code)


def progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err, transient=True)


@app.callback(invoke_without_command=True)
def main(version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False) -> None:
    if version:
        out.print(f"juesuan {__version__}")
        raise typer.Exit()


def expand_inputs(paths: list[Path]) -> list[Path]:
    """Files as given; a folder stands for the report files below it (sorted), or is itself one report when it
    holds only page images."""
    from converter.readers import REPORT_SUFFIXES, page_images

    files: list[Path] = []
    for path in paths:
        if path.is_dir() and page_images(path):
            files.append(path)
        elif path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES))
        else:
            files.append(path)
    return files


@app.command()
def convert(
    inputs: Annotated[list[Path], typer.Argument(
        help="Report files (txt, pdf, html, xlsx, docx; png/jpg/tif pages) or folders of them (a folder of page"
             " images is one report).")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the packages.")] = Path("datapackage"),
    force: Annotated[bool, typer.Option(help="Replace an existing package even when the new one holds fewer rows.")]
    = False,
) -> None:
    """Convert reports into data packages (<out>/<report_id>/)."""
    from converter.convert import convert_file
    from converter.package import InvalidRecords, WorsePackage, write_package
    from converter.readers import UnreadableInput

    inputs = expand_inputs(inputs)
    failures: list[str] = []
    written: list[tuple[Path, int, int]] = []
    with progress() as bar:
        task = bar.add_task("converting", total=len(inputs))
        for path in inputs:
            bar.update(task, description=f"converting {path.name}")
            try:
                extraction = convert_file(path)
                target = write_package(extraction, out_dir, force=force)
                mismatches = sum(1 for f in extraction.findings if f.status == "mismatch")
                written.append((target, sum(len(v) for v in extraction.resources.values()), mismatches))
            except (UnreadableInput, WorsePackage, InvalidRecords, OSError) as exc:
                failures.append(str(exc))
            bar.advance(task)
    for target, rows, mismatches in written:
        note = f", {mismatches} mismatch finding(s)" if mismatches else ""
        out.print(f"[green]✓[/green] {target} ({rows} rows{note})", highlight=False)
    for message in failures:
        err.print(f"✗ {message}", highlight=False, markup=False)
    out.print(f"{len(written)} converted, {len(failures)} failed", highlight=False)
    if failures:
        raise typer.Exit(EXIT_FAILED if written else EXIT_BAD_INPUT)


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Package folders, datapackage.json files or package folders.")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable report on stdout.")] = False,
) -> None:
    """Validate packages with Frictionless and every row against the JSON Schemas."""
    from converter.package import PackageError, find_packages
    from converter.validate import Problem, validate_package

    try:
        packages = find_packages(paths)
    except PackageError as exc:
        raise fail(str(exc)) from None
    if not packages:
        raise fail(f"no data packages found in {', '.join(map(str, paths))}")
    results: dict[str, list[Problem]] = {}
    with progress() as bar:
        task = bar.add_task("validating", total=len(packages))
        for package in packages:
            results[str(package)] = validate_package(package)
            bar.advance(task)
    valid = all(not problems for problems in results.values())
    if as_json:
        report = {"valid": valid, "packages": [
            {"path": path, "valid": not problems, "problems": [p.as_dict() for p in problems]}
            for path, problems in results.items()
        ]}
        out.print_json(json.dumps(report, ensure_ascii=False))
    else:
        for path, problems in results.items():
            if not problems:
                out.print(f"[green]✓[/green] {path} valid", highlight=False)
                continue
            out.print(f"[red]✗[/red] {path}: {len(problems)} problem(s)", highlight=False)
            for problem in problems[:50]:
                out.print(f"    {problem}", highlight=False, markup=False)
            if len(problems) > 50:
                out.print(f"    … and {len(problems) - 50} more (use --json for all)")
    raise typer.Exit(EXIT_OK if valid else EXIT_FAILED)


def _exit_with_code(function):
    """A library command function returning an exit code, as a typer command (typer ignores return values)."""

    @functools.wraps(function)
    def command(*args, **kwargs):
        raise typer.Exit(function(*args, **kwargs) or EXIT_OK)

    return command


app.command(name="check", help="Recompute the accounting-identity checks of packages.")(_exit_with_code(check_command))
app.command(name="build", help="Load packages into one SQLite database for Datasette.")(_exit_with_code(site.build))
app.command(name="serve", help="Serve the database locally with Datasette.")(_exit_with_code(site.serve))
app.command(name="publish", help="Publish the site with `datasette publish`.")(_exit_with_code(site.publish))


if __name__ == "__main__":  # pragma: no cover
    app()
