"""Indicator grids flattened to space-separated text (pdftotext of seeds 000, 002, 004).

A printed row ends on a line whose tail holds 分值 and 得分 (and, in the Henan shape, 偏差度 and a note).
Text lines before that tail are merged-cell labels (一级/二级指标, recognised by vocabulary) and the wrapped
fragments of the row's own cells. When the tail line lacks the 年度指标值 cell, the fragments hold both the
indicator name and its target; they are split where each wrapped cell ends (its lines are full-width but the
last), and left unsplit with a finding when that is ambiguous.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations

from converter import lazy_re
from converter.document import Line
from converter.model import Record
from converter.normalize import is_amount
from converter.performance.common import Evaluation, checked_amount, join_parts, line_text, starts, total_score, width

LEVEL2_COMMON = r"(?:数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响|服务对象满意度)指标"
COMPARATOR = lazy_re.compile(r"^[≥≤<>=＞＜＝]+$")
UNIT_WORD = lazy_re.compile(r"^(?:[%％‰]|人次?|[个次页件家户天日月年项份本场台辆所名亩吨]|万?元|分钟?|小时|公里)$")
PERCENT = lazy_re.compile(r"^-?\d+(?:\.\d+)?%$")
WEIGHT_SUFFIX = lazy_re.compile(r"[（(]\s*\d+(?:\.\d+)?\s*分\s*[）)]$")
MAX_LABEL_PARTS = 4
FIRST_ROW = lazy_re.compile(r"^(?:产出|投入|效益|满意度|绩效指标)")


@dataclass(frozen=True)
class GridShape:
    """Vocabulary and columns of one grid shape; patterns are matched on text without spaces."""

    level1: re.Pattern[str]
    level2: re.Pattern[str]
    ignore: re.Pattern[str] | None = None  # merged captions that are not indicator levels (绩效指标)
    deviation: bool = False  # 偏差度 after 得分, then 偏差原因分析 (Henan)


@dataclass
class Piece:
    text: str
    line: Line
    label: str | None = None  # level1 | level2 | ignore | None (cell text)
    stored: str | None = None  # the label as stored
    with_label: bool = False  # shares its line with a label: a whole (one-line) cell


def merge_tokens(tokens: list[str]) -> list[str]:
    """Re-attach a lone comparator to its number ("≥ 90%") and a unit word to its number ("159158 人")."""
    out: list[str] = []
    for token in tokens:
        if out and (COMPARATOR.match(out[-1]) or (out[-1][-1].isdigit() and UNIT_WORD.match(token))):
            out[-1] = f"{out[-1]} {token}"
        else:
            out.append(token)
    return out


def split_tail(
    tokens: list[str], deviation: bool
) -> tuple[list[str], str, str, str | None, str | None] | None:
    """(head tokens, weight, score, 偏差度, note on the line) when the line ends a row, else None."""
    if deviation:
        for i in range(len(tokens) - 3, 0, -1):
            if is_amount(tokens[i]) and is_amount(tokens[i + 1]) and PERCENT.match(tokens[i + 2]):
                return tokens[:i], tokens[i], tokens[i + 1], tokens[i + 2], " ".join(tokens[i + 3 :]) or None
        return None
    if len(tokens) >= 3 and is_amount(tokens[-1]) and is_amount(tokens[-2]):
        return tokens[:-2], tokens[-2], tokens[-1], None, None
    return None


def _label(text: str, shape: GridShape) -> tuple[str, str] | None:
    key = re.sub(r"\s+", "", text)
    if shape.ignore and shape.ignore.fullmatch(key):
        return "ignore", key
    if shape.level1.fullmatch(key):
        return "level1", WEIGHT_SUFFIX.sub("", key)
    if shape.level2.fullmatch(key):
        return "level2", key
    return None


def classify(pieces: list[Piece], shape: GridShape) -> None:
    """Mark label pieces; a label may be wrapped over several consecutive pieces (longest match wins)."""
    i = 0
    while i < len(pieces):
        for size in range(min(MAX_LABEL_PARTS, len(pieces) - i), 0, -1):
            found = _label("".join(p.text for p in pieces[i : i + size]), shape)
            if found:
                for piece in pieces[i : i + size]:
                    piece.label = "part"
                pieces[i].label, pieces[i].stored = found
                i += size
                break
        else:
            i += 1
    labelled = {id(p.line) for p in pieces if p.label}
    for piece in pieces:
        piece.with_label = piece.label is None and id(piece.line) in labelled


def is_full(group: list[Piece]) -> bool:
    """A wrapped cell: every line but the last is as wide as the widest (within one half-width unit)."""
    widest = max(width(p.text) for p in group)
    return all(width(p.text) >= widest - 1 for p in group[:-1])


def split_cells(pieces: list[Piece], count: int) -> list[list[Piece]] | None:
    """The only way to cut pieces into `count` wrapped cells, or None when there is none or several."""
    if count == 1:
        return [pieces] if pieces else None
    found = []
    for cuts in combinations(range(1, len(pieces)), count - 1):
        bounds = (0, *cuts, len(pieces))
        groups = [pieces[a:b] for a, b in zip(bounds, bounds[1:])]
        alone = all(len(g) == 1 for g in groups if any(p.with_label for p in g))
        if alone and all(is_full(g) for g in groups):
            found.append(groups)
    return found[0] if len(found) == 1 else None


class GridReader:
    """Reads the indicator rows of one evaluation from its grid lines (header excluded, 总分 excluded)."""

    def __init__(self, evaluation: Evaluation, shape: GridShape) -> None:
        self.evaluation = evaluation
        self.shape = shape
        self.level1: str | None = None
        self.level2: str | None = None
        self.pending: list[Piece] = []
        self.last: Record | None = None

    def read(self, lines: list[Line]) -> None:
        for line in lines:
            tokens = merge_tokens(line_text(line).split())
            tail = split_tail(tokens, self.shape.deviation)
            if tail is None:
                self.pending.extend(Piece(token, line) for token in tokens)
            else:
                self._row(line, *tail)
        self._leftovers()

    def _row(
        self, line: Line, head: list[str], weight: str, score: str, deviation: str | None, note: str | None
    ) -> None:
        line_pieces = [Piece(token, line) for token in head]
        pieces = self.pending + line_pieces
        self.pending = []
        classify(pieces, self.shape)
        lead = self._leading_labels(line_pieces)
        for piece in line_pieces[lead:]:
            piece.label = None
        values = [p.text for p in line_pieces[lead:]]
        texts = self._apply_labels(pieces[: len(pieces) - len(values)], own_name=len(values) >= 3)
        target = actual = None
        if len(values) >= 2:
            target, actual = values[-2], values[-1]
            name_parts = [p.text for p in texts] + values[:-2]
        else:
            cells = split_cells(texts, 3 - len(values))
            actual = values[-1] if values else None
            if cells is None:
                self.evaluation.problem(
                    "绩效指标行的指标名称与指标值无法可靠分开，指标值留空，名称含全部文字",
                    "Indicator name and target could not be told apart: target left empty, name holds all text",
                    line,
                )
                name_parts = [p.text for p in texts]
            else:
                name_parts = [p.text for p in cells[0]]
                target = join_parts([p.text for p in cells[1]])
                if len(cells) == 3:
                    actual = join_parts([p.text for p in cells[2]])
        name = join_parts(name_parts)
        if not name:
            self.evaluation.problem("绩效指标行缺少指标名称，未提取", "Indicator row without a name was skipped", line)
            return
        start = min((p.line for p in texts), key=lambda ln: ln.line_no, default=line)
        self.last = self.evaluation.indicator(
            start,
            level1=self.level1,
            level2=self.level2,
            name=name,
            target=target,
            actual=actual,
            weight=checked_amount(self.evaluation, "分值", weight, line),
            score=checked_amount(self.evaluation, "得分", score, line),
            deviation=deviation,
            deviation_note=note,
        )

    def _leading_labels(self, line_pieces: list[Piece]) -> int:
        count = 0
        while count < len(line_pieces) and line_pieces[count].label:
            count += 1
        return count

    def _apply_labels(self, pieces: list[Piece], own_name: bool) -> list[Piece]:
        """Update the current levels; return the row's own cell pieces (notes and empty 无 groups removed)."""
        first_label = next((i for i, p in enumerate(pieces) if p.label), None)
        if self.shape.deviation and self.last is not None:
            cut = first_label if first_label is not None else (len(pieces) if own_name else 0)
            self._note([p for p in pieces[:cut] if p.label is None])
            pieces = pieces[cut:]
        texts: list[Piece] = []
        for piece in pieces:
            if piece.label in ("level1", "level2"):
                self._drop(texts)
                texts = []
                if piece.label == "level1":
                    self.level1, self.level2 = piece.stored, None
                else:
                    self.level2 = piece.stored
            elif piece.label is None:
                texts.append(piece)
        return [] if [p.text for p in texts] == ["无"] else texts

    def _drop(self, texts: list[Piece]) -> None:
        """Text between labels that is no row of its own: an empty group (无) is fine, anything else is reported."""
        if texts and [p.text for p in texts] != ["无"]:
            self.evaluation.problem(
                f"绩效指标表中有无法归属的文字：{join_parts([p.text for p in texts])}",
                "Text in the indicator grid could not be assigned to a row",
                texts[0].line,
            )

    def _note(self, pieces: list[Piece]) -> None:
        if pieces and self.last is not None:
            text = join_parts([p.text for p in pieces])
            old = self.last["deviation_note"]
            self.last["deviation_note"] = join_parts([old, text]) if old else text

    def _leftovers(self) -> None:
        classify(self.pending, self.shape)
        rest = [p for p in self.pending if p.label is None]
        if self.shape.deviation:
            self._note(rest)
        else:
            self._drop(rest)


def read_grid_sheet(evaluation: Evaluation, lines: list[Line], shape: GridShape) -> None:
    """The indicator grid of a sheet (content lines): from the 一级指标 header to the 总分 row, which is read too."""
    head = starts(lines, "一级")
    end = starts(lines, "总分", head) if head is not None else None
    begin = next((i for i in range(head + 1, end) if FIRST_ROW.match(line_text(lines[i]))), None) if end else None
    if begin is None:
        evaluation.problem("未找到绩效指标表（一级指标…总分）", "Indicator grid (一级指标 … 总分) not found")
        return
    GridReader(evaluation, shape).read(lines[begin:end])
    total_score(evaluation, lines[end])
