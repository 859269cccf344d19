"""Layout L1: pdftotext-style text with wrapped cells and one space between cells (seed 000, Shanxi 2023).

Cells are joined by exactly one space, so a blank cell is an empty string between two spaces
("18.92  18.92    " is 18.92, blank, 18.92, three blanks) and a row ending in blanks carries one extra
trailing space. Long labels wrap onto lines of their own; the figures of such a row follow on a later line.
Page furniture ("-16-", the running title, "第二部分 …") can interleave with a table.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from converter.document import Document, Line
from converter.layouts.common import is_amount_cell, is_value, new_block, raw_row, read_collecting, unplaced_at
from converter.locate import NUMBER_LABEL, Section, find_sections
from converter.model import Finding, RawRow, TableBlock
from converter.normalize import label_key, parse_amount
from converter.specs.tables import TableSpec

NAME = "wrapped"

PAGE_NUMBER = re.compile(r"^\s*-\s*\d+\s*-\s*$")
PART_HEADING = re.compile(r"^\s*第[一二三四五六七八九十]+部分")
NOTE = re.compile(r"^\s*(?:注|说明)\s*[:：]")
ROW_NO = re.compile(r"^[1-9]\d?$")  # 行次 (from 1)
FUNCTION_CODE = re.compile(r"^2\d{2}(?:\d{2}){0,2}$")
ECON_CODE = re.compile(r"^3\d{2}(?:\d{2})?$")
# A number followed by exactly one blank cell: the signature of single-space cell separators.
BLANK_CELL = re.compile(r"(?:\d|[─—])  (?=[^ ]|$)")
HEADERS = {
    "two_block": re.compile(r"^\s*栏次"),
    "coded": re.compile(r"^\s*栏次"),
    "econ": re.compile(r"^\s*科目代码"),
    "three_public": re.compile(r"^\s*1(?: \d{1,2}){5,}\s*$"),
    "stats": re.compile(r"行次"),
}
# 公开06表 rows of the 2023/2024 部门预算支出经济分类 (domain.md §2.3), used to verify what was read.
ECON_ROWS = frozenset(
    """301 30101 30102 30103 30106 30107 30108 30109 30110 30111 30112 30113 30114 30199
    302 30201 30202 30203 30204 30205 30206 30207 30208 30209 30211 30212 30213 30214 30215 30216 30217 30218
    30224 30225 30226 30227 30228 30229 30231 30239 30240 30299
    303 30301 30302 30303 30304 30305 30306 30307 30308 30309 30310 30311 30399
    307 30701 30702 30703 30704
    309 30901 30902 30903 30905 30906 30907 30908 30913 30919 30921 30922 30999
    310 31001 31002 31003 31005 31006 31007 31008 31009 31010 31011 31012 31013 31019 31021 31022 31099
    311 31101 31199 312 31201 31203 31204 31205 31206 31299 313 31302 31303 31304
    399 39907 39908 39909 39910 39999""".split()
)
PERSONNEL_CLASSES = ("301", "303")
TOLERANCE = Decimal("0.05")  # 万元: rounding between a total and its parts (domain.md §0.4)

Findings = list[Finding]


def detect(doc: Document) -> float:
    """High when the table lines separate cells by single spaces and show blank cells as double spaces."""
    sections = find_sections(doc)
    lines = [doc.lines[i].text for s in sections for i in range(s.start, s.end)]
    if not lines or sum("\t" in text for text in lines) > 5:
        return 0.0
    blank_cells = sum(1 for text in lines if BLANK_CELL.search(text))
    return min(0.95, 0.4 + blank_cells / 40) if blank_cells >= 5 else 0.1


def read_tables(doc: Document, findings: Findings | None = None) -> list[TableBlock]:
    """One TableBlock per located standard table; cells that cannot be placed become the block's findings
    (and are also appended to `findings` when given)."""
    furniture = _furniture(doc)
    return read_collecting(doc, lambda section, found: _read_section(doc, section, furniture, found), findings)


def _read_section(doc: Document, section: Section, furniture: set[int], findings: Findings) -> TableBlock:
    block = new_block(doc, section, section.number_label)
    header = next(
        (i for i in range(section.start, section.end) if HEADERS[section.spec.family].search(doc.lines[i].text)), None
    )
    if block.number_label is None:
        block.number_label = _number_label(doc, section.title_index, header or section.end)
    if header is None:
        block.status, block.note = "unreadable", "表头未找到 / column header not found"
        return block
    body = []
    for i in range(header + 1, section.end):
        if NOTE.match(doc.lines[i].text):
            break
        if i not in furniture and doc.lines[i].text:
            body.append(doc.lines[i])
    before = len(findings)
    block.rows = READERS[section.spec.family](section.spec, body, findings)
    if not any(cell for row in block.rows for cell in row.cells):
        if len(findings) > before:
            block.status, block.note = "unreadable", "单元格无法定位 / cells could not be placed"
        else:
            block.status, block.note, block.rows = "empty", section.empty_note, []
    return block


def _number_label(doc: Document, title_index: int, end: int) -> str | None:
    for line in doc.lines[title_index:end]:
        match = NUMBER_LABEL.search(label_key(line.text))
        if match:
            return match.group(1)
    return None


def _furniture(doc: Document) -> set[int]:
    """Indexes of page numbers, part headings and the running title printed next to page numbers."""
    pages = [i for i, line in enumerate(doc.lines) if PAGE_NUMBER.match(line.text)]
    near = Counter(
        doc.lines[j].text.strip()
        for i in pages
        for j in range(i + 1, min(i + 4, len(doc.lines)))
        if doc.lines[j].text.strip()
    )
    running = {text for text, count in near.items() if count >= 2}
    return set(pages) | {
        i for i, line in enumerate(doc.lines) if PART_HEADING.match(line.text) or line.text.strip() in running
    }


def _tokens(text: str) -> list[str]:
    """Cells of a line split on single spaces; a row ending in blanks carries one extra trailing space."""
    tokens = text.split(" ")
    if len(tokens) > 1 and tokens[-1] == "":
        tokens.pop()
    return tokens


def _row(line: Line, cells: list[str], **fields) -> RawRow:
    return raw_row(line, [cell or None for cell in cells], **fields)


# --- T01 / T04: income block and expense block side by side --------------------------------------------------


def _read_two_block(spec: TableSpec, lines: list[Line], findings: Findings) -> list[RawRow]:
    """One RawRow per side per printed row; a wrapped label is the text lines before its 行次."""
    width = {"income": len(spec.income_columns), "expense": len(spec.columns)}
    rows: dict[str, list[RawRow]] = {"income": [], "expense": []}
    pending: list[tuple[str, Line]] = []  # pieces of a label whose 行次 comes on a later line
    next_income = 1
    for line in lines:
        tokens = _tokens(line.text)
        if not any(ROW_NO.match(token) for token in tokens):
            if any(tokens):
                pending.append(("".join(tokens), line))
            continue
        label: list[str] = []
        i = 0
        while i < len(tokens):
            if not ROW_NO.match(tokens[i]):
                label.append(tokens[i])
                i += 1
                continue
            line_no = int(tokens[i])
            side = "income" if line_no == next_income else "expense"
            if side == "income":
                next_income = line_no + 1
            cells = tokens[i + 1 : i + 1 + width[side]]
            i += 1 + len(cells)
            text, start = "".join(label).strip(), line
            label = []
            if not text and pending:
                text, start = "".join(piece for piece, _ in pending), pending[0][1]
                pending = []
            if len(cells) != width[side] or not all(is_amount_cell(cell) for cell in cells):
                findings.append(
                    unplaced_at(
                        spec.table_id,
                        line,
                        f"行次{line_no}的单元格数不符",
                        f"row {line_no}: {len(cells)} cells for {width[side]} columns",
                        where=f"行次{line_no}",
                    )
                )
                cells = []
            if text:
                rows[side].append(_row(start, cells, side=side, line_no=line_no, label=text))
            elif any(cells):
                findings.append(
                    unplaced_at(
                        spec.table_id,
                        line,
                        f"行次{line_no}有数无项目名",
                        f"row {line_no} has figures but no label",
                        where=f"行次{line_no}",
                    )
                )
        if "".join(label).strip():  # a label whose 行次 wrapped onto the next line
            pending.append(("".join(label), line))
    for _, line in pending:
        findings.append(
            unplaced_at(spec.table_id, line, "项目名无对应行次", "label text without a row number", where="")
        )
    return rows["income"] + rows["expense"]


# --- T02 / T03 / T05 / T07 / T08: code, name, amounts ---------------------------------------------------------


def _read_coded(spec: TableSpec, lines: list[Line], findings: Findings) -> list[RawRow]:
    """One RawRow per code row (and the 合计 row); a wrapped name is completed by the lines before its figures."""
    rows: list[RawRow] = []
    current: RawRow | None = None  # a row whose figures have not come yet
    for line in lines:
        tokens = _tokens(line.text)
        while tokens and tokens[0] == "":
            tokens.pop(0)
        if not tokens:
            continue
        i = 0
        if FUNCTION_CODE.match(tokens[0]) or (current is None and not is_amount_cell(tokens[0])):
            if current is not None:
                findings.append(
                    unplaced_at(
                        spec.table_id,
                        line,
                        "未找到该行数字",
                        "no figures found for the row",
                        where=current.code or current.label or "",
                    )
                )
                rows.append(current)
            code = tokens[0] if FUNCTION_CODE.match(tokens[0]) else None
            current = RawRow(cells=[], source_line=line.line_no, source_page=line.page, code=code, label="")
            i = 1 if code else 0
            while i < len(tokens) and tokens[i] == "" and not current.label:
                i += 1
        if current is None:
            findings.append(unplaced_at(spec.table_id, line, "数字行无科目", "figures without a row", where=""))
            continue
        while i < len(tokens) and not is_amount_cell(tokens[i]):
            current.label += tokens[i]
            i += 1
        if i == len(tokens):
            continue
        cells = tokens[i:]
        if len(cells) == len(spec.columns) and all(is_amount_cell(cell) for cell in cells):
            current.cells = [cell or None for cell in cells]
        else:
            findings.append(
                unplaced_at(
                    spec.table_id,
                    line,
                    f"{len(cells)}个单元格对应{len(spec.columns)}列",
                    f"{len(cells)} cells for {len(spec.columns)} columns",
                    where=current.code or current.label,
                )
            )
        rows.append(current)
        current = None
    if current is not None:
        rows.append(current)
    return rows


# --- T06: code-name-amount groups, several per line --------------------------------------------------------------


@dataclass
class _Group:
    code: str | None
    line: Line
    name: list[str] = field(default_factory=list)
    cell: str | None = None
    cell_line: Line | None = None  # None while the cell has not been read

    @property
    def amount(self) -> Decimal | None:
        value = parse_amount(self.cell) if self.cell_line else None
        return Decimal(value) if value is not None else None


def _read_econ(spec: TableSpec, lines: list[Line], findings: Findings) -> list[RawRow]:
    """Read the groups in text order and verify them (fixed rows, class sums); rows in code order, footers last."""
    groups: list[_Group] = []
    for line in lines:
        tokens = _tokens(line.text)
        waiting = groups[-1] if groups and groups[-1].cell_line is None else None
        if any(tokens) and not any(ECON_CODE.match(t) or is_value(t) for t in tokens):
            if waiting is not None:  # a wrapped name
                waiting.name += [t.strip() for t in tokens if t]
            else:
                groups.append(_Group(None, line, [t for t in tokens if t]))  # a footer label on its own line
            continue
        for token in tokens:
            waiting = groups[-1] if groups and groups[-1].cell_line is None else None
            if ECON_CODE.match(token):
                groups.append(_Group(token, line))
            elif waiting is not None and not waiting.name and not is_value(token):
                if token:
                    waiting.name.append(token)  # blanks between code and name are separators
            elif waiting is not None and is_amount_cell(token):
                waiting.cell, waiting.cell_line = token, line
            elif waiting is not None:
                waiting.name.append(token)
            elif is_value(token):
                findings.append(
                    unplaced_at(
                        spec.table_id, line, f"数字{token}无对应科目", f"figure {token} has no row", where=token
                    )
                )
            elif token:
                groups.append(_Group(None, line, [token]))  # 人员经费合计 / 公用经费合计
    _verify_econ(spec, groups, findings)
    coded = sorted((g for g in groups if g.code), key=lambda g: g.code)
    rows = []
    for group in coded + [g for g in groups if not g.code]:
        cells = [group.cell or ""] if group.cell_line else []
        rows.append(_row(group.line, cells, code=group.code, label="".join(group.name)))
    return rows


def _verify_econ(spec: TableSpec, groups: list[_Group], findings: Findings) -> None:
    """Unknown, repeated or cell-less rows and failed sums become findings; an unverified wrapped cell is dropped."""
    seen: set[str] = set()
    for group in groups:
        where = group.code or "".join(group.name)
        if group.cell_line is None:
            findings.append(
                unplaced_at(
                    spec.table_id, group.line, "未找到该科目的决算数", "no amount found for the row", where=where
                )
            )
        if group.code and (group.code not in ECON_ROWS or group.code in seen):
            findings.append(
                unplaced_at(spec.table_id, group.line, "科目代码未知或重复", "unknown or repeated code", where=where)
            )
        seen.add(group.code or "")
    by_code = {g.code: g for g in groups if g.code}
    footers = {"".join(g.name): g for g in groups if not g.code}
    identities = [
        (g, [p for p in groups if p.code and len(p.code) == 5 and p.code[:3] == g.code])
        for g in groups
        if g.code and len(g.code) == 3
    ]
    classes = [g for g in groups if g.code and len(g.code) == 3]
    if "人员经费合计" in footers:
        identities.append((footers["人员经费合计"], [by_code[c] for c in PERSONNEL_CLASSES if c in by_code]))
    if "公用经费合计" in footers:
        identities.append((footers["公用经费合计"], [g for g in classes if g.code not in PERSONNEL_CLASSES]))
    for whole, parts in identities:
        if whole.amount is None or abs(whole.amount - sum(p.amount or 0 for p in parts)) <= TOLERANCE:
            continue
        for group in [whole, *parts]:
            if group.amount is not None and group.cell_line is not group.line:
                findings.append(
                    unplaced_at(
                        spec.table_id,
                        group.cell_line,
                        f"换行的数字{group.cell}未通过合计校验",
                        f"wrapped figure {group.cell} does not add up with its total",
                        where=group.code or "".join(group.name),
                    )
                )
                group.cell_line = None


# --- T09: budget and actual, six (or eight) columns each ---------------------------------------------------------


def _read_three_public(spec: TableSpec, lines: list[Line], findings: Findings) -> list[RawRow]:
    data = [line for line in lines if any(is_value(t) for t in _tokens(line.text))]
    if not data:
        return []
    tokens = _tokens(data[0].text)
    if len(data) > 1 or len(tokens) != 2 * len(spec.columns) or not all(is_amount_cell(t) for t in tokens):
        findings.append(
            unplaced_at(
                spec.table_id, data[0], "三公经费行无法按列对齐", "three-public row does not fit 12 columns", where=""
            )
        )
        return []
    half = len(spec.columns)
    return [_row(data[0], tokens[:half], side="budget"), _row(data[0], tokens[half:], side="actual")]


# --- T10: label, 行次, value ---------------------------------------------------------------------------------------


def _read_stats(spec: TableSpec, lines: list[Line], findings: Findings) -> list[RawRow]:
    rows = []
    for line in lines:
        tokens = _tokens(line.text)
        if len(tokens) >= 3 and ROW_NO.match(tokens[-2]) and is_amount_cell(tokens[-1]):
            label = "".join(tokens[:-2]).strip()
            rows.append(_row(line, [tokens[-1]], line_no=int(tokens[-2]), label=label))
    return rows


READERS: dict[str, Callable[[TableSpec, list[Line], Findings], list[RawRow]]] = {
    "two_block": _read_two_block,
    "coded": _read_coded,
    "econ": _read_econ,
    "three_public": _read_three_public,
    "stats": _read_stats,
}
