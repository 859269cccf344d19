"""Regular expressions compiled when first used, and the literal text a pattern cannot match without.

Python compiles a regular expression in Python code: 0.1–0.3 ms for a typical pattern of ours, 1–2 ms for a class of
CJK ranges (`[\u4e00-\u9fff]`: the compiler visits every code point of a range). The converter holds a few hundred
patterns, most of which serve only some reports or some sentences; compiling them all at import would be a large
part of a one-report `juesuan convert`. A `LazyPattern` is compiled on first use; `required_literal` gives the text
every match contains, so a pattern is not even searched (nor compiled) where that text is absent.

`compile` (which a `LazyPattern` uses) is `re.compile` whose work is kept in the disk cache (`converter.diskcache`):
what Python's regular-expression compiler makes of a pattern (the code its C matcher runs, the groups) is stored under
the pattern's text and flags, and the next process builds the same `re.Pattern` from it directly (`_sre.compile`, the
call `re.compile` ends with), for microseconds instead of 0.1–2 ms. The file is keyed by the Python build and its
compiler's files, so another Python never reads it; it holds at most `TABLE_LIMIT` patterns (the converter's own,
written in its code: a few hundred), and `save` adds what a process compiled anew (`convert_one` calls it).
"""

from __future__ import annotations

import functools
import marshal
import re
import sys
from pathlib import Path
from typing import Any

_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split")
_SPECIAL = set("\\.^$*+?{}[]()|")


class LazyPattern:
    """A `re.Pattern` compiled on first use: the same methods, bound to the compiled pattern once it exists; `literal`
    is the text every match contains ("" when none is certain)."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self.literal = "" if flags & (re.IGNORECASE | re.VERBOSE) else _literal(pattern)

    def could_match(self, text: str) -> bool:
        """False when the text lacks the literal every match contains (then the pattern is not compiled for it)."""
        return self.literal in text

    def compiled(self) -> re.Pattern[str]:
        compiled = compile(self.pattern, self.flags)
        self.__dict__.update({name: getattr(compiled, name) for name in _METHODS}, compiled=lambda: compiled,
                             groupindex=compiled.groupindex)
        return compiled

    def __getattr__(self, name: str) -> Any:  # only for what is not bound yet: the methods before the first use
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r})"


def required_literal(pattern: str) -> str:
    """The longest run of literal characters every match of `pattern` contains ("" when none is certain).

    Conservative: a run is plain characters, outside classes and escapes, in no group that is optional, repeated,
    a lookaround or one of alternatives; a character followed by a quantifier does not count. For patterns without
    flags that change what a literal matches (IGNORECASE, VERBOSE)."""
    runs: list[str] = []
    _, alternatives = _scan(pattern, 0, runs)
    return "" if alternatives else max(runs, key=len, default="")


def _scan(pattern: str, i: int, runs: list[str]) -> tuple[int, bool]:
    """Scan a group's body from i to its ")" (or the end), adding the runs every match of the body contains to `runs`
    unless the body has alternatives; returns (index of the ")", whether it has alternatives)."""
    found: list[str] = []
    run: list[str] = []

    def end_run() -> None:
        found.append("".join(run))
        run.clear()

    alternatives = False
    while i < len(pattern) and pattern[i] != ")":
        char = pattern[i]
        if char == "\\":
            end_run()
            i += 2
            continue
        if char == "[":
            end_run()
            i += 2 if pattern.startswith("[^", i) else 1
            i += 1 if pattern.startswith("]", i) else 0  # a "]" first in a class is literal
            while i < len(pattern) and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
            i += 1
            continue
        if char == "(":
            end_run()
            certain = pattern.startswith(("(?:", "(?P<"), i) or not pattern.startswith("(?", i)
            body = pattern.index(">", i) + 1 if pattern.startswith("(?P<", i) else i + 3 if certain and \
                pattern.startswith("(?", i) else i + 1
            inner: list[str] = []
            i, inner_alternatives = _scan(pattern, body, inner)
            i += 1
            if certain and not inner_alternatives and not pattern.startswith(("?", "*", "{"), i):
                found.extend(inner)
            continue
        if char in "?*{+":
            if char != "+" and run:  # the character before may be absent
                run.pop()
            end_run()
            if char == "{":
                i = pattern.find("}", i) % (len(pattern) + 1)  # past the bounds (to the end if unclosed)
        elif char == "|":
            alternatives = True
        elif char in _SPECIAL:
            end_run()
        else:
            run.append(char)
        i += 1
    end_run()
    if not alternatives:
        runs.extend(found)
    return i, alternatives


# The disk cache of compiled patterns.
TABLE_LIMIT = 2048  # patterns: far above the converter's own, so the file cannot grow without bound
Entry = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]  # _sre.compile's arguments after the text


class _Table:
    """The required literals and compiled code this process knows: read from the disk cache, then added to."""

    def __init__(self, literals: dict[str, str], codes: dict[tuple[str, int], Entry]) -> None:
        self.literals, self.codes = literals, codes
        self.added = 0  # entries made by this process since the last save

    def full(self) -> bool:
        return len(self.literals) + len(self.codes) >= TABLE_LIMIT


@functools.cache  # constant for the process: read by _table and by every save
def _table_key() -> bytes:
    """What the stored values depend on: the Python build, its regular-expression compiler (its files' sizes and
    times) and this module's source (which finds the literals)."""
    import _sre

    compiler = [(stat.st_size, stat.st_mtime_ns) for name in ("_compiler.py", "_parser.py", "_constants.py")
                for stat in [Path(re.__file__).with_name(name).stat()]]
    return repr((sys.version, sys.implementation.cache_tag, _sre.MAGIC, _sre.CODESIZE, _sre.MAXREPEAT,
                 _sre.MAXGROUPS, compiler)).encode() + Path(__file__).read_bytes()


