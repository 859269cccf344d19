"""Time the conversion of the seed reports: per report, median of several runs (reading + extraction + checks).

    .venv/bin/python bench/bench_convert.py [--runs 15] [SEED_DIR]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from converter.convert import convert_file
from converter.package import write_package

DEFAULT_SEEDS = Path(__file__).resolve().parent.parent / "examples" / "seeds"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seeds", nargs="?", type=Path, default=DEFAULT_SEEDS)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    files = sorted(args.seeds.glob("*.txt"))
    convert_file(files[0])  # warm imports
    print(f"{'report':<28} {'median ms':>10} {'min ms':>8} {'+write ms':>10} {'rows':>6}")
    with tempfile.TemporaryDirectory() as out:
        for path in files:
            convert_times, write_times = [], []
            for _ in range(args.runs):
                start = time.perf_counter()
                extraction = convert_file(path)
                middle = time.perf_counter()
                write_package(extraction, out, force=True)
                write_times.append((time.perf_counter() - middle) * 1000)
                convert_times.append((middle - start) * 1000)
            rows = sum(len(v) for v in extraction.resources.values())
            print(f"{path.name:<28} {statistics.median(convert_times):>10.1f} {min(convert_times):>8.1f} "
                  f"{statistics.median(write_times):>10.1f} {rows:>6}")


if __name__ == "__main__":
    main()
