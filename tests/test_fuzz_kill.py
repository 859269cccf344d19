"""A conversion killed (SIGKILL) while it writes: the package in place is always a whole one, old or new, and no
half-written folder is ever a package."""

from __future__ import annotations

import hashlib
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import seed

from converter.convert import convert_file
from converter.package import DATAPACKAGE, find_packages, write_package
from converter.validate import validate_package

WRITER = """
import sys
from converter.convert import convert_file
from converter.package import write_package
extraction = convert_file(sys.argv[1])
number = 0
while True:
    number += 1
    extraction.report["title"] = "AB"[number % 2]
    write_package(extraction, sys.argv[2], force=True)
    print("wrote", flush=True)
"""


def fingerprint(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def written(title: str, out: Path) -> dict[str, str]:
    extraction = convert_file(seed("001"))
    extraction.report["title"] = title
    return fingerprint(write_package(extraction, out, force=True))


def test_a_killed_convert_leaves_one_whole_package_and_no_half_package(tmp_path):
    versions = [written("A", tmp_path / "a"), written("B", tmp_path / "b")]
    assert versions[0] != versions[1]
    out = tmp_path / "out"
    target = write_package(convert_file(seed("001")), out)
    rng = random.Random(13)
    for _ in range(6):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(seed("001")), str(out)],
                                  stdout=subprocess.PIPE, text=True)
        assert writer.stdout.readline().strip() == "wrote"
        time.sleep(rng.uniform(0.0, 0.2))  # killed somewhere inside one of the next writes
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        assert fingerprint(target) in versions  # every file of one version, never a mix or a gap
        assert find_packages([out]) == [target]  # a killed run's temporary folder is not a package
        # A run killed right after the swap leaves the old package, whole, in its hidden temporary folder (cleaned by
        # the next run): never a half package under any name.
        for hidden in (p for p in out.iterdir() if p.name.startswith(".") and (p / DATAPACKAGE).exists()):
            assert fingerprint(hidden) in versions
        assert validate_package(target, frictionless=False) == []
