"""Traditional Chinese reports (mirrors in 繁體) read as Simplified: OpenCC's conversion of every line and cell.

A document counts as Traditional when OpenCC changes at least 2% of its Han characters (a Simplified report changes
none; a Traditional one about a fifth). Conversion is character-for-character, so line numbers, cell positions and
every digit stay as printed; the document records `script = "zh-Hant"`, and the printed text stays in the source file
that `source_file`/`source_sha256` and each row's `source_line` point at.
"""

from __future__ import annotations

import dataclasses
import functools
import re

from converter.document import Document, Line

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
TRADITIONAL_SHARE = 0.02


@functools.cache
def _converters():
    import opencc

    return opencc.OpenCC("hk2s"), opencc.OpenCC("tw2s")


def simplified(text: str) -> str:
    """Text in Simplified characters: OpenCC's Hong Kong then Taiwan conversions (each includes the standard t2s),
    so 衞生 (HK), 附著物 (TW) and 爲 (OpenCC standard) all read as 卫生, 附着物, 为."""
    hong_kong, taiwan = _converters()
    return taiwan.convert(hong_kong.convert(text))


def traditional_share(text: str) -> float:
    """Share of Han characters that OpenCC would change to reach Simplified Chinese."""
    han = len(_HAN.findall(text))
    if not han:
        return 0.0
    changed = sum(1 for before, after in zip(text, simplified(text)) if before != after)
    return changed / han


def _line(line: Line, convert) -> Line:
    cells = tuple(convert(cell) for cell in line.cells) if line.cells is not None else None
    words = tuple(dataclasses.replace(word, text=convert(word.text)) for word in line.words) if line.words else None
    return dataclasses.replace(line, text=convert(line.text), cells=cells, words=words or line.words)


def to_simplified(doc: Document) -> Document:
    """The document in Simplified characters when it is printed in Traditional ones; otherwise unchanged."""
    if traditional_share(doc.text) < TRADITIONAL_SHARE:
        return doc
    doc.lines = [_line(line, simplified) for line in doc.lines]
    doc.script = "zh-Hant"
    doc.warnings.append("printed in Traditional Chinese: read after OpenCC conversion to Simplified")
    doc.cache.clear()
    return doc
