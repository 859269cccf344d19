"""The per-file function every executor runs: one input → a package or a one-line reason, never an exception."""

from __future__ import annotations

import gc
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from converter import lazy_re
from converter.batch.result import CONVERTED, FAILED, FileResult

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Per-file resource limits (None: unlimited). The defaults are far above any real report: a 300-page PDF
    converts in well under a minute and a few hundred MB; reports are a few MB."""

    timeout: float | None = 600.0  # seconds per file; the worker is killed when it is exceeded
    max_memory_mb: int | None = 4096  # address space of a worker process (RLIMIT_AS)
    max_bytes: int | None = 200 * MB  # input file size

    def too_large(self, path: Path, size: int) -> str | None:
        if self.max_bytes is not None and size > self.max_bytes:
            limit = human_size(self.max_bytes)
            return f"{path}: too large ({human_size(size)} over the {limit} limit; raise --max-bytes)"
        return None


def human_size(size: int) -> str:
    for unit, factor in (("GB", 1024**3), ("MB", MB), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} bytes"


def limit_memory(max_memory_mb: int | None) -> None:
    """Cap this process's address space (a worker's initializer): a runaway input raises MemoryError."""
    if not max_memory_mb:
        return
    import resource

    limit = max_memory_mb * MB
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def warm_up() -> None:
    """Import the converter and build what every conversion uses (the table reader, the places index, the compiled
    validators and column checks, the characters OpenCC can change) before forking
    workers, so that each inherits them."""
    import converter.convert  # noqa: F401
    from converter import registry
    from converter.places import divisions_by_name
    from converter.readers.script import changeable
    from converter.validators import column_check, fast_check

    divisions_by_name()
    changeable()
    for resource in registry.resource_names():
        fast_check(resource)
        column_check(resource)
    gc.freeze()  # all of it lives as long as the workers: their collections never scan it (nor copy its pages)


def _known_errors() -> tuple[type[Exception], ...]:
    from converter.package import InvalidRecords, WorsePackage
    from converter.readers import UnreadableInput

    return UnreadableInput, WorsePackage, InvalidRecords, OSError


def convert_one(path: str | Path, out_dir: str | Path, force: bool = False, limits: Limits = Limits()) -> FileResult:
    """Convert one report file and write its package; every failure becomes a `failed` result naming the file."""
    from converter.convert import convert_file
    from converter.package import write_package

    path = Path(path)
    start = time.perf_counter()

    def failed(reason: str, trace: str | None = None) -> FileResult:
        return FileResult(str(path), FAILED, reason=reason, seconds=time.perf_counter() - start, traceback=trace)

    try:
        if path.is_file() and (reason := limits.too_large(path, path.stat().st_size)):
            return failed(reason)
        extraction = convert_file(path)
        target = write_package(extraction, out_dir, force=force)
    except _known_errors() as exc:
        return failed(naming(path, one_line(str(exc))))
    except MemoryError:
        return failed(f"{path}: out of memory (over the {limits.max_memory_mb} MB per worker; raise --max-memory)")
    except Exception as exc:  # the per-file boundary: nothing escapes, the batch goes on
        return failed(*internal_error(path, exc))
    lazy_re.save()  # the patterns this process compiled anew, for the next one (nothing to do once they are kept)
    report = extraction.report
    rows = sum(len(values) for values in extraction.resources.values())
    return FileResult(
        str(path), CONVERTED, seconds=time.perf_counter() - start, report_id=report["report_id"],
        package=str(target), sha256=report.get("source_sha256"), rows=rows,
        mismatches=sum(1 for f in extraction.findings if f.status == "mismatch"),
    )


def one_line(message: str) -> str:
    return " ".join(message.split())


def internal_error(path: str | Path, exc: BaseException) -> tuple[str, str]:
    """(one-line reason naming the file, traceback) of an unexpected exception."""
    trace = "".join(traceback.format_exception(exc))
    return f"{path}: internal error: {type(exc).__name__}: {one_line(str(exc))}", trace


def naming(path: Path, message: str) -> str:
    """The message led by the input's path (readers name a file by its path or only by its name)."""
    if message.startswith(f"{path}:"):
        return message
    if message.startswith(f"{path.name}:"):
        return f"{path}{message[len(path.name):]}"
    return f"{path}: {message}"


def crash_reason(path: str | Path, exitcode: int | None) -> str:
    """The one-line reason for a worker that died while converting `path`."""
    if exitcode is not None and exitcode < 0:
        import signal

        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"{path}: internal error: the worker converting it crashed ({name})"
    return f"{path}: internal error: the worker converting it exited abruptly (exit code {exitcode})"

