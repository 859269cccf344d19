"""OCR of page images (rapidocr-onnxruntime: PP-OCRv4 models shipped in its wheel, onnxruntime on CPU, offline).

Each detected text box becomes a `Word` (text, box in page units, confidence = its weakest character's probability);
boxes sharing most of their height form one `Line` per visual row, ordered by x, whose `text` is laid out like
`pdftotext -layout` (each box starts at the text column of its x, a column being a digit's width; the gap before a
box is at least one space, two when it is wider than a character), so a text reader that knows nothing of OCR can
read it. No table is parsed here. Digits are normalised only inside tokens that look numeric (full-width digits,
O/o→0 and I/l/|→1 in a run that is mostly digits, "3832. 36" → "3832.36"); every numeric token whose confidence is
low, or whose letters were read as digits, becomes an `OCR` finding with its page, line and confidence, so an OCR
misread never passes silently.
"""

from __future__ import annotations

import hashlib
import os
import re
import statistics
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any

from converter import lazy_re
from converter.document import Document, Line, Word
from converter.model import Finding
from converter.readers.ruling import A4_LONG_SIDE, RuledTable, ruled_page

PDF_SCALE = 1.5  # points → pixels (108 dpi): at 1.0 every figure reads, but thin label strokes ("一、") are lost
SMALL_TEXT = 19.0  # pixels: OCR boxes lower than this at PDF_SCALE (7.5 pt type) read with too little confidence …
TEXT_PIXELS = 24.0  # … so such a page is rendered again with its boxes this high (9–10 pt type at PDF_SCALE)
MAX_SCALE = 3.0  # never rendered above 216 dpi
LOW_CONFIDENCE = 0.95  # a numeric token whose weakest character is less sure than this is flagged
REC_MIN_WIDTH = 96  # recogniser input width floor (the wheel's 320 pads short boxes: 3× slower, no better)
FIGURE_GAP = 0.8  # a figure and a CJK label whose centres lie this many box heights apart are two words
LABEL_GAP = 1.7  # two CJK characters this many times the box's median CJK pitch apart belong to two words
MAX_WORKERS = 4  # pages recognised at once (never more than the cores)
SAME_ROW_OVERLAP = 0.5  # share of the smaller box height two boxes must share to sit on one line
MISSING_EXTRA = "reading scanned pages and images needs the OCR extra: pip install 'juesuan[ocr]'"

_CONFUSABLE = str.maketrans("OoIl|", "00111")
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_RUN = lazy_re.compile(r"(?<![A-Za-z])[0-9OoIl|.,，．%％]+(?![A-Za-z])")
_SPACE_IN_NUMBER = lazy_re.compile(  # "3832. 36", "3832 .36", "2, 106.66": blanks OCR put inside one printed figure
    r"(?<=\d)\s*([.．])\s+(?=\d{1,2}(?!\d))|(?<=\d)\s+(?=[.．]\d)|(?<=\d[,，])\s+(?=\d{3}(?!\d))"
)
NUMBER = lazy_re.compile(r"-?\d[\d,]*(?:\.\d+)?%?")
# characters the recogniser confuses inside the reports' own vocabulary, fixed only where the reading is no word:
# "收人" for 收入 (income, on every table; 接收人, 吸收人才, 收人员 … are words and kept), "部内决算" for 部门决算
LABEL_FIXES = ((re.compile(r"(?<![接吸])收人(?![才员口])"), "收入"), (re.compile(r"部内(?=决算)"), "部门"))


class OcrUnavailable(Exception):
    """The `ocr` extra (rapidocr-onnxruntime) is not installed."""


@dataclass
class OcrLine:
    """One visual row of OCR'd words on a page, with the numeric tokens that need a second look."""

    top: float
    text: str
    words: tuple[Word, ...]
    flagged: list[tuple[str, float, str]] = field(default_factory=list)  # (token, confidence, why)
    cells: tuple[str, ...] | None = None  # the row of a ruled table: its cells' texts in column order


