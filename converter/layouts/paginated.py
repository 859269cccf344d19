"""Layout L3 (seed 002): space-separated flattened rows, tables split across pages.

Signature: a glued page header ("单位：万元2023年度部门：焦作市医疗保障局") on each table page;
header rows repeated after a page break; wrapped names ("三、国有资本经营预算财政拨\\n\\n款\\n3 0.00");
blank T01/T04 rows printed as the bare 行次; zeros printed as "0.00", so a short row really ends early;
in 公开06表 several code-name-amount groups share a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from converter.document import Document, Line
from converter.layouts.common import ECON_TOTALS, FUNCTION_CODE, new_block, raw_row, unplaced_at
from converter.locate import Section, find_sections
from converter.model import Finding, RawRow, TableBlock
from converter.normalize import clean_label, parse_amount

NAME = "paginated"

GLUED_PAGE_HEADER = re.compile(r"单位[:：]\s*万元\s*\d{4}\s*年度\s*部门[:：]")
PAGE_NUMBER = re.compile(r"^[-－—]\s*\d+\s*[-－—]$")
AMOUNT_TOKEN = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d+$|^[─—\-－–―━_]{2,}$")
INT_TOKEN = re.compile(r"^\d+$")
ECON_CODE = re.compile(r"^3\d{2}(?:\d{2})?$")
NOTE = re.compile(r"^(注|说明)[:：]")
HEADER_START = re.compile(r"^(收入\s+支出|项目|经济分类|科目编码|科目代码|科目名称|功能分类科目编码|预算数|栏次)")
COLUMN_NUMBERS = re.compile(r"^1(?: \d+){2,}$")
TWO_BLOCK_ROW = re.compile(r"^\d{1,2} [一二三四五六七八九十]+、\S+ \d{1,2}(?: [\d,]+\.\d{2})+$")
T09_MEASURES = ("budget", "actual")


def detect(doc: Document) -> float:
    """High when tables pages carry the glued page header and single-space rows with bare 行次."""
    lines = [line.text for line in doc.lines]
    glued = sum(1 for text in lines if GLUED_PAGE_HEADER.search(text))
    bare_rows = sum(1 for text in lines if TWO_BLOCK_ROW.match(text.strip()))
    tabbed = sum(1 for text in lines if "\t" in text)
    markup = sum(1 for text in lines if text.lstrip().startswith("#") or "<b>" in text)
    score = 0.55 * min(1.0, glued / 3) + 0.35 * min(1.0, bare_rows / 5)
    if tabbed < 5 and markup < 5:
        score += 0.1
    return round(score, 3)


def read_tables(doc: Document) -> list[TableBlock]:
    """One TableBlock per located standard table."""
    return [_read_section(doc, section) for section in find_sections(doc)]


# --- token rows -------------------------------------------------------------------------------------------------


@dataclass
class Token:
    text: str
    kind: str  # amount | int | text
    line: Line


@dataclass
class Chunk:
    """Consecutive printed lines that together make one logical table row."""

    tokens: list[Token] = field(default_factory=list)

    @property
    def first_line(self) -> Line:
        return self.tokens[0].line


def _kind(token: str) -> str:
    if AMOUNT_TOKEN.match(token):
        return "amount"
    return "int" if INT_TOKEN.match(token) else "text"


def _tokens(line: Line) -> list[Token]:
    words = line.text.replace("\u3000", " ").replace("\u00a0", " ").split()
    return [Token(word, _kind(word), line) for word in words]


def _append(chunk: Chunk, tokens: list[Token]) -> None:
    """Add a printed line; a text-only line continues a wrapped label when the chunk ends in text."""
    if tokens and all(t.kind == "text" for t in tokens) and chunk.tokens and chunk.tokens[-1].kind == "text":
        last = chunk.tokens[-1]
        chunk.tokens[-1] = Token(last.text + "".join(t.text for t in tokens), "text", last.line)
        return
    chunk.tokens.extend(tokens)


def _body_lines(doc: Document, section: Section) -> list[list[Token]]:
    """Token lines of the table body: header rows (also repeated ones after a page break), page furniture and
    the closing notes dropped."""
    body: list[list[Token]] = []
    in_header = True
    for line in doc.slice(section.start, section.end):
        text = line.text.strip()
        if not text or GLUED_PAGE_HEADER.search(text) or PAGE_NUMBER.match(text):
            continue
        if NOTE.match(text):
            break
        tokens = _tokens(line)
        has_amount = any(t.kind == "amount" for t in tokens)
        if in_header:
            if text.startswith("栏次") or COLUMN_NUMBERS.match(text):
                in_header = False
            elif has_amount:
                in_header = False
                body.append(tokens)
            continue
        if not has_amount and HEADER_START.match(text):
            in_header = True
            continue
        body.append(tokens)
    return body


def _chunks(body: list[list[Token]], complete) -> list[Chunk]:
    """Group token lines into logical rows; `complete(tokens)` tells when a row has all its parts."""
    chunks: list[Chunk] = []
    current = Chunk()
    for tokens in body:
        _append(current, tokens)
        if complete(current.tokens):
            chunks.append(current)
            current = Chunk()
    if current.tokens:
        chunks.append(current)
    return chunks


# --- table families ---------------------------------------------------------------------------------------------


@dataclass
class Group:
    """One side of a two-block row, or one code-name-amount group of 公开06表."""

    label: str | None
    key: str | None  # 行次 or code
    amounts: list[str]
    line: Line
    detached: bool = False  # an amount was printed on a later line than the group's start (wrapped name)


def _text_of(parts: list[str]) -> str | None:
    return clean_label(" ".join(parts)) or None


def _two_block_groups(tokens: list[Token]) -> tuple[list[Group], list[str]]:
    """Groups "label 行次 amounts…"; the text left after the last 行次 is returned as pending."""
    groups: list[Group] = []
    pending: list[str] = []
    for token in tokens:
        if token.kind == "text":
            pending.append(token.text)
        elif token.kind == "int":
            groups.append(Group(_text_of(pending), token.text, [], token.line))
            pending = []
        elif groups and not pending:
            groups[-1].amounts.append(token.text)
        else:
            pending.append(token.text)  # an amount before any 行次: not placeable
    return groups, pending


def _two_block_complete(tokens: list[Token]) -> bool:
    groups, pending = _two_block_groups(tokens)
    return len(groups) >= 2 and not pending


def _read_two_block(table_id: str, chunks: list[Chunk]) -> tuple[list[RawRow], list[Finding]]:
    """The income block top to bottom, then the expense block (the sub-rows follow their carry-over row)."""
    sides: dict[str, list[RawRow]] = {"income": [], "expense": []}
    findings: list[Finding] = []
    for chunk in chunks:
        start = chunk.first_line
        groups, pending = _two_block_groups(chunk.tokens)
        if len(groups) != 2 or pending:
            text = " ".join(t.text for t in chunk.tokens)
            if any(t.kind == "amount" for t in chunk.tokens):
                findings.append(
                    unplaced_at(
                        table_id,
                        start,
                        f"无法拆分为收入、支出两栏：{text}",
                        f"row not splittable into income and expense blocks: {text}",
                        where=text,
                    )
                )
            continue
        income, expense = groups
        if table_id == "T04" and expense.label is None and expense.amounts and income.label:
            expense.label = income.label  # unlabelled sub-rows 61–63 mirror 29–31
        for side, group in (("income", income), ("expense", expense)):
            if group.label is None and not group.amounts:
                continue  # filler row: only the 行次 is printed
            sides[side].append(
                raw_row(start, list(group.amounts), label=group.label, line_no=int(group.key), side=side)
            )
    return sides["income"] + sides["expense"], findings


def _coded_complete(tokens: list[Token]) -> bool:
    return bool(tokens) and tokens[-1].kind == "amount"


def _read_coded(table_id: str, chunks: list[Chunk]) -> tuple[list[RawRow], list[Finding]]:
    rows: list[RawRow] = []
    findings: list[Finding] = []
    for chunk in chunks:
        start = chunk.first_line
        tokens = chunk.tokens
        code = tokens[0].text if FUNCTION_CODE.match(tokens[0].text) else None
        rest = tokens[1:] if code else tokens
        names = [t.text for t in rest if t.kind != "amount"]
        amounts = [t.text for t in rest if t.kind == "amount"]
        first_amount = next((i for i, t in enumerate(rest) if t.kind == "amount"), len(rest))
        label = _text_of(names)
        ordered = all(t.kind == "amount" for t in rest[first_amount:])
        if not amounts or not label or not ordered or (code is None and label not in ("合计", "总计")):
            text = " ".join(t.text for t in tokens)
            if amounts:
                findings.append(
                    unplaced_at(table_id, start, f"无法识别的行：{text}", f"unrecognised row: {text}", where=text)
                )
            continue
        rows.append(raw_row(start, amounts, label=label, code=code))
    return rows, findings


def _econ_groups(tokens: list[Token]) -> tuple[list[Group], list[Token]]:
    """Split a T06 chunk at each economic code (and at the footer labels); tokens that fit no group are returned."""
    groups: list[Group] = []
    names: list[list[str]] = []
    stray: list[Token] = []
    for token in tokens:
        if token.kind != "amount" and ECON_CODE.match(token.text):
            groups.append(Group(None, token.text, [], token.line))
            names.append([])
        elif token.kind == "text" and any(token.text.startswith(label) for label in ECON_TOTALS):
            groups.append(Group(None, None, [], token.line))
            names.append([token.text])
        elif token.kind == "amount" and groups:
            groups[-1].amounts.append(token.text)
            groups[-1].detached |= token.line is not groups[-1].line
        elif token.kind != "amount" and groups and not groups[-1].amounts:
            names[-1].append(token.text)
        else:
            stray.append(token)
    for group, parts in zip(groups, names):
        group.label = _text_of(parts)
    return groups, stray


def _tolerance(terms: int) -> Decimal:
    return max(Decimal("0.05"), Decimal("0.005") * terms + Decimal("0.01"))


def _econ_unverified(groups: list[Group], placed: Group) -> bool:
    """True when a detached amount (printed below its wrapped name) breaks class = Σ 款."""
    class_code = placed.key[:3]
    head = next((g for g in groups if g.key == class_code and len(g.amounts) == 1), None)
    parts = [g for g in groups if g.key and len(g.key) == 5 and g.key.startswith(class_code)]
    if head is None or any(len(g.amounts) != 1 for g in parts):
        return True
    total = sum(Decimal(parse_amount(g.amounts[0]) or "0") for g in parts)
    return abs(Decimal(parse_amount(head.amounts[0]) or "0") - total) > _tolerance(len(parts))


def _column_order(groups: list[Group], columns: int) -> list[Group]:
    """Column-major order: each group joins the column that is printing its class (or its position on a full line)."""
    streams: list[list[Group]] = [[] for _ in range(columns)]
    classes: list[str | None] = [None] * columns
    footers: list[Group] = []
    by_line: dict[int, list[Group]] = {}
    for group in groups:
        by_line.setdefault(group.line.line_no, []).append(group)
    for line_groups in by_line.values():
        for position, group in enumerate(line_groups):
            if group.key is None:
                footers.append(group)
                continue
            class_code = group.key[:3]
            index = classes.index(class_code) if class_code in classes else min(position, columns - 1)
            streams[index].append(group)
            classes[index] = class_code
    return [group for stream in streams for group in stream] + footers


def _read_econ(chunks: list[Chunk]) -> tuple[list[RawRow], list[Finding]]:
    groups: list[Group] = []
    findings: list[Finding] = []
    for chunk in chunks:
        chunk_groups, stray = _econ_groups(chunk.tokens)
        for token in stray:
            findings.append(
                unplaced_at(
                    "T06",
                    token.line,
                    f"无法归属的单元格 {token.text!r}",
                    f"cell {token.text!r} belongs to no code-name group",
                    where=token.text,
                )
            )
        groups.extend(chunk_groups)
    for group in groups:
        what = group.key or group.label or ""
        if len(group.amounts) > 1:
            findings.append(
                unplaced_at(
                    "T06",
                    group.line,
                    f"一个科目有多个金额 {group.amounts}",
                    f"several amounts {group.amounts} for one item",
                    where=what,
                )
            )
            group.amounts = []
        elif group.detached and group.key and _econ_unverified(groups, group):
            findings.append(
                unplaced_at(
                    "T06",
                    group.line,
                    "换行后的金额无法经类款合计核实",
                    "amount printed below a wrapped name is not confirmed by class = sum of items",
                    where=what,
                )
            )
            group.amounts = []
    columns = max((sum(1 for g in groups if g.line is line and g.key) for line in {g.line for g in groups}), default=1)
    rows = [
        raw_row(group.line, [group.amounts[0] if group.amounts else None], label=group.label, code=group.key)
        for group in _column_order(groups, max(columns, 1))
    ]
    return rows, findings


def _read_three_public(chunks: list[Chunk]) -> tuple[list[RawRow], list[Finding]]:
    """Either one line of 12 (16) amounts, budget then actual, or one line of 6 (8) amounts per measure."""
    lines: list[tuple[Line, list[str]]] = []
    for chunk in chunks:
        for token in chunk.tokens:
            if token.kind == "amount":
                if not lines or lines[-1][0] is not token.line:
                    lines.append((token.line, []))
                lines[-1][1].append(token.text)
    if len(lines) == 1 and len(lines[0][1]) in (12, 16):
        line, cells = lines[0]
        half = len(cells) // 2
        parts = [(line, cells[:half]), (line, cells[half:])]
    elif len(lines) == 2 and all(len(cells) in (6, 8) for _, cells in lines):
        parts = lines
    else:
        where = lines[0][0] if lines else None
        if where is None:
            return [], []
        return [], [
            unplaced_at(
                "T09",
                where,
                "三公经费表金额个数不符合预算数、决算数两组",
                "the 三公 amounts do not split into a budget and an actual group",
                where="",
            )
        ]
    rows = [raw_row(line, cells, side=measure) for measure, (line, cells) in zip(T09_MEASURES, parts)]
    return rows, []


def _read_stats(chunks: list[Chunk]) -> tuple[list[RawRow], list[Finding]]:
    """T10 rows "label 行次 value" (not printed in this layout's seed; read like a one-sided two-block row)."""
    rows: list[RawRow] = []
    findings: list[Finding] = []
    for chunk in chunks:
        groups, pending = _two_block_groups(chunk.tokens)
        for group in groups:
            if group.label is None and not group.amounts:
                continue
            if len(group.amounts) > 1:
                findings.append(
                    unplaced_at("T10", group.line, "一行有多个值", "several values", where=group.label or "")
                )
                continue
            rows.append(raw_row(group.line, group.amounts, label=group.label, line_no=int(group.key)))
    return rows, findings


def _is_all_zero(rows: list[RawRow]) -> bool:
    return all(parse_amount(cell) in (None, "0", "0.00") or not cell for row in rows for cell in row.cells)


def _read_section(doc: Document, section: Section) -> TableBlock:
    block = new_block(doc, section, section.number_label)
    body = _body_lines(doc, section)
    family = section.spec.family
    if family == "two_block":
        rows, findings = _read_two_block(section.table_id, _chunks(body, _two_block_complete))
    elif family == "coded":
        rows, findings = _read_coded(section.table_id, _chunks(body, _coded_complete))
    elif family == "econ":
        rows, findings = _read_econ(_chunks(body, _coded_complete))
    elif family == "three_public":
        rows, findings = _read_three_public(_chunks(body, _coded_complete))
    else:
        rows, findings = _read_stats(_chunks(body, _coded_complete))
    if section.empty_note and _is_all_zero(rows):
        # Stated empty: the printed zero rows are kept as printed, the table is recorded as empty.
        block.status, block.note, block.rows = "empty", section.empty_note, rows
        return block
    if not rows and not findings:
        block.status, block.note = "unreadable", "未识别出表格行 / no table rows recognised"
        return block
    block.rows, block.findings = rows, findings
    block.note = section.empty_note
    return block
