"""Column placement, most certain first: x-positions of the table's columns, else the table's identities.

A row's numbers are placed in the spec's columns. With positions, each number goes to the column its right edge
lines up with, when the table's numbers fall into exactly as many columns as the spec has (one reading). Without,
every order-keeping reading is tried (numbers printed on one line stay in their order; lines may come in any
order). Either way a reading must satisfy the table's row identities (合计 = 基本 + 项目 …; where positions or
the printed order alone fix the reading, within a printed rounding of a cent per term); a number is placed
only when every surviving reading puts it in the same column. Arithmetic chooses among readings of printed numbers;
it never makes one up.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from decimal import Decimal
from functools import lru_cache

from converter.layouts.tokens import Token
from converter.normalize import LABEL_CACHE, parse_amount

Identity = Callable[..., bool]  # (values, rounded=False) -> whether the identity holds
CENT = Decimal("0.01")  # a rounding cent per summed term, allowed only where positions alone fixed the reading
# The rounding cent in the unit of the table being read (100.00 in a table in 元 restated from one in 万元).
ROUNDING_CENT: ContextVar[Decimal] = ContextVar("ROUNDING_CENT", default=CENT)
MAX_READINGS = 2_000


def _sum(values: dict[str, Decimal], keys: Sequence[str]) -> Decimal:
    return sum((values.get(key, Decimal(0)) for key in keys), Decimal(0))


def total_of(total: str, parts: Sequence[str]) -> Identity:
    """total = Σ parts (a blank counts as zero); `rounded`: within a cent per term (a printed rounding)."""
    return lambda values, rounded=False: abs(values.get(total, Decimal(0)) - _sum(values, parts)) <= (
        ROUNDING_CENT.get() * len(parts) if rounded else 0)


def all_of(*identities: Identity) -> Identity:
    return lambda values, rounded=False: all(identity(values, rounded) for identity in identities)


def value_of(token: Token) -> Decimal:
    return _decimal(token.text)


@lru_cache(maxsize=LABEL_CACHE)  # every placement trial asks again for the values of the same printed figures
def _decimal(text: str) -> Decimal:
    """A printed figure's value (a blank or dash counts as zero); a Decimal is immutable, so one may be shared."""
    parsed = parse_amount(text)
    return Decimal(parsed) if parsed is not None else Decimal(0)


def _clusters(numbers: list[Token]) -> list[list[float]] | None:
    """The right edges of the numbers grouped into printed columns (edges within about half a digit's width are one
    column: character columns, PDF points or OCR pixels alike); None when a number has no position."""
    edges = sorted(token.x1 for token in numbers if token.x1 is not None)
    if not edges or len(edges) < len(numbers):
        return None
    digit = statistics.median((t.x1 - t.x0) / max(len(t.text), 1) for t in numbers if t.x0 is not None)
    tolerance = max(1.5, 0.6 * digit)
    clusters: list[list[float]] = [[edges[0]]]
    for edge in edges[1:]:
        if edge - clusters[-1][-1] <= tolerance:
            clusters[-1].append(edge)
        else:
            clusters.append([edge])
    return clusters


def column_edges(numbers: list[Token], width: int) -> list[float] | None:
    """The right edges of a table's printed number columns (figures are right-aligned), when the numbers fall into
    exactly `width` columns; None when they fall into fewer or more (then no position says which column is which)."""
    clusters = _clusters(numbers)
    if clusters is None or len(clusters) != width:
        return None
    return [sum(cluster) / len(cluster) for cluster in clusters]


FAR = -1e12  # the edge of a column no figure is printed in: never the nearest


