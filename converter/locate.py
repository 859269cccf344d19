"""Find each standard table in a Document by its title (never by its printed number)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, count
from operator import attrgetter
from typing import TypeVar

from converter import lazy_re
from converter.document import Document
from converter.normalize import LABEL_CACHE, clean_label, label_key, strip_markup
from converter.specs.tables import TableSpec, table_for_title

T = TypeVar("T")

NUMBER_LABEL = lazy_re.compile(r"(公开\s*\d+\s*表|表\s*[一二三四五六七八九十]+)")
EMPTY_STATEMENT = lazy_re.compile(r"本表无数据|无相关数据|本表为空|没有.{0,30}(?:数据|收入|支出)")
TABLE_MARKERS = lazy_re.compile(r"公开\s*\d+\s*表|单位[:：]|万元|栏次|行次|档次|科目|决算数")
NARRATIVE_START = lazy_re.compile(r"^(第[三四五]部分|.*情况说明$)")
LOOKAHEAD = 15


@dataclass
class Section:
    """Where one standard table sits: title line and the body lines up to the next table."""

    spec: TableSpec
    title: str
    title_index: int  # index into Document.lines
    start: int  # first body line index
    end: int  # one past the last body line index
    number_label: str | None = None
    empty_note: str | None = None

    @property
    def table_id(self) -> str:
        return self.spec.table_id


TITLE_WORD = "表"  # every table title ends in it, a spec's or another table's: a line without it is no title
PAGE_AFTER = lazy_re.compile(r"\s*\d+$")  # a TOC page number after a title
# Necessary (not sufficient) characters of NARRATIVE_START and EMPTY_STATEMENT: markup removal and joined spaces keep
# every character, so a line printing none of them is neither (the full patterns are tried on the others).
NARRATIVE_CHARS = ("分", "明")
EMPTY_CHARS = ("无", "空", "没")
TITLE_HINT, NARRATIVE_HINT, EMPTY_HINT = (re.compile(f"[{''.join(chars)}]")
                                          for chars in (TITLE_WORD, NARRATIVE_CHARS, EMPTY_CHARS))


@lru_cache(maxsize=LABEL_CACHE)  # every title line is asked, in several scans
def _title_of(text: str) -> TableSpec | None:
    text = clean_label(strip_markup(text))
    text = PAGE_AFTER.sub("", text)
    if not text or len(text) > 40:
        return None
    return table_for_title(text)


OTHER_TITLE = lazy_re.compile(r"^(?:[一二三四五六七八九十]+、|公开\d+表|表[一二三四五六七八九十]+)?\s*(\S{4,38}表)$")
NOT_A_TABLE = lazy_re.compile(
    r"(?:部门|单位)决算表$|^第[一二三四五六七八九十]+部分|[，。；：]|^(?:公开\s*\d+\s*表|表[一二三四五六七八九十]+)$")


@lru_cache(maxsize=LABEL_CACHE)
def other_table_title(text: str) -> str | None:
    """The title of a table no spec knows ("十、国有资产使用情况表" → 国有资产使用情况表), or None."""
    text = clean_label(strip_markup(text))
    match = OTHER_TITLE.match(PAGE_AFTER.sub("", text))
    if not match or NOT_A_TABLE.search(match.group(1)) or table_for_title(match.group(1)):
        return None
    return match.group(1)


def other_titles(doc: Document) -> list[tuple[int, str]]:
    """(index, title) of the titles of tables no spec knows (followed by table markers like a standard table), found
    once per document."""
    if "other_titles" not in doc.cache:
        doc.cache["other_titles"] = titles_before_tables(doc, other_table_title)
    return doc.cache["other_titles"]


def lines_with(doc: Document, hint: re.Pattern) -> list[int]:
    """Indexes of the lines in which `hint` occurs, found once per document."""
    key = ("lines_with", hint.pattern)
    if key not in doc.cache:
        # every line of the report searched in C (compress, map) rather than in a Python loop
        doc.cache[key] = list(compress(count(), map(hint.search, map(attrgetter("text"), doc.lines))))
    return doc.cache[key]


def hits(doc: Document, hint: re.Pattern, start: int, end: int) -> Iterator[int]:
    """Indexes start … end - 1 of the lines in which `hint` occurs, searched lazily and in C (compress, map)."""
    return compress(range(start, end), map(hint.search, map(attrgetter("text"), doc.lines[start:end])))


def titles_before_tables(doc: Document, title_of: Callable[[str], T | None]) -> list[tuple[int, T]]:
    """(index, what `title_of` made of the line) of each line read as a title and followed, within LOOKAHEAD lines,
    by a table's markers (a heading in the narrative or a contents list is not)."""
    lines = doc.lines
    found = []
    for index in lines_with(doc, TITLE_HINT):
        title = title_of(lines[index].text)
        if title is None:
            continue
        window = " ".join(lines[j].text for j in range(index + 1, min(index + 1 + LOOKAHEAD, len(lines))))
        if TABLE_MARKERS.search(window):
            found.append((index, title))
    return found


def find_sections(doc: Document) -> list[Section]:
    """The located tables in document order; each body ends where the next table or the narrative starts."""
    if "sections" not in doc.cache:
        doc.cache["sections"] = _find_sections(doc)
    return list(doc.cache["sections"])


def _find_sections(doc: Document) -> list[Section]:
    lines = doc.lines
    candidates: list[tuple[int, TableSpec]] = titles_before_tables(doc, _title_of)
    chosen: dict[str, int] = {}
    for index, spec in candidates:
        chosen[spec.table_id] = index  # the last title before the table body wins (heading, then title)
    # Drop a TOC hit: keep for each table the candidate nearest to its body, i.e. the last one.
    starts = sorted((index, table_id) for table_id, index in chosen.items())
    others = [index for index, _title in other_titles(doc)]
    sections: list[Section] = []
    for position, (index, _table_id) in enumerate(starts):
        end = starts[position + 1][0] if position + 1 < len(starts) else len(lines)
        end = min([end] + [other for other in others if other > index])  # a table no spec knows ends it too
        end = narrative_start(doc, index + 1, end, _title_of)
        spec = next(s for i, s in candidates if i == index)
        section = Section(spec=spec, title=clean_label(strip_markup(lines[index].text)), title_index=index,
                          start=index + 1, end=end)
        for j in range(max(0, index - 3), min(end, index + 8)):
            match = NUMBER_LABEL.search(label_key(lines[j].text))
            if match:
                section.number_label = match.group(1).replace(" ", "")
                break
        section.empty_note = next(filter(None, (_empty_statement(lines[j].text)
                                                for j in hits(doc, EMPTY_HINT, index + 1, end))), None)
        sections.append(section)
    return sections


def narrative_start(doc: Document, start: int, end: int, title_of: Callable[[str], object]) -> int:
    """The first line of start … end - 1 that heads the narrative (第三部分, …情况说明) and that `title_of` does not
    read as a table's title; `end` when none does."""
    lines = doc.lines
    return next((j for j in hits(doc, NARRATIVE_HINT, start, end)
                 if NARRATIVE_START.match(clean_label(strip_markup(lines[j].text))) and not title_of(lines[j].text)),
                end)


def _empty_statement(text: str) -> str | None:
    """The line, cleaned, when it says the table is empty (本表无数据 …)."""
    text = clean_label(strip_markup(text))
    return text if EMPTY_STATEMENT.search(text) and len(text) < 120 else None
