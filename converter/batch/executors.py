"""Where the per-file function runs: local worker processes, or a Dask cluster, behind one interface.

Both keep a bounded number of inputs in flight, so memory stays flat however long the batch, and both turn every
way a worker can fail (time budget exceeded, crash, lost worker) into a `failed` result naming the file.

The local pool is small and hand-made on purpose: each worker has its own pipe and the parent knows which input it
sent to which worker, so a worker that dies, even the instant it starts an input, fails exactly that input. (pebble's
pool, tried first, loses track of a task whose worker dies before acknowledging it and then aborts every task.)
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from converter.batch.result import FAILED, FileResult
from converter.batch.work import crash_reason, internal_error, limit_memory, warm_up

if TYPE_CHECKING:
    from converter.batch.runner import BatchOptions, _Pending

IN_FLIGHT_PER_WORKER = 4  # Dask: inputs queued per worker thread
TASKS_PER_WORKER = 250  # a local worker is replaced after this many inputs, so that nothing can accumulate


def _failed(pending: _Pending, reason: str, trace: str | None = None) -> FileResult:
    return FileResult(str(pending.path), FAILED, reason=reason, seconds=time.perf_counter() - pending.started,
                      sha256=pending.sha256, traceback=trace)


def _die_with_parent(parent: int) -> None:
    """Linux: this worker is killed when the batch process dies (else it notices within a second when idle)."""
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)


def _serve(conn, parent_end, function: Callable[..., FileResult], max_memory_mb: int | None, parent: int) -> None:
    """A worker process: run the per-file function on each input received until told to stop."""
    parent_end.close()
    _die_with_parent(parent)
    limit_memory(max_memory_mb)
    while True:
        try:
            while not conn.poll(1.0):
                if os.getppid() != parent:
                    return
            task = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if task is None:
            return
        try:
            result = function(*task)
        except BaseException as exc:  # an injected function may raise; convert_one never does
            reason, trace = internal_error(task[0], exc)
            result = FileResult(str(task[0]), FAILED, reason=reason, traceback=trace)
        conn.send(result)


class _Worker:
    def __init__(self, context, options: BatchOptions) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, daemon=True, args=(
            child, self.conn, options.function, options.limits.max_memory_mb, os.getpid()))
        self.process.start()
        child.close()
        self.pending: _Pending | None = None
        self.deadline = float("inf")
        self.done = 0

    def start(self, pending: _Pending, options: BatchOptions) -> None:
        self.pending = pending
        timeout = options.limits.timeout
        self.deadline = time.monotonic() + timeout if timeout else float("inf")
        self.conn.send((str(pending.path), str(options.out_dir), options.force, options.limits))

    def stop(self, kill: bool = False) -> int | None:
        if kill:
            self.process.kill()
        else:
            with contextlib.suppress(OSError):
                self.conn.send(None)
        self.process.join(timeout=None if kill else 5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()
        return self.process.exitcode


class LocalPool:
    """Worker processes forked from this one (the converter imported and warmed once, inherited by all), each under
    the memory cap; a worker past the time budget is killed, a dead one replaced; its input fails, no other."""

    def __init__(self, options: BatchOptions, size: int, inputs: int | None = None) -> None:
        import multiprocessing

        if inputs is None or inputs > 1:  # one input: its worker imports what it needs (no copy-on-write of it)
            warm_up()
        self.options = options
        self.size = size
        self.context = multiprocessing.get_context("fork")
        self.workers: list[_Worker] = []

    def map_unordered(self, todo: list[_Pending]) -> Iterator[tuple[_Pending, FileResult]]:
        from multiprocessing.connection import wait

        inputs = iter(todo)
        self.workers = [_Worker(self.context, self.options) for _ in range(self.size)]
        while True:
            for index, worker in enumerate(self.workers):
                if worker.pending is None and (pending := next(inputs, None)) is not None:
                    if worker.done >= TASKS_PER_WORKER or not worker.process.is_alive():
                        worker.stop()
                        worker = self.workers[index] = _Worker(self.context, self.options)
                    worker.start(pending, self.options)
            busy = [worker for worker in self.workers if worker.pending is not None]
            if not busy:
                return
            nearest = min(worker.deadline for worker in busy) - time.monotonic()
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                             timeout=None if nearest == float("inf") else max(nearest, 0)))
            for index, worker in enumerate(self.workers):
                if worker.pending is None:
                    continue
                pending = worker.pending
                result = None
                if worker.conn in ready:
                    try:
                        result = worker.conn.recv()
                    except (EOFError, OSError):  # the worker died while converting
                        result = _failed(pending, crash_reason(pending.path, worker.stop(kill=False)))
                elif worker.process.sentinel in ready:
                    result = _failed(pending, crash_reason(pending.path, worker.stop(kill=False)))
                elif time.monotonic() >= worker.deadline:
                    worker.stop(kill=True)
                    result = _failed(pending, f"{pending.path}: timeout: still converting after"
                                              f" {self.options.limits.timeout:g} s (the worker was stopped;"
                                              " raise --timeout)")
                if result is None:
                    continue
                if worker.process.is_alive():
                    worker.pending, worker.deadline = None, float("inf")
                    worker.done += 1
                else:
                    self.workers[index] = _Worker(self.context, self.options)
                yield pending, result

    def close(self, abort: bool = False) -> None:
        for worker in self.workers:
            worker.stop(kill=abort)
        self.workers = []


class DaskPool:
    """The same per-file function on a Dask cluster. Inputs and the output folder must be paths every worker sees
    (a shared file system). A worker lost while converting a file makes that file fail; the per-file time budget
    is the local pool's (Dask does not stop a running task)."""

    def __init__(self, options: BatchOptions) -> None:
        from distributed import Client

        self.options = options
        self.own_client = not isinstance(options.scheduler, Client)
        self.client = Client(options.scheduler) if self.own_client else options.scheduler
        self.size = max(1, sum(self.client.nthreads().values()))

    def _result(self, future, pending: _Pending) -> FileResult:
        from distributed import KilledWorker

        try:
            return future.result()
        except KilledWorker:
            return _failed(pending, f"{pending.path}: internal error: the Dask worker converting it was lost"
                                    " (KilledWorker)")
        except Exception as exc:
            return _failed(pending, *internal_error(pending.path, exc))

    def map_unordered(self, todo: list[_Pending]) -> Iterator[tuple[_Pending, FileResult]]:
        """Workers get absolute paths (they run elsewhere); results name the input and package as given here."""
        from distributed import wait

        o = self.options
        out_dir = str(o.out_dir.resolve())
        inputs = iter(todo)
        running: dict = {}
        window = self.size * IN_FLIGHT_PER_WORKER
        while True:
            while len(running) < window and (pending := next(inputs, None)) is not None:
                future = self.client.submit(o.function, str(pending.path.resolve()), out_dir, o.force, o.limits,
                                            pure=False)
                running[future] = pending
            if not running:
                return
            for future in wait(list(running), return_when="FIRST_COMPLETED").done:
                pending = running.pop(future)
                result = self._result(future, pending)
                result.input = str(pending.path)
                if result.report_id:
                    result.package = str(o.out_dir / result.report_id)
                yield pending, result

    def close(self, abort: bool = False) -> None:
        if self.own_client:
            self.client.close()


@contextlib.contextmanager
def executor_for(options: BatchOptions, count: int) -> Iterator[LocalPool | DaskPool]:
    """A Dask pool when a scheduler is given, else local workers: min(jobs, count) of them."""
    if options.scheduler is not None:
        pool: LocalPool | DaskPool = DaskPool(options)
    else:
        pool = LocalPool(options, max(1, min(options.jobs, count)), count)
    try:
        yield pool
    except BaseException:
        pool.close(abort=True)
        raise
    pool.close()
