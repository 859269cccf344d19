"""Time the workbook readers on seed 001 saved as .xlsx, .xls and .ods, next to python-calamine reading the same files.

    .venv/bin/python bench/bench_workbooks.py [--runs 15]

python-calamine (pip install '.[bench]') is what a user would pick to read xls/xlsx/ods fast; it returns bare cell
values (2502.7, not the printed 2502.70), which is why juesuan reads number formats with openpyxl/xlrd and the
displayed text of .ods cells instead. Columns: juesuan's read_document, calamine's read of every sheet, their ratio,
and the whole conversion (reading, tables, narrative, checks).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_formats_seed001 import write_ods, write_xls, write_xlsx  # noqa: E402

from converter.convert import convert_file  # noqa: E402
from converter.readers import read_document  # noqa: E402


def median_ms(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def calamine_read(path: Path) -> None:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    for name in workbook.sheet_names:
        workbook.get_sheet_by_name(name).to_python()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        files = [write_xlsx(tmp / "seed001.xlsx"), write_xls(tmp / "seed001.xls"), write_ods(tmp / "seed001.ods")]
        convert_file(files[0])  # warm imports
        print(f"{'file':<14} {'KiB':>6} {'juesuan read ms':>16} {'calamine ms':>12} {'ratio':>6} {'convert ms':>11}")
        for path in files:
            ours = median_ms(lambda path=path: read_document(path), args.runs)
            theirs = median_ms(lambda path=path: calamine_read(path), args.runs)
            whole = median_ms(lambda path=path: convert_file(path), args.runs)
            print(f"{path.name:<14} {path.stat().st_size / 1024:>6.1f} {ours:>16.1f} {theirs:>12.2f} "
                  f"{ours / theirs:>6.1f} {whole:>11.1f}")


if __name__ == "__main__":
    main()
