"""Benchmark the site: build a database from many packages, then measure request latency on 127.0.0.1.

Packages are generated from the seed packages by varying their figures (every amount × a factor, printed decimals
kept), report id, department and year. The request loop is bounded (a fixed number of requests, each with a
timeout) and sequential.

    .venv/bin/python bench/bench_site.py --packages 2000 --requests 60 [--work DIR] [--seeds DIR]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path

from converter import registry
from converter.package import DATAPACKAGE

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "examples" / "seeds"
ENDPOINTS = {
    "table page (reports, 4 facets)": "/juesuan/reports",
    "table page (expense_by_function)": "/juesuan/expense_by_function",
    "filtered JSON (code=2101501)": "/juesuan/expense_by_function.json?code=2101501&_shape=array",
    "filtered JSON (view, province)": "/juesuan/three_public_view.json?province=河南省&_shape=array",
    "search (narrative 医保)": "/juesuan/narrative.json?_search=医保&_shape=array",
    "search (basic_expense_detail 公务接待费)": "/juesuan/basic_expense_detail.json?_search=公务接待费&_shape=array",
    "canned query (three_public_by_department)": "/juesuan/three_public_by_department.json?department=焦作&year=",
}


def seed_packages(target: Path) -> list[Path]:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "converter.cli",
            "convert",
            *map(str, sorted(SEEDS.glob("*.txt"))),
            "--out",
            str(target),
        ],
        check=True,
        capture_output=True,
    )
    return sorted(p.parent for p in target.glob(f"*/{DATAPACKAGE}"))


def scaled(text: str, factor: Decimal) -> str:
    """The amount × factor with the same printed decimals."""
    places = len(text.partition(".")[2])
    value = (Decimal(text) * factor).quantize(Decimal(1).scaleb(-places))
    return f"{value:f}"


def variant(seed: Path, number: int, out: Path) -> None:
    """One generated package: new report id, department, year, figures and source (its sha256)."""
    old_id = seed.name
    new_id = f"b{number:05d}-{old_id}"
    old_sha = next(csv.DictReader((seed / "reports.csv").open(encoding="utf-8", newline="")))["source_sha256"]
    new_sha = hashlib.sha256(new_id.encode()).hexdigest()
    factor = Decimal(100 + number % 97) / 100
    folder = out / new_id
    folder.mkdir(parents=True)
    for resource in registry.resource_names():
        decimals = set(registry.decimal_fields(resource))
        with (seed / f"{resource}.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        for row in rows:
            row["report_id"] = new_id
            for name in decimals:
                if row[name] and not row[name].startswith("-"):
                    row[name] = scaled(row[name], factor)
            if resource == "reports":
                row["source_sha256"] = new_sha
                row["department"] = f"{row['department']}{number // 50 + 1}"
                row["year"] = str(2015 + number % 10)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=registry.field_names(resource), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        (folder / f"{resource}.csv").write_text(buffer.getvalue(), encoding="utf-8")
    descriptor = (seed / DATAPACKAGE).read_text(encoding="utf-8").replace(old_id, new_id).replace(old_sha, new_sha)
    (folder / DATAPACKAGE).write_text(descriptor, encoding="utf-8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def quote(path: str) -> str:
    return urllib.parse.quote(path, safe="/?=&_%.")


def measure(base: str, path: str, count: int) -> dict[str, float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        with urllib.request.urlopen(base + quote(path), timeout=30) as response:
            response.read()
            assert response.status == 200
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="juesuan-bench-"))
    seeds = seed_packages(work / "seeds")
    generated = work / "packages"
    shutil.rmtree(generated, ignore_errors=True)
    start = time.perf_counter()
    for number in range(args.packages):
        variant(seeds[number % len(seeds)], number, generated)
    generate_s = time.perf_counter() - start

    db = work / "site" / "juesuan.db"
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "converter.cli", "build", str(generated), "--db", str(db)],
        capture_output=True,
        text=True,
    )
    build_s = time.perf_counter() - start
    if done.returncode not in (0, 1):
        print(done.stderr, file=sys.stderr)
        return 1
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "converter.cli", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        latency = {name: measure(base, path, args.requests) for name, path in ENDPOINTS.items()}
    finally:
        server.terminate()
        server.wait(timeout=10)
    import sqlite3

    conn = sqlite3.connect(db)
    rows = sum(conn.execute(f"select count(*) from [{name}]").fetchone()[0] for name in registry.resource_names())
    result = {
        "packages": args.packages,
        "rows": rows,
        "db_mb": round(db.stat().st_size / 1e6, 1),
        "generate_s": round(generate_s, 1),
        "build_s": round(build_s, 1),
        "build_ms_per_package": round(1000 * build_s / args.packages, 1),
        "build_output": done.stdout.strip()[-300:],
        "requests_per_endpoint": args.requests,
        "latency": latency,
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