def edges_under_headers(numbers: list[Token], starts: list[float], ends: list[float] | None = None
                        ) -> list[float] | None:
    """Right edges of the number columns when some columns print no figure at all, told by the column headers'
    left edges `starts` (one per spec column, increasing) and right edges `ends`: a printed column belongs to header
    j when each of its figures ends right of header j's middle (its start, without `ends`) and not right of header
    j+1's start (a figure is right-aligned in its column, and a header starts inside its own column and reaches its
    middle). None unless every printed column falls in its own header band; a figure between two bands (a header
    wider than its column) leaves the columns untold."""
    clusters = _clusters(numbers)
    if clusters is None or len(clusters) > len(starts) or any(b <= a for a, b in zip(starts, starts[1:])):
        return None
    lows = starts if ends is None else [max(a, (a + b) / 2) for a, b in zip(starts, ends)]
    highs = [*starts[1:], math.inf]
    edges = [FAR * (j + 1) for j in range(len(starts))]
    taken: set[int] = set()
    for cluster in clusters:
        bands = {j for j in range(len(starts)) for edge in cluster if lows[j] < edge <= highs[j]}
        if len(bands) != 1 or any(not lows[0] < edge for edge in cluster) or any(
                not any(lows[j] < edge <= highs[j] for j in bands) for edge in cluster):
            return None
        (j,) = bands
        if j in taken:
            return None
        taken.add(j)
        edges[j] = sum(cluster) / len(cluster)
    return edges


def _nearest(edges: list[float], x: float) -> int:
    """The index of the edge nearest to x (the first of equally near ones)."""
    distances = [abs(edge - x) for edge in edges]
    return distances.index(min(distances))


def _by_position(numbers: list[Token], edges: list[float]) -> list[tuple]:
    """The one reading given by positions: each number in the column its right edge lines up with."""
    reading = tuple(_nearest(edges, token.x1) for token in numbers)
    return [reading] if len(set(reading)) == len(reading) else []


def _readings(numbers: list[Token], width: int) -> list[tuple]:
    """Every assignment of the numbers to distinct columns keeping the printed order within each line (lines may
    come in any order); none when there are too many to tell anything."""
    lines: dict[int, list[int]] = {}
    for index, token in enumerate(numbers):
        lines.setdefault(id(token.line), []).append(index)
    if len(numbers) > width:
        return []
    groups = list(lines.values())
    found: list[tuple] = []
    reading = [0] * len(numbers)

    def assign(group: int, free: tuple[int, ...]) -> bool:
        if group == len(groups):
            found.append(tuple(reading))
            return len(found) <= MAX_READINGS
        for columns in itertools.combinations(free, len(groups[group])):
            for index, column in zip(groups[group], columns):
                reading[index] = column
            if not assign(group + 1, tuple(c for c in free if c not in columns)):
                return False
        return True

    return found if assign(0, tuple(range(width))) else []


def fits(numbers: list[Token], columns: tuple[str, ...], edges: list[float] | None, identity: Identity | None) -> bool:
    """Whether some reading of the numbers fits the columns and the identity (stops at the first)."""
    positioned = edges is not None and len(edges) == len(columns) and all(t.x1 is not None for t in numbers)
    readings = _by_position(numbers, edges) if positioned else _readings(numbers, len(columns))
    if identity is None:
        return bool(readings)
    values = [value_of(token) for token in numbers]
    fixed = len(readings) == 1  # positions or the printed order alone fix the reading: a rounding cent may show
    return any(identity({columns[c]: v for c, v in zip(reading, values)}, fixed) for reading in readings)


def readings_of(numbers: list[Token], columns: tuple[str, ...], edges: list[float] | None,
                identity: Identity | None) -> list[tuple]:
    """Every reading (column index per number) that fits: by positions when every number has one and the table's
    columns were located (`column_edges`), else every order-keeping one; all must satisfy `identity`."""
    positioned = edges is not None and len(edges) == len(columns) and all(t.x1 is not None for t in numbers)
    readings = _by_position(numbers, edges) if positioned else _readings(numbers, len(columns))
    if identity is None:
        return readings
    values = [value_of(token) for token in numbers]
    fixed = len(readings) == 1  # positions or the printed order alone fix the reading: a rounding cent may show
    return [r for r in readings if identity({columns[c]: v for c, v in zip(r, values)}, fixed)]


def cells_of(numbers: list[Token], readings: list[tuple], width: int) -> tuple[list[str | None], list[Token]]:
    """(cells, numbers left out): a number is placed only when every reading puts it in the same column. A
    not-applicable dash places like a number (the builder reads it as null). Readings that differ only in which
    of two equal printed numbers goes where give the same cells."""
    printed = set()
    for reading in readings:
        row: list[str | None] = [None] * width
        for token, column in zip(numbers, reading):
            row[column] = token.text
        printed.add(tuple(row))
    if len(printed) == 1:
        return list(printed.pop()), []
    cells: list[str | None] = [None] * width
    left_out: list[Token] = []
    for index, token in enumerate(numbers):
        where = {reading[index] for reading in readings}
        if len(where) == 1:
            cells[where.pop()] = token.text
        else:
            left_out.append(token)
    return cells, left_out