def _loads(data: bytes) -> _Table:
    literals, codes = marshal.loads(data)
    if not isinstance(literals, dict) or not isinstance(codes, dict):
        raise ValueError("not a table of patterns")
    return _Table(literals, codes)


@functools.cache
def _table() -> _Table:
    from converter import diskcache

    try:
        key = _table_key()
    except (OSError, AttributeError, ImportError):  # no readable compiler source: nothing is kept
        return _Table({}, {})
    return diskcache.load("regex", key, _loads) or _Table({}, {})


def save() -> None:
    """Add the literals and compiled patterns this process made to the disk cache (nothing to do when none)."""
    from converter import diskcache

    table = _table()
    if not table.added:
        return
    try:
        key = _table_key()
    except (OSError, AttributeError, ImportError):
        return
    stored = diskcache.load("regex", key, _loads) or _Table({}, {})  # what other processes added meanwhile
    literals = {**stored.literals, **table.literals}
    codes = {**stored.codes, **table.codes}
    while len(literals) + len(codes) > TABLE_LIMIT:  # only when other processes filled it concurrently
        (codes or literals).popitem()
    diskcache.store("regex", key, marshal.dumps((literals, codes)))
    table.added = 0


def _literal(pattern: str) -> str:
    """required_literal(pattern), from the table when known."""
    table = _table()
    literal = table.literals.get(pattern)
    if literal is None:
        literal = required_literal(pattern)
        if not table.full():
            table.literals[pattern] = literal
            table.added += 1
    return literal


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:  # noqa: A001 - re.compile's name and signature
    """`re.compile(pattern, flags)`, built from the compiled code in the disk cache when this Python made it before."""
    import _sre

    table = _table()
    flags = int(flags)
    entry = table.codes.get((pattern, flags))
    if entry is not None:
        try:
            return _sre.compile(pattern, *entry)
        except Exception:  # a damaged entry (_sre validates the code): compile it again
            del table.codes[pattern, flags]
    compiled, entry = _compile_with_code(pattern, flags)
    if entry is not None and not table.full():
        table.codes[pattern, flags] = entry
        table.added += 1
    return compiled


def _compile_with_code(pattern: str, flags: int) -> tuple[re.Pattern[str], Entry | None]:
    """The pattern compiled as `re._compiler.compile` compiles it, with the arguments it passes to `_sre.compile`
    (None, and `re.compile`'s result, if this Python's compiler is not laid out so)."""
    try:
        import _sre
        from re import _compiler, _parser

        parsed = _parser.parse(pattern, flags)
        code = [int(op) for op in _compiler._code(parsed, flags)]  # plain ints (opcodes are an int subclass)
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        entry: Entry = (int(flags | parsed.state.flags), code, parsed.state.groups - 1, groupindex, tuple(indexgroup))
        return _sre.compile(pattern, *entry), entry
    except re.error:
        raise
    except Exception:
        return re.compile(pattern, flags), None