class _CharConfidences:
    """CTC decoding that also returns each character's probability (the wheel's decoder keeps only their mean) and
    where its centre lies across the box (0 = left edge, 1 = right edge), from the frame that emitted it."""

    def __init__(self, decoder: Any) -> None:
        self.decoder = decoder

    def __call__(self, preds: Any, return_word_box: bool = False, wh_ratio_list: Sequence[float] = (),
                 max_wh_ratio: float = 1.0, **kwargs: Any) -> list[tuple[str, float, list, list]]:
        import numpy as np

        indexes, probabilities = preds.argmax(axis=2), preds.max(axis=2)
        frames = preds.shape[1]
        results = []
        for number, (index, probability) in enumerate(zip(indexes, probabilities)):
            keep = index != 0  # CTC blank
            keep[1:] &= index[1:] != index[:-1]
            chars = [self.decoder.character[i] for i in index[keep]]
            confidences = [float(p) for p in probability[keep]]
            mean = sum(confidences) / len(confidences) if confidences else 0.0
            # the crop was resized to its own width and padded to max_wh_ratio: frame → share of the crop's width
            ratio = wh_ratio_list[number] if number < len(wh_ratio_list) else max_wh_ratio
            stretch = max_wh_ratio / max(ratio, 1e-6)
            positions = [min(1.0, float(frame + 0.5) / frames * stretch) for frame in np.flatnonzero(keep)]
            results.append(("".join(chars), mean, confidences, positions))
        return results


@cache
def engine() -> Any:
    """The process's one OCR engine (models load once, on first use)."""
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError:
        raise OcrUnavailable(MISSING_EXTRA) from None
    # single-threaded runs: two intra-op threads cost twice the CPU for the same page here (bench_ocr.py); the cores
    # are used by recognising pages in parallel threads instead (`ocr_pdf_pages`)
    ocr = RapidOCR(text_score=0.0, rec_batch_num=1, rec_img_shape=[3, 48, REC_MIN_WIDTH],
                   intra_op_num_threads=1, inter_op_num_threads=1)
    ocr.text_rec.postprocess_op = _CharConfidences(ocr.text_rec.postprocess_op)
    return ocr


def engine_name() -> str:
    """The engine and model named in the report metadata."""
    from importlib.metadata import version

    return f"rapidocr-onnxruntime {version('rapidocr-onnxruntime')} (PP-OCRv4)"


# --- numbers -----------------------------------------------------------------------------------------------------


def normalise(text: str, confidences: Sequence[float]) -> tuple[str, list[float], list[tuple[str, float, bool]]]:
    """Text with numeric-looking tokens normalised, the per-character confidences kept aligned, and every numeric
    token as (token, confidence of its weakest character, whether a letter was read as a digit)."""
    chars, confs = list(text.translate(_FULL_WIDTH_DIGITS)), list(confidences)
    if len(confs) != len(chars):
        confs = [min(confs, default=0.0)] * len(chars)
    drop = {i for m in _SPACE_IN_NUMBER.finditer("".join(chars)) for i in range(m.start(), m.end())
            if chars[i].isspace()}
    chars = [c for i, c in enumerate(chars) if i not in drop]
    confs = [c for i, c in enumerate(confs) if i not in drop]
    guessed: set[int] = set()
    joined = "".join(chars)
    for run in _RUN.finditer(joined):
        body = run.group()
        digits = sum(c.isdigit() for c in body)
        letters = sum(c in "OoIl|" for c in body)
        if not digits or letters >= digits:
            continue
        for offset, char in enumerate(body):
            position = run.start() + offset
            if char in "OoIl|":
                chars[position] = char.translate(_CONFUSABLE)
                guessed.add(position)
            elif char == "．":
                chars[position] = "."
            elif char == "％":
                chars[position] = "%"
            elif char == "，" and re.match(r"\d{3}(?!\d)", joined[position + 1:]):  # a thousands separator
                chars[position] = ","
    normalised = "".join(chars)
    tokens = [(m.group(), min(confs[m.start():m.end()]), any(i in guessed for i in range(m.start(), m.end())))
              for m in NUMBER.finditer(normalised)]
    return normalised, confs, tokens


