"""Benchmark the site: build a database from many packages, then measure request latency on 127.0.0.1.

Packages are generated from the seed packages by varying their figures (every amount × a factor, printed decimals
kept), report id, department and year. The request loop is bounded (a fixed number of requests, each with a
timeout) and sequential.

    .venv/bin/python bench/bench_site.py --packages 1000 --requests 40 [--work DIR [--reuse]] [--replicate 10]

Goal: p95 ≤ 150 ms for every page a reader opens at 10,000 packages.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
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
from converter.validate import validation_record

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "examples" / "seeds"
CANNED_PARAMS = {"three_public_by_department": "department=焦作&year=", "function_code_across_reports": "code=2101501",
                 "search_all": "q=医保"}  # fmt: skip


def endpoints(db: Path) -> dict[str, str]:
    """Every page a reader opens: home, database, a report, tables with facets, searches, canned queries, charts."""
    import re
    import sqlite3

    from converter.site import metadata as site_metadata

    conn = sqlite3.connect(db)
    first = "select report_id, department from reports order by report_id limit 1"
    report_id, department = conn.execute(first).fetchone()
    conn.close()
    metadata = site_metadata.load()
    pages = {
        "home": "/",
        "database page": "/juesuan",
        "report page": f"/report/{report_id}",
        "table page (reports, facets)": "/juesuan/reports",
        "table page (expense_by_function, facets)": "/juesuan/expense_by_function",
        "table page (findings_view)": "/juesuan/findings_view",
        "search box (narrative 医保)": "/juesuan/narrative?_search=医保",
        "search box (view 公务接待费)": "/juesuan/basic_expense_detail_view?_search=公务接待费",
        "filtered JSON (code=2101501)": "/juesuan/expense_by_function.json?code=2101501&_shape=array",
        "compare department": f"/compare/department?department={department}",
        "compare region (province)": "/compare/region?province=河南省&line=official_reception",
        "schemas": "/schemas",
        "dashboard page": "/-/dashboards/overview",
    }
    for name in metadata["databases"]["juesuan"]["queries"]:
        pages[f"canned: {name}"] = f"/juesuan/{name}?{CANNED_PARAMS.get(name, '')}"
    for slug, chart in metadata["plugins"]["datasette-dashboards"]["overview"]["charts"].items():
        sql = re.sub(r"\[\[.*?\]\]", "", chart["query"])
        pages[f"chart query: {slug}"] = "/juesuan.json?_shape=array&sql=" + urllib.parse.quote(sql)
    return pages


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
    texts = {}
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
        (folder / f"{resource}.csv").write_text(buffer.getvalue(), encoding="utf-8", newline="")
        texts[resource] = buffer.getvalue()
    descriptor = json.loads(
        (seed / DATAPACKAGE).read_text(encoding="utf-8").replace(old_id, new_id).replace(old_sha, new_sha)
    )
    descriptor["juesuan"]["validated"] = validation_record(texts)  # as the converter records what it validated
    (folder / DATAPACKAGE).write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def replicate(db: Path, times: int) -> None:
    """Scale a built database ×times in SQL: each report copied with a new id, department suffix and its FTS rows.

    Much faster than converting and loading times× more packages on a shared machine; the downloads are not copied
    (their links 404 for the copies), which no measured page reads. The full-text indexes are merged and the summary
    tables refilled from every report, as a build leaves them.
    """
    import sqlite3

    from converter.site import summaries
    from converter.site.database import FTS_COLUMNS
    from converter.site.plugin import cjk_tokens

    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.create_function("cjk_tokens", 1, cjk_tokens, deterministic=True)
    tables = ["reports", *(name for name in registry.resource_names() if name != "reports")]
    last = {name: conn.execute(f"select max(rowid) from [{name}]").fetchone()[0] or 0 for name in tables}
    for copy in range(1, times):
        for name in tables:
            columns = [row[1] for row in conn.execute(f"pragma table_info([{name}])")]
            values = [
                f"'r{copy}-' || report_id" if column == "report_id"
                else f"department || '·{copy}'" if name == "reports" and column in ("department", "label")
                else f"[{column}]"
                for column in columns
            ]  # fmt: skip
            conn.execute(
                f"insert into [{name}] ({', '.join(f'[{c}]' for c in columns)}) select {', '.join(values)}"
                f" from [{name}] where rowid <= {last[name]}"
            )
    for name, columns in FTS_COLUMNS.items():
        names = ", ".join(f"[{c}]" for c in columns)
        tokens = ", ".join(f"cjk_tokens([{c}])" for c in columns)
        conn.execute(
            f"insert into [{name}_fts] (rowid, {names}) select rowid, {tokens} from [{name}] where rowid > {last[name]}"
        )
        conn.execute(f"insert into [{name}_fts] ([{name}_fts]) values ('optimize')")  # one b-tree, as a build leaves it
    summaries.update(conn, [row[0] for row in conn.execute("select report_id from reports")])
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def quote(path: str) -> str:
    return urllib.parse.quote(path, safe="/?=&_%.")


def cpu_seconds(root: int) -> float:
    """CPU time (user + system) a process and its descendants have used so far, from /proc (Linux; else 0)."""
    parents, used = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        parents[pid], used[pid] = int(fields[1]), int(fields[11]) + int(fields[12])
    family, grew = {root}, True
    while grew:
        grown = family | {pid for pid, parent in parents.items() if parent in family}
        grew, family = grown != family, grown
    return sum(used.get(pid, 0) for pid in family) / os.sysconf("SC_CLK_TCK")


def measure(base: str, path: str, count: int, server: int) -> dict[str, float]:
    """Wall-clock p50/p95 of sequential requests, and the server's CPU time per request (what a page costs on a
    machine whose cores other jobs share, where the wall clock also counts the wait for a core)."""
    times = []
    cpu = cpu_seconds(server)
    for _ in range(count):
        start = time.perf_counter()
        with urllib.request.urlopen(base + quote(path), timeout=30) as response:
            response.read()
            assert response.status == 200
        times.append((time.perf_counter() - start) * 1000)
    cpu_ms = (cpu_seconds(server) - cpu) * 1000 / count
    times.sort()
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
            "server_cpu_ms": round(cpu_ms, 1)}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--reuse", action="store_true", help="Measure the database already built in --work.")
    parser.add_argument("--replicate", type=int, default=1, help="Scale the built database ×N in SQL first.")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="juesuan-bench-"))
    db = work / "site" / "juesuan.db"
    generate_s = build_s = 0.0
    build_output = "reused"
    if not (args.reuse and db.is_file()):
        seeds = seed_packages(work / "seeds")
        generated = work / "packages"
        shutil.rmtree(generated, ignore_errors=True)
        start = time.perf_counter()
        for number in range(args.packages):
            variant(seeds[number % len(seeds)], number, generated)
        generate_s = time.perf_counter() - start
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "converter.cli", "build", str(generated), "--db", str(db)],
            capture_output=True,
            text=True,
        )
        build_s = time.perf_counter() - start
        build_output = done.stdout.strip()[-300:]
        if done.returncode not in (0, 1):
            print(done.stderr, file=sys.stderr)
            return 1
    if args.replicate > 1:
        start = time.perf_counter()
        scaled_db = work / f"site_x{args.replicate}" / db.name
        if not (args.reuse and scaled_db.is_file()):
            scaled_db.parent.mkdir(exist_ok=True)
            shutil.copyfile(db, scaled_db)
            replicate(scaled_db, args.replicate)
        files = scaled_db.with_name(f"{db.stem}_files")
        if not files.exists():
            files.symlink_to(db.with_name(f"{db.stem}_files"))
        db = scaled_db
        build_output += f"; replicated ×{args.replicate} in SQL in {time.perf_counter() - start:.0f} s"
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
        latency = {name: measure(base, path, args.requests, server.pid) for name, path in endpoints(db).items()}
    finally:
        server.terminate()
        server.wait(timeout=10)
    import sqlite3

    conn = sqlite3.connect(db)
    packages = conn.execute("select count(*) from reports").fetchone()[0]
    rows = sum(conn.execute(f"select count(*) from [{name}]").fetchone()[0] for name in registry.resource_names())
    result = {
        "packages": packages,
        "rows": rows,
        "db_mb": round(db.stat().st_size / 1e6, 1),
        "generate_s": round(generate_s, 1),
        "build_s": round(build_s, 1),
        "build_ms_per_package": round(1000 * build_s / packages, 1),
        "build_output": build_output,
        "requests_per_endpoint": args.requests,
        "latency": latency,
        "slowest_p95": max(latency.items(), key=lambda item: item[1]["p95_ms"]),
        "pages_over_150ms_p95": sorted(name for name, value in latency.items() if value["p95_ms"] > 150),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
