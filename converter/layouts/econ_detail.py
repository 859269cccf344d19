"""基本支出决算明细表 (T06) from any rendering: economic-classification groups (code, name, amount), several per line.

The table prints code–name–amount groups side by side (人员经费 and 公用经费 columns, or four columns of groups), and
each rendering breaks them differently: a group on one line; a name wrapped onto the lines below; the amount on the
line above or below its code (a cell centred vertically); the 款 part printed a line below its 类; every cell on a
line of its own in content-stream order (`pdftotext` raw). The reader works on *streams* of lines — one per printed
side when the rendering keeps x-positions, else the whole table in reading order:

- a code (`301`, `30101`, `301 01`, or `302` with its `01` on the next line) opens a group; labels and numbers
  after it belong to it; a label-only line continues the name of the last group (or, split at its 款 codes, of each
  group on the line above);
- a line of numbers without a code belongs to the groups just above it (`up`) or just below it (`down`), when their
  count matches (fewer numbers than the groups above — a side-by-side table without x-positions — may belong to
  any of them, in order: each choice is one more reading). Every reading (up or down as the table's pattern,
  times those choices) is checked against the table's identities (each 类 = Σ its 款; 人员经费合计 = 301 + 303,
  公用经费合计 = the other classes), and a group's figure is taken only when every reading that fits gives it the
  same one; otherwise the numbers are left out with a finding.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from itertools import combinations, product

from converter.document import Line
from converter.layouts.common import ECON_TOTALS, raw_row
from converter.layouts.tokens import SUB, Token
from converter.model import TableBlock
from converter.normalize import label_key, parse_amount
from converter.specs.tables import LABEL_HEADERS

PERSONNEL_CLASSES = ("301", "303")  # 人员经费合计 = 301 + 303; 公用经费合计 = every other class
HEADER_WORDS = LABEL_HEADERS | {"决算数", "预算数", "经济分类科目编码"}

LeaveOut = Callable[[TableBlock, list[Token], str, Line | None], None]


@dataclass
class Group:
    """One printed code–name–amount group (or a 人员经费合计/公用经费合计 footer: code None, footer set)."""

    code: str | None
    line: Line
    labels: list[Token] = field(default_factory=list)
    numbers: list[Token] = field(default_factory=list)
    footer: str | None = None
    placed: list[Token] = field(default_factory=list)  # numbers placed from a line of their own (up or down)


@dataclass
class StreamLine:
    line: Line
    groups: list[Group]
    loose: list[Token]  # numbers on the line before any code (or on a line without one)
    codes_after: bool  # whether the line opens groups after its loose numbers
    label_only: bool


def is_econ_code(text: str) -> bool:
    return len(text) in (3, 5) and text.isdigit() and text[0] in "3456789"


def read_econ(lines: list[Line], toks: list[list[Token]], positioned: bool, block: TableBlock,
              leave_out_tokens: LeaveOut) -> None:
    """Append T06's RawRows (groups, then footers) to `block`; what cannot be placed with certainty is left out."""
    decimals = any(t.kind == "number" and "." in t.text for row in toks for t in row)
    rows = [(line, [t for t in row if not (t.kind == "label" and label_key(t.text) in HEADER_WORDS)])
            for line, row in zip(lines, toks)]
    rows = [(line, row) for line, row in rows if row]
    groups: list[Group] = []
    streams = [_parse(stream, decimals, groups, block, leave_out_tokens) for stream in _streams(rows, positioned)]
    _place(streams, groups)
    used = {id(t) for g in groups for t in g.placed}
    for stream in streams:
        for item in stream:
            unused = [t for t in item.loose if id(t) not in used]
            if unused:
                leave_out_tokens(block, unused, "T06 numbers whose group cannot be told with certainty", None)
    for group in groups:
        numbers = group.numbers + group.placed
        if len(numbers) > 1:
            leave_out_tokens(block, numbers, "several numbers in one T06 group", group.line)
            numbers = []
        name = "".join(t.text for t in group.labels) or None
        cell = [numbers[0].text if numbers else None]
        if group.footer is None:
            block.rows.append(raw_row(group.line, cell, label=name, code=group.code))
    for group in groups:
        if group.footer is not None:
            numbers = group.numbers + group.placed
            block.rows.append(raw_row(group.line, [numbers[0].text if len(numbers) == 1 else None],
                                      label=group.footer))


# --- streams -------------------------------------------------------------------------------------------------------


