"""The prose of a report as paragraphs under their headings, and the sentences inside them.

Wrapped lines are rejoined (a paragraph runs on until a line ends a sentence, a heading starts, or an indented
line begins a new item); table bodies, tab-separated rows, tables of contents, embedded self-evaluation tables
and page furniture ("-16-" with its running title) are left out.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from converter import lazy_re, limits
from converter.document import Document, Line
from converter.locate import find_sections
from converter.normalize import clean_label, strip_markup, to_halfwidth

CN_NUM = "一二三四五六七八九十"
PAGE_NUMBER = lazy_re.compile(r"^(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?)$")
TOC_ENTRY = lazy_re.compile(r"(?:\.{3,}|…{2,})\s*\d*$|\t\s*\d{1,3}$")
TOC_TITLE = lazy_re.compile(r"^目\s*录$")
TABLE_FURNITURE = lazy_re.compile(r"^(?:金额)?单位[:：]|^公开\s*\d+\s*表$")
ANNEX_TABLE_TITLE = lazy_re.compile(r"自评表$")
PART = lazy_re.compile(rf"^第[{CN_NUM}]+部分")
LEVEL1 = lazy_re.compile(rf"^[{CN_NUM}]+、")
LEVEL2 = lazy_re.compile(rf"^[（(][{CN_NUM}]+[)）]")
LEVEL3 = lazy_re.compile(r"^\d{1,2}[、.．]\s*(?=\D)")
LEVEL4 = lazy_re.compile(r"^[（(]\d{1,2}[)）]")
KEY_VALUE = lazy_re.compile(
    r"^[^\d，。；：、,;:\s][^，。；：、,;:\s]{1,14}[：:]\s*(?![指即为是])[^，。；：、,;:]{1,25}$"
)
HEADING_END = lazy_re.compile(r"(?:情况|说明|结果|解释|职责|设置|构成|附件|分析报告|分析|结论|事项|表)$")
SENTENCE_PUNCT = lazy_re.compile(r"[，。；：,;:！？]")
TERMINAL = lazy_re.compile(r"[。；：;:！？!?][）)”\"』」]*$")
SENTENCE_END = lazy_re.compile(r"[。；;！？!?]+[）)”\"』」]*")
INDENT = lazy_re.compile(r"^(?: {2,}|\u3000|\t)")
ASCII_WORD_END = lazy_re.compile(r"[A-Za-z]$")
ASCII_WORD_START = lazy_re.compile(r"^[A-Za-z]")
WHITESPACE = lazy_re.compile(r"\s+")


@dataclass
class Paragraph:
    """One paragraph of prose: its text, the heading path above it, and the lines it was joined from."""

    headings: tuple[str, ...]
    text: str = ""
    pieces: list[tuple[int, Line]] = field(default_factory=list)  # (offset into text, source line)

    @property
    def section(self) -> str:
        return self.headings[-1] if self.headings else ""

    @property
    def line(self) -> Line:
        return self.pieces[0][1]

    def add(self, piece: str, line: Line) -> None:
        if ASCII_WORD_END.search(self.text) and ASCII_WORD_START.search(piece):
            self.text += " "
        self.pieces.append((len(self.text), line))
        self.text += piece

    def line_at(self, offset: int) -> Line:
        """The source line holding the character at offset."""
        found = self.pieces[0][1]
        for start, line in self.pieces:
            if start > offset:
                break
            found = line
        return found


@dataclass(frozen=True)
class Sentence:
    """A sentence of a paragraph, with a comparison key (half-width, no spaces) for pattern matching."""

    text: str
    key: str
    line: Line
    paragraph: Paragraph
    index: int  # order over the report

    @property
    def headings(self) -> tuple[str, ...]:
        return self.paragraph.headings


NUMBERING_FIRST = frozenset(CN_NUM + "（(")  # how a numbered text starts (else with a digit)


def _numbering(text: str) -> int | None:
    """1 for 一、, 2 for （一）, 3 for 1、 or 1., 4 for （1）; None when the text is not numbered."""
    first = text[:1]
    if first not in NUMBERING_FIRST and not first.isdecimal():  # most lines: no pattern needs to run (\d = decimal)
        return None
    for level, pattern in ((1, LEVEL1), (2, LEVEL2), (3, LEVEL3), (4, LEVEL4)):
        if pattern.match(text):
            return level
    return None


def _heading_level(text: str, markdown: bool) -> int | None:
    """0 part (or an unnumbered Markdown heading), 1–4 by numbering, 2 for an unnumbered title; None for prose."""
    if _part(text) and len(text) <= 40:
        return 0
    body = text[:-1] if text.endswith("。") and HEADING_END.search(text[:-1]) else text
    if SENTENCE_PUNCT.search(body) or len(body) > 40:
        return None
    level = _numbering(body)
    if markdown:
        return 0 if level is None else level
    if level is None:
        return 2 if HEADING_END.search(body) and len(body) <= 30 and not re.search(r"\d", body) else None
    if HEADING_END.search(body) or (level < 3 and len(body) <= 12):
        return level
    return None


def _furniture(lines: list[Line]) -> set[int]:
    """Indexes of page numbers and the running titles printed next to them (a text printed more than once)."""
    texts = [line.text.strip() for line in lines]
    pages = [index for index, text in enumerate(texts) if text and PAGE_NUMBER.match(text)]
    beside: dict[int, str] = {}  # the first non-blank line before and after each page number
    for index in pages:
        for step in (-1, 1):
            j = index + step
            while 0 <= j < len(texts) and not texts[j]:
                j += step
            if 0 <= j < len(texts):
                beside[j] = texts[j]
    wanted = set(beside.values())
    counts = Counter(text for text in texts if text in wanted)  # only the texts beside a page number are counted
    return set(pages) | {j for j, text in beside.items() if counts[text] >= 2}


def _table_lines(doc: Document) -> set[int]:
    masked: set[int] = set()
    for section in find_sections(doc):
        masked.update(range(section.title_index, section.end))
    return masked


def _clean(text: str) -> str:
    return clean_label(strip_markup(text.strip()))


# The tests below look for a literal before running their pattern: most lines are prose that lacks it.


def _table_furniture(text: str) -> bool:
    """A table's unit line (单位：万元) or its 公开N表 label."""
    return text.startswith(("单位", "金额", "公开")) and bool(TABLE_FURNITURE.search(text))


