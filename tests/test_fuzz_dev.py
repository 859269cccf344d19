"""`./dev` does not reinstall when the install is current, and says nothing then."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STAMP = ROOT / ".venv" / ".juesuan-installed"


def test_dev_setup_is_silent_when_the_install_matches_pyproject():
    if not STAMP.is_file():
        pytest.skip("this .venv was not installed by ./dev")
    before = STAMP.stat().st_mtime_ns
    result = subprocess.run(["bash", str(ROOT / "dev"), "setup"], capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert STAMP.stat().st_mtime_ns == before


def test_dev_without_a_command_prints_its_usage_and_exits_2():
    result = subprocess.run(["bash", str(ROOT / "dev")], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert [line.split()[1:3] for line in result.stdout.splitlines()] == [
        ["./dev", "demo"], ["./dev", "test"], ["./dev", "setup"]
    ]
