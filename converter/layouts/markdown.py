"""Layout L4: Markdown/HTML-ish text (`#` headings, `<b>` tags) whose table rows are tab-separated (seed 003).

Every table row is one line and a blank cell is an empty field between two tabs, so cells are placed by
position. Tags and stray spaces inside CJK names are removed; 栏次 rows are skipped (they are garbled).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from converter.document import Document, Line
from converter.layouts.common import (
    ECON_CODE,
    ECON_TOTALS,
    FUNCTION_CODE,
    LINE_NO,
    footer_figures,
    has_figure,
    is_amount_cell,
    new_block,
    printed_cells,
    raw_row,
    read_collecting,
    unplaced_at,
)
from converter.locate import Section
from converter.model import Finding, RawRow, TableBlock
from converter.normalize import clean_label, label_key
from converter.specs.tables import T04_ROWS, TableSpec

NAME = "markdown"

HEADING = re.compile(r"^#{1,6}\s+\S")
TAG = re.compile(r"</?(?:b|strong|br|span|font|p)\b[^>]*>", re.I)
NUMBER_LABEL = re.compile(r"公开\d+表")
T04_SUB_ROW_LABELS = {
    label_key(alias) for key in ("general_budget", "government_fund", "state_capital") for alias in T04_ROWS[key]
}

Reader = Callable[[TableSpec, list[Line], list[Finding]], list[RawRow]]


def detect(doc: Document) -> float:
    """High when the text has Markdown headings, HTML tags and tab-separated table rows together."""
    headings = sum(1 for line in doc.lines if HEADING.match(line.text))
    tagged = sum(1 for line in doc.lines if TAG.search(line.text))
    tab_rows = sum(1 for line in doc.lines if line.text.count("\t") >= 2)
    score = 0.3 if tab_rows >= 10 else 0.0
    score += 0.45 if headings >= 5 else 0.15 if headings else 0.0
    score += 0.2 if tagged else 0.0
    return score if tab_rows >= 10 else min(score, 0.4)


def read_tables(doc: Document, findings: list[Finding] | None = None) -> list[TableBlock]:
    """One TableBlock per located standard table; cells that cannot be placed become the block's findings
    (and are also appended to `findings` when given)."""
    return read_collecting(doc, lambda section, found: _read_section(doc, section, found), findings)


def _read_section(doc: Document, section: Section, findings: list[Finding]) -> TableBlock:
    block = new_block(doc, section, _number_label(doc, section) or section.number_label)
    lines = [line for line in doc.slice(section.start, section.end) if _is_row(line)]
    rows = READERS[section.spec.family](section.spec, lines, findings)
    if section.empty_note and not any(has_figure(row.cells) for row in rows):
        block.status, block.note = "empty", section.empty_note
    elif rows:
        block.rows = rows
    else:
        block.status, block.note = "absent", "标题已找到，但未读到表格行 (title found, no table rows read)"
    return block


def _number_label(doc: Document, section: Section) -> str | None:
    """公开NN表 printed under the title, also when broken over two lines ("公开02  \\n表")."""
    near = doc.slice(section.start, min(section.end, section.start + 6))
    match = NUMBER_LABEL.search(re.sub(r"\s+", "", "".join(line.text for line in near)))
    return match.group(0) if match else None


def _is_row(line: Line) -> bool:
    return line.cells is not None or "\t" in line.text


def _cells(line: Line) -> list[str]:
    raw = line.cells if line.cells is not None else tuple(line.text.split("\t"))
    return [clean_label(cell) for cell in raw]


def _read_coded(spec: TableSpec, lines: list[Line], findings: list[Finding]) -> list[RawRow]:
    """科目代码 | 科目名称 | amounts…; the 合计 row prints 合计 in either of the first two cells."""
    rows = []
    for line in lines:
        cells = _cells(line) + ["", ""]
        if FUNCTION_CODE.match(cells[0]):
            rows.append(raw_row(line, printed_cells(cells[2:], len(spec.columns)), code=cells[0], label=cells[1]))
        elif "合计" in (cells[0], cells[1]) and not (cells[0] and cells[1]):
            rows.append(raw_row(line, printed_cells(cells[2:], len(spec.columns)), label="合计"))
    return rows


def _read_two_block(spec: TableSpec, lines: list[Line], findings: list[Finding]) -> list[RawRow]:
    """项目 | 行次 | amounts for each side; all income rows first, then all expense rows (printed order)."""
    income_width = 2 + len(spec.income_columns)
    income: list[RawRow] = []
    expense: list[RawRow] = []
    for line in lines:
        cells = _cells(line)
        if "栏次" in cells:
            continue
        sides = (
            ("income", cells[:income_width], income_width - 2, income),
            ("expense", cells[income_width:], len(spec.columns), expense),
        )
        for side, block, width, out in sides:
            if len(block) < 2 or not LINE_NO.match(block[1]):
                continue  # a header row, or a side this line does not print
            label, amounts = block[0], printed_cells(block[2:], width)
            if not label and side == "expense" and spec.table_id == "T04" and any(amounts):
                label = cells[0] if label_key(cells[0]) in T04_SUB_ROW_LABELS else ""
            if not label and any(amounts):
                findings.append(
                    unplaced_at(
                        spec.table_id,
                        line,
                        f"行次{block[1]}有金额但无项目名称",
                        f"line {block[1]} prints amounts without an item label",
                    )
                )
            elif label:
                out.append(raw_row(line, amounts, side=side, line_no=int(block[1]), label=label))
    return income + expense


def _read_econ(spec: TableSpec, lines: list[Line], findings: list[Finding]) -> list[RawRow]:
    """Triplets 科目代码 | 科目名称 | 决算数 side by side, placed by the header's 科目代码 positions."""
    starts: list[int] = []
    groups: dict[int, list[RawRow]] = {}
    footer: list[RawRow] = []
    for line in lines:
        cells = _cells(line)
        if cells.count("科目代码") >= 2:
            starts = [i for i, cell in enumerate(cells) if cell == "科目代码"]
        elif any(label in cells for label in ECON_TOTALS):
            footer.extend(_econ_footer(spec, line, cells, findings))
        elif starts:
            placed = _econ_groups(cells, starts)
            if placed is None:
                findings.append(
                    unplaced_at(
                        spec.table_id,
                        line,
                        "本行的科目代码不在表头所示的列位置",
                        "the economic codes on this line are not at the header's column positions",
                    )
                )
                continue
            for index, (code, name, amount) in placed:
                groups.setdefault(index, []).append(raw_row(line, [amount], code=code, label=name))
    return [row for index in sorted(groups) for row in groups[index]] + footer


