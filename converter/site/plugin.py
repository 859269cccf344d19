"""The site's Datasette plugin: Chinese full-text search, printed decimal precision, download links.

Self-contained (standard library and Datasette only): `juesuan serve` and `juesuan publish` copy this file into a
plugins directory, so it must not import the converter.

Search method: every CJK character is indexed as its own token (the text is stored in the FTS table with spaces
around CJK characters, tokenised by FTS5's default unicode61), and the search box's query is rewritten the same way
into phrase queries. "公务接待费" becomes the phrase "公 务 接 待 费", which matches exactly the rows whose text
contains that substring; two-character words (医保) work the same way, with no dictionary to miss them.
"""

from __future__ import annotations

import re

from datasette import hookimpl
from markupsafe import Markup, escape

# CJK ideographs (basic, extension A, compatibility) and CJK punctuation/fullwidth forms are split one per token.
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_CHAR = re.compile(f"([{_CJK}])")
_SPACES = re.compile(r"\s+")
_TERMS = re.compile(r'"([^"]*)"?|(\S+)')
SCALE_COLUMN = "printed_scale"
LINK_COLUMNS = {"package_folder": "datapackage.json", "package_zip": "zip"}


def cjk_tokens(text: str | None) -> str:
    """Text with spaces around every CJK character, so unicode61 makes each one a token."""
    if not text:
        return ""
    return _SPACES.sub(" ", _CJK_CHAR.sub(r" \1 ", text)).strip()


def fts_query(query: str) -> str:
    """A search-box query as an FTS5 query: each term (or "quoted phrase") becomes a phrase of its tokens."""
    phrases = []
    for match in _TERMS.finditer(query or ""):
        tokens = cjk_tokens(match.group(1) if match.group(1) is not None else match.group(2))
        tokens = tokens.replace('"', "")
        if tokens:
            phrases.append(f'"{tokens}"')
    return " ".join(phrases) or '""'


def parse_scales(text: str | None) -> dict[str, int]:
    """'2:total,basic;1:score' → {'total': 2, 'basic': 2, 'score': 1}."""
    scales: dict[str, int] = {}
    for group in (text or "").split(";"):
        if ":" in group:
            scale, names = group.split(":", 1)
            scales.update(dict.fromkeys(names.split(","), int(scale)))
    return scales


@hookimpl(trylast=True)
def prepare_connection(conn):
    # trylast: runs after Datasette's own plugin registered the default escape_fts, and replaces it.
    conn.create_function("escape_fts", 1, fts_query)


@hookimpl
def render_cell(row, value, column):
    if column in LINK_COLUMNS and isinstance(value, str) and value.startswith("/"):
        return Markup(f'<a href="{escape(value)}">{escape(LINK_COLUMNS[column])}</a>')
    if not isinstance(value, float) or row is None:
        return None
    try:
        scales = parse_scales(row[SCALE_COLUMN])
    except (IndexError, KeyError, ValueError):
        return None
    if column in scales:
        return f"{value:.{scales[column]}f}"
    return None
