"""The format-neutral view of a source report that every reader returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from converter.model import Finding


@dataclass(frozen=True)
class Word:
    """One printed token with its box on the page (PDF words, OCR boxes, `-layout` text columns)."""

    text: str
    x0: float  # left edge, in the page's units (PDF points, image pixels, or character columns for text)
    x1: float  # right edge
    top: float = 0.0
    bottom: float = 0.0
    confidence: float | None = None  # OCR confidence 0..1; None when the text layer printed it


@dataclass(frozen=True)
class Line:
    """One line of the source text with its provenance."""

    text: str
    line_no: int  # 1-based line number in the decoded source text
    page: int | None = None  # 1-based page, when the format (or page furniture) tells it
    cells: tuple[str, ...] | None = None  # cells, when the format gives them (xlsx, html, pdf tables)
    words: tuple[Word, ...] | None = None  # tokens with x-positions, when the format gives them (pdf words, OCR)
    cell_words: tuple[Word, ...] | None = None  # the OCR boxes a row of cells was read from (boxes, confidences)


@dataclass
class Document:
    """A decoded report: its lines plus facts about the file it came from."""

    lines: list[Line]
    source_file: str
    source_sha256: str
    source_format: str  # txt | pdf | pdf-ocr | image | xlsx | xls | ods | html | docx
    encoding: str | None = None
    script: str = "zh-Hans"  # zh-Hant when the printed text was Traditional Chinese (lines hold it as Simplified)
    warnings: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # what the reader itself flags (low-confidence OCR figures)
    ocr: str | None = None  # pages read by OCR and the engine that read them; None when every page had text
    cache: dict = field(default_factory=dict, repr=False, compare=False)  # derived views (located sections …)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def slice(self, start: int, end: int) -> list[Line]:
        """Lines with index start..end-1 (indexes into self.lines, not line numbers)."""
        return self.lines[start:end]