# --- boxes → words → lines ---------------------------------------------------------------------------------------


Cut = tuple[float, float, float]  # a vertical rule: x, top, bottom (page units)


def _figure_boundary(before: str, after: str) -> bool:
    return before.isdigit() != after.isdigit() and not {before, after} & set(".,%-") and \
        (unicodedata.east_asian_width(before) in "WF" or unicodedata.east_asian_width(after) in "WF")


def _pieces(raw: str, confidences: list[float], positions: list[float], x0: float, x1: float, top: float,
            bottom: float, cuts: Sequence[Cut]) -> list[tuple[str, list[float], float, float]]:
    """A box's characters split where the print separates them: at the vertical rules crossing it (one piece per
    cell it spans), where a figure and a CJK label meet across a gap wider than `FIGURE_GAP` × the box height, and
    where two CJK characters stand `LABEL_GAP` × the box's CJK pitch apart (two columns the detector boxed together:
    "97.58一、一般公共服务支出", "附属单位上缴收入其他收入"). (text, confidences, x0, x1) of each piece; characters
    placed by their centres."""
    middle = (top + bottom) / 2
    inside = sorted(x for x, rule_top, rule_bottom in cuts if x0 + 1 < x < x1 - 1 and
                    rule_top - 1 <= middle <= rule_bottom + 1)
    if len(positions) != len(raw) or not raw:
        return [(raw, confidences, x0, x1)]
    centres = [x0 + share * (x1 - x0) for share in positions]
    wide = [unicodedata.east_asian_width(char) in "WF" for char in raw]
    pitches = [b - a for a, b, w0, w1 in zip(centres, centres[1:], wide, wide[1:]) if w0 and w1]
    pitch = statistics.median(pitches) if len(pitches) >= 3 else None
    starts = [0]
    for index in range(1, len(raw)):
        distance = centres[index] - centres[index - 1]
        ruled = any(centres[index - 1] < x <= centres[index] for x in inside)
        figure_gap = distance > FIGURE_GAP * (bottom - top) and _figure_boundary(raw[index - 1], raw[index])
        label_gap = pitch is not None and wide[index - 1] and wide[index] and distance > LABEL_GAP * pitch
        if ruled or figure_gap or label_gap:
            starts.append(index)
    if len(starts) == 1:
        return [(raw, confidences, x0, x1)]
    def half(index: int, neighbour: int, start: int, end: int) -> float:
        """Half a character's width: half its distance to a neighbour in its piece, else a quarter box height."""
        return abs(centres[index] - centres[neighbour]) / 2 if start <= neighbour < end else (bottom - top) / 4

    pieces = []
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(raw)
        rule_left = next((x for x in inside if start and centres[start - 1] < x <= centres[start]), None)
        rule_right = next((x for x in inside if end < len(raw) and centres[end - 1] < x <= centres[end]), None)
        left = x0 if start == 0 else rule_left if rule_left is not None else \
            centres[start] - half(start, start + 1, start, end)
        right = x1 if end == len(raw) else rule_right if rule_right is not None else \
            centres[end - 1] + half(end - 1, end - 2, start, end)
        pieces.append((raw[start:end], confidences[start:end], left, right))
    return pieces


