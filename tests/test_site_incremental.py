"""Incremental `juesuan build`: add, replace, remove, a duplicated source, and the database atomic under a kill.

An updated database must hold exactly what a build from nothing of the same packages holds: every table's rows and
every full-text entry (read back through fts5vocab, mapped to the rows' keys).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from converter import registry
from converter.site import commands, summaries
from converter.site.database import FTS_COLUMNS, BuildError, build_database, build_lock, files_dir, recover

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import bench_site  # noqa: E402  (generates packages from the seed packages)


def copy_packages(seed_packages: dict[str, Path], folder: Path, numbers: str = "01234") -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    """Writable copies of seed packages, keyed by the seed's last digit."""
    seeds = {n: seed_packages[f"00{n}"] for n in numbers}
    return {n: Path(shutil.copytree(seed, folder / seed.name)) for n, seed in seeds.items()}


def renamed(package: Path, new_id: str, folder: Path) -> Path:
    """A copy of the package under another report id (the same source sha256)."""
    target = folder / new_id
    shutil.copytree(package, target)
    for path in target.iterdir():
        if path.is_file():
            path.write_text(path.read_text(encoding="utf-8").replace(package.name, new_id), encoding="utf-8")
    return target


def content(db: Path) -> dict[str, list]:
    """Every table's rows (without rowids) and every full-text entry keyed by its row's primary key, sorted."""
    conn = sqlite3.connect(db)
    dump: dict[str, list] = {}
    for resource in registry.resource_names():
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info([{resource}])")]
        names = ", ".join(f"[{name}]" for name in columns)
        dump[resource] = sorted(map(repr, conn.execute(f"SELECT {names} FROM [{resource}]")))
        if resource in FTS_COLUMNS:
            key = ", ".join(f"t.[{name}]" for name in registry.primary_key(resource))
            vocab = f"temp.[v_{resource}]"
            conn.execute(f"CREATE VIRTUAL TABLE {vocab} USING fts5vocab(main, [{resource}_fts], instance)")
            entries = conn.execute(
                f"SELECT {key}, v.term, v.col, v.offset FROM {vocab} v JOIN [{resource}] t ON t.rowid = v.doc"
            )
            dump[f"{resource}_fts"] = sorted(map(repr, entries))
            unmatched = conn.execute(
                f"SELECT count(*) FROM temp.[v_{resource}] WHERE doc NOT IN (SELECT rowid FROM [{resource}])"
            ).fetchone()[0]
            assert unmatched == 0, resource
    for name in ("rules", "function_codes", "economic_codes", *(summary.name for summary in summaries.SUMMARIES)):
        dump[name] = sorted(map(repr, conn.execute(f"SELECT * FROM [{name}]")))
    conn.close()
    return dump


def assert_same_as_full_build(db: Path, packages: list[Path], tmp_path: Path) -> None:
    reference = tmp_path / "reference" / "juesuan.db"
    shutil.rmtree(reference.parent, ignore_errors=True)
    build_database(packages, reference)
    assert content(db) == content(reference)
    copies = sorted(p.name for p in (files_dir(db) / "packages").iterdir())
    assert copies == sorted(p.name for p in (files_dir(reference) / "packages").iterdir())


def search(db: Path, resource: str, text: str) -> list[str]:
    from converter.site.plugin import fts_query

    conn = sqlite3.connect(db)
    found = conn.execute(
        f"SELECT t.report_id FROM [{resource}_fts] f JOIN [{resource}] t ON t.rowid = f.rowid"
        f" WHERE [{resource}_fts] MATCH ?",
        [fts_query(text)],
    )
    return sorted({row[0] for row in found})


def test_adding_packages_loads_only_the_new_ones(seed_packages, tmp_path):
    packages = copy_packages(seed_packages, tmp_path / "in")
    db = tmp_path / "site" / "juesuan.db"
    first = build_database([packages["0"], packages["1"]], db)
    assert first.full and sorted(first.loaded) == sorted([packages["0"].name, packages["1"].name])
    result = build_database(list(packages.values()), db)
    assert not result.full
    assert result.loaded == sorted(p.name for n, p in packages.items() if n not in "01")
    assert result.unchanged == sorted([packages["0"].name, packages["1"].name])
    assert result.replaced == [] and result.removed == []
    assert result.rows["reports"] == 5
    assert search(db, "reports", "焦作") == [packages["2"].name]
    assert_same_as_full_build(db, list(packages.values()), tmp_path)