def _streams(rows: list[tuple[Line, list[Token]]], positioned: bool) -> list[list[tuple[Line, list[Token]]]]:
    """One stream per printed side of groups (x-positions), else the whole table in reading order."""
    starts = _side_starts(rows) if positioned else []
    if len(starts) < 2:
        return [rows]
    streams: list[list[tuple[Line, list[Token]]]] = [[] for _ in starts]
    for line, row in rows:
        parts: list[list[Token]] = [[] for _ in starts]
        footer_side = None  # a footer's figure may stand under another side's column ("人员经费合计 … 303.26")
        for token in row:
            side = 0 if token.x0 is None else max(bisect_right(starts, token.x0) - 1, 0)  # the last side begun
            if token.kind == "label" and label_key(token.text) in ECON_TOTALS:
                footer_side = side
            elif token.kind == "number" and is_econ_code(token.text):
                footer_side = None
            elif token.kind == "number" and footer_side is not None:
                side = footer_side
            parts[side].append(token)
        for side, part in enumerate(parts):
            if part:
                streams[side].append((line, part))
    return streams


def _side_starts(rows: list[tuple[Line, list[Token]]]) -> list[float]:
    """Left edges of the printed sides: where the 类 codes of a side start (three or more codes at one x)."""
    codes = [(n, token.x0) for n, (_line, row) in enumerate(rows) for token in row
             if token.kind == "number" and token.x0 is not None and is_econ_code(token.text)]
    # Columns only where the codes stand in columns: each under another code of a nearby line (text whose cells
    # are apart by single spaces, or wrapped, has no sides).
    by_line: dict[int, list[float]] = {}
    for n, x in codes:
        by_line.setdefault(n, []).append(x)
    aligned = [(n, x) for n, x in codes if any(abs(y - x) <= 1 for m in range(n - 4, n + 5) if m != n
                                               for y in by_line.get(m, ()))]
    if len(aligned) < 0.9 * len(codes):
        return []
    xs: dict[float, int] = {}
    for _n, x in aligned:
        xs[x] = xs.get(x, 0) + 1
    labels = [t.x0 for _line, row in rows for t in row if t.kind == "label" and t.x0 is not None]
    starts: list[float] = []
    for x in sorted(xs):
        if sum(n for at, n in xs.items() if 0 <= at - x <= 2) < 3:
            continue
        # A new side only where names are printed between the previous side's codes and these.
        if not starts or any(starts[-1] + 2 < at < x for at in labels):
            starts.append(x)
    return [start - 1 for start in starts]


def _parse(stream: list[tuple[Line, list[Token]]], decimals: bool, groups: list[Group], block: TableBlock,
           leave_out_tokens: LeaveOut) -> list[StreamLine]:
    """The stream's lines as groups opened, loose numbers and name continuations (appended to `groups`)."""
    parsed: list[StreamLine] = []
    current: Group | None = None
    previous: list[Group] = []  # the groups of the latest line that opened any, while only names follow
    for line, row in stream:
        opened: list[Group] = []
        loose: list[Token] = []
        segments = _segments(row) if len(previous) > 1 and not any(_opens(t, row, i, decimals)
                                                                     for i, t in enumerate(row)) else []
        if segments and len(segments) == len(previous):
            for group, segment in zip(previous, segments):
                _continue(group, segment, decimals)
            parsed.append(StreamLine(line, [], [], False, True))
            previous = []
            continue
        i = 0
        while i < len(row):
            token = row[i]
            if _opens(token, row, i, decimals):
                if label_key(token.text) in ECON_TOTALS:
                    current = Group(None, line, footer=label_key(token.text))
                    i += 1
                else:
                    code, used = token.text, 1
                    while i + used < len(row) and SUB.match(row[i + used].text) and len(code) < 5:
                        code += row[i + used].text
                        used += 1
                    current = Group(code, line)
                    i += used
                groups.append(current)
                opened.append(current)
                continue
            if token.kind == "number" and "." not in token.text and decimals:
                if SUB.match(token.text) and not opened and current is not None and current.code \
                        and len(current.code) == 3 and not current.numbers and not current.placed:
                    current.code += token.text  # the 款 printed a line below its 类
                i += 1  # else an integer among decimal amounts: a 行次, not an amount
                continue
            if token.kind == "number" and not opened:
                loose.append(token)
            elif token.kind == "number":
                current.numbers.append(token)
            elif current is not None:
                current.labels.append(token)
            i += 1
        label_only = not opened and not loose
        parsed.append(StreamLine(line, opened, loose, bool(opened and loose), label_only))
        if opened:
            previous = opened
        elif not label_only:
            previous = []
    return parsed


def _opens(token: Token, row: list[Token], i: int, decimals: bool) -> bool:
    if token.kind == "label":
        return label_key(token.text) in ECON_TOTALS
    return token.kind == "number" and is_econ_code(token.text) and (decimals or i + 1 < len(row))