def recognise(image: Any, scale: float = 1.0, origin: tuple[float, float] = (0.0, 0.0),
              cuts: Sequence[Cut] = ()) -> list[tuple[Word, list]]:
    """OCR one image (PIL image or array): each box as a Word in page units (pixels / scale + origin) with the
    numeric tokens it holds (token, confidence, letter read as digit); a box crossing a vertical rule of `cuts`
    becomes one Word per cell."""
    import numpy as np

    array = np.asarray(image.convert("RGB") if hasattr(image, "convert") else image)
    if array.ndim == 2:
        array = np.stack([array] * 3, axis=-1)
    result, _ = engine()(array, use_cls=False)
    words = []
    for box, raw, _mean, confidences, *positions in result or []:
        xs, ys = [p[0] / scale + origin[0] for p in box], [p[1] / scale + origin[1] for p in box]
        top, bottom = round(min(ys), 2), round(max(ys), 2)
        for piece, piece_confidences, x0, x1 in _pieces(raw, confidences, positions[0] if positions else [],
                                                         min(xs), max(xs), top, bottom, cuts):
            lead = len(piece) - len(piece.lstrip())
            text, confs, tokens = normalise(piece.strip(), piece_confidences[lead:][:len(piece.strip())])
            if not text:
                continue
            for pattern, fixed in LABEL_FIXES:
                text = pattern.sub(fixed, text)
            word = Word(text=text, x0=round(x0, 2), x1=round(x1, 2), top=top, bottom=bottom,
                        confidence=round(min(confs, default=0.0), 4))
            words.append((word, tokens))
    return words


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _overlap(row: list[float], word: Word) -> float:
    shared = min(row[1], word.bottom) - max(row[0], word.top)
    return shared / max(min(row[1] - row[0], word.bottom - word.top), 0.1)


def _flagged(items: Iterable[tuple[Word, list]]) -> list[tuple[str, float, str]]:
    return [(token, confidence, "letter read as digit" if guessed else "low confidence")
            for _word, tokens in items for token, confidence, guessed in tokens
            if guessed or confidence < LOW_CONFIDENCE]


def _rows(words: Iterable[tuple[Word, list]]) -> list[tuple[list[float], list[tuple[Word, list]]]]:
    """Boxes grouped into visual rows by vertical overlap, top to bottom, each row ordered by x."""
    rows: list[tuple[list[float], list[tuple[Word, list]]]] = []
    for item in sorted(words, key=lambda item: (item[0].top, item[0].x0)):
        word = item[0]
        best = max(rows[-4:], key=lambda row: _overlap(row[0], word), default=None)
        if best is not None and _overlap(best[0], word) >= SAME_ROW_OVERLAP:
            best[1].append(item)
            best[0][0], best[0][1] = min(best[0][0], word.top), max(best[0][1], word.bottom)
        else:
            rows.append(([word.top, word.bottom], [item]))
    for _extent, items in rows:
        items.sort(key=lambda item: item[0].x0)
    return rows


def group_lines(words: Iterable[tuple[Word, list]]) -> list[OcrLine]:
    """Visual rows: boxes grouped by vertical overlap, ordered by x, laid out as `pdftotext -layout` text."""
    words = list(words)
    rows = _rows(words)
    # one text column = the width of a half-width character (a digit), as in `pdftotext -layout`: a figure starts at
    # the column of its x, so figure columns line up (by character count) whatever CJK labels precede them
    widths = [(w.x1 - w.x0) / _display_width(w.text) for w, _ in words if _display_width(w.text) >= 2]
    unit = statistics.median(widths) if widths else 1.0
    left = min((w.x0 for w, _ in words), default=0.0)
    lines = []
    for extent, items in rows:
        text, previous = "", None
        for word, _tokens in items:
            column = round((word.x0 - left) / unit)
            gap = 0 if previous is None else max(1 if word.x0 - previous.x1 < 1.5 * unit else 2, column - len(text))
            text += " " * (column if previous is None else gap) + word.text
            previous = word
        lines.append(OcrLine(top=extent[0], text=text, words=tuple(w for w, _ in items), flagged=_flagged(items)))
    return lines


def _inside(word: Word, box: tuple[float, float, float, float]) -> bool:
    """Whether a box's centre lies in a cell (pdfplumber's test for a character in a cell)."""
    x, y = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
    return box[0] <= x < box[2] and box[1] <= y < box[3]


def _cell_text(items: list[tuple[Word, list]]) -> str:
    """A cell's text: its boxes by visual row (one space between boxes of a row), wrapped rows rejoined."""
    from converter.readers.pdf import join_wrapped

    return join_wrapped("\n".join(" ".join(word.text for word, _ in row) for _extent, row in _rows(items)))


