"""Convert at scale: N generated text reports → packages, cold and warm (unchanged) rerun, peak memory.

    .venv/bin/python bench/bench_scale.py                    # N = 1,000 and 10,000
    .venv/bin/python bench/bench_scale.py --reports 1000 --jobs 1 --jobs 2
    .venv/bin/python bench/bench_scale.py --reports 1000 --pdf      # then the Putuo PDF (bench_pdf.py) as well

The reports are the seeds with every amount scaled by a per-report factor (exact decimals, so totals still add up
within rounding) and the department renamed, so every report has different bytes and its own package. Each run is a
fresh process (`run_batch`, the library behind `juesuan convert`); CPU is the batch's and its workers' (user + system),
the steadier figure on a shared machine; peak RSS is the parent's and the largest worker's.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "examples" / "seeds"
AMOUNT = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)\.(\d{2})(?![\d%.])")
DIGITS = "零一二三四五六七八九"


def chinese_number(number: int) -> str:
    return "".join(DIGITS[int(d)] for d in str(number))


def department(text: str) -> str | None:
    from converter.metadata import find_department

    return find_department([line.strip() for line in text.splitlines()])


def variant(text: str, name: str | None, number: int) -> str:
    """The seed with its amounts scaled by 1 + (number % 89 + 1)/1000 and its department renamed."""
    factor = Decimal(1000 + number % 89 + 1) / 1000

    def scale(match: re.Match) -> str:
        whole = match.group(1)
        value = (Decimal(whole.replace(",", "") + "." + match.group(2)) * factor).quantize(Decimal("0.01"))
        return f"{value:,.2f}" if "," in whole else f"{value:.2f}"

    text = AMOUNT.sub(scale, text)
    if name:
        text = text.replace(name, f"{name[:-1]}{chinese_number(number)}{name[-1]}")
    return text


def generate(count: int, folder: Path) -> None:
    seeds = [(path, path.read_text(encoding="utf-8")) for path in sorted(SEEDS.glob("*.txt"))]
    names = [department(text) for _, text in seeds]
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        (path, text), name = seeds[number % len(seeds)], names[number % len(seeds)]
        (folder / f"gen{number:05d}-{path.stem[:3]}.txt").write_text(variant(text, name, number), encoding="utf-8")


def measure(inputs: Path, out: Path, jobs: int) -> dict:
    """One batch in this process; its figures as a dict (run in a fresh process by `run`)."""
    from converter.batch import BatchOptions, run_batch

    start = time.perf_counter()
    summary = run_batch([inputs], BatchOptions(out_dir=out, jobs=jobs))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "counts": summary.counts,
            "parent_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def run(inputs: Path, out: Path, jobs: int) -> dict:
    code = f"import json, sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import bench_scale; " \
           f"print(json.dumps(bench_scale.measure(__import__('pathlib').Path({str(inputs)!r}), " \
           f"__import__('pathlib').Path({str(out)!r}), {jobs})))"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                       check=True).stdout)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result["cpu_seconds"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result


def report(label: str, count: int, result: dict) -> None:
    counts = ", ".join(f"{value} {name}" for name, value in result["counts"].items() if value)
    print(f"  {label:<18} {result['seconds']:8.1f} s  {count / result['seconds']:8.1f} reports/s  "
          f"CPU {result['cpu_seconds']:7.1f} s ({result['cpu_seconds'] / count * 1000:5.1f} ms/report)  "
          f"peak RSS parent {result['parent_rss_mb']:5.0f} MB, "
          f"worker {result['worker_rss_mb']:5.0f} MB  ({counts})")


def main() -> None:
    from converter.batch.runner import default_jobs

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, action="append", help="N (repeatable; default 1,000 and 10,000)")
    parser.add_argument("--jobs", type=int, action="append", help=f"workers (repeatable; default {default_jobs()})")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    parser.add_argument("--pdf", action="store_true", help="then PDF ms/page next to pdfplumber and camelot")
    args = parser.parse_args()
    print(f"cores available: {default_jobs()}")
    for count in args.reports or [1000, 10000]:
        root = args.keep or Path(tempfile.mkdtemp(prefix="juesuan-scale-"))
        try:
            start = time.perf_counter()
            generate(count, root / "reports")
            print(f"N = {count:,}: generated in {time.perf_counter() - start:.1f} s")
            for jobs in args.jobs or [default_jobs()]:
                out = root / f"packages-{jobs}"
                report(f"cold, {jobs} job(s)", count, run(root / "reports", out, jobs))
                report(f"warm, {jobs} job(s)", count, run(root / "reports", out, jobs))
        finally:
            if args.keep is None:
                shutil.rmtree(root, ignore_errors=True)
    if args.pdf:
        import bench_pdf

        bench_pdf.bench(bench_pdf.PUTUO, runs=3)


if __name__ == "__main__":
    main()
