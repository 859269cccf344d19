"""PDF cost per page: juesuan end to end next to the tools a user would otherwise pick, as ratios.

    .venv/bin/python bench/bench_pdf.py                      # the shared Putuo PDF
    .venv/bin/python bench/bench_pdf.py some.pdf --runs 5

Per PDF, CPU milliseconds per page (median of --runs, in this process after one warm-up run, so imports are not
counted; the cold command line is measured separately in a fresh process):

- juesuan end to end: read, extract, check, validate and write the package (`converter.batch.convert_one`), with the
  PDFium page parser (the default) and with pdfplumber's (`engine="pdfplumber"`, the reader before PDFium);
- juesuan reading alone (the Document), both parsers;
- PDFium plain text (`get_text_range`, the floor), pdfplumber `extract_text` and `extract_tables()`, camelot stream
  and lattice (when camelot is installed: `pip install camelot-py`).

It also converts the PDF with both parsers and says whether the packages are byte-identical.
"""

from __future__ import annotations

import argparse
import filecmp
import functools
import io
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PUTUO = Path(__file__).resolve().parent.parent / "examples" / "samples" / "shanghai-putuo-czj-2024.pdf"


def cpu_ms(work: Callable[[], object], runs: int) -> float:
    """Median CPU milliseconds of `work` over `runs` runs, after one warm-up run."""
    work()
    times = []
    for _ in range(runs):
        start = time.process_time()
        work()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def with_engine(engine: str):
    """A context in which `read_document` parses PDFs with `engine`."""
    import contextlib

    import converter.readers.pdf as pdf_reader

    @contextlib.contextmanager
    def chosen():
        original = pdf_reader.read_pdf
        pdf_reader.read_pdf = functools.partial(original, engine=engine)
        try:
            yield
        finally:
            pdf_reader.read_pdf = original

    return chosen()


def juesuan_end_to_end(path: Path, out: Path, engine: str) -> None:
    from converter.batch.work import convert_one

    with with_engine(engine):
        result = convert_one(path, out, force=True)
    if result.status != "converted":
        raise SystemExit(f"{path}: {result.reason}")


def juesuan_read(path: Path, engine: str) -> None:
    from converter.readers.pdf import read_pdf

    read_pdf(path, path.read_bytes(), engine=engine)


def pdfium_text(path: Path) -> None:
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    for page in document:
        page.get_textpage().get_text_range()


def pdfplumber_text(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()


def pdfplumber_tables(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_tables()


def camelot_tables(path: Path, flavor: str) -> None:
    import warnings

    import camelot

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "No tables found on page-N"
        camelot.read_pdf(str(path), pages="all", flavor=flavor)


def cold_command_ms(path: Path, out: Path) -> float:
    """CPU milliseconds of `juesuan convert PDF` in a fresh process (imports included), median of three."""
    times = []
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-m", "converter.cli", "convert", str(path), "--out", str(out), "--force",
                        "--no-cache", "--jobs", "1", "-q"], check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1000)
    return statistics.median(times)


def same_packages(path: Path, work: Path) -> bool:
    """Whether the packages converted with PDFium's and with pdfplumber's page parser are byte-identical."""
    folders = {}
    for engine in ("pdfium", "pdfplumber"):
        folders[engine] = work / f"identical-{engine}"
        juesuan_end_to_end(path, folders[engine], engine)
    comparison = filecmp.dircmp(folders["pdfium"], folders["pdfplumber"])
    return _identical(comparison)


def _identical(comparison: filecmp.dircmp) -> bool:
    if comparison.left_only or comparison.right_only or comparison.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(comparison.left, comparison.right, comparison.common_files, shallow=False)
    return not mismatch and not errors and all(_identical(sub) for sub in comparison.subdirs.values())


def bench(path: Path, runs: int) -> None:
    import pypdfium2

    pages = len(pypdfium2.PdfDocument(path))
    with tempfile.TemporaryDirectory(prefix="juesuan-bench-pdf-") as folder:
        work = Path(folder)
        rows: list[tuple[str, float]] = [
            ("juesuan convert, end to end (PDFium)", cpu_ms(lambda: juesuan_end_to_end(path, work / "a", "pdfium"),
                                                            runs)),
            ("juesuan convert, end to end (pdfplumber parser)",
             cpu_ms(lambda: juesuan_end_to_end(path, work / "b", "pdfplumber"), max(1, runs // 2))),
            ("juesuan read only (PDFium)", cpu_ms(lambda: juesuan_read(path, "pdfium"), runs)),
            ("juesuan read only (pdfplumber parser)", cpu_ms(lambda: juesuan_read(path, "pdfplumber"),
                                                             max(1, runs // 2))),
            ("PDFium plain text (floor)", cpu_ms(lambda: pdfium_text(path), runs)),
            ("pdfplumber extract_text", cpu_ms(lambda: pdfplumber_text(path), max(1, runs // 2))),
            ("pdfplumber extract_tables", cpu_ms(lambda: pdfplumber_tables(path), max(1, runs // 2))),
        ]
        try:
            import camelot  # noqa: F401

            rows.append(("camelot stream", cpu_ms(lambda: camelot_tables(path, "stream"), 1)))
            rows.append(("camelot lattice", cpu_ms(lambda: camelot_tables(path, "lattice"), 1)))
        except ImportError:
            rows.append(("camelot (not installed: pip install camelot-py)", float("nan")))
        cold = cold_command_ms(path, work / "cold")
        identical = same_packages(path, work)
    ours = rows[0][1]
    print(f"{path.name}: {pages} pages, CPU ms per page (median of {runs} runs after a warm-up)")
    for label, total in rows:
        ratio = f"{total / ours:6.2f}× juesuan" if total == total else ""
        print(f"  {label:<50} {total / pages:8.1f} ms/page {total:9.0f} ms  {ratio}")
    print(f"  {'juesuan convert PDF, cold command (imports too)':<50} {cold / pages:8.1f} ms/page {cold:9.0f} ms")
    print(f"  packages from the PDFium and the pdfplumber parser byte-identical: {'yes' if identical else 'NO'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path, default=[PUTUO])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sys.stdout = io.TextIOWrapper(sys.stdout.buffer, line_buffering=True)
    for path in args.pdfs:
        bench(path, args.runs)


if __name__ == "__main__":
    main()
