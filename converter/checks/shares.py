"""Spending by 类 with its share (narrative class_expense / class_share facts) against its amounts and 100 %."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from converter.checks.core import (
    STATUS_ZH,
    ZERO,
    Rule,
    amount_tolerance,
    dec,
    equal,
    explained,
    finding,
    fmt,
    half_unit,
    printed_at,
    printed_at_en,
    ratio,
    rule,
)
from converter.checks.cross import coded
from converter.checks.data import Data
from converter.checks.three_public import CATEGORY_CODES
from converter.model import Finding, Record
from converter.normalize import label_key

SHARE_KEYS = ("class_expense", "class_share")


@dataclass
class ClassLine:
    item: str
    expense: Record
    share: Record | None


def class_lists(data: Data) -> list[list[ClassLine]]:
    """The 类 lists of the narrative: runs of class facts not interrupted by another figure of a 类 list."""
    runs: list[list[ClassLine]] = []
    current: list[ClassLine] = []
    for fact in data.resources.get("narrative_facts") or []:
        key = fact.get("metric_key")
        if key == "class_expense":
            current.append(ClassLine(fact.get("item") or "", fact, None))
        elif key == "class_share" and current and current[-1].item == fact.get("item") and current[-1].share is None:
            current[-1].share = fact
        elif key != "general_budget_expense" and current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def general_total(data: Data) -> tuple[Decimal, Record | None, str] | None:
    """The figure the shares are of: the narrative's 一般公共预算财政拨款支出, else the T05 total."""
    fact = next((f for f in data.fact("general_budget_expense") if f.get("value") is not None), None)
    if fact is not None:
        return dec(fact["value"]) or ZERO, fact, "情况说明一般公共预算财政拨款支出"
    value, row, _ = coded(data, "T05", None, "total")
    if value is None:
        return None
    return value, row, "公开05表合计"



@rule(
    "N18",
    "narrative",
    "情况说明 一般公共预算财政拨款支出按类列示：各类金额 = 公开05表该类合计；"
    "占比 = 该类金额 / 一般公共预算财政拨款支出",
    "Narrative general-budget spending by 类: each amount = its T05 class total; share = amount / general-budget total",
    "T05,NARR",
    tolerance="金额 max(0.05 万元, 所述精度的半个单位)；"
    "百分比 ±0.02 个百分点，或任一输入按其末位半个单位舍入所能解释的范围",
    severity="warning",
)
def n18(data: Data, r: Rule) -> Iterator[Finding]:
    total = general_total(data)
    for run in class_lists(data):
        for line in run:
            code = CATEGORY_CODES.get(label_key(line.item)) or CATEGORY_CODES.get(label_key(line.item + "支出"))
            value, row, derived = coded(data, "T05", code, "total") if code else (None, None, False)
            if value is not None:
                yield explained(
                    equal(
                        r,
                        f"narrative class_expense {line.item} vs T05 {code}",
                        f"情况说明 {line.item}支出 vs 公开05表 {code}",
                        f"narrative {line.item} vs T05 {code}",
                        expected=value,
                        printed=line.expense["value"],
                        n_terms=1,
                        source=line.expense,
                        tables="T05",
                        tolerance=max(Decimal("0.05"), half_unit(line.expense["value"])),
                    ),
                    f"情况说明（{printed_at(line.expense)}）称{line.item}支出{line.expense['value']}万元，"
                    f"公开05表{'' if row is None else '（' + printed_at(row) + '）'}该类合计为{fmt(value)}万元"
                    f"{'（由下级科目合计）' if derived else ''}",
                    f"The narrative ({printed_at_en(line.expense)}) states {line.item} spending of "
                    f"{line.expense['value']} 万元; T05 ({printed_at_en(row)}) totals that class at {fmt(value)}",
                )
            if line.share is None or total is None:
                continue
            result = ratio(
                r,
                f"narrative class_share {line.item}",
                f"{line.item} 占比 = {line.expense['value']} / {fmt(total[0])}",
                f"{line.item} share = {line.expense['value']} / {fmt(total[0])}",
                printed=line.share["value"],
                numerator=line.expense["value"],
                denominator=total[0],
                source=line.share,
                tables="NARR" if total[1] is not None and "metric_key" in total[1] else "T05",
                one_input_rounded=True,
            )
            if result is not None:
                computed = fmt((dec(line.expense["value"]) or ZERO) / total[0] * 100)
                yield explained(
                    result,
                    f"情况说明（{printed_at(line.share)}）称{line.item}支出{line.expense['value']}万元占"
                    f"{line.share['value']}%，按{total[2]}{fmt(total[0])}万元（{printed_at(total[1])}）计算为"
                    f"{fmt(round(Decimal(computed or 0), 2))}%",
                    f"The narrative ({printed_at_en(line.share)}) gives {line.item} {line.expense['value']} 万元 as "
                    f"{line.share['value']} %; of {fmt(total[0])} ({printed_at_en(total[1])}) it is "
                    f"{fmt(round(Decimal(computed or 0), 2))} %",
                )


@rule(
    "N19",
    "narrative",
    "情况说明 按类列示的占比之和 = 100%（所列各类金额合计等于一般公共预算财政拨款支出时）；否则不超过 100%",
    "Shares of the 类 listed add up to 100 % when their amounts add up to the general-budget total; else ≤ 100 %",
    "NARR",
    tolerance="n × 所印占比半个末位单位（n = 所列占比个数）",
    severity="warning",
)
def n19(data: Data, r: Rule) -> Iterator[Finding]:
    total = general_total(data)
    for run in class_lists(data):
        shares = [line.share for line in run if line.share is not None]
        if len(shares) < 2 or total is None:
            continue
        share_sum = sum((dec(s["value"]) or ZERO for s in shares), ZERO)
        amount_sum = sum((dec(line.expense["value"]) or ZERO for line in run), ZERO)
        complete = abs(amount_sum - total[0]) <= amount_tolerance(len(run))
        limit = sum((half_unit(s["value"]) for s in shares), ZERO)
        delta = share_sum - 100
        if complete:
            status = "ok" if delta == 0 else "rounding" if abs(delta) <= limit else "mismatch"
        else:
            status = "ok" if delta <= 0 else "rounding" if delta <= limit else "mismatch"
        names = "、".join(line.item for line in run)
        relation = "= 100%" if complete else "≤ 100%"
        if complete:
            why_zh = f"各类金额合计{fmt(amount_sum)}万元即{total[2]}{fmt(total[0])}万元，占比应合计100%"
            why_en = "their amounts make up the whole total, so the shares must add up to 100 %"
        else:
            why_zh, why_en = "所列各类未覆盖全部支出，占比合计不应超过100%", "the list is partial: at most 100 %"
        yield finding(
            r,
            status,
            f"narrative class_share Σ {relation}",
            f"情况说明（{printed_at(shares[0])}起）所列{len(shares)}类（{names}）占比合计{fmt(share_sum)}%，{why_zh}，"
            f"差 {fmt(delta)} 个百分点（{STATUS_ZH[status]}）",
            f"The narrative ({printed_at_en(shares[0])} on) lists {len(shares)} classes whose shares add up to "
            f"{fmt(share_sum)} %; {why_en} (difference {fmt(delta)}, {status})",
            expected=Decimal(100),
            actual=share_sum,
            source=shares[0],
        )
