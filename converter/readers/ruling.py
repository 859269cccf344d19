"""Ruled tables in a page image: the printed rules found by morphology (OpenCV), cells built from them by pdfplumber.

A scanned ruled table loses its vector rules, but not its ink: on the binarised image, an opening with a long flat
(tall thin) kernel keeps only horizontal (vertical) strokes longer than any glyph's. Each kept stroke becomes an edge
in page units, and pdfplumber turns the edges into cells and tables exactly as it does for a ruled PDF's vector lines
(snapping, joining, intersections, cells, tables; merged cells stay one cell). So a scanned ruled page gives the same
cells as its text-layer PDF, and the same table readers read it. Text is placed into cells elsewhere (`ocr.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MIN_HORIZONTAL_RULE = 18.0  # points: a horizontal stroke at least this long is a rule (glyph strokes are shorter)
MIN_VERTICAL_RULE = 12.0  # points: the same for vertical strokes (a one-line row is taller than this)
TOLERANCE = 3.0  # points: pdfplumber's default snap, join and intersection tolerances for ruled PDFs
LONE_RULE = 120.0  # points: a stroke this long is a rule even when no rule crosses it (rows ruled only by lines)
MIN_CELLS = 2  # a "table" of fewer cells is a box around text, not a table

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in page units


@dataclass(frozen=True)
class RuledTable:
    """A table found from its rules: its box and its rows, each row a list of cell boxes (None where a cell merged
    from an earlier row or column covers the grid position), as pdfplumber's `Table.rows` gives them."""

    bbox: Box
    rows: tuple[tuple[Box | None, ...], ...]


@dataclass
class RuledPage:
    """What the rules of a page image tell: its ruled tables, its vertical rules (x, top, bottom) that cut text
    boxes into cells, and the image with the table rules erased (so OCR never reads a rule as a stroke, as in 一)."""

    tables: list[RuledTable]
    cuts: list[tuple[float, float, float]]
    image: Any


def _strokes(binary: Any, horizontal: bool, length: int) -> tuple[Any, list[tuple[int, int, int, int]], Any]:
    """The strokes at least `length` pixels long in one direction: their labels image, their (x, y, width, height)
    and the labels' count."""
    import cv2

    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
    opened = cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel)
    count, labels, stats, _centroids = cv2.connectedComponentsWithStats(opened, connectivity=8)
    return labels, [tuple(int(v) for v in stats[i][:4]) for i in range(1, count)], count


def _touches(a: tuple[int, int, int, int], b: tuple[int, int, int, int], slack: int = 2) -> bool:
    return a[0] - slack <= b[0] + b[2] and b[0] - slack <= a[0] + a[2] and \
        a[1] - slack <= b[1] + b[3] and b[1] - slack <= a[1] + a[3]


def _edge(stroke: tuple[int, int, int, int], horizontal: bool, scale: float,
          origin: tuple[float, float]) -> dict[str, Any]:
    x, y, width, height = stroke
    x0, top = x / scale + origin[0], y / scale + origin[1]
    x1, bottom = (x + width) / scale + origin[0], (y + height) / scale + origin[1]
    if horizontal:
        top = bottom = (top + bottom) / 2
    else:
        x0 = x1 = (x0 + x1) / 2
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0, "height": bottom - top,
            "orientation": "h" if horizontal else "v", "object_type": "line"}


A4_LONG_SIDE = 842.0  # points: an image input is taken to be an A4 page to tell its pixels per point


def ruled_page(image: Any, scale: float = 1.0, origin: tuple[float, float] = (0.0, 0.0),
               pixels_per_point: float | None = None) -> RuledPage:
    """The rules of a page image (pixels / scale + origin = page units): tables, cuts and the image without them.
    Lengths are measured in points: `pixels_per_point` defaults to `scale` (a rendered PDF page).

    Only rules that meet a rule of the other direction are table rules; a short lone stroke (an underline, a printed
    "────" dash) stays in the image and makes no edge; a long lone one (a table ruled by rows only) is erased."""
    import cv2
    import numpy as np
    from pdfplumber.table import Table, cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

    grey = np.asarray(image.convert("L") if hasattr(image, "convert") else image)
    if grey.ndim == 3:
        grey = cv2.cvtColor(grey, cv2.COLOR_RGB2GRAY)
    _threshold, binary = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    pixels = pixels_per_point or scale
    h_labels, h_strokes, _ = _strokes(binary, True, max(3, round(MIN_HORIZONTAL_RULE * pixels)))
    v_labels, v_strokes, _ = _strokes(binary, False, max(3, round(MIN_VERTICAL_RULE * pixels)))
    h_kept = [i for i, stroke in enumerate(h_strokes) if any(_touches(stroke, other) for other in v_strokes)]
    v_kept = [i for i, stroke in enumerate(v_strokes) if any(_touches(stroke, other) for other in h_strokes)]
    edges = [_edge(h_strokes[i], True, scale, origin) for i in h_kept] + \
            [_edge(v_strokes[i], False, scale, origin) for i in v_kept]
    lone = LONE_RULE * pixels
    h_erased = set(h_kept) | {i for i, stroke in enumerate(h_strokes) if stroke[2] >= lone}
    v_erased = set(v_kept) | {i for i, stroke in enumerate(v_strokes) if stroke[3] >= lone}
    mask = np.isin(h_labels, [i + 1 for i in h_erased]) | np.isin(v_labels, [i + 1 for i in v_erased])
    mask = cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    clean = grey.copy()
    clean[mask] = 255
    tolerance = TOLERANCE * pixels / scale  # in page units
    edges = merge_edges(edges, tolerance, tolerance, tolerance, tolerance)
    cells = intersections_to_cells(edges_to_intersections(edges, tolerance, tolerance))
    tables = [Table(None, group) for group in cells_to_tables(cells) if len(group) >= MIN_CELLS]
    found = [RuledTable(bbox=tuple(table.bbox), rows=tuple(tuple(row.cells) for row in table.rows)) for table in tables]
    cuts = [(edge["x0"], edge["top"], edge["bottom"]) for edge in edges if edge["orientation"] == "v"]
    return RuledPage(sorted(found, key=lambda table: (table.bbox[1], table.bbox[0])), cuts, clean)
