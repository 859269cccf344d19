"""Year-on-year statements of the narrative: a change = this year − last year, and 持平 only for equal figures."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from converter.checks.core import (
    STATUS_ZH,
    ZERO,
    Rule,
    dec,
    equal,
    finding,
    fmt,
    printed_at,
    printed_at_en,
    round_to,
    rule,
)
from converter.checks.cross import Figure
from converter.checks.data import Data
from converter.checks.narrative import Getter, first_figure, stated, t09, t10, table_fixed, table_total
from converter.checks.three_public import t09_cell
from converter.model import Finding, Record

# metric prefix → (what it is, in words; the figures of this year, first available)
SUBJECTS: dict[str, tuple[str, tuple[Getter, ...]]] = {
    "": ("收入支出总计", (table_fixed("T01", "grand_total", "expense", "amount"), stated("total_expense"))),
    "fiscal_": (
        "财政拨款收入支出总计",
        (table_fixed("T04", "grand_total", "expense", "total"), stated("fiscal_expense_total")),
    ),
    "general_budget_": ("一般公共预算财政拨款支出", (table_total("T05", "total"), stated("general_budget_expense"))),
    "three_public_": ("“三公”经费支出", (t09("actual"), stated("three_public_actual"))),
    "operating_costs_": (
        "机关运行经费",
        (stated("operating_costs"), t10("operating_costs_admin", "operating_costs_civil_service")),
    ),
}
THREE_PUBLIC_ITEMS_ZH = {
    "overseas_travel": "因公出国（境）费",
    "vehicle_total": "公务用车购置及运行维护费",
    "vehicle_purchase": "公务用车购置费",
    "vehicle_operation": "公务用车运行维护费",
    "official_reception": "公务接待费",
}


def _t09_item(item: str) -> Getter:
    def get(data: Data) -> tuple[str, Figure]:
        return f"T09 actual {item}", t09_cell(data, "actual", item)

    return get


SUBJECTS.update(
    {
        f"three_public_{item}_": (name, (_t09_item(item), stated(f"three_public_{item}_actual")))
        for item, name in THREE_PUBLIC_ITEMS_ZH.items()
    }
)


def _keys(prefix: str) -> tuple[str, str, str]:
    """(prior-year figure, change, 持平 statement) fact keys of a subject."""
    if prefix in ("", "fiscal_"):
        return f"{prefix}prior_year_total", f"{prefix}prior_year_change_total", f"{prefix}prior_year_flat_total"
    return f"{prefix}prior_year", f"{prefix}prior_year_change", f"{prefix}prior_year_flat"


def _first(data: Data, key: str) -> Record | None:
    return next((f for f in data.fact(key) if f.get("value") is not None), None)


@rule(
    "N21",
    "narrative",
    "情况说明 同比增减额 = 本年数 − 所述上年数（收支总计、财政拨款总计、一般公共预算支出、“三公”经费、机关运行经费）",
    "Narrative year-on-year change = this year − the prior-year figure it states (totals, general budget, 三公, "
    "operating costs)",
    "NARR,T01,T04,T05,T09",
    severity="warning",
)
def n21(data: Data, r: Rule) -> Iterator[Finding]:
    for prefix, (name, currents) in SUBJECTS.items():
        prior_key, change_key, _ = _keys(prefix)
        prior, change = _first(data, prior_key), _first(data, change_key)
        current = first_figure(data, currents)
        if prior is None or change is None or current is None:
            continue
        this_year = current[1][0]
        expected = this_year - (dec(prior["value"]) or ZERO)
        result = equal(
            r,
            f"narrative {change_key}",
            f"{name}增减额 = 本年 − 上年",
            f"{name} change = this year − last year",
            expected=expected,
            printed=change["value"],
            n_terms=2,
            source=change,
            tables=current[0].split()[0],
        )
        where = current[1][1]
        result.message_zh = (
            f"情况说明（{printed_at(change)}）称{name}较上年{'增加' if expected >= 0 else '减少'}"
            f"{fmt(abs(dec(change['value']) or ZERO))}万元；"
            f"本年{fmt(this_year)}万元（{current[0]}，{printed_at(where)}）"
            f"减上年{prior['value']}万元（{printed_at(prior)}）为{fmt(expected)}万元（{result.message_zh}）"
        )
        result.message_en = (
            f"The narrative ({printed_at_en(change)}) states a change of {change['value']} in {name}; this year "
            f"{fmt(this_year)} ({current[0]}) minus last year {prior['value']} ({printed_at_en(prior)}) is "
            f"{fmt(expected)} ({result.message_en})"
        )
        yield result


@rule(
    "N22",
    "narrative",
    "情况说明 “持平”“与上年相同”只在本年数与上年数按所印精度相等时成立（所述增减额须为0；或所述上年数 = 本年数）",
    "Narrative 持平 / 与上年相同 only when this year and last year are equal at the printed precision (a stated "
    "change must be 0; a stated prior-year figure must equal this year's)",
    "NARR,T01,T04,T05,T09",
    tolerance="所印精度的半个单位",
    severity="warning",
)
def n22(data: Data, r: Rule) -> Iterator[Finding]:
    for prefix, (name, currents) in SUBJECTS.items():
        prior_key, change_key, flat_key = _keys(prefix)
        for flat in data.fact(flat_key):
            change, prior = _first(data, change_key), _first(data, prior_key)
            current = first_figure(data, currents)
            if change is not None:
                value = dec(change["value"]) or ZERO
                yield _flat_finding(
                    r,
                    flat,
                    name,
                    value == 0,
                    False,  # a printed change other than 0 moved by at least one printed unit
                    f"同时称增减额为{change['value']}万元（{printed_at(change)}）",
                    f"while stating a change of {change['value']} ({printed_at_en(change)})",
                    expected=ZERO,
                    actual=value,
                )
            elif prior is not None and current is not None:
                this_year = round_to(current[1][0], prior["value"])
                last = dec(prior["value"]) or ZERO
                yield _flat_finding(
                    r,
                    flat,
                    name,
                    current[1][0] == last,
                    this_year == last,
                    f"而本年{fmt(current[1][0])}万元（{current[0]}，{printed_at(current[1][1])}）、上年{prior['value']}"
                    f"万元（{printed_at(prior)}）",
                    f"while this year is {fmt(current[1][0])} ({current[0]}) and last year {prior['value']} "
                    f"({printed_at_en(prior)})",
                    expected=last,
                    actual=this_year,
                )
            else:
                yield finding(
                    r,
                    "not_checkable",
                    f"narrative {flat_key}",
                    f"情况说明（{printed_at(flat)}）称{name}与上年持平，但未载上年数或增减额，无法核对",
                    f"The narrative ({printed_at_en(flat)}) says {name} is level with last year but states neither "
                    "last year's figure nor the change: not checkable",
                    source=flat,
                )


def _flat_finding(
    r: Rule,
    flat: Record,
    name: str,
    holds: bool,
    within: bool,
    zh: str,
    en: str,
    *,
    expected: Decimal,
    actual: Decimal,
) -> Finding:
    status = "ok" if holds else "rounding" if within else "mismatch"
    return finding(
        r,
        status,
        f"narrative {flat.get('metric_key')}",
        f"情况说明（{printed_at(flat)}）称{name}与上年持平，{zh}（{STATUS_ZH[status]}）",
        f"The narrative ({printed_at_en(flat)}) says {name} is level with last year {en} ({status})",
        expected=expected,
        actual=actual,
        source=flat,
    )
