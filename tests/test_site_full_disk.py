"""`juesuan build` on a full disk: a one-line error, exit 2, the previous database untouched, no temporary file left.

The fault is real: a small tmpfs mounted for the test when running as root, else a file-size limit (RLIMIT_FSIZE)
on the build process, whose writes then fail with EFBIG.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from converter.site.database import build_database


@pytest.fixture(params=["tmpfs", "file-size-limit"])
def small_disk(request, tmp_path) -> Iterator[tuple[Path, int | None]]:
    """(folder, file size limit or None): a 3 MB tmpfs (root only), or a plain folder and a file size limit."""
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = False
    if request.param == "tmpfs":
        mounted = os.geteuid() == 0 and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(folder)], capture_output=True
        ).returncode == 0
        if not mounted:
            pytest.skip("mounting a tmpfs needs root")
    try:
        yield folder, None if mounted else 1_000_000
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], check=True)


def fill(folder: Path, leave: int) -> None:
    """Fill the file system of `folder` until only about `leave` bytes are free."""
    stats = os.statvfs(folder)
    size = stats.f_bavail * stats.f_frsize - leave
    with open(folder / "filler", "wb") as handle:
        while size > 0:
            chunk = min(size, 1 << 20)
            handle.write(b"\0" * chunk)
            size -= chunk


def test_build_on_a_full_disk_fails_in_one_line_and_leaves_the_database_as_it_was(seed_packages, small_disk):
    folder, file_limit = small_disk
    db = folder / "juesuan.db"
    build_database([seed_packages["004"]], db)
    before = db.read_bytes()
    entries = sorted(p.name for p in folder.iterdir())
    if file_limit is None:
        fill(folder, 64 * 1024)
        entries = sorted([*entries, "filler"])

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        if file_limit:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    done = subprocess.run(
        [sys.executable, "-m", "converter.cli", "build", *map(str, seed_packages.values()), "--db", str(db)],
        capture_output=True, text=True, timeout=300, preexec_fn=limit,
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert lines[0].startswith(f"error: {db}: could not write the database: ")
    reasons = ("No space left", "disk is full") if file_limit is None else ("File too large", "disk I/O error")
    assert any(reason in lines[0] for reason in reasons), lines[0]
    assert db.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == entries  # no temporary database left
    assert not [p for p in (folder / "juesuan_files").rglob(".*")]  # no staged copy left
