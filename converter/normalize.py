"""Text normalisation shared by every parser: digits, amounts, labels, codes."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from converter import lazy_re

# Printed marks meaning "not applicable" (a null, not a zero).
NOT_APPLICABLE = lazy_re.compile(r"^[─—\-－–―━_]+$")
AMOUNT = lazy_re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_PUNCT = r"，。、；：？！“”‘’（）《》【】〔〕·…—"
_SPACE_BETWEEN_CJK = lazy_re.compile(rf"(?<=[{_CJK}{_CJK_PUNCT}])[ \t\u3000\u00a0]+(?=[{_CJK}{_CJK_PUNCT}])")
_TAGS = lazy_re.compile(r"</?(?:b|i|u|strong|em|span|font|p|br|sup|sub)\b[^>]*>", re.I)
_SPACES = lazy_re.compile(r"\s+")
_HEADING_MARK = lazy_re.compile(r"^\s*#+\s*")
_BULLET = lazy_re.compile(r"^\s*[-*]\s+")
# The readers normalise the same lines again and again (titles, labels, headings): the label functions below are
# memoised, over a bounded number of distinct texts so that a long batch keeps its memory flat.
LABEL_CACHE = 4096  # distinct texts: a report has up to ~1,100


_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}
_HALFWIDTH.update({code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)})
_HALFWIDTH.update({code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)})
_HALFWIDTH.update({ord(ch): ord(ch) - 0xFEE0 for ch in "．－＋％"})


_FULLWIDTH = lazy_re.compile("[\uff05-\uff5a]")  # every character _HALFWIDTH maps lies in this range


def to_halfwidth(text: str) -> str:
    """Full-width ASCII (digits, letters, ．，－) to half-width; keeps CJK punctuation such as （）。"""
    # Most texts hold no full-width character: finding none is about half the cost of str.translate's per-character
    # lookups in the table.
    return text.translate(_HALFWIDTH) if _FULLWIDTH.search(text) else text


@lru_cache(maxsize=LABEL_CACHE)
def parse_amount(text: str | None) -> str | None:
    """Printed amount → exact decimal text ("2,502.70" → "2502.70"); blank or N/A mark → None.

    Raises ValueError when the text is not an amount at all.
    """
    if text is None:
        return None
    value = to_halfwidth(text).strip().replace(" ", "")
    if not value or NOT_APPLICABLE.match(value):
        return None
    if not AMOUNT.match(value):
        raise ValueError(f"not an amount: {text!r}")
    value = value.replace(",", "").lstrip("+")
    sign = "-" if value.startswith("-") else ""
    digits = value.lstrip("-")
    whole, _, frac = digits.partition(".")
    whole = whole.lstrip("0") or "0"
    result = sign + whole + ("." + frac if frac else "")
    return "0" + result[2:] if result.startswith("-0") and set(result) <= set("-0.") else result


def is_amount(text: str | None) -> bool:
    """True when text is a printed amount (not blank, not an N/A mark)."""
    if text is None:
        return False
    return bool(AMOUNT.match(to_halfwidth(text).strip()))


def to_decimal(text: str | None) -> Decimal | None:
    """Decimal of an exact decimal text (as stored in records); None stays None."""
    if text is None or text == "":
        return None
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - records are validated before
        raise ValueError(f"not a decimal: {text!r}") from exc


@lru_cache(maxsize=LABEL_CACHE)
def clean_label(text: str) -> str:
    """A printed label without tags, stray spaces between CJK characters, or surrounding blanks."""
    text = _TAGS.sub("", text)
    text = text.replace("\u3000", " ").replace("\u00a0", " ").replace("**", "")
    text = _SPACE_BETWEEN_CJK.sub("", text)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=LABEL_CACHE)
def label_key(text: str) -> str:
    """A comparison key for labels: cleaned, no spaces, full-width brackets and 与/和 variants unified."""
    text = to_halfwidth(clean_label(text))
    text = text.replace("(", "（").replace(")", "）").replace(" ", "")
    text = text.replace("\u201c", "").replace("\u201d", "").replace('"', "")
    return text


def code_level(code: str | None) -> str:
    """类/款/项 of a functional code by length; 'total' when there is no code."""
    if not code:
        return "total"
    return {3: "类", 5: "款", 7: "项"}[len(code)]


def parent_code(code: str | None) -> str | None:
    """The 类 or 款 a code belongs to (None for 类 codes and totals)."""
    if not code or len(code) <= 3:
        return None
    return code[:-2]


@lru_cache(maxsize=LABEL_CACHE)
def strip_markup(text: str) -> str:
    """Markdown/HTML remnants (#, -, **, <b>) removed from a prose line."""
    text = _TAGS.sub("", text)
    text = _HEADING_MARK.sub("", text)
    text = _BULLET.sub("", text)
    return text.replace("**", "")