def _toc_title(text: str) -> bool:
    return text.startswith("目") and bool(TOC_TITLE.match(text))


def _annex_title(text: str) -> bool:
    """The title of an embedded self-evaluation table (…自评表, not a sentence)."""
    return "自评表" in text and bool(ANNEX_TABLE_TITLE.search(text)) and not SENTENCE_PUNCT.search(text)


def _part(text: str) -> bool:
    """第…部分."""
    return text.startswith("第") and bool(PART.match(text))


def _toc_entry(text: str) -> bool:
    """A table-of-contents line (dot leaders or a tab before its page number)."""
    if "..." not in text and "……" not in text and "\t" not in text:  # what TOC_ENTRY needs: most lines lack all
        return False
    return bool(TOC_ENTRY.search(text.rstrip()))


def _is_table_row(line: Line) -> bool:
    return bool(line.cells) or line.text.count("\t") >= 2


def split_long(paragraph: Paragraph, limit: int) -> list[Paragraph]:
    """A paragraph longer than `limit` characters as consecutive parts, each ending at the last sentence end (or,
    failing one, at the limit) within the limit, each with its own source lines. Joined, the parts are the text."""
    text = paragraph.text
    if len(text) <= limit:
        return [paragraph]
    parts = []
    start = 0
    while start < len(text):
        end = len(text) if len(text) - start <= limit else start + limit
        if end < len(text):
            cut = max((m.end() for m in SENTENCE_END.finditer(text, start, end)), default=end)
            end = cut if cut > start else end
        part = Paragraph(headings=paragraph.headings, text=text[start:end])
        part.pieces = [(0, paragraph.line_at(start))] + [
            (offset - start, line) for offset, line in paragraph.pieces if start < offset < end
        ]
        parts.append(part)
        start = end
    return parts


