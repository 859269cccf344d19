"""OCR of a scanned report: per page, render + OCR time and agreement of the numeric tokens with the text layer;
end to end, the scan's converted figures against the text layer's.

    .venv/bin/python bench/bench_ocr.py [--scale 1.5] [--dpi 150] [--pages 8,15] [--seed 000] [PDF]

The PDF's pages are rendered to an image-only PDF (PDFium, greyscale, --dpi) as a scanner would make it; each page of
that scan is then rendered at --scale and OCR'd (one engine, loaded once). Every numeric token OCR reads is compared
with the tokens of the same page's text layer in the original PDF: identical, differing but flagged (low confidence
or a letter read as a digit → an OCR finding), or differing silently (must be none); `missed` are text-layer tokens
OCR did not return, `checks` every token flagged on the page (the price of flagging). Wall time depends on what else
runs on the machine; CPU time (this process, all threads) does not.

End to end, the whole scan is read by `read_document` (pages in parallel) and converted; its table figures are compared
with the original PDF's conversion (equal, absent, different — different must be none), once as detected (the tuned
layout, if any) and once by the generic reader on both. With --seed, a seed's tables are typeset as a PDF
(`renderings.table_pdf`), scanned the same way, and compared with the seed's own conversion and with that PDF's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pypdfium2

sys.path.insert(0, str(Path(__file__).resolve().parent))

from renderings import compare, figures, table_pdf  # noqa: E402

from converter.convert import convert_file, extract  # noqa: E402
from converter.readers import read_document  # noqa: E402
from converter.readers.ocr import (  # noqa: E402
    NUMBER,
    PDF_SCALE,
    agreement,
    engine,
    engine_name,
    image_only_pdf,
    ocr_pdf_page,
    text_layer_numbers,
)

SEEDS = Path(__file__).resolve().parent.parent / "examples" / "seeds"
DEFAULT_PDF = Path(__file__).resolve().parent.parent / "examples" / "samples" / "shanghai-putuo-czj-2024.pdf"
COLUMNS = ("tokens", "same", "flagged", "silent", "missed", "checks")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", nargs="?", type=Path, default=DEFAULT_PDF)
    parser.add_argument("--scale", type=float, default=PDF_SCALE, help="render scale for OCR (default: the reader's)")
    parser.add_argument("--dpi", type=int, default=150, help="resolution of the simulated scan")
    parser.add_argument("--pages", default="", help="comma-separated pages (default: all)")
    parser.add_argument("--seed", default="", help="also a seed's tables typeset, scanned and converted (e.g. 000)")
    args = parser.parse_args()
    per_page(args)
    with tempfile.TemporaryDirectory() as folder:
        end_to_end("PDF", args.pdf, convert_file(args.pdf), Path(folder), args.dpi)
        if args.seed:
            seed = next(SEEDS.glob(f"{args.seed}*.txt"))
            reference = convert_file(seed)
            typeset = table_pdf(reference.report, reference.resources, Path(folder) / f"{seed.stem}.pdf")
            end_to_end(f"seed {args.seed}", typeset, reference, Path(folder), args.dpi)


def _agreement(reference: dict, other: dict) -> str:
    result = compare(reference, other)
    return f"{len(result['equal'])} equal, {len(result['absent'])} absent, {len(result['different'])} different"


def end_to_end(name: str, pdf: Path, reference, folder: Path, dpi: int) -> None:
    """The scan of `pdf` converted, its figures against the reference conversion and against the PDF's own."""
    scan = folder / f"{pdf.stem}-scan.pdf"
    scan.write_bytes(image_only_pdf(pdf, None, dpi))
    wall, cpu = time.perf_counter(), time.process_time()
    document = read_document(scan)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    pages = len({line.page for line in document.lines})
    expected = figures(reference.resources)
    scanned = extract(document)
    print(f"{name} scan: read in {wall:.1f} s wall, {cpu:.1f} s CPU ({cpu / max(pages, 1):.2f} s CPU per page, "
          f"{pages} pages); layout {scanned.report['layout']}: {_agreement(expected, figures(scanned.resources))} "
          f"of {sum(v is not None for v in expected.values())} reference figures; text layer: "
          f"{_agreement(expected, figures(convert_file(pdf).resources))}")


def per_page(args: argparse.Namespace) -> None:
    """Per page: render + OCR time and the numeric tokens against the page's text layer."""
    original = args.pdf.read_bytes()
    pages = [int(p) for p in args.pages.split(",") if p] or list(range(1, len(pypdfium2.PdfDocument(original)) + 1))
    scan = pypdfium2.PdfDocument(image_only_pdf(original, pages, args.dpi))
    start = time.perf_counter()
    engine()
    print(f"{engine_name()}; engine load {time.perf_counter() - start:.2f} s; {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}; scan {args.dpi} dpi, OCR at scale {args.scale} ({72 * args.scale:.0f} dpi)")
    print(f"{'page':>4} {'wall s':>6} {'cpu s':>6} " + " ".join(f"{name:>7}" for name in COLUMNS))
    walls, cpus, totals, silent = [], [], [0] * len(COLUMNS), []
    for index, page in enumerate(pages):
        wall, cpu = time.perf_counter(), time.process_time()
        lines = ocr_pdf_page(scan[index], scale=args.scale)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        read = []
        for line in lines:
            flagged = [token for token, _confidence, _why in line.flagged]
            for token in (token for word in line.words for token in NUMBER.findall(word.text)):
                read.append((token, token in flagged))
                if token in flagged:
                    flagged.remove(token)
        result = agreement(text_layer_numbers(original, page), read)
        row = [result.expected, result.identical, len(result.differing) - len(result.silent), len(result.silent),
               len(result.missing), sum(1 for _token, was_flagged in read if was_flagged)]
        totals = [a + b for a, b in zip(totals, row)]
        silent += [(page, token) for token in result.silent]
        detail = f"  differing {result.differing} missed {result.missing}" if result.differing or result.missing else ""
        print(f"{page:>4} {walls[-1]:>6.2f} {cpus[-1]:>6.2f} " + " ".join(f"{n:>7}" for n in row) + detail)
    print(f"per page: wall median {statistics.median(walls):.2f} s, mean {statistics.mean(walls):.2f} s, max "
          f"{max(walls):.2f} s; CPU median {statistics.median(cpus):.2f} s, mean {statistics.mean(cpus):.2f} s, max "
          f"{max(cpus):.2f} s ({len(pages)} pages)")
    share = totals[1] / totals[0] if totals[0] else 1.0
    print(f"numeric tokens: {totals[0]} in the text layer, {totals[1]} read identically ({share:.2%}), {totals[2]} "
          f"differing but flagged, {totals[3]} differing silently {silent}, {totals[4]} missed; {totals[5]} flagged")


if __name__ == "__main__":
    main()
