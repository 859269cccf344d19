"""Benchmark `juesuan build`: a full build, a rerun with nothing changed, 100 packages added, a duplicated source,
the database size; and, side by side on the same packages, datapackage-to-datasette (which is frictionless's own SQL
export, `Package.publish("sqlite:///…")`) as a ratio.

Packages are generated from the seed packages by bench_site.py (figures, names, year and source sha256 varied).
Each build runs as `juesuan build --json` in a subprocess; CPU is the sum over the build's processes (the command and
its workers, sampled from /proc), wall time is what a user waits. The machine's load is printed: on shared cores,
compare CPU seconds.

datapackage-to-datasette cannot load our packages as they are: it turns each `pattern` constraint into a
`CHECK (… REGEXP …)` that SQLite cannot evaluate, so every insert fails. It is run on copies whose descriptors have
the pattern constraints removed (same CSVs), one package after another into one database, in one process.

    .venv/bin/python bench/bench_build.py --sizes 1000 10000 --add 100 --compare 50 [--validate-all] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_site  # noqa: E402  (seed packages and the variant generator)

TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu(root: int) -> dict[int, float]:
    """CPU seconds so far of `root` and every process below it (from /proc)."""
    parents, cpu = {}, {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / TICKS
    inside, changed = {root}, True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if parent in inside and pid not in inside:
                inside.add(pid)
                changed = True
    return {pid: cpu[pid] for pid in inside if pid in cpu}


def measured(command: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall s, CPU s of the process tree, result) of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: dict[int, float] = {}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for pid, seconds in tree_cpu(process.pid).items():
                seen[pid] = max(seen.get(pid, 0.0), seconds)
            done.wait(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    out, err = process.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the command itself (and what it reaped), exactly
    own = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    workers = sum(seconds for pid, seconds in seen.items() if pid != process.pid)  # sampled: the last 0.2 s may miss
    return wall, own + workers, subprocess.CompletedProcess(command, process.returncode, out, err)


def build(folders: list[Path], db: Path, *options: str) -> dict:
    command = [sys.executable, "-m", "converter.cli", "build", *map(str, folders), "--db", str(db), "--json", *options]
    wall, cpu, done = measured(command)
    if done.returncode not in (0, 1):
        raise SystemExit(f"build failed: {done.stderr.strip()[-500:]}")
    summary = json.loads(done.stdout)
    return {
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "loaded": len(summary["loaded"]),
        "rows_validated": len(summary["validated"]),  # the others: the converter's record of their validation held
        "unchanged": len(summary["unchanged"]),
        "skipped": len(summary["skipped"]),
        "refused": len(summary["refused"]),
        "reports": summary["rows"]["reports"],
        "rows": sum(summary["rows"].values()),
    }


def generate(seeds: list[Path], numbers: range, folder: Path) -> Path:
    if folder.is_dir() and len(list(folder.iterdir())) == len(numbers):
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    for number in numbers:
        bench_site.variant(seeds[number % len(seeds)], number, folder)
    return folder


def twin(package: Path, folder: Path) -> Path:
    """The same package (same source sha256) under another report id."""
    shutil.rmtree(folder, ignore_errors=True)
    target = folder / f"twin-{package.name}"
    shutil.copytree(package, target)
    for path in target.iterdir():
        if path.is_file():
            path.write_text(path.read_text(encoding="utf-8").replace(package.name, target.name), encoding="utf-8")
    return folder


D2D_SCRIPT = """
import json, shutil, sys
from pathlib import Path
from datapackage_to_datasette import datapackage_to_datasette
out = Path(sys.argv[1])
for index, package in enumerate(sys.argv[2:]):
    copy = out / Path(package).name
    shutil.copytree(package, copy)
    descriptor = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            field.get("constraints", {}).pop("pattern", None)
    (copy / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    datapackage_to_datasette(str(out / "d2d.db"), str(copy / "datapackage.json"), str(out / "metadata.json"),
                             write_mode="replace")
"""


def compare(packages: list[Path], work: Path) -> dict:
    """juesuan build and datapackage-to-datasette on the same packages."""
    subset = work / "compare"
    shutil.rmtree(subset, ignore_errors=True)
    subset.mkdir(parents=True)
    for package in packages:
        shutil.copytree(package, subset / package.name)
    ours = build([subset], work / "compare-site" / "juesuan.db", "--full")
    out = work / "compare-d2d"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    command = [sys.executable, "-c", D2D_SCRIPT, str(out), *map(str, sorted(subset.iterdir()))]
    wall, cpu, done = measured(command)
    if done.returncode:
        return {"packages": len(packages), "juesuan": ours, "datapackage_to_datasette": f"failed: {done.stderr[-300:]}"}
    import sqlite3

    conn = sqlite3.connect(out / "d2d.db")
    tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
    rows = sum(conn.execute(f"select count(*) from [{t}]").fetchone()[0] for t in tables)
    theirs = {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "rows": rows}
    return {
        "packages": len(packages),
        "juesuan": ours,
        "datapackage_to_datasette": theirs,
        "ratio_wall": round(wall / max(ours["wall_s"], 0.01), 1),
        "ratio_cpu": round(cpu / max(ours["cpu_s"], 0.01), 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--add", type=int, default=100)
    parser.add_argument("--compare", type=int, default=50, help="packages for datapackage-to-datasette (0: none)")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--validate-all", action="store_true",
                        help="also a full build validating every package's rows (build --validate-all)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="juesuan-bench-build-"))
    seeds = bench_site.seed_packages(work / "seeds")
    report: dict = {"cores": os.cpu_count(), "load_average_at_start": [round(x, 1) for x in os.getloadavg()]}
    for size in args.sizes:
        packages = generate(seeds, range(size), work / f"packages-{size}")
        extra = generate(seeds, range(size, size + args.add), work / f"extra-{size}")
        db = work / f"site-{size}" / "juesuan.db"
        shutil.rmtree(db.parent, ignore_errors=True)
        full = build([packages], db)
        validated = build([packages], db.with_name("validated.db"), "--validate-all") if args.validate_all else None
        rerun = build([packages], db)
        added = build([packages, extra], db)
        duplicate = build([packages, extra, twin(next(packages.iterdir()), work / f"twin-{size}")], db)
        report[f"{size} packages"] = {
            "full build": full,
            **({"full build, every package's rows validated": validated} if validated else {}),
            "rerun, nothing changed": rerun,
            f"+{args.add} packages": added,
            "duplicated source": {**duplicate, "loaded once": duplicate["skipped"] == 1
                                  and duplicate["reports"] == added["reports"]},
            "database_mb": round(db.stat().st_size / 1e6, 1),
            "ms_per_package_full_wall": round(1000 * full["wall_s"] / size, 1),
            "ms_per_package_full_cpu": round(1000 * full["cpu_s"] / size, 1),
        }
        print(json.dumps({f"{size} packages": report[f"{size} packages"]}, ensure_ascii=False), flush=True)
    if args.compare:
        packages = sorted((work / f"packages-{args.sizes[0]}").iterdir())[: args.compare]
        report["side by side"] = compare(packages, work)
    report["load_average_at_end"] = [round(x, 1) for x in os.getloadavg()]
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