def _econ_groups(cells: list[str], starts: list[int]) -> list[tuple[int, tuple[str, str, str | None]]] | None:
    """The (code, name, amount) triplets of one line, or None when a code is not where the header puts it."""
    padded = cells + [""] * (starts[-1] + 3 - len(cells))
    ends = starts[1:] + [len(padded)]
    placed = []
    for index, (start, end) in enumerate(zip(starts, ends)):
        code, name, *rest = padded[start:end]
        if not (code or name or any(rest)):
            continue
        if not ECON_CODE.match(code) or not name or len(rest) != 1 or not is_amount_cell(rest[0]):
            return None
        placed.append((index, (code, name, rest[0] or None)))
    return placed


def _econ_footer(spec: TableSpec, line: Line, cells: list[str], findings: list[Finding]) -> list[RawRow]:
    """人员经费合计 / 公用经费合计: each takes the one figure printed between it and the next label."""
    rows = []
    for position in [i for i, cell in enumerate(cells) if cell in ECON_TOTALS]:
        values = footer_figures(cells, position)
        if len(values) > 1:
            findings.append(
                unplaced_at(
                    spec.table_id,
                    line,
                    f"{cells[position]}后有多个数字：{values}",
                    f"several figures follow {cells[position]}: {values}",
                )
            )
            continue
        rows.append(raw_row(line, [values[0] if values else None], label=cells[position]))
    return rows


def _read_three_public(spec: TableSpec, lines: list[Line], findings: list[Finding]) -> list[RawRow]:
    """The one figure row: 预算数 columns, then the same columns as 决算数."""
    for line in lines:
        cells = _cells(line)
        if cells and not is_amount_cell(cells[0]):
            cells = cells[1:]  # a leading row label
        if not cells or not all(is_amount_cell(cell) for cell in cells) or _is_column_numbers(cells):
            continue
        if len(cells) not in (2 * len(spec.columns), 2 * (len(spec.columns) + 2)):
            findings.append(
                unplaced_at(spec.table_id, line, f"三公经费行有{len(cells)}个单元格", f"{len(cells)} cells")
            )
            return []
        half = len(cells) // 2
        return [
            raw_row(line, [cell or None for cell in cells[:half]], side="budget"),
            raw_row(line, [cell or None for cell in cells[half:]], side="actual"),
        ]
    return []


def _read_stats(spec: TableSpec, lines: list[Line], findings: list[Finding]) -> list[RawRow]:
    """项目 | 行次 | 统计数; section headings (一、政府采购情况) and 项目 header rows carry no 行次."""
    rows = []
    for line in lines:
        cells = _cells(line) + [""]
        if cells[0] and LINE_NO.match(cells[1]):
            rows.append(raw_row(line, printed_cells(cells[2:], 1), line_no=int(cells[1]), label=cells[0]))
    return rows


def _is_column_numbers(cells: list[str]) -> bool:
    """A 栏次 row: 1, 2, 3 … printed under the headers."""
    return cells == [str(n) for n in range(1, len(cells) + 1)]


READERS: dict[str, Reader] = {
    "two_block": _read_two_block,
    "coded": _read_coded,
    "econ": _read_econ,
    "three_public": _read_three_public,
    "stats": _read_stats,
}
