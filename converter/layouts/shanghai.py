"""Layout L6: Shanghai 部门决算 PDFs read as ruled tables (cells given by the PDF reader).

Tables are numbered 一…九 (三公 is 七, the fund tables 八/九), print no 行次, split codes into 类/款/项 columns
("201 | 06 | 01", "301 | 01"), repeat headers on continuation pages, put the 合计 row of table 五 at the bottom,
interleave 预算数/决算数 under each 三公 item, and print table 九 in the 07-style columns. Cells are placed by column
index; a table whose column headers do not say what the builder expects is reported unreadable, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from converter.document import Document, Line
from converter.layouts.common import (
    ECON_TOTALS,
    FUNCTION_CODE,
    ORDINAL_TITLE,
    blank_to_none,
    cell_rows,
    clean_cells,
    is_amount_cell,
    is_value,
    leave_out,
    new_block,
    raw_row,
)
from converter.locate import Section, find_sections
from converter.model import RawRow, TableBlock
from converter.normalize import clean_label, label_key
from converter.specs.tables import T08_SHANGHAI_COLUMNS, table_for_title

NAME = "shanghai"

CLASS = re.compile(r"^\d{3}$")
SUB = re.compile(r"^\d{2}$")
TOTAL = "合计"

# Column headers (read down each column, merged cells included) that must name the amount columns in order.
CODED_HEADERS = {
    "T02": ("本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"),
    "T03": ("本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"),
    "T05": ("合计", "基本支出", "项目支出"),
    "T07": ("年初结转和结余", "本年收入", "本年支出", "基本支出", "项目支出", "年末结转和结余"),
    "T08": ("年初结转和结余", "本年收入", "本年支出", "基本支出", "项目支出", "年末结转和结余"),
}
TWO_BLOCK_HEADERS = {  # (income amount headers, expense amount headers) on the 项目 header row
    "T01": (("决算数",), ("决算数",)),
    "T04": (("决算数",), ("合计", "一般公共预算", "政府性基金", "国有资本经营")),
}
T09_ITEMS = ("合计", "因公出国（境）费", "小计", "公务用车购置费", "公务用车运行", "公务接待费")
T09_EXTRA_ITEMS = ("会议费", "培训费")
MEASURES = {"预算数": "budget", "决算数": "actual"}


def detect(doc: Document) -> float:
    """High for a PDF (or its scan) whose ruled-table rows (cells from the reader) often start with a code."""
    coded = sum(1 for line in doc.lines if line.cells and FUNCTION_CODE.match(line.cells[0].strip()))
    return 0.9 if doc.source_format in ("pdf", "pdf-ocr", "image") and coded >= 5 else 0.05


def _column_headers(rows: list[Line]) -> list[str]:
    """Header text of each column: its cells read top to bottom (a merged cell's text sits in its first column)."""
    headers = [""] * max(len(row.cells or ()) for row in rows)
    for row in rows:
        for column, cell in enumerate(clean_cells(row)):
            headers[column] += cell
    return [label_key(text) for text in headers]


def _first_data_row(rows: list[Line]) -> int:
    """Index of the first row holding an amount or a 类 code (a blank 合计 row may still carry headers)."""
    for index, row in enumerate(rows):
        cells = clean_cells(row)
        if any(is_value(cell) or CLASS.match(cell) for cell in cells):
            return index
    return len(rows)


def _headers_match(headers: list[str], expected: tuple[str, ...]) -> bool:
    return len(headers) == len(expected) and all(word in header for word, header in zip(expected, headers))


def _unreadable(block: TableBlock, why: str) -> None:
    block.status, block.rows = "unreadable", []
    block.note = f"表头与标准表不符，未提取 / column headers not as expected: {why}"


def _two_block(doc: Document, section: Section, block: TableBlock) -> None:
    """T01/T04: the income block (label | amounts) left of the expense block; read block by block.

    The expense block starts at the second 项目 header cell; sub-rows under 年初财政拨款结转和结余 follow their
    parent in the income block, as the builder expects.
    """
    rows = cell_rows(doc, section)
    header = next((clean_cells(row) for row in rows if clean_cells(row).count("项目") == 2), None)
    if header is None or header[0] != "项目":
        _unreadable(block, "no 项目 | … | 项目 header row")
        return
    split = header.index("项目", 1)
    income, expense = TWO_BLOCK_HEADERS[block.table_id]
    if not (_headers_match(header[1:split], income) and _headers_match(header[split + 1 :], expense)):
        _unreadable(block, " | ".join(header))
        return
    sides: dict[str, list[RawRow]] = {"income": [], "expense": []}
    for line in rows:
        cells = clean_cells(line)
        if "项目" in cells or cells[:1] == ["收入"]:
            continue
        for side, part in (("income", cells[:split]), ("expense", cells[split:])):
            if not part:
                continue
            label, amounts = part[0], [blank_to_none(cell) for cell in part[1:]]
            if not label:
                if any(amounts):
                    leave_out(block, line, f"{side} amounts without a label")
                continue
            sides[side].append(raw_row(line, amounts, label=label, side=side))
    block.rows.extend(sides["income"] + sides["expense"])


def _code(parts: list[str]) -> str | None | bool:
    """Code cells as one code: '201','06','01' → '2010601', '20106' → '20106'; all blank → None; else False."""
    filled = [part for part in parts if part]
    if not filled:
        return None
    if (
        parts[: len(filled)] != filled
        or not FUNCTION_CODE.match(filled[0])
        or not all(SUB.match(p) for p in filled[1:])
    ):
        return False
    code = "".join(filled)
    return code if len(code) in (3, 5, 7) else False


def _column(headers: list[str], word: str, start: int = 0) -> int | None:
    return next((index for index in range(start, len(headers)) if word in headers[index]), None)


def _coded(doc: Document, section: Section, block: TableBlock) -> None:
    """T02/T03/T05/T07/T08: code cells (类 | 款 | 项, or one code) | 科目名称 | amounts; 合计 first or last."""
    rows = cell_rows(doc, section)
    if not rows:
        return
    first = _first_data_row(rows)
    headers = _column_headers(rows[:first] or rows[:1])
    name_at = _column(headers, "科目名称")
    if name_at is None or not _headers_match(headers[name_at + 1 :], CODED_HEADERS[block.table_id]):
        _unreadable(block, " | ".join(headers))
        return
    if block.table_id == "T08":
        block.columns = list(T08_SHANGHAI_COLUMNS)
    for line in rows[first:]:
        cells = clean_cells(line)
        if len(cells) <= name_at:  # a row narrower than the header (a damaged page)
            leave_out(block, line, f"row {' | '.join(cells)!r} has no 科目名称 column")
            continue
        name, amounts = cells[name_at], [blank_to_none(cell) for cell in cells[name_at + 1 :]]
        if TOTAL in cells[: name_at + 1]:
            block.rows.append(raw_row(line, amounts, label=TOTAL))
            continue
        code = _code(cells[:name_at])
        if not code or not name:
            if code is False or any(is_value(cell) for cell in amounts):
                leave_out(block, line, f"row {' | '.join(cells)!r} has no code")
            continue  # a header row repeated on a continuation page
        block.rows.append(raw_row(line, amounts, label=name, code=code))


def _econ_groups(headers: list[str]) -> list[tuple[int, int, int]] | None:
    """(first code column, name column, amount column) of each side-by-side group, from the column headers."""
    groups = []
    start = _column(headers, "科目编码")
    while start is not None:
        name_at = _column(headers, "科目名称", start + 1)
        amount_at = _column(headers, "决算数", name_at + 1) if name_at is not None else None
        if amount_at is None:
            return None
        groups.append((start, name_at, amount_at))
        start = _column(headers, "科目编码", amount_at + 1)
    return groups or None


def _econ(doc: Document, section: Section, block: TableBlock) -> None:
    """T06: groups of code cells | 科目名称 | 决算数 side by side; each group read down every page, left first.

    The 人员经费合计 / 公用经费合计 footer follows the coded rows.
    """
    rows = cell_rows(doc, section)
    first = _first_data_row(rows) if rows else 0
    groups = _econ_groups(_column_headers(rows[:first])) if first else None
    if groups is None:
        _unreadable(block, "no 科目编码 | 科目名称 | 决算数 header")
        return
    found: list[list[RawRow]] = [[] for _ in groups]
    totals: list[RawRow] = []
    for line in rows[first:]:
        cells = clean_cells(line)
        for group, (start, name_at, amount_at) in enumerate(groups):
            if amount_at >= len(cells) or not any(cells[start : amount_at + 1]):
                continue
            name, amount = cells[name_at], cells[amount_at]
            if cells[start] in ECON_TOTALS:
                totals.append(raw_row(line, [blank_to_none(amount)], label=cells[start]))
                continue
            code = _code(cells[start:name_at])
            if not code or not name or not is_amount_cell(amount):
                leave_out(block, line, f"group {cells[start : amount_at + 1]!r}")
                continue
            found[group].append(raw_row(line, [blank_to_none(amount)], label=name, code=code))
    block.rows.extend(row for group in found for row in group)
    block.rows.extend(totals)


def _three_public(doc: Document, section: Section, block: TableBlock) -> None:
    """T09: 预算数/决算数 columns named by the measure row; the k-th 预算数 column must be headed by the k-th item.

    Shanghai interleaves 预算数 and 决算数 under each item; the national table prints six 预算数 then six 决算数.
    """
    rows = cell_rows(doc, section)
    at = next((index for index, row in enumerate(rows) if "预算数" in clean_cells(row)), None)
    if at is None:
        _unreadable(block, "no 预算数/决算数 row")
        return
    measures = [MEASURES.get(cell) for cell in clean_cells(rows[at])]
    width = measures.count("budget")
    items = T09_ITEMS + T09_EXTRA_ITEMS if width == len(T09_ITEMS) + len(T09_EXTRA_ITEMS) else T09_ITEMS
    headers = _column_headers(rows[: at or 1])
    budget_headers = [header for header, measure in zip(headers, measures) if measure == "budget"]
    if None in measures or measures.count("actual") != width or not _headers_match(budget_headers, items):
        _unreadable(block, " | ".join(budget_headers))
        return
    for line in rows[at + 1 :]:
        cells = clean_cells(line)
        if len(cells) != len(measures) or not all(is_amount_cell(cell) for cell in cells):
            leave_out(block, line, f"row {' | '.join(cells)!r}")
            continue
        for side in ("budget", "actual"):
            values = [blank_to_none(cell) for cell, measure in zip(cells, measures) if measure == side]
            block.rows.append(raw_row(line, values, side=side))


READERS: dict[str, Callable[[Document, Section, TableBlock], None]] = {
    "two_block": _two_block,
    "coded": _coded,
    "econ": _econ,
    "three_public": _three_public,
}


def _number_labels(doc: Document) -> dict[str, str]:
    """Table ordinals from the contents list ("七、财政拨款“三公”经费支出决算表" → T09: 七)."""
    labels: dict[str, str] = {}
    for line in doc.lines:
        match = ORDINAL_TITLE.match(clean_label(line.text))
        spec = table_for_title(match.group(2)) if match else None
        if spec is not None:
            labels.setdefault(spec.table_id, match.group(1))
    return labels


def read_tables(doc: Document) -> list[TableBlock]:
    """One TableBlock per located standard table: found with rows, empty with its statement, or unreadable."""
    labels = _number_labels(doc)
    blocks = []
    for section in find_sections(doc):
        block = new_block(doc, section, section.number_label or labels.get(section.table_id), note=section.empty_note)
        reader = READERS.get(section.spec.family)
        if reader is None:
            block.status, block.note = "unreadable", "此版式不含该表 / table family not read by this layout"
        else:
            reader(doc, section, block)
        if block.status == "found" and not any(is_value(cell) for row in block.rows for cell in row.cells):
            block.status, block.rows = "empty", []
        blocks.append(block)
    return blocks
