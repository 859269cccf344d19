"""Nothing printed is lost: tables no spec knows, read generically into the long-format `table_cells` resource.

A table is any short line ending in 表 (国有资产使用情况表, 项目支出决算表, 部门整体支出绩效自评表 …) no spec knows,
followed by table markers (单位：万元, 项目, 栏次 …) like a standard table. Its body runs to the next table title or
the narrative. Every printed value becomes one record: title, row label, column header (from the header cells, or
from the header line when it names exactly as many columns as the row prints), printed value, unit, page and line.
"""

from __future__ import annotations

from converter import lazy_re
from converter.document import Document, Line
from converter.layouts.tokens import has_layout_columns, is_number, tokens
from converter.locate import find_sections, narrative_start, other_table_title, other_titles
from converter.model import Record, TableBlock
from converter.normalize import clean_label, label_key, parse_amount, strip_markup
from converter.specs.tables import LABEL_HEADERS

UNIT = lazy_re.compile(r"(?:金额)?单位[:：]\s*([^\s　]{1,6})")


def unknown_tables(doc: Document) -> list[tuple[str, int, int]]:
    """(title, title index, end index) of each table no spec knows, the last printing of a title winning (a
    contents list names it first)."""
    lines = doc.lines
    found = {label_key(title): index for index, title in other_titles(doc)}
    starts = sorted({section.title_index for section in find_sections(doc)} | set(found.values()))
    tables = []
    for index in sorted(found.values()):
        end = next((start for start in starts if start > index), len(lines))
        end = narrative_start(doc, index + 1, end, other_table_title)
        tables.append((clean_label(strip_markup(lines[index].text)), index, end))
    return tables


def _unit(lines: list[Line]) -> str | None:
    for line in lines[:8]:
        match = UNIT.search(line.text)
        if match:
            return match.group(1)
    return None


def _record(title: str, label: str | None, header: str | None, index: int, value: str, unit: str | None,
            line: Line, table_id: str | None = None) -> Record:
    try:
        amount = parse_amount(value)
    except ValueError:
        amount = None
    return {"table_title": title, "table_id": table_id, "reason": "unplaced_cell" if table_id else "unknown_table",
            "row_label": label or None, "column_header": header or None, "column_index": index, "value": value,
            "amount": amount, "unit": unit, "source_page": line.page, "source_line": line.line_no}


def _cell_table(title: str, lines: list[Line], unit: str | None) -> list[Record]:
    rows = [line for line in lines if line.cells]
    first = next((i for i, row in enumerate(rows) if any(is_number(c) for c in row.cells[1:] if c.strip())), None)
    if first is None:
        return []
    width = max(len(row.cells) for row in rows)
    headers = [""] * width
    for row in rows[:first]:
        for column, cell in enumerate(row.cells):
            text = clean_label(cell)
            if text and text not in headers[column]:
                headers[column] += text
    records = []
    for row in rows[first:]:
        cells = [clean_label(cell) for cell in row.cells]
        label = " ".join(cell for cell in cells if cell and not is_number(cell)) or None
        values = [(column, cell) for column, cell in enumerate(cells) if cell and is_number(cell)]
        for index, (column, cell) in enumerate(values, start=1):
            records.append(_record(title, label, headers[column], index, cell, unit, row))
    return records


def _text_table(title: str, lines: list[Line], unit: str | None) -> list[Record]:
    positioned = has_layout_columns(lines)
    records, header = [], None
    for line in lines:
        found = tokens(line, positioned)
        numbers = [t for t in found if t.kind == "number"]
        labels = [t.text for t in found if t.kind == "label"]
        if not numbers:
            if labels and not UNIT.search(line.text):
                header = [text for text in labels if label_key(text) not in LABEL_HEADERS]
            continue
        label = "".join(labels) or None
        names = header if header and len(header) == len(numbers) else None  # only when every column prints
        for index, token in enumerate(numbers, start=1):
            records.append(_record(title, label, names[index - 1] if names else None, index, token.text, unit, line))
    return records


def other_table_cells(doc: Document) -> list[Record]:
    """Every printed value of every table no spec knows, in document order."""
    records = []
    for title, index, end in unknown_tables(doc):
        body = doc.slice(index + 1, end)
        unit = _unit(body)
        if any(line.cells for line in body):
            records.extend(_cell_table(title, body, unit))
        else:
            records.extend(_text_table(title, body, unit))
    return records


def unplaced_cells(block: TableBlock) -> list[Record]:
    """A standard table's printed values that no column took (each also has an EXTRACT finding)."""
    return [_record(block.title or block.table_id, cell["row_label"], None, cell["column_index"], cell["value"],
                    None, cell["line"], table_id=block.table_id) for cell in block.loose_cells]