def place(numbers: list[Token], columns: tuple[str, ...], edges: list[float] | None,
          identity: Identity | None) -> tuple[list[str | None], list[Token], int]:
    """(cells in column order, numbers left out, readings that fit)."""
    readings = readings_of(numbers, columns, edges, identity)
    cells, left_out = cells_of(numbers, readings, len(columns))
    return cells, left_out, len(readings)


MAX_STATES = 20_000  # partial column sums kept while settling one family; more and the family is left as it was


def _family_choices(vectors: list[list[list[Decimal]]], tolerance: Decimal, exact_zero: bool = False
                    ) -> list[set[int]] | None:
    """For a family (vectors[0]: the parent's readings, then each child's), the readings of each member that some
    choice of one reading per member keeps with parent = Σ children in every column (within `tolerance`; exactly
    in a column where the parent is blank or zero when `exact_zero`: amounts that are never negative and round
    to a cent or more add up to a cent or more); None when the partial sums grow past MAX_STATES."""
    levels: list[dict[tuple, list[tuple[tuple, int]]]] = [{}]
    levels[0][()] = []
    for member, options in enumerate(vectors):
        step: dict[tuple, list[tuple[tuple, int]]] = {}
        for state in levels[-1]:
            for k, vector in enumerate(options):
                if member == 0:  # the parent's reading: its zero columns, then the sums still to be met
                    key = (tuple(value == 0 for value in vector), tuple(-value for value in vector))
                else:
                    key = (state[0], tuple(a + b for a, b in zip(state[1], vector)))
                step.setdefault(key, []).append((state, k))
        if len(step) > MAX_STATES:
            return None
        levels.append(step)
    alive = {state for state in levels[-1] if all(
        value == 0 if zero and exact_zero else abs(value) <= tolerance for zero, value in zip(*state))}
    kept: list[set[int]] = [set() for _ in vectors]
    for member in range(len(vectors), 0, -1):
        before = set()
        for state in alive:
            for previous, k in levels[member][state]:
                kept[member - 1].add(k)
                before.add(previous)
        alive = before
    return kept


def settle_by_sums(codes: list[str | None], numbers: list[list[Token]], readings: list[list[tuple]], width: int
                   ) -> list[list[tuple]]:
    """Narrow each coded row's readings with the table's column sums: a parent = Σ its children in every column
    (合计 = Σ 类, 类 = Σ 款, 款 = Σ 项; a row whose parent is not printed counts under its nearest printed ancestor,
    as a table printing only 项 rows has 合计 = Σ 项; a rounding cent per child allowed). Readings that no
    consistent choice of the whole family keeps are dropped; a family whose sums no choice meets is left as it
    was."""
    def vector(row: int, reading: tuple) -> list[Decimal]:
        values = [Decimal(0)] * width
        for token, column in zip(numbers[row], reading):
            values[column] += value_of(token)
        return values

    index = {code: i for i, code in enumerate(codes) if code}
    total = next((i for i, code in enumerate(codes) if code is None), None)

    def parent_of(code: str) -> int | None:
        ancestors = (code[:cut] for cut in range(len(code) - 2, 2, -2))
        return next((index[a] for a in ancestors if a in index), total)

    families: dict[int, list[int]] = {}
    for i, code in enumerate(codes):
        parent = parent_of(code) if code else None
        if parent is not None:
            families.setdefault(parent, []).append(i)
    changed = True
    while changed:
        changed = False
        for parent, children in families.items():
            group = [parent, *children]
            sizes = [len(readings[i]) for i in group]
            if 0 in sizes or all(size == 1 for size in sizes):
                continue
            nonnegative = all(value_of(token) >= 0 for i in group for token in numbers[i])
            kept = _family_choices([[vector(i, r) for r in readings[i]] for i in group],
                                   ROUNDING_CENT.get() * len(children), nonnegative)
            if kept is None or not all(kept):
                continue
            for position, row in enumerate(group):
                if len(kept[position]) < len(readings[row]):
                    readings[row] = [readings[row][k] for k in sorted(kept[position])]
                    changed = True
    return readings
