"""The `juesuan` command line: thin typer commands over the library.

Every command imports only what it uses, inside the command, so that `juesuan --version` and a one-report `convert`
start fast; `check`, `build`, `serve` and `publish` live in their library modules and are loaded when named.

Exit codes: 0 success; 1 some input failed (the others were done); 2 nothing could be done (bad invocation, no
input that could be read, not a package). Errors are one line on stderr naming the file; `-v` adds tracebacks of
internal errors, `-q` leaves only the errors.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from converter import __version__

if TYPE_CHECKING:
    from rich.console import Console

    from converter.batch import FileResult

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors (no progress, no summary).")]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Add the traceback to an internal error.")]

EPILOGS = {
    "convert": """Examples:
  juesuan convert report.pdf
  juesuan convert reports/ --out datapackage --log convert.jsonl
  juesuan convert reports/ --jobs 8 --timeout 120 --json > result.json
  juesuan convert reports/ --scheduler tcp://scheduler:8786

An input whose bytes and converter are unchanged since its package was written is skipped (unchanged); the same
bytes under two names are converted once. --force converts everything again.

Exit codes: 0 every input converted or unchanged; 1 some failed (the others are written); 2 nothing could be
converted (no report files, only unsupported or unreadable files).""",
    "validate": """Examples:
  juesuan validate datapackage
  juesuan validate datapackage/001-example-e6bc4b0a --json

Exit codes: 0 all valid; 1 a package has problems; 2 not a package or nothing found.""",
    "check": """Examples:
  juesuan check datapackage
  juesuan check datapackage --strict --json

Exit codes: 0 (mismatches are facts about the report); 1 with --strict and a mismatch; 2 not a package.""",
    "build": """Examples:
  juesuan build
  juesuan build datapackage more-packages/ --db juesuan.db

Exit codes: 0 all packages loaded; 1 a package was refused (the others load); 2 nothing to load.""",
    "serve": """Examples:
  juesuan serve
  juesuan serve --db juesuan.db --port 8080

Exit codes: 0 stopped; 2 no built site, or the port is in use; otherwise Datasette's.""",
    "publish": """Examples:
  juesuan publish fly --db juesuan.db --app juesuan-demo
  juesuan publish cloudrun --generate-dir deploy/

Exit codes: 0 published (or files generated); 1 the publisher failed; 2 no built site or a bad target.""",
}

# Commands that live in their library modules: name → (module, function, one-line help).
LIBRARY_COMMANDS = {
    "check": ("converter.checks.command", "check", "Recompute the accounting-identity checks of packages."),
    "build": ("converter.site.commands", "build", "Load packages into one SQLite database for Datasette."),
    "serve": ("converter.site.commands", "serve", "Serve the database locally with Datasette."),
    "publish": ("converter.site.commands", "publish", "Publish the site with `datasette publish`."),
}


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, soft_wrap=True, highlight=False)


