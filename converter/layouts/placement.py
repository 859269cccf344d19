"""Column placement, most certain first: x-positions of the table's columns, else the table's identities.

A row's numbers are placed in the spec's columns. With positions, each number goes to the column its right edge
lines up with, when the table's numbers fall into exactly as many columns as the spec has (one reading). Without,
every order-keeping reading is tried (numbers printed on one line stay in their order; lines may come in any
order). Either way a reading must satisfy the table's row identities (合计 = 基本 + 项目 …); a number is placed
only when every surviving reading puts it in the same column. Arithmetic chooses among readings of printed numbers;
it never makes one up.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from decimal import Decimal

from converter.layouts.tokens import Token
from converter.normalize import parse_amount

Identity = Callable[[dict[str, Decimal]], bool]
MAX_READINGS = 50_000
MAX_PERMUTATIONS = 20_000


def _sum(values: dict[str, Decimal], keys: Sequence[str]) -> Decimal:
    return sum((values.get(key, Decimal(0)) for key in keys), Decimal(0))


def total_of(total: str, parts: Sequence[str]) -> Identity:
    """total = Σ parts (a blank counts as zero)."""
    return lambda values: values.get(total, Decimal(0)) == _sum(values, parts)


def all_of(*identities: Identity) -> Identity:
    return lambda values: all(identity(values) for identity in identities)


def value_of(token: Token) -> Decimal:
    parsed = parse_amount(token.text)
    return Decimal(parsed) if parsed is not None else Decimal(0)


def column_edges(numbers: list[Token], width: int, tolerance: float = 1.5) -> list[float] | None:
    """The right edges of a table's printed number columns (figures are right-aligned), when the numbers fall into
    exactly `width` columns; None when they fall into fewer or more (then no position says which column is which)."""
    edges = sorted(token.x1 for token in numbers if token.x1 is not None)
    if not edges or len(edges) < len(numbers):
        return None
    clusters: list[list[float]] = [[edges[0]]]
    for edge in edges[1:]:
        if edge - clusters[-1][-1] <= tolerance:
            clusters[-1].append(edge)
        else:
            clusters.append([edge])
    if len(clusters) != width:
        return None
    return [sum(cluster) / len(cluster) for cluster in clusters]


def _by_position(numbers: list[Token], edges: list[float]) -> list[tuple]:
    """The one reading given by positions: each number in the column its right edge lines up with."""
    reading = tuple(min(range(len(edges)), key=lambda c: abs(edges[c] - token.x1)) for token in numbers)
    return [reading] if len(set(reading)) == len(reading) else []


def _readings(numbers: list[Token], width: int) -> list[tuple]:
    """Every assignment of the numbers to distinct columns keeping the printed order within each line."""
    lines: dict[int, list[int]] = {}
    for index, token in enumerate(numbers):
        lines.setdefault(id(token.line), []).append(index)
    if len(numbers) > width:
        return []
    if len(lines) == 1:
        return list(itertools.combinations(range(width), len(numbers)))
    if math.perm(width, len(numbers)) > MAX_PERMUTATIONS:
        return []  # too many readings to try: nothing is certain
    found = []
    for reading in itertools.permutations(range(width), len(numbers)):
        if all(reading[a] < reading[b] for group in lines.values() for a, b in zip(group, group[1:])):
            found.append(reading)
            if len(found) > MAX_READINGS:
                return []  # too many readings to tell: nothing is certain
    return found


def fits(numbers: list[Token], columns: tuple[str, ...], edges: list[float] | None, identity: Identity | None) -> bool:
    """Whether some reading of the numbers fits the columns and the identity (stops at the first)."""
    positioned = edges is not None and len(edges) == len(columns) and all(t.x1 is not None for t in numbers)
    readings = _by_position(numbers, edges) if positioned else _readings(numbers, len(columns))
    if identity is None:
        return bool(readings)
    values = [value_of(token) for token in numbers]
    return any(identity({columns[c]: v for c, v in zip(reading, values)}) for reading in readings)


def place(numbers: list[Token], columns: tuple[str, ...], edges: list[float] | None,
          identity: Identity | None) -> tuple[list[str | None], list[Token], int]:
    """(cells in column order, numbers left out, readings that fit).

    Positions are used when every number has one and the table's columns were located (`column_edges`); a cell is
    filled only when all readings that satisfy `identity` agree on it. A not-applicable dash places like a number
    but stays None.
    """
    positioned = edges is not None and len(edges) == len(columns) and all(t.x1 is not None for t in numbers)
    readings = _by_position(numbers, edges) if positioned else _readings(numbers, len(columns))
    values = [value_of(token) for token in numbers]
    if identity is not None:
        readings = [r for r in readings if identity({columns[c]: v for c, v in zip(r, values)})]
    cells: list[str | None] = [None] * len(columns)
    left_out: list[Token] = []
    for index, token in enumerate(numbers):
        where = {reading[index] for reading in readings}
        if len(where) == 1:
            cells[where.pop()] = token.text
        else:
            left_out.append(token)
    return cells, left_out, len(readings)