def _segments(row: list[Token]) -> list[list[Token]]:
    """A name line under several groups split into one part per group: a part starts at a 款 code or at a label
    after a number ("基本工资 01 办公费", "津贴补贴 1,238.58 02 印刷费")."""
    parts: list[list[Token]] = []
    for token in row:
        starts = not parts or (token.kind == "number" and SUB.match(token.text)) or (
            token.kind == "label" and parts[-1][-1].kind == "number" and not SUB.match(parts[-1][-1].text))
        if starts:
            parts.append([])
        parts[-1].append(token)
    return parts


def _continue(group: Group, segment: list[Token], decimals: bool) -> None:
    for k, token in enumerate(segment):
        if k == 0 and token.kind == "number" and SUB.match(token.text) and group.code and len(group.code) == 3:
            group.code += token.text
        elif token.kind == "label":
            group.labels.append(token)
        elif "." in token.text or not decimals:
            group.numbers.append(token)


# --- numbers on lines of their own ---------------------------------------------------------------------------------


def _candidates(stream: list[StreamLine], i: int) -> dict[str, list[list[Group]]]:
    """The groups a line of loose numbers may belong to: just above (`up`) and just below (`down`), where the
    count of groups without a number of their own matches the count of numbers. Fewer numbers than the groups
    above them (text that lost the x-positions of a side-by-side table) may belong to any of them, in order."""
    item = stream[i]
    found: dict[str, list[list[Group]]] = {}
    for j in range(i - 1, -1, -1):
        if stream[j].groups:
            up = [g for g in stream[j].groups if not g.numbers]
            if all(not stream[k].loose for k in range(j, i)) and len(item.loose) <= len(up):
                found["up"] = [list(option) for option in combinations(up, len(item.loose))]
            break
        if not stream[j].label_only:
            break
    if not item.codes_after and i + 1 < len(stream) and stream[i + 1].groups and not stream[i + 1].loose:
        down = [g for g in stream[i + 1].groups if not g.numbers]
        if len(down) == len(item.loose) == len(stream[i + 1].groups):
            found["down"] = [down]
    return found


MAX_READINGS = 4096  # choices among sides beyond this many readings are not tried: those numbers are left out


def _readings(streams: list[list[StreamLine]], pattern: str) -> list[tuple[dict[int, list[Token]], list[Token]]]:
    """Every reading of the loose numbers under `pattern`, one per choice among the groups a line may take."""
    lines = [(s, i, _candidates(stream, i)) for s, stream in enumerate(streams) for i, item in enumerate(stream)
             if item.loose]
    chosen = [(key_s, key_i, found.get(pattern) if len(found) > 1 else next(iter(found.values()), None),
               pattern in found) for key_s, key_i, found in lines]
    counts = [len(options) if options else 1 for *_key, options, _by in chosen]
    total = 1
    for count in counts:
        total *= count
    if total > MAX_READINGS:
        chosen = [(s, i, options if options and len(options) == 1 else None, by) for s, i, options, by in chosen]
        counts = [1] * len(chosen)
    return [_assign(streams, chosen, picks) for picks in product(*(range(count) for count in counts))]


def _assign(streams: list[list[StreamLine]], chosen: list, picks: tuple[int, ...]
            ) -> tuple[dict[int, list[Token]], list[Token]]:
    """Group → the loose numbers one reading gives it, and the numbers it gives none. A line that can only go
    against the pattern goes there, unless that group already has a number by the pattern."""
    placed: dict[int, list[Token]] = {}
    against: set[int] = set()
    loose: list[Token] = []
    for (s, i, options, by_pattern), pick in zip(chosen, picks):
        item = streams[s][i]
        loose += item.loose
        for group, token in zip(options[pick] if options else [], item.loose):
            placed.setdefault(id(group), []).append(token)
            if not by_pattern:
                against.add(id(token))
    for key, tokens in placed.items():
        if len(tokens) > 1:
            placed[key] = [t for t in tokens if id(t) not in against] or tokens
    used = {id(t) for tokens in placed.values() for t in tokens}
    return placed, [t for t in loose if id(t) not in used]


