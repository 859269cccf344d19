"""Traditional Chinese reports (mirrors in 繁體) read as Simplified: OpenCC's conversion of every line and cell.

A document counts as Traditional when OpenCC changes at least 2% of its Han characters (a Simplified report changes
none; a Traditional one about a fifth). Conversion is character-for-character, so line numbers, cell positions and
every digit stay as printed; the document records `script = "zh-Hant"`, and the printed text stays in the source file
that `source_file`/`source_sha256` and each row's `source_line` point at.

Loading OpenCC costs ~20 ms, a tenth of a one-report `juesuan convert`, so a text is first bounded without it: OpenCC
rewrites only characters that an entry of its dictionaries maps to another (every entry of the dictionaries used
here maps a text to one of the same length), so the characters of the text that are such a source bound how many
it can change. A text whose bound stays below 2% of its Han characters (every Simplified report: ~0.3%) is
Simplified without loading OpenCC. The set of those characters is read from OpenCC's dictionaries once (with its
`opencc_dict` tool) and kept in the disk cache.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections import Counter
from pathlib import Path

from converter.document import Document, Line

HAN = r"[\u3400-\u9fff\uf900-\ufaff]"  # compiled only for a text OpenCC changes (a class this wide costs ~1.5 ms)
TRADITIONAL_SHARE = 0.02
CONFIGS = ("hk2s", "tw2s")  # Hong Kong then Taiwan conversions; each ends with the standard t2s
NOT_KNOWN = b"-"  # stored when OpenCC's dictionaries cannot be read: always convert


@functools.cache
def _converters():
    import opencc

    return tuple(opencc.OpenCC(config) for config in CONFIGS)


def simplified(text: str) -> str:
    """Text in Simplified characters: OpenCC's Hong Kong then Taiwan conversions (each includes the standard t2s),
    so 衞生 (HK), 附著物 (TW) and 爲 (OpenCC standard) all read as 卫生, 附着物, 为."""
    for converter in _converters():
        text = converter.convert(text)
    return text


def traditional_share(text: str) -> float:
    """Share of Han characters that OpenCC would change to reach Simplified Chinese."""
    converted = simplified(text)
    if converted == text:  # a Simplified report: nothing to count
        return 0.0
    han = len(re.findall(HAN, text))
    if not han:
        return 0.0
    return sum(1 for before, after in zip(text, converted) if before != after) / han


def is_traditional(text: str) -> bool:
    """Whether OpenCC changes at least 2% of the text's Han characters (decided without OpenCC when the characters
    it could change at all stay below that)."""
    sources = changeable()
    if sources is not None:
        counts = Counter(text)
        han = sum(n for char, n in counts.items() if "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff")
        if not han or sum(n for char, n in counts.items() if char in sources) / han < TRADITIONAL_SHARE:
            return False  # the share is at most this bound (and 0 without Han characters)
    return traditional_share(text) >= TRADITIONAL_SHARE


def _share_dir() -> Path | None:
    from importlib.util import find_spec

    spec = find_spec("opencc")
    if spec is None or not spec.origin:
        return None
    folder = Path(spec.origin).parent / "clib" / "share" / "opencc"
    return folder if folder.is_dir() else None


def _dictionaries(config: dict) -> list[str]:
    """The dictionary files a conversion config rewrites text with (normalisation and conversion chain; the
    segmentation dictionary only splits)."""
    found: list[str] = []

    def walk(entry: dict) -> None:
        if entry.get("type") == "group":
            for member in entry.get("dicts", []):
                walk(member)
        elif entry.get("file"):
            found.append(entry["file"])
        else:
            raise ValueError(f"unknown dictionary entry {entry}")

    for step in [*config.get("normalization", []), *config.get("conversion_chain", [])]:
        walk(step["dict"])
    return found


@functools.cache
def changeable() -> frozenset[str] | None:
    """Every character OpenCC's conversions map to another character (None when its dictionaries cannot be read or
    hold an entry that changes a text's length: then every text is converted to be measured)."""
    from converter.diskcache import load_or_build

    folder = _share_dir()
    if folder is None:
        return None
    try:
        configs = [(folder / f"{name}.json").read_bytes() for name in CONFIGS]
        files = sorted({file for config in configs for file in _dictionaries(json.loads(config))})
        stamps = [(file, (folder / file).stat().st_size, (folder / file).stat().st_mtime_ns) for file in files]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    key = b"".join(configs) + repr(stamps).encode()
    data = load_or_build("opencc-changeable", key, lambda: _read_sources(folder, files), lambda value: value,
                         lambda value: value)
    return None if data == NOT_KNOWN else frozenset(data.decode("utf-8"))


def _read_sources(folder: Path, files: list[str]) -> bytes:
    """The characters the dictionaries map to another one (UTF-8), or NOT_KNOWN."""
    import subprocess
    import tempfile

    tool = folder.parent.parent / "bin" / "opencc_dict"
    sources: set[str] = set()
    try:
        with tempfile.TemporaryDirectory() as temp:
            for file in files:
                out = Path(temp) / f"{file}.txt"
                subprocess.run([str(tool), "-i", str(folder / file), "-o", str(out), "-f", "ocd2", "-t", "text"],
                               check=True, capture_output=True, timeout=60)
                for line in out.read_text(encoding="utf-8").splitlines():
                    key, _, values = line.partition("\t")
                    value = values.split(" ")[0]
                    if len(value) != len(key):
                        return NOT_KNOWN
                    sources.update(before for before, after in zip(key, value) if before != after)
    except (OSError, subprocess.SubprocessError, UnicodeDecodeError):
        return NOT_KNOWN
    return "".join(sorted(sources)).encode("utf-8")


def _line(line: Line, convert) -> Line:
    cells = tuple(convert(cell) for cell in line.cells) if line.cells is not None else None
    words = tuple(dataclasses.replace(word, text=convert(word.text)) for word in line.words) if line.words else None
    return dataclasses.replace(line, text=convert(line.text), cells=cells, words=words or line.words)


def to_simplified(doc: Document) -> Document:
    """The document in Simplified characters when it is printed in Traditional ones; otherwise unchanged."""
    if not is_traditional(doc.text):
        return doc
    doc.lines = [_line(line, simplified) for line in doc.lines]
    doc.script = "zh-Hant"
    doc.warnings.append("printed in Traditional Chinese: read after OpenCC conversion to Simplified")
    doc.cache.clear()
    return doc
