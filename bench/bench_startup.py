"""Start-up of the command line: `juesuan --version` and one text report end to end, beside a bare Python.

    .venv/bin/python bench/bench_startup.py [--runs 15]

Wall time (min and median) and CPU time (user + system of the process and its workers) of each command, run as a
user would run it: with compiled bytecode (.pyc) as an installed package has it. The commands run without
PYTHONDONTWRITEBYTECODE (with it every process compiles every module from source, ~0.1 s more), and each runs once
untimed first, which writes the .pyc files. On a shared machine the CPU figures are the steadier ones.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "seeds" / "001_ccb00ef10012d506.txt"


def user_environment() -> dict[str, str]:
    """This environment as an installed package sees it: bytecode written and read (no PYTHONDONTWRITEBYTECODE)."""
    return {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str], runs: int) -> tuple[list[float], list[float]]:
    environment = user_environment()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment, check=True)
    walls, cpus = [], []
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
        _, status, usage = os.wait4(process.pid, 0)
        walls.append(time.perf_counter() - start)
        cpus.append(usage.ru_utime + usage.ru_stime)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(command)} failed")
    return walls, cpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    juesuan = shutil.which("juesuan", path=str(Path(sys.executable).parent)) or "juesuan"
    out = Path(tempfile.mkdtemp(prefix="juesuan-startup-"))
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "datasette --version": [sys.executable, "-m", "datasette", "--version"],
        "juesuan --version": [juesuan, "--version"],
        "convert one report": [juesuan, "convert", str(SEED), "--out", str(out), "--force", "-q"],
        "convert it unchanged": [juesuan, "convert", str(SEED), "--out", str(out), "-q"],
    }
    print(f"{'command':<24} {'wall min':>9} {'median':>9} {'CPU min':>9} {'median':>9}  (ms, {args.runs} runs)")
    try:
        for label, command in commands.items():
            walls, cpus = timed(command, args.runs)
            print(f"{label:<24} {min(walls) * 1000:9.0f} {statistics.median(walls) * 1000:9.0f} "
                  f"{min(cpus) * 1000:9.0f} {statistics.median(cpus) * 1000:9.0f}")
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
