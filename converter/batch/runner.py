"""Run a batch: look every input up in the content index, convert the rest in a pool, one result per input."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from converter.batch.cache import ContentIndex, file_sha256
from converter.batch.executors import executor_for
from converter.batch.inputs import expand_inputs
from converter.batch.result import FAILED, SKIPPED, UNCHANGED, FileResult, Summary
from converter.batch.work import Limits, convert_one


def default_jobs() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass
class BatchOptions:
    """How a batch runs. `scheduler` is a Dask scheduler address (tcp://host:8786) or a distributed.Client."""

    out_dir: Path = Path("datapackage")
    force: bool = False  # convert even unchanged inputs, and replace packages even with fewer rows
    jobs: int = field(default_factory=default_jobs)
    limits: Limits = field(default_factory=Limits)
    use_cache: bool = True
    scheduler: object | None = None
    log: Path | None = None  # JSON lines, one result per input
    function: Callable[..., FileResult] = convert_one  # the per-file function (injectable for tests)


@dataclass
class _Pending:
    """An input to convert, and the inputs holding the same bytes that wait for its result."""

    path: Path
    sha256: str | None
    started: float
    duplicates: list[tuple[Path, float]] = field(default_factory=list)


def _duplicate(path: Path, first: FileResult, started: float) -> FileResult:
    seconds = time.perf_counter() - started
    if first.ok:
        return FileResult(str(path), UNCHANGED, reason=f"same bytes as {first.input}", seconds=seconds,
                          report_id=first.report_id, package=first.package, sha256=first.sha256,
                          duplicate_of=first.input)
    return FileResult(str(path), FAILED, reason=f"{path}: same bytes as {first.input}, which failed: {first.reason}",
                      seconds=seconds, sha256=first.sha256, duplicate_of=first.input)


SUPPORTED_TYPES = "txt, pdf, html, xls, xlsx, ods, docx, png, jpg, tif"


def _plan(paths: Iterable[tuple[Path, bool]], options: BatchOptions, index: ContentIndex | None,
          emit: Callable[[FileResult], None]) -> list[_Pending]:
    """Answer every input that needs no conversion (unsupported, unchanged, same bytes as another input) and
    return the others, each distinct content once."""
    seen: dict[str, _Pending | FileResult] = {}  # sha256 → its conversion to come, or its unchanged result
    todo: list[_Pending] = []
    for path, supported in paths:
        started = time.perf_counter()
        if not supported:
            kind = path.suffix or "no suffix"
            reason = f"{path}: not a report file type ({kind}); supported: {SUPPORTED_TYPES}"
            emit(FileResult(str(path), SKIPPED, reason=reason))
            continue
        try:
            size = path.stat().st_size if path.is_file() else None
            sha256 = file_sha256(path) if size is not None and not options.limits.too_large(path, size) else None
        except OSError:
            sha256 = None
        if sha256 is None:  # missing, unreadable or too large: the per-file function says why
            todo.append(_Pending(path, None, started))
            continue
        first = seen.get(sha256)
        if isinstance(first, _Pending):
            first.duplicates.append((path, started))
            continue
        if isinstance(first, FileResult):
            emit(_duplicate(path, first, started))
            continue
        entry = index.lookup(sha256) if index is not None and not options.force else None
        if entry is not None:
            seen[sha256] = FileResult(str(path), UNCHANGED, seconds=time.perf_counter() - started,
                                      report_id=entry["report_id"], package=str(options.out_dir / entry["report_id"]),
                                      sha256=sha256)
            emit(seen[sha256])
            continue
        seen[sha256] = pending = _Pending(path, sha256, started)
        todo.append(pending)
    return todo


def run_batch(inputs: list[Path], options: BatchOptions | None = None,
              on_result: Callable[[FileResult], None] | None = None,
              on_total: Callable[[int], None] | None = None) -> Summary:
    """Convert every input (files, or folders of them); call `on_total` with the number of inputs once the folders
    are listed, and `on_result` once per input as results arrive."""
    options = options or BatchOptions()
    summary = Summary()
    start = time.perf_counter()
    log = options.log.open("a", encoding="utf-8") if options.log else None

    def emit(result: FileResult) -> None:
        summary.add(result)
        if log is not None:
            log.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
            log.flush()
        if on_result is not None:
            on_result(result)

    index = ContentIndex(options.out_dir) if options.use_cache else None
    try:
        paths = list(expand_inputs(inputs, exclude=options.out_dir))
        if on_total is not None:
            on_total(len(paths))
        todo = _plan(paths, options, index, emit)
        if todo:
            with executor_for(options, len(todo)) as pool:
                for pending, result in pool.map_unordered(todo):
                    if result.ok and index is not None and pending.sha256 and result.report_id:
                        index.record(pending.sha256, result.report_id, str(pending.path))
                    emit(result)
                    for path, started in pending.duplicates:
                        emit(_duplicate(path, result, started))
    finally:  # even when interrupted, what was converted is recorded
        if index is not None:
            index.close()
        if log is not None:
            log.close()
    summary.seconds = time.perf_counter() - start
    return summary