def test_a_changed_package_is_replaced_and_its_old_rows_and_search_entries_go(seed_packages, tmp_path):
    packages = copy_packages(seed_packages, tmp_path / "in")
    db = tmp_path / "site" / "juesuan.db"
    build_database(list(packages.values()), db)
    reports = packages["2"] / "reports.csv"
    text = reports.read_text(encoding="utf-8")
    reports.write_text(text.replace("焦作市医疗保障局", "焦作市医保中心"), encoding="utf-8")
    result = build_database(list(packages.values()), db)
    assert result.loaded == result.replaced == [packages["2"].name]
    assert len(result.unchanged) == 4
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT department, label FROM reports WHERE report_id = ?", [packages["2"].name]).fetchone() \
        == ("焦作市医保中心", "焦作市医保中心（2023）")
    assert search(db, "reports", "医保中心") == [packages["2"].name]
    assert search(db, "reports", "焦作市医疗保障局") == []
    copy = files_dir(db) / "packages" / packages["2"].name / "reports.csv"
    assert copy.read_bytes() == reports.read_bytes()
    assert_same_as_full_build(db, list(packages.values()), tmp_path)


def test_a_package_touched_but_not_changed_is_unchanged(seed_packages, tmp_path):
    packages = copy_packages(seed_packages, tmp_path / "in", "01")
    db = tmp_path / "juesuan.db"
    build_database(list(packages.values()), db)
    for path in packages["1"].iterdir():
        if path.is_file():
            os.utime(path, (time.time() + 5, time.time() + 5))
    result = build_database(list(packages.values()), db)
    assert result.loaded == [] and len(result.unchanged) == 2


