"""Read access to one report's records for the rules: tables by id, fixed rows by item_key, code trees.

Table status comes from `report_tables` (found / empty / absent); without it, a table with records is found and one
without is absent. An empty table (本表无数据) reads as zeros in cross-table rules.

Rules compare in 万元: a table whose header states another unit (`report_tables.amount_unit`, e.g. 元) reads here
with its amounts converted exactly to 万元, so tables in 元 are compared with tables and narrative in 万元 like with
like, and the amount tolerances (in 万元) keep their meaning. T10 mixes amounts and counts: each of its rows is
converted by its own `unit`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter

from converter import registry
from converter.model import Record
from converter.units import UNITS, to_wan

PER_ROW_UNIT = {"T10"}  # counts next to amounts: each row states its unit
TABLE_RESOURCES = {
    "T01": "income_expense_summary",
    "T02": "income_by_function",
    "T03": "expense_by_function",
    "T04": "fiscal_summary",
    "T05": "general_budget_expense",
    "T06": "basic_expense_detail",
    "T07": "government_fund",
    "T08": "state_capital_expense",
    "T09": "three_public",
    "T10": "disclosure_stats",
}


def _in_wan(row: Record, unit: str | None, fields: set[str]) -> Record:
    """The row with its amount fields converted from a money unit to 万元 (other rows as they are)."""
    if unit not in UNITS or unit == "万元":
        return row
    return {name: format(to_wan(Decimal(str(value)), unit), "f") if name in fields and value not in (None, "")
            else value for name, value in row.items()}


@dataclass
class Node:
    """A 类 or 款 of a coded table: the printed row (if any) and the value of one column, printed or derived."""

    code: str
    record: Record | None
    derived: bool


class Data:
    def __init__(self, resources: dict[str, list[Record]]):
        self.resources = resources
        self._status = {row.get("table_id"): row.get("status") for row in resources.get("report_tables", [])}
        self.units = {row.get("table_id"): row.get("amount_unit") for row in resources.get("report_tables", [])}
        # Indexes made on first use and kept for the report (no rule changes a record).
        self._in_wan: dict[str, list[Record]] = {}
        self._by_code: dict[str, dict[str, Record]] = {}
        self._coded: dict[str, list[Record]] = {}
        self._kids: dict[str, dict[str, list[str]]] = {}
        self._by_item: dict[str, dict[str | None, list[Record]]] = {}
        self._values: dict[tuple[str, str, str], tuple[Decimal | None, Record | None, bool]] = {}
        self._facts: dict[str | None, list[tuple[int, Record]]] | None = None
        self._valued_facts: dict[str | None, list[tuple[int, Record]]] | None = None
        # Tables the reader left a printed figure out of (an EXTRACT finding names them): a blank there may be
        # a figure not read, so no identity over them can be called a mismatch.
        self.unread = {table_id for row in resources.get("findings") or [] if row.get("rule_id") == "EXTRACT"
                       for table_id in (row.get("tables") or "").split(",") if table_id in TABLE_RESOURCES}

    def rows(self, resource: str) -> list[Record]:
        rows = self.resources.get(resource) or []
        if resource == "disclosure_stats":
            return [row for row in rows if row.get("origin", "table") == "table"]
        return rows

    def _rows_in_wan(self, table_id: str) -> list[Record]:
        """The table's rows with every amount in 万元 (the printed rows when its unit is 万元 or unstated)."""
        if table_id in PER_ROW_UNIT:
            if table_id not in self._in_wan:
                self._in_wan[table_id] = [row for row in self.stats_in_wan() if row.get("origin", "table") == "table"]
            return self._in_wan[table_id]
        resource, unit = TABLE_RESOURCES[table_id], self.units.get(table_id)
        if unit in (None, "万元"):
            return self.rows(resource)
        if table_id not in self._in_wan:
            fields = set(registry.decimal_fields(resource))
            self._in_wan[table_id] = [_in_wan(row, unit, fields) for row in self.rows(resource)]
        return self._in_wan[table_id]

    def stats_in_wan(self) -> list[Record]:
        """Every disclosure_stats row (table and narrative), amounts in 万元 by each row's own unit."""
        if "stats" not in self._in_wan:
            fields = set(registry.decimal_fields("disclosure_stats"))
            self._in_wan["stats"] = [_in_wan(row, row.get("unit"), fields)
                                     for row in self.resources.get("disclosure_stats") or []]
        return self._in_wan["stats"]

    def table(self, table_id: str) -> list[Record]:
        return self._rows_in_wan(table_id)

    def status(self, table_id: str) -> str:
        """found | empty | absent | unreadable."""
        status = self._status.get(table_id)
        if status in {"empty", "absent", "unreadable"}:
            return status
        return "found" if self.table(table_id) else "absent"

    def missing(self, *table_ids: str) -> list[str]:
        """Tables among table_ids absent from the text or unreadable; empty tables are present (all zero)."""
        return [table_id for table_id in table_ids if self.status(table_id) in {"absent", "unreadable"}]

    def incomplete(self, tables: str | None) -> list[str]:
        """Of the tables a finding names ("T03,T05"), those the reader left a printed figure out of."""
        return [table_id for table_id in (tables or "").split(",") if table_id in self.unread]

    # -- fixed-row tables (T01, T04, T10)

    def item(self, table_id: str, key: str, side: str | None = None) -> Record | None:
        """The first row of a fixed-row table with this item_key (and side, when given)."""
        if table_id not in self._by_item:
            rows: dict[str | None, list[Record]] = {}
            for row in self.table(table_id):
                rows.setdefault(row.get("item_key"), []).append(row)
            self._by_item[table_id] = rows
        for row in self._by_item[table_id].get(key, ()):
            if side is None or row.get("side") == side:
                return row
        return None

    def items(self, table_id: str, side: str, prefix: str) -> list[Record]:
        return [
            r for r in self.table(table_id) if r.get("side") == side and (r.get("item_key") or "").startswith(prefix)
        ]

    # -- coded tables (T02, T03, T05, T07, T08)

    def total(self, table_id: str) -> Record | None:
        return next((row for row in self.table(table_id) if row.get("level") == "total"), None)

    def coded(self, table_id: str) -> list[Record]:
        """The rows of a coded table that carry a code (made once: the caller must not change the list)."""
        if table_id not in self._coded:
            self._coded[table_id] = [row for row in self.table(table_id) if row.get("code")]
        return self._coded[table_id]

    def by_code(self, table_id: str) -> dict[str, Record]:
        """Code → row of a coded table (made once: every check reads it, none changes it)."""
        if table_id not in self._by_code:
            self._by_code[table_id] = {row["code"]: row for row in self.coded(table_id)}
        return self._by_code[table_id]

    def children(self, table_id: str, code: str) -> list[Record]:
        return [row for row in self.coded(table_id) if row.get("parent_code") == code]

    def value(self, table_id: str, code: str, column: str) -> tuple[Decimal | None, Record | None, bool]:
        """(value, printed row or None, derived?) of a 类/款/项 for one column.

        A printed row gives its value (blank reads as 0). A parent that is not printed is the sum of its children
        (printed or derived); None when neither the code nor any descendant is printed. Kept per (table, code,
        column): rules ask for the same figures many times.
        """
        ident = (table_id, code, column)
        if ident not in self._values:
            self._values[ident] = self._value(table_id, code, column)
        return self._values[ident]

    def _value(self, table_id: str, code: str, column: str) -> tuple[Decimal | None, Record | None, bool]:
        rows = self.by_code(table_id)
        if code in rows:
            raw = rows[code].get(column)
            return (Decimal(str(raw)) if raw not in (None, "") else Decimal(0)), rows[code], False
        kids = self._summed_from(table_id).get(code)
        if not kids:
            return None, None, False
        total = Decimal(0)
        for kid in kids:
            value, _, _ = self.value(table_id, kid, column)
            total += value or 0
        return total, None, True

    def _summed_from(self, table_id: str) -> dict[str, list[str]]:
        """Code → the codes one level (two digits) below it that a parent not printed is the sum of: its printed
        children, else the children its deeper printed codes imply (made once per table)."""
        if table_id not in self._kids:
            codes = list(self.by_code(table_id))
            printed: dict[str, list[str]] = {}
            for code in codes:
                if len(code) >= 2:
                    printed.setdefault(code[:-2], []).append(code)
            self._kids[table_id] = {**child_codes(codes), **{code: sorted(kids) for code, kids in printed.items()}}
        return self._kids[table_id]

    def categories(self, table_id: str) -> list[str]:
        """The 类 codes a coded table prints or implies (from 款/项 codes)."""
        return sorted({row["code"][:3] for row in self.coded(table_id)})

    def fact(self, *keys: str) -> list[Record]:
        """The narrative facts with one of these metric keys, in their order."""
        return _merged(self._facts_by_metric(), keys)

    def fact_index(self, fact: Record) -> int:
        """Where the first fact equal to `fact` is in narrative_facts (as list.index: only a fact of the same metric
        can be equal, so only those are compared)."""
        for position, other in self._facts_by_metric().get(fact.get("metric_key"), ()):
            if other is fact or other == fact:
                return position
        raise ValueError("not a narrative fact")

    def _facts_by_metric(self) -> dict[str | None, list[tuple[int, Record]]]:
        if self._facts is None:
            self._facts = _by_metric(self.resources.get("narrative_facts", []))
        return self._facts

    def distinct_facts(self, keys: Iterable[str]) -> list[Record]:
        """Facts with a value whose key is in `keys`, once per (key, value), in their order: a figure restated is
        checked once."""
        if self._valued_facts is None:
            seen = set()
            distinct = []
            for fact in self.resources.get("narrative_facts") or []:
                ident = (fact.get("metric_key"), fact.get("value"))
                if fact.get("value") is not None and ident not in seen:
                    seen.add(ident)
                    distinct.append(fact)
            self._valued_facts = _by_metric(distinct)
        return _merged(self._valued_facts, keys)


def child_codes(codes: list[str]) -> dict[str, list[str]]:
    """code → the sorted codes one level (two digits) below it that the printed codes hold or imply: for 201 the
    款 201xx of every printed 201xx or 201xxyy. One pass over the codes instead of one per parent."""
    found: dict[str, set[str]] = {}
    for code in codes:
        for length in range(1, len(code)):
            found.setdefault(code[:length], set()).add(code[: length + 2])
    return {code: sorted(kids) for code, kids in found.items()}


def _by_metric(facts: list[Record]) -> dict[str | None, list[tuple[int, Record]]]:
    """metric_key → (position, fact) of the facts with that key, in order."""
    found: dict[str | None, list[tuple[int, Record]]] = {}
    for position, fact in enumerate(facts):
        found.setdefault(fact.get("metric_key"), []).append((position, fact))
    return found


def _merged(by_metric: dict[str | None, list[tuple[int, Record]]], keys: Iterable[str]) -> list[Record]:
    """The facts of the given keys, in their original order."""
    groups = [by_metric[key] for key in dict.fromkeys(keys) if key in by_metric]
    if len(groups) == 1:
        return [fact for _, fact in groups[0]]
    return [fact for _, fact in sorted((pair for group in groups for pair in group), key=itemgetter(0))]
