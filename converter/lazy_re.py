"""Regular expressions compiled when first used, and the literal text a pattern cannot match without.

Python compiles a regular expression in Python code: 0.1–0.3 ms for a typical pattern of ours, 1–2 ms for a class of
CJK ranges (`[\u4e00-\u9fff]`: the compiler visits every code point of a range). The converter holds a few hundred
patterns, most of which serve only some reports or some sentences; compiling them all at import would be a large
part of a one-report `juesuan convert`. A `LazyPattern` is compiled on first use; `required_literal` gives the text
every match contains, so a pattern is not even searched (nor compiled) where that text is absent.
"""

from __future__ import annotations

import re
from typing import Any

_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split")
_SPECIAL = set("\\.^$*+?{}[]()|")


class LazyPattern:
    """A `re.Pattern` compiled on first use: the same methods, bound to the compiled pattern once it exists; `literal`
    is the text every match contains ("" when none is certain)."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self.literal = "" if flags & (re.IGNORECASE | re.VERBOSE) else required_literal(pattern)

    def could_match(self, text: str) -> bool:
        """False when the text lacks the literal every match contains (then the pattern is not compiled for it)."""
        return self.literal in text

    def compiled(self) -> re.Pattern[str]:
        compiled = re.compile(self.pattern, self.flags)
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