def table_lines(words: list[tuple[Word, list]], tables: Iterable[RuledTable]) -> list[OcrLine]:
    """One line per row of each ruled table, its cells holding the boxes whose centre lies in them (as pdfplumber
    fills a ruled PDF table's cells with characters); rows without any text are dropped. The boxes used are removed
    from `words`."""
    lines = []
    for table in tables:
        taken = [item for item in words if _inside(item[0], table.bbox)]
        for row in table.rows:
            cells, used = [], []
            for box in row:
                inside = [] if box is None else [item for item in taken if _inside(item[0], box)]
                cells.append(_cell_text(inside))
                used += [item for _extent, items in _rows(inside) for item in items]  # cell by cell, as read
            if any(cells):
                top = min(box[1] for box in row if box is not None)
                lines.append(OcrLine(top=top, text=" ".join(cell for cell in cells if cell),
                                     words=tuple(word for word, _ in used), flagged=_flagged(used),
                                     cells=tuple(cells)))
        words[:] = [item for item in words if not _inside(item[0], table.bbox)]
    return lines


def page_lines(image: Any, scale: float = 1.0, origin: tuple[float, float] = (0.0, 0.0),
               pixels_per_point: float | None = None) -> list[OcrLine]:
    """The OCR lines of a page image, top to bottom: each row of a ruled table as cells, other text as layout
    lines. `pixels_per_point` (default `scale`) tells the rules' sizes in an image of unknown resolution."""
    ruled = ruled_page(image, scale, origin, pixels_per_point)
    words = recognise(ruled.image, scale, origin, ruled.cuts)
    rows = table_lines(words, ruled.tables)
    return sorted(rows + group_lines(words), key=lambda line: line.top)


def ocr_findings(line: Line, flagged: list[tuple[str, float, str]]) -> list[Finding]:
    """One OCR finding per numeric token that needs a second look."""
    return [
        Finding(rule_id="OCR", status="info", severity="warning",
                message_zh=f"OCR识别的数字需核对：第{line.page}页“{token}”（置信度 {confidence:.2f}，"
                           f"{'字母被读作数字' if why.startswith('letter') else '置信度低'}）",
                message_en=f"OCR-read figure needs checking: page {line.page} '{token}' (confidence "
                           f"{confidence:.2f}, {why})",
                location=f"page {line.page} line {line.line_no}: {token}", source_page=line.page,
                source_line=line.line_no)
        for token, confidence, why in flagged
    ]


def unread_page_finding(page: int) -> Finding:
    """A page without a text layer that could not be read because no OCR engine is installed."""
    return Finding(rule_id="OCR", status="not_checkable", severity="warning",
                   message_zh=f"第{page}页没有文字层，未安装OCR组件，未读取",
                   message_en=f"page {page} has no text layer and was not read: {MISSING_EXTRA}",
                   location=f"page {page}", source_page=page)


def add_lines(document_lines: list[Line], findings: list[Finding], ocr_lines: Iterable[OcrLine], page: int) -> None:
    """Append OCR lines to a Document's lines (numbered in running order) and their findings."""
    for item in ocr_lines:
        line = Line(text=item.text, line_no=len(document_lines) + 1, page=page, cells=item.cells,
                    words=None if item.cells is not None else item.words,
                    cell_words=item.words if item.cells is not None else None)
        document_lines.append(line)
        findings.extend(ocr_findings(line, item.flagged))


def page_ranges(pages: list[int]) -> str:
    """"1-3,7" for pages 1, 2, 3 and 7."""
    spans: list[list[int]] = []
    for page in pages:
        if spans and page == spans[-1][1] + 1:
            spans[-1][1] = page
        else:
            spans.append([page, page])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


# --- inputs ------------------------------------------------------------------------------------------------------


