"""Layout readers: one module per text layout, each turning located table sections into RawRows.

A layout module exposes:
    NAME: str
    detect(doc: Document) -> float          # confidence 0..1 that the document is in this layout
    read_tables(doc: Document) -> list[TableBlock]

What the readers share (EXTRACT findings, block and row construction, cell tests) is in `converter.layouts.common`.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from converter.document import Document

LAYOUT_MODULES = (
    "converter.layouts.wrapped",  # pdftotext-style, wrapped cells, single-space separators (seed 000)
    "converter.layouts.tabbed",  # one row per line, tab-separated (seed 001)
    "converter.layouts.paginated",  # space-separated rows split across pages (seed 002)
    "converter.layouts.markdown",  # Markdown/HTML-ish with tab cells (seed 003)
    "converter.layouts.cells",  # readers that give cells: HTML, XLSX, DOCX tables (columns from header rows)
    "converter.layouts.shanghai",  # PDF ruled tables with split 类/款/项 code cells (Shanghai, L6)
)


def available_layouts() -> list[ModuleType]:
    return [importlib.import_module(name) for name in LAYOUT_MODULES]


def detect_layout(doc: Document) -> ModuleType | None:
    """The layout module most confident about this document (None when none is above 0.5)."""
    scored = [(module.detect(doc), module) for module in available_layouts()]
    scored = [item for item in scored if item[0] >= 0.5]
    if not scored:
        return None
    return max(scored, key=lambda item: item[0])[1]
