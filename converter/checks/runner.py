"""Run every registered rule over one report's records."""

from __future__ import annotations

from functools import lru_cache

from converter.checks import (  # noqa: F401
    changes,
    cross,
    intra,
    narrative,
    performance,
    procurement,
    shares,
    structure,
    three_public,
    wording,
)
from converter.checks.core import RULES, Rule
from converter.checks.data import Data
from converter.model import Finding, Record

GROUP_ORDER = ("intra", "structure", "cross", "narrative", "performance")


def ordered_rules() -> list[Rule]:
    """Rules by group, then by id in natural order (X2 before X10)."""
    return list(_ordered(len(RULES)))


@lru_cache(maxsize=4)  # sorted once per process; keyed by the count so a rule registered later is not missed
def _ordered(count: int) -> tuple[Rule, ...]:
    return tuple(sorted(RULES.values(), key=lambda r: (GROUP_ORDER.index(r.group), r.id[0], int(r.id[1:]))))


def run_checks(resources: dict[str, list[Record]]) -> list[Finding]:
    """Findings of every rule: one per identity instance (ok, rounding, mismatch or not_checkable).

    A mismatch on a row where the converter already reported an unreadable cell (an EXTRACT finding in
    resources["findings"] at the same source line), or over a table the reader left a printed figure out of (an
    EXTRACT finding names the table: a blank there, or a row not there, may be a figure not read, never 0), becomes
    not_checkable: the figure was not read, not misprinted.
    """
    data = Data(resources)
    unreadable = {
        row.get("source_line")
        for row in resources.get("findings") or []
        if row.get("rule_id") == "EXTRACT" and row.get("source_line") is not None
    }
    findings: list[Finding] = []
    for rule in ordered_rules():
        try:
            results = list(rule.run(data, rule))
        except (ArithmeticError, KeyError, TypeError, ValueError) as exc:
            results = [
                Finding(
                    rule_id=rule.id,
                    status="not_checkable",
                    severity="warning",
                    tables=rule.tables,
                    message_zh=f"规则无法执行：{exc!r}",
                    message_en=f"Rule could not run: {exc!r}",
                )
            ]
        for result in results:
            if result.status == "mismatch" and result.source_line in unreadable:
                result.status, result.severity = "not_checkable", "info"
                result.message_zh += "（该行有未能读取的单元格）"
                result.message_en += " (a cell of this row could not be read)"
            elif result.status == "mismatch" and (unread := data.incomplete(result.tables)):
                names = ",".join(unread)
                result.status, result.severity = "not_checkable", "info"
                result.message_zh += f"（{names} 有未能读取的数字，空白不按0计）"
                result.message_en += f" ({names}: a printed figure could not be read, a blank is not read as 0)"
            findings.append(result)
    return findings
