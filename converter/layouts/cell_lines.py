"""Tables printed one cell per line (`pdftotext` raw follows the content stream: a ruled table's cells come one by
one, each on a line of its own) regrouped into rows before the table is read.

A figure line continues the row before it, and so does a name printed right after a code line of its own; any
other line starts a row. The generic reader regroups coded tables only (each row's figures are checked there by
合计 = 基本 + 项目 and a parent = the sum of its children); the rows are then read like any single-spaced text, and
what the identities cannot confirm is left out, never guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from converter.document import Document, Line
from converter.layouts.tokens import CODE, TOTAL_LABELS, Token, tokens
from converter.locate import Section
from converter.normalize import label_key

CELL_LINES_SHARE = 0.8  # a section whose non-blank lines hold a single token at least this often is one cell per line


def one_cell_per_line(lines: list[Line]) -> bool:
    printed = [line for line in lines if line.text.strip()]
    if not printed or any(line.words or line.cells for line in printed):
        return False
    single = sum(1 for line in printed if len(line.text.split()) == 1)
    return len(printed) >= 6 and single >= CELL_LINES_SHARE * len(printed)


def regroup(doc: Document, section: Section, is_header: Callable[[list[Token]], bool]) -> tuple[Document, Section]:
    """The document with the section's cell lines joined into rows (and the section over them); unchanged when the
    section is not printed one cell per line. `is_header` tells a column header's cell (the header prints before
    the first row, and the content stream may put the first row's label among the header's cells)."""
    lines = doc.slice(section.start, section.end)
    if not one_cell_per_line(lines):
        return doc, section
    decimals = any(t.kind == "number" and "." in t.text for line in lines for t in tokens(line, False))
    rows: list[list[Line]] = []
    headers: set[int] = set()  # rows that are column headers
    for line in lines:
        found = tokens(line, False)
        if not found:
            continue
        kinds = {token.kind for token in found}
        if kinds == {"number"} and not (decimals and len(found) == 1 and CODE.match(found[0].text)):
            target = next((k for k in range(len(rows) - 1, -1, -1) if k not in headers), None)
            if target is not None:
                rows[target].append(line)
                continue
        elif rows and kinds == {"label"} and len(rows[-1]) == 1 and _code_only(rows[-1][0]):
            rows[-1].append(line)
            continue
        if kinds == {"label"} and label_key(line.text) not in TOTAL_LABELS and is_header(found):
            headers.add(len(rows))
        rows.append([line])
    # A total label printed twice (合计 | 基本支出 | 合计 0.00 …): the first, without figures, is the column header's.
    def total_row(k: int) -> bool:
        return label_key(rows[k][0].text) in TOTAL_LABELS

    def next_row(k: int) -> int | None:
        return next((j for j in range(k + 1, len(rows)) if j not in headers), None)

    keep = [k for k in range(len(rows)) if not (len(rows[k]) == 1 and total_row(k) and (j := next_row(k)) is not None
                                                and total_row(j) and len(rows[j]) > 1)]
    joined = [Line(text=" ".join(part.text.strip() for part in rows[k]), line_no=rows[k][0].line_no,
                   page=rows[k][0].page) for k in keep]
    regrouped = replace(doc, lines=doc.lines[:section.start] + joined + doc.lines[section.end:])
    return regrouped, replace(section, end=section.start + len(joined))


def _code_only(line: Line) -> bool:
    found = tokens(line, False)
    return len(found) == 1 and found[0].kind == "number" and bool(CODE.match(found[0].text))
