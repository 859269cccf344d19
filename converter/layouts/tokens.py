"""Row assembly for any rendering: each line as label, code and number tokens, with x-positions when it has them.

Positions come from the format (PDF words, OCR boxes: `Line.words`) or from the text itself when it is laid out in
columns (`pdftotext -layout`: runs of spaces between cells, character columns as x); text whose cells are separated
by single spaces (pdfplumber, PDFium, `pdftotext` raw) has no usable positions and leaves placement to the table's
identities. Page furniture (page numbers, running titles, 单位：万元, 栏次 rows) is recognised here, once.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from typing import NamedTuple

from converter import lazy_re
from converter.document import Line
from converter.normalize import AMOUNT, NOT_APPLICABLE, label_key, to_halfwidth

CODE = lazy_re.compile(r"^\d{3}(?:\d{2}){0,2}$")
CLASS = lazy_re.compile(r"^\d{3}$")
SUB = lazy_re.compile(r"^\d{2}$")
DECIMAL = lazy_re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d+$")
GLUED = lazy_re.compile(r"^([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d+)(\D.*)$")  # "2,940.05使用非财政拨款结余" (pdfplumber)
PAGE_NUMBER = lazy_re.compile(
    r"^(?:[-－—–]\s*\d+\s*[-－—–]|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)$"
)
UNIT = lazy_re.compile(r"^(?:金额)?单位[:：]\s*(?:万元|元|千元)$")
TOTAL_LABELS = ("合计", "总计")
LAYOUT_GAP = lazy_re.compile(r"\S {2,}\S")
NUMBER = lazy_re.compile(rf"{AMOUNT.pattern}|{NOT_APPLICABLE.pattern}")  # an amount or a not-applicable mark
WORD = lazy_re.compile(r"\S+")
DECIMAL_FIGURE = lazy_re.compile(r"\d\.\d")
IDEOGRAPH_FIRST, IDEOGRAPH_LAST = "\u4e00", "\u9fff"  # the CJK Unified Ideographs block
DIGITS_AND_SPACES = lazy_re.compile(r"[\d\s]+")
NUMBERING_ROW = lazy_re.compile(r"(?:栏次|行次)?[\d,\s]*")


class Token(NamedTuple):
    """One printed piece of a line (a NamedTuple: a table's lines make thousands, built faster than a dataclass)."""

    text: str  # as printed (full-width digits made half-width for numbers)
    kind: str  # number | code | label
    x0: float | None
    x1: float | None
    line: Line

    @property
    def center(self) -> float | None:
        return None if self.x0 is None or self.x1 is None else (self.x0 + self.x1) / 2


CELL_WIDTH = 10.0  # cells (from the format, or tab-separated fields) stand this far apart, in x units


INLINE_MARKUP = lazy_re.compile(  # <b>合计</b> in text cells
    r"</?(?:b|strong|i|em|u|span|font)(?:\s[^>]*)?>", re.IGNORECASE
)


def _cells(line: Line) -> list[str] | None:
    if line.cells:
        return list(line.cells)
    if "\t" not in line.text:
        return None
    cells = line.text.split("\t")
    return [INLINE_MARKUP.sub("", cell) for cell in cells] if "<" in line.text else cells  # markup needs a "<"


MIN_CONFIDENCE = 0.9  # an OCR word read with less confidence is not trusted as a figure
# Doubtful words read as figures on trial, to be kept only if the table's identities confirm them (layouts/unsure.py)
ON_TRIAL: ContextVar[frozenset] = ContextVar("on_trial", default=frozenset())


def doubtful(line: Line) -> list:
    """The line's OCR words that look like figures but were read with too little confidence to be trusted (those
    on trial aside)."""
    trial = ON_TRIAL.get()
    return [word for word in line.words or () if word.confidence is not None and word.confidence < MIN_CONFIDENCE
            and is_number(word.text) and word not in trial]


def _pieces(line: Line, positioned: bool) -> list[tuple[str, float | None, float | None]]:
    if line.words:
        unsure = doubtful(line)
        return [(word.text, word.x0, word.x1) for word in line.words if word.text.strip() and word not in unsure]
    cells = _cells(line)
    if cells is not None:  # a blank cell keeps its column: the k-th cell stands at x = k·CELL_WIDTH
        found = []
        for index, cell in enumerate(cells):
            stripped, x0 = cell.strip(), index * CELL_WIDTH
            if stripped and DIGITS_AND_SPACES.fullmatch(stripped):  # "201 01": a code split over spaces
                found += [(part, x0, x0 + 1) for part in stripped.split()]
            elif stripped:
                found.append((stripped, x0, x0 + 1))
        return found
    if not positioned:  # str.split() and \S+ split at the same blanks (every Unicode space, U+3000 and U+00A0 too)
        return [(part, None, None) for part in line.text.split()]
    text = line.text.replace("\u3000", " ").replace("\u00a0", " ")
    return [(m.group(), m.start(), m.end()) for m in WORD.finditer(text)]


def is_number(text: str) -> bool:
    return NUMBER.match(to_halfwidth(text)) is not None


def tokens(line: Line, positioned: bool) -> list[Token]:
    """The line's tokens in printed order; numbers glued to a following label are split off."""
    found: list[Token] = []
    for text, x0, x1 in _pieces(line, positioned):
        if IDEOGRAPH_FIRST <= text[0] <= IDEOGRAPH_LAST:  # no figure begins with an ideograph: a label, at once
            found.append(Token(text, "label", x0, x1, line))
            continue
        half = text if text.isascii() else to_halfwidth(text)  # isascii is O(1): figures skip the translation
        if NUMBER.match(half):  # never GLUED as well: an amount ends with its digits
            found.append(Token(half, "number", x0, x1, line))
            continue
        glued = GLUED.match(half)
        if glued and not glued.group(2)[0].isdigit():
            width = len(glued.group(1))
            mid = None if x0 is None or x1 is None else x0 + (x1 - x0) * width / len(text)
            found.append(Token(glued.group(1), "number", x0, mid, line))
            found.append(Token(text[width:], "label", mid, x1, line))
            continue
        found.append(Token(text, "label", x0, x1, line))
    return found


def leading_code(found: list[Token], allow_split: bool = True) -> tuple[str | None, int]:
    """A function code at the start of the tokens: whole ("2010601") or split ("201 06 01"); (code, tokens used)."""
    if not found or found[0].kind != "number" or not CODE.match(found[0].text):
        return None, 0
    code, used = found[0].text, 1
    if allow_split and CLASS.match(code):
        while used < len(found) and used < 3 and SUB.match(found[used].text):
            code += found[used].text
            used += 1
    return code, used


def is_furniture(text: str, running: set[str]) -> bool:
    """Page numbers, units, running titles repeated on many pages, 栏次 numbering rows."""
    if DECIMAL_FIGURE.search(text):  # a table row: no kind of furniture prints a decimal figure (nor a running title)
        return False
    key = label_key(text)
    if not key:
        return True
    if PAGE_NUMBER.match(key) or UNIT.match(key) or key in running:
        return True
    if key.startswith(("栏次", "行次")) and NUMBERING_ROW.fullmatch(key.replace("栏次", "")):
        return True
    parts = text.split()
    if len(parts) >= 3 and all(p.isdigit() for p in parts) and [int(p) for p in parts] == list(
            range(int(parts[0]), int(parts[0]) + len(parts))):
        return True
    # column numbers after header words ("档次 1 2 3 4 5 6 7", "科目代码 科目名称 1 2 … 7"): 1…n, n ≥ 3, after labels
    count = len(parts) - next((i for i, p in enumerate(parts) if p.isdigit()), len(parts))
    return 0 < len(parts) - count and count >= 3 and parts[-count:] == [str(n) for n in range(1, count + 1)] and \
        not any(ch.isdigit() for p in parts[:-count] for ch in p)


def has_layout_columns(lines: list[Line]) -> bool:
    """Whether text lines keep their columns (cells apart by runs of spaces, as `pdftotext -layout` prints them)."""
    if any(line.words or line.cells or "\t" in line.text for line in lines):  # words, or cells (`_cells`)
        return True
    # any(map(str.isdigit, …)) tests every character in C (str.isdigit: circled ① counts too, unlike \d)
    numeric = [line.text for line in lines if any(map(str.isdigit, line.text)) and line.text.strip()]
    if not numeric:
        return False
    return sum(1 for text in numeric if LAYOUT_GAP.search(text.strip())) >= 0.5 * len(numeric)
