"""One PDF page read by PDFium, described as pdfplumber describes a page: its chars, ruling edges and pictures.

PDFium parses a page several times faster than pdfminer (which pdfplumber runs on); what it reads is turned
into pdfplumber's own terms, so pdfplumber's table finder and our line builder read it as they read pdfplumber's page:

- chars: pdfminer's boxes — left edge at the glyph's origin, right edge after the font's width of the glyph, bottom
  at the font's descent below the baseline and height the font size — in pdfplumber's coordinates (points from the
  top-left of the page as displayed, /Rotate applied as pdfminer applies it). PDFium's generated characters (spaces
  and line breaks it infers) are left out: pdfplumber only lists printed ones.
- edges: the page's path objects (inside form XObjects too) split into subpaths and classified as pdfminer classifies
  them — one segment a line, a closed axis-aligned four-corner path a rectangle, anything else a curve — then turned
  into edges by pdfplumber's own `obj_to_edges`. A path neither stroked nor filled (a clipping path) draws nothing.
- images: the boxes of picture objects (for the OCR of pictures without text over them).

Coordinates differ from pdfminer's only by PDFium's single-precision floats (below 0.001 pt on a page).
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from typing import Any

Matrix = tuple[float, float, float, float, float, float]
Point = tuple[float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def multiply(first: Matrix, then: Matrix) -> Matrix:
    """The matrix applying `first`, then `then` (PDF row-vector convention)."""
    a, b, c, d, e, f = first
    a2, b2, c2, d2, e2, f2 = then
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def apply(matrix: Matrix, x: float, y: float) -> Point:
    a, b, c, d, e, f = matrix
    return a * x + c * y + e, b * x + d * y + f


def device_matrix(mediabox: tuple[float, float, float, float], rotation: int) -> tuple[Matrix, float]:
    """The matrix from PDF user space to pdfminer's page space (its /Rotate and MediaBox origin applied), and the
    height of the page as displayed."""
    x0, y0, x1, y1 = mediabox
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    ctm = {90: (0, -1, 1, 0, -y0, x1), 180: (-1, 0, 0, -1, x1, y1), 270: (0, 1, -1, 0, y1, -x0)}.get(
        rotation, (1, 0, 0, 1, -x0, -y0))
    height = (x1 - x0) if rotation in (90, 270) else (y1 - y0)
    return tuple(float(v) for v in ctm), height  # type: ignore[return-value]


class PageLayer:
    """The parts of a `pdfplumber.Page` that pdfplumber's TableFinder, `Table.extract` and our reader use."""

    def __init__(self, page: Any, doctop: float = 0.0) -> None:
        import pypdfium2.raw as pdfium_c

        self._c = pdfium_c
        mediabox = page.get_mediabox(fallback_ok=False) or page.get_bbox()
        rotation = page.get_rotation()
        self.ctm, self.height = device_matrix(mediabox, rotation)
        left, bottom = min(mediabox[0], mediabox[2]), min(mediabox[1], mediabox[3])
        # pdfplumber adds the MediaBox origin back (its x0 and its top as seen from the page's top)
        self.x_offset = left if rotation not in (90, 270) else bottom
        width = (abs(mediabox[3] - mediabox[1]) if rotation in (90, 270) else abs(mediabox[2] - mediabox[0]))
        self.width = width
        top_edge = self.height - (max(mediabox[1], mediabox[3]) if rotation not in (90, 270)
                                  else max(mediabox[0], mediabox[2]))
        self.y_offset = top_edge
        self.bbox = (self.x_offset, self.y_offset, self.x_offset + self.width, self.y_offset + self.height)
        # user space → pdfplumber's (x, top): pdfminer's page matrix, then y flipped and the MediaBox origin added
        self.to_page = multiply(self.ctm, (1.0, 0.0, 0.0, -1.0, self.x_offset, self.height + self.y_offset))
        self.doctop = doctop
        self.page = page
        self.images: list[dict[str, Any]] = []
        self.lines: list[dict[str, Any]] = []
        self.rects: list[dict[str, Any]] = []
        self.curves: list[dict[str, Any]] = []
        self._read_objects()
        self.chars = self._read_chars()
        self.edges = _edges(self.lines + self.rects + self.curves)  # pdfplumber's order: lines, rects, curves

    # -- objects: paths and pictures
    def _objects(self) -> Iterator[tuple[Any, int, Matrix]]:
        """Every page object in drawing order with its type and the matrix from its parent's space to user space
        (forms unfolded where they are drawn)."""
        c = self._c
        page = self.page.raw

        def children(parent: Any, is_form: bool) -> Iterator[Any]:
            count = c.FPDFFormObj_CountObjects(parent) if is_form else c.FPDFPage_CountObjects(page)
            for index in range(count):
                yield c.FPDFFormObj_GetObject(parent, index) if is_form else c.FPDFPage_GetObject(page, index)

        stack: list[tuple[Iterator[Any], Matrix]] = [(children(page, False), IDENTITY)]
        while stack:
            objects, matrix = stack[-1]
            obj = next(objects, None)
            if obj is None:
                stack.pop()
                continue
            kind = c.FPDFPageObj_GetType(obj)
            if kind == c.FPDF_PAGEOBJ_FORM:
                stack.append((children(obj, True), multiply(self._matrix(obj), matrix)))
            else:
                yield obj, kind, matrix

    def _matrix(self, obj: Any) -> Matrix:
        m = self._c.FS_MATRIX()
        if not self._c.FPDFPageObj_GetMatrix(obj, m):
            return IDENTITY
        return (m.a, m.b, m.c, m.d, m.e, m.f)

    def _read_objects(self) -> None:
        c = self._c
        for obj, kind, parent in self._objects():
            if kind == c.FPDF_PAGEOBJ_PATH:
                self._read_path(obj, multiply(multiply(self._matrix(obj), parent), self.to_page))
            elif kind == c.FPDF_PAGEOBJ_IMAGE:
                self.images.append(self._image(obj, parent))

    def _image(self, obj: Any, parent: Matrix) -> dict[str, Any]:
        c = self._c
        left, bottom, right, top = (ctypes.c_float() for _ in range(4))
        c.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
        to_page = multiply(parent, self.to_page)
        corners = [apply(to_page, x.value, y.value) for x in (left, right) for y in (bottom, top)]
        xs, tops = [p[0] for p in corners], [p[1] for p in corners]
        return {"object_type": "image", "x0": min(xs), "x1": max(xs), "top": min(tops), "bottom": max(tops)}

    def _read_path(self, obj: Any, matrix: Matrix) -> None:
        """The path's subpaths as pdfminer paints them (lines, rectangles, curves); `matrix` maps its points to
        pdfplumber's page coordinates."""
        c = self._c
        fill, stroke = ctypes.c_int(), ctypes.c_int()
        if c.FPDFPath_GetDrawMode(obj, fill, stroke) and not fill.value and not stroke.value:
            return  # a clipping path draws nothing
        x, y = ctypes.c_float(), ctypes.c_float()
        subpaths: list[list[tuple[str, Point]]] = []
        pending_bezier = 0
        for index in range(c.FPDFPath_CountSegments(obj)):
            segment = c.FPDFPath_GetPathSegment(obj, index)
            c.FPDFPathSegment_GetPoint(segment, x, y)
            point = apply(matrix, x.value, y.value)
            kind = c.FPDFPathSegment_GetType(segment)
            if kind == c.FPDF_SEGMENT_MOVETO or not subpaths:
                subpaths.append([("m", point)])
            elif kind == c.FPDF_SEGMENT_BEZIERTO:
                pending_bezier += 1  # PDFium lists a curve as its two control points and its end point
                if pending_bezier == 3:
                    subpaths[-1].append(("c", point))
                    pending_bezier = 0
            else:
                subpaths[-1].append(("l", point))
            if c.FPDFPathSegment_GetClose(segment):
                subpaths[-1].append(("h", subpaths[-1][0][1]))
        for subpath in subpaths:
            self._paint(subpath)

    def _paint(self, subpath: list[tuple[str, Point]]) -> None:
        """One subpath as pdfminer paints it (`PDFLayoutAnalyzer.paint_path`): a line, a rectangle or a curve."""
        shape = "".join(op for op, _ in subpath)
        points = [point for _, point in subpath]
        if len(shape) < 2:
            return
        # PDFium closes a subpath with a line back to its start; pdfminer drops that line before an "h"
        if len(shape) > 3 and shape[-2:] == "lh" and points[-2] == points[0]:
            shape, points = shape[:-2] + "h", points[:-2] + points[-1:]
        xs, tops = [p[0] for p in points], [p[1] for p in points]
        box = {"x0": min(xs), "x1": max(xs), "top": min(tops), "bottom": max(tops)}
        box.update(width=box["x1"] - box["x0"], height=box["bottom"] - box["top"],
                   doctop=self.doctop + box["top"], y0=self.height - box["bottom"], y1=self.height - box["top"])
        if shape in ("mlh", "ml"):
            kind = "line"
        elif shape in ("mlllh", "mllll") and points[0] == points[4] and _square(points):
            kind = "rect"
        else:
            kind = "curve"
        obj = {"object_type": kind, "pts": points[:2] if kind == "line" else points, **box}
        {"line": self.lines, "rect": self.rects, "curve": self.curves}[kind].append(obj)

    # -- text
    def _read_chars(self) -> list[dict[str, Any]]:
        c = self._c
        textpage = c.FPDFText_LoadPage(self.page.raw)
        try:
            return list(self._chars(textpage))
        finally:
            c.FPDFText_ClosePage(textpage)

    def _chars(self, textpage: Any) -> Iterator[dict[str, Any]]:
        c = self._c
        box, m = c.FS_RECTF(), c.FS_MATRIX()
        ox, oy, width = ctypes.c_double(), ctypes.c_double(), ctypes.c_float()
        objects: dict[int, tuple] = {}  # text object → what all its characters share
        advances: dict[tuple[int, int], float] = {}
        count = c.FPDFText_CountChars(textpage)
        index = 0
        while index < count:
            i = index
            index += 1
            if c.FPDFText_IsGenerated(textpage, i) == 1:
                continue
            code = c.FPDFText_GetUnicode(textpage, i)
            if 0xD800 <= code < 0xDC00 and index < count:  # a surrogate pair: one character
                low = c.FPDFText_GetUnicode(textpage, index)
                if 0xDC00 <= low < 0xE000:
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    index += 1
            if code == 0 or code == 0xFFFE or 0xD800 <= code < 0xE000:
                continue
            obj = c.FPDFText_GetTextObject(textpage, i)
            key = ctypes.addressof(obj.contents) if obj else 0
            shared = objects.get(key)
            if shared is None:
                font = c.FPDFTextObj_GetFont(obj) if obj else None
                c.FPDFText_GetMatrix(textpage, i, m)
                shared = objects[key] = (font, self._descent(font), c.FPDFText_GetFontSize(textpage, i),
                                         (m.a, m.b, m.c, m.d))
            font, descent, size, linear = shared
            c.FPDFText_GetCharOrigin(textpage, i, ox, oy)
            advance = advances.get((key, code))
            if advance is None:  # the font's width of the glyph, as pdfminer takes it (PDFium's loose box can differ)
                if font and code < 0x10000 and c.FPDFFont_GetGlyphWidth(font, code, size, width):
                    advance = width.value
                else:
                    c.FPDFText_GetLooseCharBox(textpage, i, box)
                    advance = (box.right - box.left) / (linear[0] or 1.0)
                advances[key, code] = advance
            yield self._char(chr(code), size, descent, advance, ox.value, oy.value, linear)

    def _descent(self, font: Any) -> float:
        """The font's descent per unit of size as pdfminer reads it: its descriptor's, or for one of the standard
        fonts printed without a font file, the standard metrics (PDFium would measure its substitute font)."""
        if not font:
            return 0.0
        c = self._c
        if not c.FPDFFont_GetIsEmbedded(font):
            from pdfminer.fontmetrics import FONT_METRICS

            name = ctypes.create_string_buffer(128)
            length = c.FPDFFont_GetBaseFontName(font, name, len(name))
            base = name.value.decode("latin-1") if 0 < length <= len(name) else ""
            if base in FONT_METRICS:
                return -abs(float(FONT_METRICS[base][0].get("Descent") or 0)) / 1000
        descent = ctypes.c_float()
        return min(descent.value, -descent.value) if c.FPDFFont_GetDescent(font, 1.0, descent) else 0.0

    def _char(self, text: str, size: float, descent: float, advance: float, ox: float, oy: float,
              linear: tuple[float, float, float, float]) -> dict[str, Any]:
        """pdfminer's box of one glyph: (0, descent) to (advance, descent + 1) times the font size in its text space,
        through the character's matrix, in pdfplumber's page coordinates."""
        a, b, c, d = linear
        low, high = descent * size, (descent + 1) * size
        pa, pb, pc, pd, pe, pf = self.to_page
        if b == 0 and c == 0 and pb == 0 and pc == 0:  # upright text on an upright page
            x0, x1 = pa * ox + pe, pa * (ox + a * advance) + pe
            top, bottom = pd * (oy + d * high) + pf, pd * (oy + d * low) + pf
            x0, x1 = (x0, x1) if x0 <= x1 else (x1, x0)
            top, bottom = (top, bottom) if top <= bottom else (bottom, top)
        else:
            points = [apply(self.to_page, ox + a * x + c * y, oy + b * x + d * y)
                      for x in (0.0, advance) for y in (low, high)]
            xs, tops = [p[0] for p in points], [p[1] for p in points]
            x0, x1, top, bottom = min(xs), max(xs), min(tops), max(tops)
        a, b, c, d, _e, _f = multiply((a, b, c, d, 0.0, 0.0), self.ctm)  # as displayed: /Rotate applied
        return {"text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": self.doctop + top,
                "width": x1 - x0, "height": bottom - top, "size": bottom - top,
                "upright": a * d > 0 and b * c <= 0, "y0": self.height - bottom, "y1": self.height - top}

    # -- what pdfplumber's Page offers
    def find_tables(self) -> list[Any]:
        from pdfplumber.table import TableFinder

        return TableFinder(self).tables


def _edges(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from pdfplumber.utils import obj_to_edges

    return [edge for obj in objects for edge in obj_to_edges(obj)]


def _square(points: list[Point]) -> bool:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points[:4]
    return (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)

