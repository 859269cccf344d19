"""Resource limits of a conversion: input size, pages, cells, spans, field length and time per document.

The defaults are far above anything a real report needs (the largest real reports seen are a few hundred pages,
tens of MB and tables of a few thousand cells); they exist so that a damaged or hostile file is refused with a
one-line `UnreadableInput` instead of exhausting memory or time. Raise them for one run with environment
variables (`JUESUAN_LIMIT_<FIELD>`, e.g. `JUESUAN_LIMIT_MAX_INPUT_BYTES=2000000000`), inherited by worker
processes, or in code::

    from converter import limits
    with limits.raised(max_pages=50_000):
        convert_file(path)
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

CSV_FIELD_LIMIT = 131_072  # Python's csv.field_size_limit() default: what every CSV reader of a package accepts
ENV_PREFIX = "JUESUAN_LIMIT_"


@dataclass(frozen=True)
class Limits:
    """Upper bounds a single input may reach; every reader checks the ones that apply to it."""

    max_input_bytes: int = 256 * 2**20  # the file on disk (checked before reading it)
    max_text_bytes: int = 32 * 2**20  # a text or HTML file (real ones are well below 1 MB)
    max_unpacked_bytes: int = 256 * 2**20  # the members of an .xlsx/.docx ZIP once inflated (zip bombs)
    max_pages: int = 3_000  # PDF pages
    max_lines: int = 300_000  # lines of a decoded document (a 300-page PDF has about 15,000)
    max_document_chars: int = 2_000_000  # text of a decoded document (the largest real reports hold ~400,000)
    max_table_cells: int = 2_000_000  # rows × columns of one table grid after spans are expanded
    max_columns: int = 1_000  # columns of one table row (an XLSX sheet's used width, a DOCX grid)
    max_span: int = 1_000  # one colspan / rowspan / gridSpan / gridBefore
    max_field_chars: int = 100_000  # one text value written to a CSV (kept below CSV_FIELD_LIMIT)
    seconds_per_document: float = 300.0  # reading one document (checked between pages and sheets)

    def __post_init__(self) -> None:
        if self.max_field_chars >= CSV_FIELD_LIMIT:
            raise ValueError(f"max_field_chars must stay below the CSV field limit {CSV_FIELD_LIMIT}")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Limits:
        """The defaults, overridden by JUESUAN_LIMIT_<FIELD> variables."""
        environ = os.environ if environ is None else environ
        changes = {}
        for item in dataclasses.fields(cls):
            text = environ.get(ENV_PREFIX + item.name.upper())
            if text:
                kind = float if item.type in {"float", float} else int
                try:
                    changes[item.name] = kind(text)
                except ValueError:
                    raise ValueError(f"{ENV_PREFIX}{item.name.upper()}={text!r} is not a number") from None
        return cls(**changes)


_current: ContextVar[Limits | None] = ContextVar("juesuan_limits", default=None)


def current() -> Limits:
    """The limits in force (environment variables apply unless code set others)."""
    value = _current.get()
    if value is not None:
        return value
    # keys first, then the few values: os.environ.items() decodes every variable (4× slower, on every limit check)
    return _from_env(tuple(sorted((k, os.environ[k]) for k in list(os.environ) if k.startswith(ENV_PREFIX))))


@functools.lru_cache(maxsize=8)
def _from_env(variables: tuple[tuple[str, str], ...]) -> Limits:
    return Limits.from_env(dict(variables))


@contextlib.contextmanager
def raised(**changes: int | float) -> Iterator[Limits]:
    """Run a block with some limits changed (raised or lowered)."""
    token = _current.set(dataclasses.replace(current(), **changes))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


class Budget:
    """The time budget of reading one document: `check()` raises once it is spent."""

    def __init__(self, what: str, seconds: float | None = None) -> None:
        self.what = what
        self.seconds = current().seconds_per_document if seconds is None else seconds
        self.deadline = time.monotonic() + self.seconds

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise LimitExceeded(
                f"reading took longer than {self.seconds:g} s ({self.what});"
                f" raise {ENV_PREFIX}SECONDS_PER_DOCUMENT to allow more"
            )


class LimitExceeded(Exception):
    """An input goes past a limit; the message names the limit and how to raise it (no file name)."""


def exceeded(name: str, value: int | float, limit: int | float, what: str) -> LimitExceeded:
    """A LimitExceeded naming the limit, the value found and the environment variable raising it."""
    return LimitExceeded(f"{what} ({value:,} > {limit:,}); raise {ENV_PREFIX}{name.upper()} to allow more")


def check(name: str, value: int | float, what: str) -> None:
    """Raise LimitExceeded when value is over the named limit."""
    limit = getattr(current(), name)
    if value > limit:
        raise exceeded(name, value, limit, what)