class _Builder:
    """Walks the lines once, keeping the heading stack and the paragraph being joined."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, str]] = []
        self.paragraphs: list[Paragraph] = []
        self.current: Paragraph | None = None
        self.limit = limits.current().max_field_chars  # looked up once: it reads the environment

    def flush(self) -> None:
        if self.current and self.current.text.strip():
            self.paragraphs.extend(split_long(self.current, self.limit))
        self.current = None

    def heading(self, level: int, text: str) -> None:
        self.flush()
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, text))

    def _ended(self) -> bool:
        """The paragraph ends a sentence, or is a single short "label：value" line (项目名称：…)."""
        if self.current is None:
            return True
        text = self.current.text
        return bool(TERMINAL.search(text)) or (len(self.current.pieces) == 1 and bool(KEY_VALUE.match(text)))

    @property
    def open(self) -> bool:
        """A paragraph is being joined and has not ended its sentence."""
        return self.current is not None and not self._ended()

    def prose(self, text: str, line: Line, new_item: bool) -> None:
        if not self.stack:  # cover lines before the first heading: titles, not prose
            if not SENTENCE_PUNCT.search(text):
                return
            self.stack.append((0, "前言"))
        if self.current is None or new_item or self._ended():
            self.flush()
            self.current = Paragraph(headings=tuple(h for _, h in self.stack))
        self.current.add(text, line)


def build_paragraphs(doc: Document) -> list[Paragraph]:
    """The prose paragraphs of a report in document order."""
    lines = doc.lines
    furniture = _furniture(lines)
    tables = _table_lines(doc)
    skip = furniture | tables
    builder = _Builder()
    in_annex_table = False
    index = 0
    while index < len(lines):
        line, index = lines[index], index + 1
        raw = line.text
        if index - 1 in tables or _toc_entry(raw) or _is_table_row(line):
            builder.flush()
            while index in tables:  # the rest of a table body at once: each of its lines would only flush
                index += 1
            continue
        if not raw.strip():  # a blank line (half of them): nothing to clean
            continue
        text = _clean(raw)
        if index - 1 in furniture or not text or _table_furniture(text):
            continue
        toc_title = _toc_title(text)
        if toc_title or _annex_title(text):
            builder.flush()
            in_annex_table = not toc_title
            continue
        markdown = raw.lstrip().startswith("#")
        level, text, index = _heading(text, markdown, lines, index, skip, builder)
        if level is not None and (not in_annex_table or level <= 2 and not markdown and _strong_heading(text)):
            in_annex_table = False
            builder.heading(level, text.removesuffix("。"))
        elif not in_annex_table:
            builder.prose(text, line, new_item=bool(INDENT.match(raw)) or raw.lstrip().startswith(("- ", "* ")))
    builder.flush()
    return builder.paragraphs


def _heading(
    text: str, markdown: bool, lines: list[Line], index: int, skip: set[int], builder: _Builder
) -> tuple[int | None, str, int]:
    """The heading level of a line (joining a heading wrapped onto the next line), its text and the next index.

    An unnumbered heading cannot interrupt the sentence the builder is joining (asked last: it costs two searches)."""
    level = _heading_level(text, markdown)
    if level is None and _numbering(text) and not SENTENCE_PUNCT.search(text):
        joined, after = _join_wrapped_heading(text, lines, index, skip)
        if joined != text and _heading_level(joined, markdown) is not None:
            return _heading_level(joined, markdown), joined, after
    if level is not None and not (markdown or _part(text) or _numbering(text)) and builder.open:
        return None, text, index  # an unnumbered "heading" cannot interrupt an unfinished sentence
    return level, text, index


def _strong_heading(text: str) -> bool:
    """A numbered heading (一、 / （一） / 第…部分) that ends an embedded table."""
    return bool(_part(text) or LEVEL1.match(text) or LEVEL2.match(text))


def _join_wrapped_heading(text: str, lines: list[Line], index: int, skip: set[int]) -> tuple[str, int]:
    """A heading wrapped onto a short next line ("…决算情" + "况说明") joined back; returns the next index."""
    if HEADING_END.search(text):
        return text, index
    j = index
    while j < len(lines) and not lines[j].text.strip() and j not in skip:
        j += 1
    if j < len(lines) and j not in skip:
        tail = _clean(lines[j].text)
        short = bool(tail) and len(tail) <= 6 and not _part(tail) and _numbering(tail) is None
        if short and not SENTENCE_PUNCT.search(tail) and HEADING_END.search(text + tail):
            return text + tail, j + 1
    return text, index


def split_sentences(paragraphs: list[Paragraph]) -> list[Sentence]:
    """Sentences (ended by 。；！？) of every paragraph, each with the line it starts on."""
    sentences: list[Sentence] = []
    for paragraph in paragraphs:
        start = 0
        text = paragraph.text
        ends = [m.end() for m in SENTENCE_END.finditer(text)]
        if not ends or ends[-1] < len(text):
            ends.append(len(text))
        for end in ends:
            chunk = text[start:end]
            stripped = chunk.strip()
            if stripped:
                offset = start + (len(chunk) - len(chunk.lstrip()))
                key = WHITESPACE.sub("", to_halfwidth(stripped))
                sentences.append(Sentence(stripped, key, paragraph.line_at(offset), paragraph, len(sentences)))
            start = end
    return sentences
