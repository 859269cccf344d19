"""OCR figures read with low confidence: kept only where the table's own identities confirm them exactly.

A table is read twice: without its doubtful figures, then with them on trial. The trial reading stands only when it
keeps every figure the first reading placed, breaks no identity the first kept, and every figure on trial takes part
in an identity that holds to the printed cent with it and fails when it is changed; the figure then carries an OCR
finding naming its confidence and those identities. Otherwise the first reading stands (the doubtful figures left out
with their findings): a doubtful figure never decides a placement on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from converter.checks import run_checks
from converter.document import Line, Word
from converter.layouts.tokens import ON_TRIAL, doubtful
from converter.model import Extraction, Finding, Record, TableBlock
from converter.normalize import parse_amount
from converter.specs.tables import TABLES
from converter.tables import build_table

SHIFT = Decimal(1000)  # a figure changed by this much breaks, beyond any rounding, every identity it takes part in

Outcomes = dict[tuple, str]


def read_confirmed(read: Callable[[], TableBlock], lines: list[Line]) -> TableBlock:
    """`read()` with the section's doubtful OCR figures kept where the identities confirm them."""
    base = read()
    on_trial = [(line, word) for line in lines if line.words for word in doubtful(line)]
    if not on_trial or base.status != "found":
        return base
    base_records = _records(base)
    base_outcomes = _outcomes(base.table_id, base_records)
    while on_trial:
        token = ON_TRIAL.set(frozenset(word for _, word in on_trial))
        try:
            trial = read()
        finally:
            ON_TRIAL.reset(token)
        records = _records(trial)
        outcomes = _outcomes(trial.table_id, records)
        if not _facts(base_records) <= _facts(records) or any(
                status == "mismatch" and base_outcomes.get(key) != "mismatch" for key, status in outcomes.items()):
            return base
        confirmed = {id(word): why for line, word in on_trial
                     if (why := _confirmation(trial.table_id, records, outcomes, base_records, line, word))}
        if len(confirmed) == len(on_trial):
            trial.findings.extend(_finding(trial, line, word, confirmed[id(word)]) for line, word in on_trial)
            return trial
        on_trial = [(line, word) for line, word in on_trial if id(word) in confirmed]
    return base


def _records(block: TableBlock) -> list[Record]:
    return build_table(Extraction(report={}), block)


def _facts(records: list[Record]) -> set[tuple]:
    return {(record.get("source_line"), field, repr(value)) for record in records for field, value in record.items()
            if value is not None}


def _outcomes(table_id: str, records: list[Record]) -> Outcomes:
    """(rule, location, line, n-th) → status of every identity instance the table's records take part in."""
    resource = TABLES[table_id].resource
    found: Outcomes = {}
    for finding in run_checks({resource: records, "report_tables": [{"table_id": table_id, "status": "found"}]}):
        key = (finding.rule_id, finding.location, finding.source_line)
        n = sum(1 for k in found if k[:3] == key)
        found[(*key, n)] = finding.status
    return found


def _amount(value: object) -> str | None:
    try:
        return parse_amount(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _confirmation(table_id: str, records: list[Record], outcomes: Outcomes, base_records: list[Record], line: Line,
                  word: Word) -> list[str] | None:
    """The identities (rule and place) that confirm the word's figure where the trial placed it, else None."""
    old = _facts(base_records)
    amount = _amount(word.text)
    places = [(i, field) for i, record in enumerate(records) for field, value in record.items()
              if field not in ("source_line", "source_page") and _amount(value) == amount and amount is not None
              and (record.get("source_line"), field, repr(value)) not in old]
    if len(places) > 1:
        places = [(i, field) for i, field in places if records[i].get("source_line") == line.line_no] or places
    if not places:
        return None
    confirming: list[str] = []
    for i, field in places:  # the same figure newly placed twice (a row's only part and its total): both confirmed
        changed = [dict(record) for record in records]
        changed[i][field] = str(Decimal(amount) + SHIFT)
        shifted = _outcomes(table_id, changed)
        involved = [key for key, status in outcomes.items() if shifted.get(key) != status]
        if not involved or any(outcomes[key] != "ok" for key in involved):
            return None
        confirming += [f"{rule} {location}" for rule, location, _line, _n in involved if f"{rule} {location}"
                       not in confirming]
    return confirming


def _finding(block: TableBlock, line: Line, word: Word, identities: list[str]) -> Finding:
    listed = "; ".join(identities)
    return Finding(
        rule_id="OCR", status="info", severity="info", tables=block.table_id,
        message_zh=f"OCR识别的数字“{word.text}”置信度 {word.confidence:.2f}，经表内恒等式核实无误：{listed}",
        message_en=f"OCR-read figure '{word.text}' (confidence {word.confidence:.2f}) confirmed by the table's "
                   f"identities: {listed}",
        location=f"page {line.page} line {line.line_no}: {word.text}", source_page=line.page,
        source_line=line.line_no)
