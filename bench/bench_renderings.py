"""The reports × renderings matrix: each rendering's table figures against the reference conversion.

    .venv/bin/python bench/bench_renderings.py [--cache DIR] [--only NAME]

References: the PDF conversion for the sample PDFs, the seed's own text conversion for each seed (re-rendered as a
PDF with reportlab, then read as PDF and through each text tool). A figure is equal, absent (left out) or different
(never acceptable); ms is the conversion of that rendering (median of 3; reading included).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from renderings import RENDERINGS, compare, figures, pdf_renderings, table_pdf  # noqa: E402

from converter.convert import convert_file  # noqa: E402
from converter.readers import UnreadableInput  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _timed(path: Path, runs: int) -> tuple[dict | None, float, str]:
    times, extraction, note = [], None, ""
    for _ in range(runs):
        start = time.perf_counter()
        try:
            extraction = convert_file(path)
        except UnreadableInput as exc:
            note = str(exc).split(": ", 1)[-1][:60]
        times.append((time.perf_counter() - start) * 1000)
    return (extraction.resources if extraction else None), statistics.median(times), note


def renderings_of(name: str, cache: Path) -> tuple[dict, dict[str, Path]]:
    """(reference figures, rendering → file) of one report."""
    if name.endswith(".pdf"):
        pdf = EXAMPLES / "samples" / name
        reference = convert_file(pdf)
        return figures(reference.resources), pdf_renderings(pdf, cache)
    seed = EXAMPLES / "seeds" / name
    reference = convert_file(seed)
    pdf = cache / f"{seed.stem}.tables.pdf"
    if not pdf.exists():
        table_pdf(reference.report, reference.resources, pdf)
    return figures(reference.resources), pdf_renderings(pdf, cache)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "juesuan-renderings")
    parser.add_argument("--only", help="one report (file name)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    reports = ["shanghai-putuo-czj-2024.pdf"] + sorted(p.name for p in (EXAMPLES / "seeds").glob("*.txt"))
    if args.only:
        reports = [args.only]
    print(f"{'report':<30} {'rendering':<18} {'equal':>6} {'absent':>6} {'diff':>5} {'ms':>7}  note")
    totals = dict.fromkeys(("equal", "absent", "different"), 0)
    for name in reports:
        reference, files = renderings_of(name, args.cache)
        for rendering in RENDERINGS:
            got, ms, note = _timed(files[rendering], args.runs)
            result = compare(reference, figures(got) if got else {})
            for key in totals:
                totals[key] += len(result[key])
            print(f"{name:<30} {rendering:<18} {len(result['equal']):>6} {len(result['absent']):>6} "
                  f"{len(result['different']):>5} {ms:>7.0f}  {note}")
    print(f"{'all':<30} {'':<18} {totals['equal']:>6} {totals['absent']:>6} {totals['different']:>5}")


if __name__ == "__main__":
    main()
