"""Batch conversion: a process pool, the content index, failure isolation, the log, and the Dask path."""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SAMPLES, SEED_FILES, SEEDS, seed

import converter.convert
from converter.batch import BatchOptions, FileResult, Limits, convert_one, run_batch
from converter.batch.cache import INDEX_NAME, ContentIndex

PDF = SAMPLES / "shanghai-putuo-czj-2024.pdf"


def run(inputs, out, **options):
    results: list[FileResult] = []
    summary = run_batch([Path(p) for p in inputs], BatchOptions(out_dir=out, **options), on_result=results.append)
    return summary, {Path(r.input).name: r for r in results}


def package_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_folder_converts_to_the_same_packages_as_one_by_one(tmp_path, seed_packages):
    summary, results = run([SEEDS], tmp_path, jobs=2)
    assert summary.counts == {"converted": 5, "unchanged": 0, "failed": 0, "skipped": 0}
    assert summary.exit_code == 0
    for number, path in SEED_FILES.items():
        result = results[path.name]
        assert result.report_id == seed_packages[number].name and result.report_id.endswith(result.sha256[:8])
        assert package_bytes(tmp_path / result.report_id) == package_bytes(seed_packages[number])
    assert results[seed("001").name].rows == 448 and results[seed("001").name].mismatches == 7


def test_an_unchanged_input_is_skipped_and_its_package_left_alone(tmp_path):
    run([seed("001"), seed("004")], tmp_path)
    package = tmp_path / run([seed("004")], tmp_path)[1][seed("004").name].report_id
    stamp = (package / "reports.csv").stat().st_mtime_ns
    summary, results = run([seed("001"), seed("004")], tmp_path)
    assert summary.counts["unchanged"] == 2 and summary.exit_code == 0
    assert results[seed("004").name].package == str(package)
    assert (package / "reports.csv").stat().st_mtime_ns == stamp
    forced, _ = run([seed("004")], tmp_path, force=True)
    assert forced.counts["converted"] == 1


def test_a_removed_or_rewritten_package_is_converted_again(tmp_path):
    _, first = run([seed("001"), seed("004")], tmp_path)
    shutil.rmtree(tmp_path / first[seed("001").name].report_id)
    descriptor = tmp_path / first[seed("004").name].report_id / "datapackage.json"
    descriptor.write_text(descriptor.read_text(encoding="utf-8") + " ", encoding="utf-8")
    summary, again = run([seed("001"), seed("004")], tmp_path)
    assert summary.counts["converted"] == 2
    assert (tmp_path / again[seed("001").name].report_id / "datapackage.json").is_file()


def test_the_index_is_keyed_by_the_converter_fingerprint(tmp_path):
    _, results = run([seed("004")], tmp_path)
    sha256 = results[seed("004").name].sha256
    assert ContentIndex(tmp_path).lookup(sha256)["report_id"] == results[seed("004").name].report_id
    assert ContentIndex(tmp_path, fingerprint="0.0.0+other").lookup(sha256) is None
    with sqlite3.connect(tmp_path / INDEX_NAME) as db:
        assert db.execute("select sha256, report_id from packages").fetchall() == [
            (sha256, results[seed("004").name].report_id)]