def fail(message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    from rich.markup import escape

    _console(stderr=True).print(f"[red]error:[/red] {escape(message)}")
    return typer.Exit(code)


def internal_error(exc: BaseException, verbose: bool) -> typer.Exit:
    """An unexpected exception as one line (and its traceback with -v)."""
    if verbose:
        import traceback

        traceback.print_exception(exc)
    return fail(f"internal error: {type(exc).__name__}: {exc}")


@contextlib.contextmanager
def quiet_stdout(quiet: bool):
    """-q: what a command prints on stdout is dropped; errors on stderr stay."""
    if not quiet:
        yield
        return
    with contextlib.redirect_stdout(io.StringIO()):
        yield


@contextlib.contextmanager
def progress_bar(description: str, total: int | None, quiet: bool, rate: bool = False):
    """A transient bar on stderr (not with -q, nor when stderr is not a terminal); yields (progress, task), or
    (None, None) when there is no bar."""
    if quiet or not sys.stderr.isatty():  # nothing to show: rich's progress is not even imported
        yield None, None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = [TextColumn(description), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    if rate:
        columns += [TextColumn("[progress.data.speed]{task.fields[rate]}  ETA"), TimeRemainingColumn()]
    with Progress(*columns, console=_console(stderr=True), transient=True) as progress:
        yield progress, progress.add_task(description, total=total, rate="")


def port_in_use(host: str, port: int) -> bool:
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def _before(name: str, kwargs: dict[str, Any]) -> None:
    if name == "serve" and port_in_use(kwargs.get("host", "127.0.0.1"), kwargs.get("port", 8001)):
        raise fail(f"port {kwargs.get('port')} on {kwargs.get('host')} is in use; choose another with --port")


def library_command(name: str, function) -> Any:
    """A library function returning an exit code as a typer command with -q/-v, one-line internal errors and its
    return value as the exit code (typer ignores return values)."""
    signature = inspect.signature(function, eval_str=True)
    extra = [inspect.Parameter("quiet", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=Quiet),
             inspect.Parameter("verbose", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=Verbose)]
    parameters = [*signature.parameters.values(), *extra]

    @functools.wraps(function)
    def command(*args, quiet: bool = False, verbose: bool = False, **kwargs):
        _before(name, kwargs)
        with quiet_stdout(quiet):
            try:
                code = function(*args, **kwargs)
            except (typer.Exit, typer.Abort, KeyboardInterrupt):
                raise
            except Exception as exc:
                raise internal_error(exc, verbose) from None
        raise typer.Exit(code or EXIT_OK)

    command.__signature__ = signature.replace(parameters=parameters)
    command.__annotations__ = {p.name: p.annotation for p in parameters}
    return command


class LazyGroup(TyperGroup):
    """Loads a library command's module only when that command runs (or help lists it)."""

    def list_commands(self, ctx) -> list[str]:
        return [*super().list_commands(ctx), *LIBRARY_COMMANDS]

    def get_command(self, ctx, name: str):
        if name not in LIBRARY_COMMANDS:
            return super().get_command(ctx, name)
        module, attribute, help_text = LIBRARY_COMMANDS[name]
        function = getattr(importlib.import_module(module), attribute)
        single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        single.command(name=name, help=help_text, epilog=EPILOGS[name])(library_command(name, function))
        return typer.main.get_command(single)


app = typer.Typer(
    name="juesuan",
    cls=LazyGroup,
    help="Chinese government final-accounts disclosures (部门决算公开) → validated data packages → Datasette.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback(invoke_without_command=True)
def main(version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False) -> None:
    if version:
        print(f"juesuan {__version__}")
        raise typer.Exit()


def _parse_size(text: str) -> int | None:
    """'200M' → bytes; 0 → no limit."""
    units = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}
    number, unit = text.strip().upper().rstrip("B"), ""
    if number and number[-1] in units:
        number, unit = number[:-1], number[-1]
    try:
        value = int(float(number) * units[unit])
    except ValueError:
        raise typer.BadParameter(f"{text!r}: give bytes, or a number with K, M or G") from None
    return value or None


class _Reporter:
    """Prints each result as it arrives (above the progress bar) and the summary."""

    def __init__(self, quiet: bool, verbose: bool, as_json: bool) -> None:
        self.quiet, self.verbose, self.as_json = quiet, verbose, as_json
        self.results: list[dict] = []
        self.progress = None

    @functools.cached_property
    def out(self) -> Console:
        return _console()

    @functools.cached_property
    def err(self) -> Console:
        return _console(stderr=True)

    def __call__(self, result: FileResult) -> None:
        if self.as_json:
            self.results.append(result.as_dict())
        if self.progress is not None:
            self.progress.advance(self.task)
        if (self.quiet or self.as_json) and result.ok:
            return
        if result.status in ("failed", "skipped"):
            word = "✗" if result.status == "failed" else "skipped:"
            self.err.print(f"{word} {result.reason}", markup=False)
            if self.verbose and result.traceback:
                self.err.print(result.traceback.rstrip(), markup=False)
            return
        from rich.markup import escape

        if result.status == "converted":
            note = f", {result.mismatches} mismatch finding(s)" if result.mismatches else ""
            self.out.print(f"[green]✓[/green] {escape(result.package)} ({result.rows} rows{note})")
        else:
            why = f" (same bytes as {result.duplicate_of})" if result.duplicate_of else ""
            self.out.print(f"= {escape(result.package)} unchanged{escape(why)}")

    def set_total(self, total: int) -> None:
        if self.progress is not None:
            self.progress.update(self.task, total=total)

    @contextlib.contextmanager
    def bar(self):
        with progress_bar("converting", None, self.quiet, rate=True) as (progress, task):
            self.progress, self.task = progress, task
            try:
                yield
            finally:
                self.progress = None


@app.command(epilog=EPILOGS["convert"])
def convert(
    inputs: Annotated[list[Path], typer.Argument(help="Report files (txt, pdf, html, xls(x), ods, docx) or folders.")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the packages.")] = Path("datapackage"),
    force: Annotated[bool, typer.Option(help="Convert unchanged inputs again and replace packages even when the new "
                                             "one holds fewer rows.")] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes (default: cores).")]
    = None,
    log: Annotated[Path | None, typer.Option("--log", help="Append one JSON line per input to this file.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results and summary as JSON on stdout.")]
    = False,
    timeout: Annotated[float, typer.Option(min=0, help="Seconds per file before its worker is stopped (0: none).")]
    = 600.0,
    max_memory: Annotated[int, typer.Option("--max-memory", min=0, help="MB of memory per worker (0: none).")]
    = 4096,
    max_bytes: Annotated[str, typer.Option("--max-bytes", help="Largest input file (bytes, or 500K/200M/1G; 0: none).")]
    = "200M",
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Ignore and do not update the content index.")]
    = False,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address (tcp://host:8786): convert on its "
                                                       "workers.")] = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Convert reports into data packages (<out>/<report_id>/), in parallel, skipping unchanged inputs."""
    from converter.batch import BatchOptions, Limits, run_batch
    from converter.batch.runner import default_jobs

    limits = Limits(timeout=timeout or None, max_memory_mb=max_memory or None, max_bytes=_parse_size(max_bytes))
    options = BatchOptions(out_dir=out_dir, force=force, jobs=jobs or default_jobs(), limits=limits,
                           use_cache=not no_cache, scheduler=scheduler, log=log)
    reporter = _Reporter(quiet, verbose, as_json)
    try:
        with reporter.bar():
            summary = run_batch(inputs, options, on_result=_with_rate(reporter), on_total=reporter.set_total)
    except OSError as exc:  # the batch itself (not one file): e.g. the log or the output folder cannot be written
        raise fail(str(exc)) from None
    except Exception as exc:
        raise internal_error(exc, verbose) from None
    if as_json:
        import json

        print(json.dumps({"summary": summary.as_dict(), "results": reporter.results}, ensure_ascii=False, indent=2))
    total = sum(summary.counts.values())
    if not total:
        raise fail(f"no report files found in {', '.join(map(str, inputs))}", summary.exit_code)
    if not quiet and not as_json:
        counts = summary.counts
        done = counts["converted"] + counts["unchanged"] + counts["failed"]
        extra = "".join(f", {counts[name]} {name}" for name in ("unchanged", "skipped") if counts[name])
        rate = f" ({done / summary.seconds:.1f} reports/s)" if summary.seconds > 0 and done > 1 else ""
        print(f"{counts['converted']} converted, {counts['failed']} failed{extra} in {summary.seconds:.1f} s{rate}")
    raise typer.Exit(summary.exit_code)


def _with_rate(reporter: _Reporter):
    """Updates the bar's rate field (reports per second) with each result."""
    import time

    start = time.perf_counter()
    done = 0

    def on_result(result: FileResult) -> None:
        nonlocal done
        done += 1
        reporter(result)
        if reporter.progress is not None:
            elapsed = time.perf_counter() - start
            reporter.progress.update(reporter.task, rate=f"{done / elapsed:.1f}/s" if elapsed else "")

    return on_result


@app.command(epilog=EPILOGS["validate"])
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Package folders, datapackage.json files or package folders.")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable report on stdout.")] = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Validate packages with Frictionless and every row against the JSON Schemas."""
    import json

    from converter.package import PackageError, find_packages
    from converter.validate import Problem, validate_package

    try:
        packages = find_packages(paths)
    except PackageError as exc:
        raise fail(str(exc)) from None
    if not packages:
        raise fail(f"no data packages found in {', '.join(map(str, paths))}")
    results: dict[str, list[Problem]] = {}
    try:
        with progress_bar("validating", len(packages), quiet) as (progress, task):
            for package in packages:
                results[str(package)] = validate_package(package)
                if progress is not None:
                    progress.advance(task)
    except Exception as exc:
        raise internal_error(exc, verbose) from None
    valid = all(not problems for problems in results.values())
    out = _console()
    if as_json:
        report = {"valid": valid, "packages": [
            {"path": path, "valid": not problems, "problems": [p.as_dict() for p in problems]}
            for path, problems in results.items()
        ]}
        out.print_json(json.dumps(report, ensure_ascii=False))
    else:
        for path, problems in results.items():
            if not problems:
                if not quiet:
                    out.print(f"[green]✓[/green] {path} valid")
                continue
            out.print(f"[red]✗[/red] {path}: {len(problems)} problem(s)")
            for problem in problems[:50]:
                out.print(f"    {problem}", markup=False)
            if len(problems) > 50:
                out.print(f"    … and {len(problems) - 50} more (use --json for all)")
    raise typer.Exit(EXIT_OK if valid else EXIT_FAILED)


if __name__ == "__main__":  # pragma: no cover
    app()
