"""Shared by the cell-table readers (html, xlsx, docx): span expansion and the lines of a Document.

Merged cells are *blank-filled*: the text sits in the top-left position of the merged area and every other
position it covers is an empty cell, so a figure is never repeated and column positions stay those of the grid.
A table row whose only non-empty cell is text (a title, a 单位：万元 line, a one-column layout table) becomes a prose
line without cells.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from converter import lazy_re, limits
from converter.document import Document, Line
from converter.normalize import is_amount

_SPACE = lazy_re.compile(r"[\s\u00a0\u3000]+")


def cell_text(raw: str | None) -> str:
    """A cell's or paragraph's text on one line: runs of blanks, tabs and line breaks become one space."""
    return _SPACE.sub(" ", raw or "").strip()


@dataclass
class Span:
    """One source cell before expansion: its text and how many columns and rows it covers."""

    text: str
    colspan: int = 1
    rowspan: int = 1


def expand_spans(rows: list[list[Span]]) -> list[list[str]]:
    """The table as a rectangular grid of texts, merged areas blank-filled (text in the top-left cell only).

    Spans over `max_span` are clamped to it (as browsers clamp colspan at 1000); a table whose expansion would go
    past `max_table_cells` is refused before any of it is built.
    """
    bound = limits.current()
    rows = [[Span(s.text, min(max(1, s.colspan), bound.max_span), min(max(1, s.rowspan), bound.max_span)) for s in row]
            for row in rows]
    work = sum(min(span.rowspan, len(rows) - r) * span.colspan for r, row in enumerate(rows) for span in row)
    limits.check("max_table_cells", work, "a table spans too many cells")
    grid: list[list[str | None]] = [[] for _ in rows]
    for r, row in enumerate(rows):
        c = 0
        for span in row:
            while c < len(grid[r]) and grid[r][c] is not None:
                c += 1  # a position taken by a rowspan from above
            for dr in range(max(1, span.rowspan)):
                if r + dr >= len(rows):
                    break
                target = grid[r + dr]
                for dc in range(max(1, span.colspan)):
                    while len(target) <= c + dc:
                        target.append(None)
                    target[c + dc] = span.text if dr == 0 and dc == 0 else ""
            c += max(1, span.colspan)
    width = max((len(row) for row in grid), default=0)
    limits.check("max_columns", width, "a table is too wide")
    limits.check("max_table_cells", width * len(grid), "a table has too many cells")
    return [[text or "" for text in row] + [""] * (width - len(row)) for row in grid]


@dataclass
class LineWriter:
    """Collects a reader's output as numbered Lines (1-based running order)."""

    lines: list[Line] = field(default_factory=list)

    def prose(self, text: str, page: int | None = None) -> None:
        text = cell_text(text)
        if text:
            self.lines.append(Line(text=text, line_no=len(self.lines) + 1, page=page))

    def row(self, cells: list[str], page: int | None = None) -> None:
        """A table row: dropped when blank, prose when its only non-empty cell is text, else a cells Line."""
        cells = [cell_text(cell) for cell in cells]
        filled = [cell for cell in cells if cell]
        if not filled:
            return
        if len(filled) == 1 and not is_amount(filled[0]):
            self.prose(filled[0], page)
            return
        self.lines.append(Line(text="\t".join(cells), line_no=len(self.lines) + 1, page=page, cells=tuple(cells)))

    def table(self, grid: list[list[str]], page: int | None = None) -> None:
        for cells in grid:
            self.row(cells, page)

    def document(self, path: Path, data: bytes, source_format: str, encoding: str | None = None) -> Document:
        return Document(
            lines=self.lines,
            source_file=path.name,
            source_sha256=hashlib.sha256(data).hexdigest(),
            source_format=source_format,
            encoding=encoding,
        )