def _place(streams: list[list[StreamLine]], groups: list[Group]) -> None:
    """Set each group's `placed` numbers: per 类, where every pattern whose reading fits the identities gives the
    group the same figure (or by a mend); then per footer, against the classes so decided. A number placed twice
    is placed nowhere."""
    readings, unplaced = zip(*(reading for pattern in ("up", "down") for reading in _readings(streams, pattern)))
    values = [_values(groups, reading) for reading in readings]
    units = _units(groups)
    decided: set[int] = set()
    for u, (members, check, relies_on) in enumerate(units):
        if relies_on:
            continue
        fitting = [k for k in range(len(readings)) if _fits(members, check, values[k], readings[k])]
        if not fitting:
            if _mend(members, check, readings, values, unplaced):
                decided.add(u)
            continue
        decided.add(u)
        for group in members:  # certain when every fitting reading gives the group the same figure
            if len({values[k][id(group)] for k in fitting}) == 1:
                group.placed = list(readings[fitting[0]].get(id(group), []))
    settled = _values(groups, None)
    for members, check, relies_on in units:
        if not relies_on or not all(u in decided for u in relies_on):
            continue
        trials = [{**settled, **{id(g): values[k][id(g)] for g in members}} for k in range(len(readings))]
        fitting = [k for k in range(len(readings)) if _fits(members, check, trials[k], readings[k])]
        for group in members:
            if fitting and len({values[k][id(group)] for k in fitting}) == 1:
                group.placed = list(readings[fitting[0]].get(id(group), []))
    uses: dict[int, int] = {}
    for group in groups:
        for token in group.placed:
            uses[id(token)] = uses.get(id(token), 0) + 1
    for group in groups:
        if any(uses[id(t)] > 1 for t in group.placed):
            group.placed = []


def _fits(members: list[Group], check: Callable, values: dict, reading: dict[int, list[Token]]) -> bool:
    """Whether a reading gives each group at most one figure and the values hold the unit's identity."""
    return all(len(g.numbers) + len(reading.get(id(g), [])) <= 1 for g in members) and check(values)


def _mend(members: list[Group], check, readings, values, unplaced) -> bool:
    """A 类 no reading fits because one number was printed out of its place (`pdftotext` raw moves some to the
    page's end): when a reading leaves exactly one group of the 类 without a figure and exactly one of the numbers
    it places nowhere makes the 类 add up there, that number is the group's — if that is the only such mend."""
    mends = []
    for k, reading in enumerate(readings):
        blank = [g for g in members if values[k][id(g)] is None]
        if len(blank) != 1 or any(len(g.numbers) + len(reading.get(id(g), [])) > 1 for g in members):
            continue
        for token in unplaced[k]:
            trial = dict(values[k])
            trial[id(blank[0])] = _value([token])
            if check(trial):
                mends.append((k, blank[0], token))
    if len({(id(g), id(t)) for _k, g, t in mends}) != 1:
        return False
    k, blank, token = mends[0]
    for group in members:
        group.placed = [token] if group is blank else list(readings[k].get(id(group), []))
    return True


def _units(groups: list[Group]) -> list[tuple[list[Group], Callable, list[int]]]:
    """(groups, check of their values, units the check relies on) for each 类 with its 款, each footer (relying on
    its classes), and each group in neither."""
    classes = {g.code: g for g in groups if g.code and len(g.code) == 3}
    units: list[tuple[list[Group], Callable, list[int]]] = []
    at: dict[str, int] = {}
    for code, parent in classes.items():
        children = [g for g in groups if g.code and len(g.code) == 5 and g.code.startswith(code)]
        at[code] = len(units)
        units.append(([parent, *children], lambda v, p=parent, c=children: _sum_holds(v[id(p)], [v[id(g)] for g in c]),
                      []))
    seen = {id(g) for members, _check, _on in units for g in members}
    for g in groups:
        if g.footer is not None:
            personnel = g.footer == ECON_TOTALS[0]
            codes = [code for code in classes if (code in PERSONNEL_CLASSES) == personnel]
            units.append(([g], lambda v, f=g, parts=[classes[c] for c in codes]: bool(parts) and _sum_holds(
                v[id(f)], [v[id(c)] for c in parts]), [at[c] for c in codes]))
        elif id(g) not in seen:
            units.append(([g], lambda v: True, []))
    return units


def _value(tokens: list[Token]) -> Decimal | None:
    return _amount(tokens[0].text) if len(tokens) == 1 else None


@lru_cache(maxsize=4096)
def _amount(text: str) -> Decimal:
    amount = parse_amount(text)
    return Decimal(amount) if amount else Decimal(0)


def _values(groups: list[Group], reading: dict[int, list[Token]] | None) -> dict[int, Decimal | None]:
    """Group → its amount (None for a blank) with the loose numbers placed as `reading` says (or as placed)."""
    extra = {id(g): g.placed for g in groups} if reading is None else reading
    return {id(g): _value(g.numbers + extra.get(id(g), [])) if g.numbers or extra.get(id(g)) else None
            for g in groups}


def _sum_holds(total: Decimal | None, parts: list[Decimal | None]) -> bool:
    present = [p for p in parts if p is not None]
    # Each printed figure is rounded to the cent: the parts' sum and the total differ by at most half a cent each.
    tolerance = Decimal("0.005") * (len(present) + 1)
    return abs((total or Decimal(0)) - sum(present, Decimal(0))) <= tolerance