def test_copies_are_hard_links_and_a_file_edited_in_place_is_still_seen_as_changed(seed_packages, tmp_path):
    packages = copy_packages(seed_packages, tmp_path / "in", "01")
    db = tmp_path / "site" / "juesuan.db"
    build_database(list(packages.values()), db)
    csv_file = packages["1"] / "income_expense_summary.csv"
    copy = files_dir(db) / "packages" / packages["1"].name / csv_file.name
    assert os.stat(copy).st_ino == os.stat(csv_file).st_ino  # linked, not copied
    before = os.stat(csv_file)
    data = csv_file.read_bytes()
    first = data.index(b"2502.70")  # the same size, written into the same inode, its modification time put back
    with open(csv_file, "r+b") as handle:
        handle.seek(first)
        handle.write(b"2502.71")
    os.utime(csv_file, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(copy).st_size == before.st_size and os.stat(copy).st_mtime_ns == before.st_mtime_ns
    result = build_database(list(packages.values()), db)
    assert result.replaced == [packages["1"].name] and result.unchanged == [packages["0"].name]
    conn = sqlite3.connect(db)
    amount = "SELECT amount FROM income_expense_summary WHERE report_id = ? AND row_no = 1"
    assert conn.execute(amount, [packages["1"].name]).fetchone() == (2502.71,)
    assert_same_as_full_build(db, list(packages.values()), tmp_path)


def test_a_removed_package_loses_its_rows_search_entries_and_downloads(seed_packages, tmp_path):
    packages = copy_packages(seed_packages, tmp_path / "in")
    db = tmp_path / "site" / "juesuan.db"
    build_database(list(packages.values()), db)
    gone = packages.pop("2")
    result = build_database(list(packages.values()), db)
    assert result.removed == [gone.name] and result.loaded == [] and len(result.unchanged) == 4
    conn = sqlite3.connect(db)
    for resource in registry.resource_names():
        count = conn.execute(f"SELECT count(*) FROM [{resource}] WHERE report_id = ?", [gone.name]).fetchone()[0]
        assert count == 0, resource
    assert search(db, "reports", "焦作") == []
    assert not (files_dir(db) / "packages" / gone.name).exists()
    assert not (files_dir(db) / "packages" / f"{gone.name}.zip").exists()
    assert_same_as_full_build(db, list(packages.values()), tmp_path)


def test_the_same_source_under_two_report_ids_is_loaded_once(seed_packages, tmp_path):
    packages = copy_packages(seed_packages, tmp_path / "in", "12")
    twin = renamed(packages["1"], "zz-twin-of-001", tmp_path / "in")
    db = tmp_path / "juesuan.db"
    result = build_database([*packages.values(), twin], db)
    assert sorted(result.loaded) == sorted(p.name for p in packages.values())
    reason = result.skipped[str(twin)]
    assert "same source" in reason and packages["1"].name in reason and "e6bc4b0ac859" in reason
    conn = sqlite3.connect(db)
    sha = "e6bc4b0ac859d010b0d45eb65ff4cebce24eac76f9cc0bccc7929b570292a42a"
    assert conn.execute("SELECT count(*) FROM reports WHERE source_sha256 = ?", [sha]).fetchone() == (1,)
    # a twin with a smaller report id takes over; the one it shadows is removed, and the sums stay single
    early = renamed(packages["1"], "000-early-twin", tmp_path / "in")
    result = build_database([*packages.values(), twin, early], db)
    assert result.loaded == ["000-early-twin"] and result.removed == [packages["1"].name]
    assert conn.execute("SELECT count(*) FROM reports WHERE source_sha256 = ?", [sha]).fetchone() == (1,)
    assert_same_as_full_build(db, [*packages.values(), twin, early], tmp_path)


def test_full_rebuild_on_request_and_when_the_layout_differs(seed_packages, tmp_path):
    packages = copy_packages(seed_packages, tmp_path / "in", "01")
    db = tmp_path / "juesuan.db"
    build_database(list(packages.values()), db)
    result = build_database(list(packages.values()), db, full=True)
    assert result.full and len(result.loaded) == 2 and result.full_reason == "asked for (--full)"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    result = build_database(list(packages.values()), db)
    assert result.full and "another table layout" in result.full_reason


def test_a_new_database_merges_its_full_text_segments_once_and_keeps_fts5_defaults(seed_packages, tmp_path):
    db = tmp_path / "juesuan.db"
    build_database([seed_packages[n] for n in sorted(seed_packages)], db)
    conn = sqlite3.connect(db)
    for resource in FTS_COLUMNS:  # automerge was off while it filled: no setting of it is left for later updates
        assert conn.execute(f"SELECT k, v FROM [{resource}_fts_config]").fetchall() == [("version", 4)]
        # the structure record (rowid 10): a 4-byte cookie, the number of levels, then of segments (one byte each here)
        structure = conn.execute(f"SELECT block FROM [{resource}_fts_data] WHERE id = 10").fetchone()[0]
        assert structure[5] == 1, resource  # merged into one segment


def test_build_json_summary(seed_packages, tmp_path, capsys):
    packages = copy_packages(seed_packages, tmp_path / "in", "012")
    twin = renamed(packages["0"], "zz-twin", tmp_path / "in")
    db = tmp_path / "juesuan.db"
    assert commands.build([packages["0"], packages["1"]], db, as_json=True) == 0
    capsys.readouterr()
    broken = packages["2"] / "three_public.csv"
    broken.write_text(broken.read_text(encoding="utf-8").replace(",6.50,", ",6.5O,"), encoding="utf-8")
    with pytest.raises(Exception) as refused:
        commands.build([packages["1"], packages["2"], twin, packages["0"]], db, as_json=True)
    assert refused.value.exit_code == 1
    summary = json.loads(capsys.readouterr().out)
    assert summary["unchanged"] == sorted([packages["0"].name, packages["1"].name])
    assert summary["loaded"] == [] and summary["removed"] == []
    assert "fails validation" in summary["refused"][str(packages["2"])]
    assert "same source" in summary["skipped"][str(twin)]
    assert summary["rows"]["reports"] == 2 and summary["full"] is False


def test_a_second_build_in_the_same_folder_waits_its_turn(seed_packages, tmp_path):
    with build_lock(tmp_path):
        with pytest.raises(BuildError, match="another build"):
            build_database([seed_packages["001"]], tmp_path / "juesuan.db")
    assert build_database([seed_packages["001"]], tmp_path / "juesuan.db").loaded


def descendants(root: int) -> set[int]:
    """The processes started by `root`, at any depth (from /proc)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit():
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
    found, changed = {root}, True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if parent in found and pid not in found:
                found.add(pid)
                changed = True
    return found - {root}


def alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)}


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def snapshot(db: Path) -> tuple[int, list]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return conn.execute("SELECT count(*) FROM reports").fetchone()[0], content(db)["reports"]
    finally:
        conn.close()


@pytest.mark.parametrize("when", ["full build", "update, reading", "update, committing"])
def test_a_build_killed_midway_leaves_the_previous_database_intact(seed_packages, tmp_path, when):
    seeds = [seed_packages[n] for n in sorted(seed_packages)]
    db = tmp_path / "site" / "juesuan.db"
    build_database(seeds, db)
    before = snapshot(db)
    generated = tmp_path / "generated"
    for number in range(150):
        bench_site.variant(seeds[number % len(seeds)], number, generated)
    full = when == "full build"
    command = [sys.executable, "-m", "converter.cli", "build", str(generated), "--db", str(db)] + (["--full"] * full)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # the moment to kill: the new database is being written (full), the update's rows are being gathered, or the
    # update's one transaction is writing the database (its rollback journal exists)
    sign = {
        "full build": lambda: db.with_name(f".{db.name}.tmp").exists(),
        "update, reading": lambda: any((files_dir(db) / "packages").glob(".staging-*/.incoming.db")),
        "update, committing": lambda: Path(f"{db}-journal").exists(),
    }[when]
    deadline = time.monotonic() + 120
    while not sign() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    time.sleep(0.3 if when != "update, committing" else 0)
    assert process.poll() is None, "the build finished before it could be killed"
    workers = descendants(process.pid)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10  # its worker processes end with it
    while alive(workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert alive(workers) == set()
    recover(db)  # what the next build, `serve` and any SQLite writer do first: a journal left is rolled back
    assert not Path(f"{db}-journal").exists()
    assert snapshot(db) == before
    assert sorted(p.name for p in (files_dir(db) / "packages").iterdir() if not p.name.startswith(".")) == sorted(
        [p.name for p in seeds] + [f"{p.name}.zip" for p in seeds]
    )
    result = build_database(seeds, db)  # the next build cleans up and finds nothing to do
    assert result.unchanged == sorted(p.name for p in seeds) and not result.loaded
    assert sorted(p.name for p in db.parent.iterdir()) == ["juesuan.db", "juesuan_files"]
    assert not [p for p in files_dir(db).rglob(".*")]


def test_an_update_that_fails_midway_leaves_the_previous_database_byte_identical(seed_packages, tmp_path, monkeypatch):
    packages = copy_packages(seed_packages, tmp_path / "in")
    db = tmp_path / "site" / "juesuan.db"
    build_database([packages["0"], packages["1"], packages["2"]], db)
    before = db.read_bytes()
    copies = sorted(p.name for p in (files_dir(db) / "packages").iterdir())

    def fail(conn, report_ids):  # after the rows were deleted and appended, inside the update's transaction
        assert conn.in_transaction and conn.execute("SELECT count(*) FROM reports").fetchone()[0] == 3
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(summaries, "update", fail)
    with pytest.raises(BuildError, match="disk I/O error"):
        build_database([packages["0"], packages["3"], packages["4"]], db)  # 1 and 2 removed, 3 and 4 added
    assert db.read_bytes() == before
    assert not Path(f"{db}-journal").exists()
    assert snapshot(db)[0] == 3
    assert sorted(p.name for p in (files_dir(db) / "packages").iterdir()) == copies
    monkeypatch.undo()
    result = build_database([packages["0"], packages["3"], packages["4"]], db)
    assert result.loaded == sorted([packages["3"].name, packages["4"].name])
    assert result.unchanged == [packages["0"].name]
    assert_same_as_full_build(db, [packages["0"], packages["3"], packages["4"]], tmp_path)


CRASH = """
import hashlib, os, sys
from pathlib import Path
from converter.site import database, summaries
db, before = Path(sys.argv[1]), sys.argv[2]
connect = database._connect

def small_cache(path, in_place=False):  # pages spill into the database file before the commit
    conn = connect(path, in_place)
    conn.execute("PRAGMA cache_size = 8")
    return conn

def crash(conn, report_ids):
    assert hashlib.sha256(db.read_bytes()).hexdigest() != before  # the database file is half written
    os._exit(9)  # a kill, a power loss: no rollback

database._connect, summaries.update = small_cache, crash
database.build_database([Path(p) for p in sys.argv[3:]], db)
"""


def test_an_update_killed_after_writing_pages_is_rolled_back_from_its_journal(seed_packages, tmp_path):
    packages = copy_packages(seed_packages, tmp_path / "in")
    db = tmp_path / "site" / "juesuan.db"
    build_database([packages["0"], packages["1"]], db)
    before = db.read_bytes()
    digest = hashlib.sha256(before).hexdigest()
    args = [str(db), digest, *map(str, packages.values())]
    done = subprocess.run([sys.executable, "-c", CRASH, *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 9, done.stderr
    assert db.read_bytes() != before and Path(f"{db}-journal").stat().st_size > 0  # a hot journal
    assert commands._site_problem(db) is None  # what `serve` and `publish` run first: the journal rolled back
    assert db.read_bytes() == before and not Path(f"{db}-journal").exists()
    assert snapshot(db)[0] == 2
    result = build_database(list(packages.values()), db)
    assert len(result.loaded) == 3 and not result.full
    assert_same_as_full_build(db, list(packages.values()), tmp_path)


def test_a_build_whose_only_package_is_refused_still_writes_an_empty_site(seed_packages, tmp_path):
    package = Path(shutil.copytree(seed_packages["001"], tmp_path / "in" / seed_packages["001"].name))
    (package / "reports.csv").write_text("report_id\nx\n", encoding="utf-8")
    db = tmp_path / "site" / "juesuan.db"
    result = build_database([package], db)
    assert list(result.refused) == [str(package)] and result.loaded == [] and result.rows["reports"] == 0
    assert sorted(p.name for p in files_dir(db).iterdir()) == ["packages", "schemas", "sources"]