def render_pdf_page(page: Any, scale: float = PDF_SCALE, crop: tuple[float, float, float, float] | None = None) -> Any:
    """A PDFium page (or the region x0, top, x1, bottom in points) as a greyscale PIL image."""
    if crop is None:
        return page.render(scale=scale, grayscale=True).to_pil()
    width, height = page.get_size()
    x0, top, x1, bottom = crop
    bitmap = page.render(scale=scale, grayscale=True,
                         crop=(max(0.0, x0), max(0.0, height - bottom), max(0.0, width - x1), max(0.0, top)))
    return bitmap.to_pil()


def _text_height(lines: list[OcrLine]) -> float | None:
    """The median height of a page's OCR boxes, in page units (None when nothing was read)."""
    heights = [word.bottom - word.top for line in lines for word in line.words]
    return statistics.median(heights) if heights else None


def _read_rendered(render: Callable[[float], Any], origin: tuple[float, float], scale: float) -> list[OcrLine]:
    """OCR lines of a page (region) rendered by `render(scale)`; text set so small that its boxes are under
    `SMALL_TEXT` pixels high at `scale` is rendered again (at most `MAX_SCALE`) so they are `TEXT_PIXELS` high."""
    lines = page_lines(render(scale), scale, origin)
    height = _text_height(lines)
    if height is not None and height * scale < SMALL_TEXT and scale < MAX_SCALE:
        larger = min(MAX_SCALE, TEXT_PIXELS / height)
        lines = page_lines(render(larger), larger, origin)
    return lines


def ocr_pdf_page(page: Any, crop: tuple[float, float, float, float] | None = None,
                 scale: float = PDF_SCALE) -> list[OcrLine]:
    """OCR lines of a PDFium page, or of one region of it, in PDF points."""
    origin = (max(0.0, crop[0]), max(0.0, crop[1])) if crop else (0.0, 0.0)

    def render(at: float) -> Any:
        with _PDFIUM:
            return render_pdf_page(page, at, crop)

    return _read_rendered(render, origin, scale)


PageJob = tuple[int, list]  # (1-based page, regions: None for the whole page or (x0, top, x1, bottom) in points)
_PDFIUM = threading.Lock()  # PDFium is not thread-safe: pages are opened, rendered and closed one at a time


def _ocr_job(pdf: Any, job: PageJob, scale: float = PDF_SCALE) -> list[OcrLine] | None:
    """A page's OCR lines; None when the page cannot be rendered or read (a damaged page: the others are kept)."""
    page_no, regions = job

    def renderer(region: tuple[float, float, float, float] | None) -> Callable[[float], Any]:
        def render(at: float) -> Any:
            with _PDFIUM:
                page = pdf[page_no - 1]
                try:
                    return render_pdf_page(page, at, region)
                finally:
                    page.close()
        return render

    try:
        return [line for region in regions for line in _read_rendered(
            renderer(region), (max(0.0, region[0]), max(0.0, region[1])) if region else (0.0, 0.0), scale)]
    except Exception:
        return None


def ocr_pdf_pages(data: bytes, jobs: Sequence[PageJob]) -> list[list[OcrLine] | None]:
    """OCR lines of several pages (or regions) of a PDF, in order (None for a page that could not be read).

    Pages are recognised in parallel threads sharing the process's engine (onnxruntime runs without the GIL; each
    run single-threaded, which costs half the CPU of two intra-op threads here), rendering one page at a time."""
    import pypdfium2

    engine()  # OcrUnavailable before anything is rendered
    workers = min(os.cpu_count() or 1, len(jobs), MAX_WORKERS)
    with _PDFIUM:
        pdf = pypdfium2.PdfDocument(data)
    try:
        if workers < 2:
            return [_ocr_job(pdf, job) for job in jobs]
        with ThreadPoolExecutor(workers) as pool:
            return list(pool.map(partial(_ocr_job, pdf), jobs))
    finally:
        with _PDFIUM:
            pdf.close()