def test_the_same_bytes_under_two_names_are_converted_once(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        shutil.copyfile(seed("003"), folder / name)
    summary, results = run([folder], tmp_path / "out")
    assert summary.counts == {"converted": 1, "unchanged": 1, "failed": 0, "skipped": 0}
    assert results["a.txt"].status == "converted"
    assert results["b.txt"].duplicate_of == str(folder / "a.txt")
    assert results["b.txt"].report_id == results["a.txt"].report_id
    assert [p.name for p in (tmp_path / "out").iterdir() if p.is_dir()] == [results["a.txt"].report_id]


def test_a_log_line_per_input(tmp_path):
    novel = tmp_path / "novel.txt"
    novel.write_text("从前有座山，山里有座庙。\n" * 100, encoding="utf-8")
    log = tmp_path / "log.jsonl"
    run([seed("002"), novel, tmp_path / "missing.txt"], tmp_path / "out", log=log)
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    by_name = {Path(line["input"]).name: line for line in lines}
    assert len(lines) == 3
    assert by_name[seed("002").name]["status"] == "converted"
    assert by_name[seed("002").name]["report_id"].startswith("002-")
    assert by_name["novel.txt"]["status"] == "failed"
    assert by_name["novel.txt"]["reason"] == f"{novel}: not a final-accounts report (no 决算 tables or narrative found)"
    assert by_name["missing.txt"]["reason"] == f"{tmp_path / 'missing.txt'}: no such file"
    assert all(line["seconds"] >= 0 for line in lines)


def test_unsupported_files_are_listed_and_a_folder_of_only_them_converts_nothing(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "notes.md").write_text("not a report", encoding="utf-8")
    (folder / "table.csv").write_text("a,b\n", encoding="utf-8")
    summary, results = run([folder], tmp_path / "out")
    assert summary.counts["skipped"] == 2 and summary.exit_code == 2
    assert results["notes.md"].reason == f"{folder / 'notes.md'}: not a report file type (.md); supported: txt, pdf," \
                                         " html, xls, xlsx, ods, docx, png, jpg, tif"
    (tmp_path / "empty").mkdir()
    empty, _ = run([tmp_path / "empty"], tmp_path / "elsewhere")
    assert sum(empty.counts.values()) == 0 and empty.exit_code == 2


def test_a_legacy_office_file_in_a_folder_is_refused_with_advice(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    shutil.copyfile(seed("004"), folder / "new.txt")
    summary, results = run([folder], tmp_path / "out")
    assert summary.exit_code == 1
    assert ".docx" in results["old.doc"].reason


def long_report(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real report 300 times over (10 MB): seconds of work, far past a budget of three seconds (the document-size
    limit, which would refuse it at once, raised for this test and the workers it starts)."""
    monkeypatch.setenv("JUESUAN_LIMIT_MAX_DOCUMENT_CHARS", "100000000")
    path = folder / "long.txt"
    path.write_text(seed("001").read_text(encoding="utf-8") * 300, encoding="utf-8")
    return path


def test_a_file_past_its_time_budget_fails_and_the_batch_goes_on(tmp_path, monkeypatch):
    slow = long_report(tmp_path, monkeypatch)
    summary, results = run([slow, seed("004")], tmp_path, jobs=2, limits=Limits(timeout=3))
    assert results["long.txt"].status == "failed"
    assert results["long.txt"].reason == f"{slow}: timeout: still converting after 3 s (the worker was stopped;" \
                                         " raise --timeout)"
    assert 3 <= results["long.txt"].seconds < 30
    assert results[seed("004").name].status == "converted"
    assert summary.exit_code == 1
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".") and p.is_dir()]  # no temp folder left


def test_an_input_over_the_size_limit_is_refused(tmp_path):
    summary, results = run([PDF, seed("004")], tmp_path, limits=Limits(max_bytes=1024 * 1024))
    assert results[PDF.name].reason == f"{PDF}: too large (3.51 MB over the 1 MB limit; raise --max-bytes)"
    assert summary.counts["converted"] == 1


def crash_on_marked_files(path, out_dir, force, limits):
    """A per-file function whose worker dies on some inputs: os._exit, or a segmentation fault."""
    name = Path(path).name
    if name.startswith("exit"):
        os._exit(3)
    if name.startswith("segfault"):
        ctypes.string_at(0)
    return convert_one(path, out_dir, force, limits)


def test_a_crashing_worker_fails_its_file_only(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, number in (("exit.txt", "000"), ("segfault.txt", "001"), ("good1.txt", "002"), ("good2.txt", "003"),
                         ("good3.txt", "004")):
        shutil.copyfile(seed(number), folder / name)
    summary, results = run([folder], tmp_path / "out", jobs=2, function=crash_on_marked_files)
    assert summary.counts == {"converted": 3, "unchanged": 0, "failed": 2, "skipped": 0}
    assert summary.exit_code == 1
    assert results["exit.txt"].reason == f"{folder / 'exit.txt'}: internal error: the worker converting it exited" \
                                         " abruptly (exit code 3)"
    assert results["segfault.txt"].reason == f"{folder / 'segfault.txt'}: internal error: the worker converting it" \
                                             " crashed (SIGSEGV)"


def test_an_unexpected_exception_is_an_internal_error_naming_the_file(tmp_path, monkeypatch):
    real = converter.convert.convert_file

    def broken(path):
        if Path(path).name.startswith("002"):
            raise ZeroDivisionError("division by zero")
        return real(path)

    monkeypatch.setattr(converter.convert, "convert_file", broken)  # inherited by the forked workers
    summary, results = run([seed("002"), seed("004")], tmp_path)
    failed = results[seed("002").name]
    assert failed.reason == f"{seed('002')}: internal error: ZeroDivisionError: division by zero"
    assert "Traceback" in failed.traceback and "broken" in failed.traceback
    assert summary.counts["converted"] == 1 and summary.exit_code == 1


def test_a_worker_over_its_memory_cap_fails_its_file(tmp_path, monkeypatch):
    def greedy(path):
        return bytearray(3 * 1024**3)

    monkeypatch.setattr(converter.convert, "convert_file", greedy)
    _, results = run([seed("004")], tmp_path, limits=Limits(max_memory_mb=1536))
    assert results[seed("004").name].reason == f"{seed('004')}: out of memory (over the 1536 MB per worker;" \
                                               " raise --max-memory)"


def test_the_dask_path_writes_the_same_packages_as_the_local_pool(tmp_path):
    distributed = pytest.importorskip("distributed")
    local_summary, local = run([SEEDS], tmp_path / "local")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None)
    with cluster:
        log = tmp_path / "dask.jsonl"
        dask_summary, remote = run([SEEDS], tmp_path / "dask", scheduler=cluster.scheduler_address, log=log)
    assert dask_summary.counts == local_summary.counts == {"converted": 5, "unchanged": 0, "failed": 0, "skipped": 0}
    assert sorted(r.report_id for r in remote.values()) == sorted(r.report_id for r in local.values())
    for result in local.values():
        assert package_bytes(tmp_path / "dask" / result.report_id) == package_bytes(tmp_path / "local" /
                                                                                   result.report_id)
    assert len(log.read_text(encoding="utf-8").splitlines()) == 5


def _alive(pid: str) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads the process tree from /proc")
def test_killing_the_batch_leaves_no_worker_running(tmp_path, monkeypatch):
    slow = long_report(tmp_path, monkeypatch)
    batch = subprocess.Popen([sys.executable, "-m", "converter.cli", "convert", slow, "--out", tmp_path / "out", "-q"])
    children: list[str] = []
    deadline = time.monotonic() + 60
    while not children and time.monotonic() < deadline:
        time.sleep(0.1)
        children = Path(f"/proc/{batch.pid}/task/{batch.pid}/children").read_text().split()
    assert children, "the batch started no worker"
    batch.kill()
    batch.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in children)
    assert not (tmp_path / "out").exists() or not [p for p in (tmp_path / "out").iterdir() if p.is_dir()]
