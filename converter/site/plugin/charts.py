"""Server-side SVG bar charts (no JavaScript, no network): one bar per labelled value, Chinese labels as given."""

from __future__ import annotations

from markupsafe import Markup, escape

ROW_HEIGHT = 24
LABEL_WIDTH = 260
BAR_WIDTH = 420
VALUE_WIDTH = 110


def bar_chart(title: str, bars: list[tuple[str, float | None, str]], unit: str = "万元") -> Markup:
    """Horizontal bars: (label, value, value as printed). Missing values are listed as 无数据 (no data) with no bar."""
    values = [value for _, value, _ in bars if value is not None]
    top = max([abs(v) for v in values] or [0]) or 1
    height = ROW_HEIGHT * len(bars) + 30
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg class="juesuan-chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        f' xmlns="http://www.w3.org/2000/svg" font-size="13" font-family="Noto Sans CJK SC, sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-weight="bold">{escape(title)}（{escape(unit)}）</text>',
    ]
    for index, (label, value, text) in enumerate(bars):
        y = 30 + index * ROW_HEIGHT
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end">{escape(label)}</text>')
        if value is None:
            parts.append(f'<text x="{LABEL_WIDTH}" y="{y + 16}" fill="#777">无数据</text>')
            continue
        length = max(1.0, BAR_WIDTH * abs(value) / top)
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{length:.1f}" height="{ROW_HEIGHT - 8}" fill="#3b7dd8">'
            f"<title>{escape(label)}：{escape(text)} {escape(unit)}</title></rect>"
        )
        parts.append(f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 16}">{escape(text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