def image_pages(path: Path) -> list[Any]:
    """The pages of an image file (each frame of a multi-page TIFF), as PIL images."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    from converter.readers import UnreadableInput

    try:
        with Image.open(path) as image:
            return [frame.convert("L") for frame in ImageSequence.Iterator(image)]
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise UnreadableInput(f"{path}: damaged or unsupported image ({exc.__class__.__name__})") from None


def read_images(paths: Sequence[str | Path], source_file: str | None = None) -> Document:
    """One report from page images (PNG, JPEG, TIFF …) in the order given: each image (or TIFF frame) one page."""
    from converter.readers import UnreadableInput

    paths = [Path(p) for p in paths]
    if not paths:
        raise UnreadableInput("no page images given")
    lines: list[Line] = []
    findings: list[Finding] = []
    digest = hashlib.sha256()
    page = 0
    for path in paths:
        digest.update(path.read_bytes())
        for image in image_pages(path):
            page += 1
            try:
                add_lines(lines, findings, page_lines(image, pixels_per_point=max(image.size) / A4_LONG_SIDE), page)
            except OcrUnavailable as exc:
                raise UnreadableInput(f"{path}: {exc}") from None
    if not any(line.text.strip() for line in lines):
        raise UnreadableInput(f"{paths[0] if len(paths) == 1 else paths[0].parent}: no text found in the image(s)")
    ocr = f"pages {page_ranges(list(range(1, page + 1)))} · {engine_name()}"
    return Document(lines=lines, source_file=source_file or paths[0].name, source_sha256=digest.hexdigest(),
                    source_format="image", findings=findings, ocr=ocr)


# --- verification against a text layer ---------------------------------------------------------------------------


@dataclass
class Agreement:
    """Numeric tokens OCR read on a page compared with those the page's text layer prints."""

    expected: int  # tokens in the text layer
    identical: int  # of those, read identically (as a multiset: order-free)
    differing: list[tuple[str, bool]]  # OCR tokens with no identical text-layer token, and whether each was flagged
    missing: list[str]  # text-layer tokens OCR did not return

    @property
    def share(self) -> float:
        return self.identical / self.expected if self.expected else 1.0

    @property
    def silent(self) -> list[str]:
        """OCR tokens that differ from the text layer and were not flagged: must be none."""
        return [token for token, flagged in self.differing if not flagged]


def page_numbers(doc: Document, page: int) -> list[tuple[str, bool]]:
    """(token, flagged) of every numeric token OCR read on a page of a Document, flagged by an OCR finding."""
    flagged = {(f.source_line, (f.location or "").rsplit(": ", 1)[-1]) for f in doc.findings if f.rule_id == "OCR"}
    return [(token, (line.line_no, token) in flagged)
            for line in doc.lines if line.page == page
            for word in line.words or line.cell_words or () for token in NUMBER.findall(word.text)]


def agreement(expected: Iterable[str], read: Iterable[tuple[str, bool]]) -> Agreement:
    """Compare the text layer's numeric tokens with OCR's (token, flagged) pairs."""
    from collections import Counter

    expected, read = list(expected), list(read)
    remaining = Counter(expected)
    differing = []
    for token, flagged in read:
        if remaining[token] > 0:
            remaining[token] -= 1
        else:
            differing.append((token, flagged))
    missing = list(remaining.elements())
    return Agreement(len(expected), len(expected) - len(missing), differing, missing)


def image_only_pdf(pdf: bytes | Path, pages: Sequence[int] | None = None, dpi: int = 150) -> bytes:
    """A PDF's pages (1-based; all by default) rendered by PDFium as greyscale images in an image-only PDF, as a
    scanner would make it (no text layer)."""
    import io

    import pypdfium2

    document = pypdfium2.PdfDocument(pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes())
    try:
        numbers = list(pages) if pages else list(range(1, len(document) + 1))
        images = [document[n - 1].render(scale=dpi / 72, grayscale=True).to_pil() for n in numbers]
    finally:
        document.close()
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return buffer.getvalue()


def text_layer_numbers(pdf: bytes | Path, page: int) -> list[str]:
    """The numeric tokens of one page's text layer (PDFium), to verify OCR against."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes())
    try:
        return NUMBER.findall(document[page - 1].get_textpage().get_text_range())
    finally:
        document.close()
