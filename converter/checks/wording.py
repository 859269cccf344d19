"""What the narrative says against the figures it states itself (domain.md §1.4 N5 and the 公开10表 subjects).

Budget lines are the item_budget / item_expense / item_completion_rate / item_comparison facts of
`converter.narrative.facts` (one line starts at its item_budget); shares are the facts whose key ends in `_share`;
statements of absence are no_procurement / no_state_assets facts and self-evaluation indicators whose text says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from converter import lazy_re
from converter.checks.core import ZERO, Rule, amount_tolerance, dec, finding, fmt, ratio, rule
from converter.checks.data import Data
from converter.checks.three_public import T09_ITEMS
from converter.model import Finding, Record
from converter.normalize import to_halfwidth

SIGN_ZH = {1: "大于", -1: "小于", 0: "等于"}
SIGN_EN = {1: "above", -1: "below", 0: "equal to"}
COVERED_RATES = ("general_budget_completion_rate", "three_public_completion_rate")  # checked by N5 / N7
ITEM_RATES = tuple(f"three_public_{item}_completion_rate" for item in T09_ITEMS)  # checked by N16


@dataclass
class BudgetLine:
    """One "预算 B 万元，支出决算 A 万元[，完成预算的 P%]" of the prose and the wording that compares A with B."""

    budget: Record
    expense: Record | None = None
    rate: Record | None = None
    comparison: Record | None = None


PARTS = {"item_expense": "expense", "item_completion_rate": "rate", "item_comparison": "comparison"}


def budget_lines(data: Data) -> list[BudgetLine]:
    lines: list[BudgetLine] = []
    for fact in data.resources.get("narrative_facts") or []:
        key = fact.get("metric_key")
        if key == "item_budget":
            lines.append(BudgetLine(fact))
        elif key in PARTS and lines:
            setattr(lines[-1], PARTS[key], fact)
    return lines


def _where(fact: Record) -> str:
    return f"第{fact.get('source_line')}行" if fact.get("source_line") else "原文"


def _sign(value: Decimal) -> int:
    return (value > 0) - (value < 0)


@rule(
    "N11",
    "narrative",
    "情况说明 “决算数大于/小于/等于预算数”的表述 = 同一项所列决算数与预算数的大小关系",
    "Narrative wording 决算数大于/小于/等于预算数 agrees with the expense and budget it states for the same line",
    "NARR",
    tolerance="大小关系须相符；“一致/持平”允许 0.05 万元",
    severity="warning",
)
def n11(data: Data, r: Rule) -> Iterator[Finding]:
    for line in budget_lines(data):
        if line.expense is None or line.comparison is None:
            continue
        budget, expense = dec(line.budget["value"]), dec(line.expense["value"])
        if budget is None or expense is None:
            continue
        stated, delta = int(line.comparison["value"]), expense - budget
        if stated == _sign(delta):
            status = "ok"
        elif stated == 0 and abs(delta) <= amount_tolerance(1):
            status = "rounding"
        else:
            status = "mismatch"
        yield finding(
            r,
            status,
            "narrative item_comparison",
            f"情况说明称决算数{SIGN_ZH[stated]}预算数，所列支出决算 {fmt(expense)}、预算 {fmt(budget)}"
            f"（{_where(line.budget)}），差 {fmt(delta)}",
            f"the narrative says the expense is {SIGN_EN[stated]} the budget; the line states expense "
            f"{fmt(expense)} and budget {fmt(budget)} (line {line.budget.get('source_line')}), difference "
            f"{fmt(delta)}",
            expected=budget,
            actual=expense,
            source=line.comparison,
        )


@rule(
    "N12",
    "narrative",
    "情况说明 每项（类、款、项，三公各项，项目）完成预算% = 所列决算数 / 所列预算数",
    "Narrative completion % of every budget line = the expense / the budget it states",
    "NARR",
    tolerance="±0.02 个百分点，或任一所列数按其末位半个单位舍入所能解释的范围（两数同句印出，% 由其算得）",
    severity="warning",
)
def n12(data: Data, r: Rule) -> Iterator[Finding]:
    covered = {(f.get("source_line"), f.get("sentence")) for f in data.fact(*COVERED_RATES, *ITEM_RATES)}
    for line in budget_lines(data):
        if line.expense is None or line.rate is None:
            continue
        if (line.rate.get("source_line"), line.rate.get("sentence")) in covered:
            continue
        if dec(line.budget["value"]) == 0:
            yield finding(
                r,
                "not_checkable",
                "narrative item_completion_rate",
                f"预算为 {line.budget['value']}，完成率 {line.rate['value']} 无从计算",
                f"budget {line.budget['value']}: completion rate {line.rate['value']} cannot be computed",
                source=line.rate,
            )
            continue
        result = ratio(
            r,
            "narrative item_completion_rate",
            "情况说明 完成预算% = 支出决算 / 预算",
            "narrative completion % = expense / budget",
            printed=line.rate["value"],
            numerator=line.expense["value"],
            denominator=line.budget["value"],
            source=line.rate,
            one_input_rounded=True,
        )
        if result is not None:
            yield result


@rule(
    "N13",
    "narrative",
    "情况说明 占比（占合计、总额的%）不超过 100%",
    "A share of a total the narrative states is at most 100 %",
    "NARR",
    tolerance="exact",
    severity="warning",
)
def n13(data: Data, r: Rule) -> Iterator[Finding]:
    for fact in data.resources.get("narrative_facts") or []:
        share = dec(fact.get("value"))
        if not (fact.get("metric_key") or "").endswith("_share") or share is None:
            continue
        status = "ok" if share <= 100 else "mismatch"
        yield finding(
            r,
            status,
            f"narrative {fact['metric_key']} ≤ 100%",
            f"情况说明 {fact['metric_key']}：占比 {fmt(share)}% 不应超过 100%",
            f"narrative {fact['metric_key']}: a share of {fmt(share)} % must not exceed 100 %",
            expected=Decimal(100),
            actual=share,
            source=fact,
        )


@dataclass(frozen=True)
class Absence:
    """A subject a report may say it has none of, and the figures that say otherwise (narrative facts, T10 rows)."""

    statement: str  # the narrative fact key of "无…"
    words: re.Pattern[str]  # the same statement in other text (self-evaluation indicators)
    subject_zh: str
    figures: tuple[str, ...]


ABSENCES = (
    Absence(
        "no_procurement",
        lazy_re.compile(r"无政府采购"),
        "政府采购",
        ("procurement_total", "procurement_goods", "procurement_works", "procurement_services"),
    ),
    Absence("no_state_assets", lazy_re.compile(r"无国有资产占用"), "国有资产", ("vehicles_total", "equipment_over_1m")),
)
INDICATOR_TEXT = ("deviation_note", "actual", "name")


def _statements(data: Data, absence: Absence) -> Iterator[tuple[Record, str]]:
    """(record, what it says) of every statement that there is none."""
    for fact in data.fact(absence.statement):
        yield fact, f"情况说明（{_where(fact)}）“{fact.get('sentence')}”"
    for indicator in data.resources.get("performance_indicators") or []:
        for field in INDICATOR_TEXT:
            text = indicator.get(field) or ""
            if absence.words.search(re.sub(r"\s+", "", to_halfwidth(text))):
                yield indicator, f"绩效自评指标“{indicator.get('name')}”（{_where(indicator)}）“{text}”"
                break


def _figures(data: Data, absence: Absence) -> list[tuple[Record, str, Decimal]]:
    """(record, label, value) of every figure on the subject: the narrative's, then 公开10表's."""
    facts = [(f, f"情况说明 {f['metric_key']}", dec(f.get("value"))) for f in data.fact(*absence.figures)]
    rows = [
        (row, f"T10 {row['item_key']}", dec(row.get("value")))
        for row in data.table("T10")
        if row.get("item_key") in absence.figures
    ]
    return [(record, label, value) for record, label, value in facts + rows if value is not None]


@rule(
    "N14",
    "narrative",
    "“无政府采购”“无国有资产占用”的表述与所列政府采购金额、车辆及大型设备数相符",
    "Statements of no procurement or no state assets agree with the procurement amounts, vehicles and equipment stated",
    "NARR,T10,PERF",
    tolerance="exact",
    severity="warning",
)
def n14(data: Data, r: Rule) -> Iterator[Finding]:
    for absence in ABSENCES:
        figures = _figures(data, absence)
        if not figures:
            continue
        record, label, value = max(figures, key=lambda figure: figure[2])
        for statement, says in _statements(data, absence):
            status = "ok" if value == 0 else "mismatch"
            yield finding(
                r,
                status,
                f"{absence.statement} vs {label}",
                f"{says}称无{absence.subject_zh}，而{label} 为 {fmt(value)}（{_where(record)}）",
                f"the report says there is no {absence.statement.removeprefix('no_')} but {label} is {fmt(value)} "
                f"(line {record.get('source_line')})",
                expected=ZERO,
                actual=value,
                source=statement,
            )
