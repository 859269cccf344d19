"""Identities across tables (domain.md §1.4 X1–X11). An empty table (本表无数据) reads as zeros here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from converter.checks.core import (
    ZERO,
    Rule,
    amount_tolerance,
    at_most,
    dec,
    equal,
    excess_status,
    fmt,
    not_checkable,
    printed_at,
    printed_at_en,
    rule,
    sum_of,
)
from converter.checks.data import Data
from converter.checks.structure import folded
from converter.model import Finding, Record

Figure = tuple[Decimal | None, Record | None, bool]  # value, printed row, derived?


def coded(data: Data, table_id: str, code: str | None, column: str) -> Figure:
    """A coded table's figure for a 类/款/项 (code) or its total row (None); zero in an empty table."""
    if data.status(table_id) == "empty" and not data.table(table_id):
        return ZERO, None, False
    if code is None:
        row = data.total(table_id)
        return (dec(row.get(column)) if row else None), row, False
    return data.value(table_id, code, column)


def fixed(data: Data, table_id: str, key: str, side: str, column: str) -> Figure:
    row = data.item(table_id, key, side)
    return (dec(row.get(column)) if row else None), row, False


def summed(rows: list[Record | None], column: str) -> Figure | None:
    """The sum of a column over the printed rows, sourced at the first; None when none is printed."""
    printed = [row for row in rows if row]
    if not printed:
        return None
    return sum_of([row.get(column) for row in printed])[0], printed[0], False


def compare(
    r: Rule, location: str, zh: str, en: str, actual: Figure, expected: Figure, tables: str, at_most_: bool = False
) -> Iterator[Finding]:
    """actual (printed or derived) against expected; nothing when both are absent or both blank/zero."""
    values = _compared(actual, expected)
    if values is None:
        return
    a_value, e_value = values
    (_, a_row, a_derived), (_, e_row, e_derived) = actual, expected
    if a_derived or e_derived:
        zh, en = f"{zh}（含由下级推算的数）", f"{en} (a figure derived from sub-items)"
    source = a_row or e_row
    if at_most_:
        yield at_most(r, location, zh, en, bound=e_value, printed=a_value, source=source, tables=tables)
    else:
        yield equal(r, location, zh, en, expected=e_value, printed=a_value, n_terms=1, source=source, tables=tables)


def _compared(actual: Figure, expected: Figure) -> tuple[Decimal, Decimal] | None:
    """The two values `compare` compares (blank as 0); None when there is nothing to compare."""
    a_value, a_row, _ = actual
    e_value, e_row, _ = expected
    if a_value is None and e_value is None:
        return None
    if not (a_value or e_value) and (a_row is None or e_row is None):
        return None  # zero on one side and nothing printed on the other: nothing to compare
    return a_value or ZERO, e_value or ZERO


def at_most_holds(actual: Figure, expected: Figure) -> bool | None:
    """Whether `compare(…, at_most_=True)` finds ok (None: it finds nothing), without building its finding."""
    values = _compared(actual, expected)
    return None if values is None else excess_status(values[0] - values[1]) == "ok"


def total_vs_t01(data: Data, r: Rule, table_id: str, side: str) -> Iterator[Finding]:
    """A coded table's 合计 against the T01 本年收入合计 (side income) or 本年支出合计 (side expense)."""
    word = {"income": "收入", "expense": "支出"}[side]
    yield from compare(
        r,
        f"{table_id} 合计 total",
        f"公开{table_id[1:]}表合计 vs 公开01表本年{word}合计",
        f"{table_id} total vs T01 {side}",
        coded(data, table_id, None, "total"),
        fixed(data, "T01", f"total_{side}", side, "amount"),
        f"T01,{table_id}",
    )


def t01_category(data: Data, code: str) -> Figure:
    return fixed(data, "T01", f"func_{code}", "expense", "amount")


def t04_category(data: Data, code: str, column: str) -> Figure:
    return fixed(data, "T04", f"func_{code}", "expense", column)


def classes(data: Data, *sources: tuple[str, str | None]) -> list[str]:
    """类 codes used by coded tables and by func_ rows of T01/T04 (source = (table_id, side or None))."""
    found: set[str] = set()
    for table_id, side in sources:
        if side is None:
            found.update(data.categories(table_id))
        else:
            found.update(row["item_key"][5:] for row in data.items(table_id, side, "func_"))
    return sorted(found)


@rule(
    "X1",
    "cross",
    "公开02表合计 = 公开01表本年收入合计；财政拨款收入 = 公开01表第1–3行 = 公开04表本年收入合计",
    "T02 total = T01 income of the year; T02 fiscal appropriation = T01 rows 1–3 = T04 income of the year",
    "T01,T02,T04",
    needs=("T01", "T02"),
)
def x1(data: Data, r: Rule) -> Iterator[Finding]:
    yield from total_vs_t01(data, r, "T02", "income")
    keys = ("general_budget_appropriation", "government_fund_appropriation", "state_capital_appropriation")
    if rows_1_to_3 := summed([data.item("T01", key, "income") for key in keys], "amount"):
        yield from compare(
            r,
            "T02 合计 fiscal_appropriation",
            "公开02表财政拨款收入 vs 公开01表第1–3行",
            "T02 fiscal appropriation vs T01 rows 1–3",
            coded(data, "T02", None, "fiscal_appropriation"),
            rows_1_to_3,
            "T01,T02",
        )
    if not data.missing("T04"):
        yield from compare(
            r,
            "T02 合计 fiscal_appropriation",
            "公开02表财政拨款收入 vs 公开04表本年收入合计",
            "T02 fiscal appropriation vs T04 income",
            coded(data, "T02", None, "fiscal_appropriation"),
            fixed(data, "T04", "total_income", "income", "total"),
            "T02,T04",
        )


@rule(
    "X2",
    "cross",
    "公开03表合计 = 公开01表本年支出合计；每类 公开03表 = 公开01表对应功能类",
    "T03 total = T01 expense of the year; per 类, T03 = the T01 category row",
    "T01,T03",
    needs=("T01", "T03"),
)
def x2(data: Data, r: Rule) -> Iterator[Finding]:
    yield from total_vs_t01(data, r, "T03", "expense")
    for code in classes(data, ("T03", None), ("T01", "expense")):
        yield from compare(
            r,
            f"T03 {code} total",
            f"公开03表 {code} vs 公开01表功能类",
            f"T03 {code} vs T01 category",
            coded(data, "T03", code, "total"),
            t01_category(data, code),
            "T01,T03",
        )


@rule(
    "X3",
    "cross",
    "每类 公开04表合计 ≤ 公开03表本年支出合计（财政拨款不超过全部支出）",
    "Per 类, T04 total ≤ T03 total (fiscal money cannot exceed all money)",
    "T03,T04",
    severity="warning",
    needs=("T03", "T04"),
)
def x3(data: Data, r: Rule) -> Iterator[Finding]:
    for code in classes(data, ("T04", "expense")):
        yield from compare(
            r,
            f"T04 {code} total",
            f"公开04表 {code} 合计 ≤ 公开03表",
            f"T04 {code} total ≤ T03",
            t04_category(data, code, "total"),
            coded(data, "T03", code, "total"),
            "T03,T04",
            True,
        )


@dataclass(frozen=True)
class Total:
    """A T04 figure (key, side, column) against the total row of the other table (other_column)."""

    location: str
    zh: str
    en: str
    key: str
    side: str
    column: str
    other_column: str


@dataclass(frozen=True)
class Column:
    """A T04 expense column checked per 类 against another table, and one total of it (optional)."""

    other: str  # the other table
    column: str  # the T04 column
    other_column: str  # the other table's column, per 类
    label_zh: str
    label_en: str
    total: Total | None = None


def _column_rule(rule_id: str, zh: str, en: str, spec: Column) -> None:
    tables = f"T04,{spec.other}"

    @rule(rule_id, "cross", zh, en, tables, needs=("T04", spec.other))
    def run(data: Data, r: Rule) -> Iterator[Finding]:
        for code in classes(data, ("T04", "expense"), (spec.other, None)):
            yield from compare(
                r,
                f"T04 {code} {spec.column}",
                f"公开04表 {code} {spec.label_zh} vs {spec.other}",
                f"T04 {code} {spec.label_en} vs {spec.other}",
                t04_category(data, code, spec.column),
                coded(data, spec.other, code, spec.other_column),
                tables,
            )
        if total := spec.total:
            yield from compare(
                r,
                total.location,
                total.zh,
                total.en,
                fixed(data, "T04", total.key, total.side, total.column),
                coded(data, spec.other, None, total.other_column),
                tables,
            )


_column_rule(
    "X4",
    "公开04表一般公共预算栏 每类及本年支出合计 = 公开05表",
    "T04 general-budget column, per 类 and in total = T05",
    Column(
        "T05",
        "general_budget",
        "total",
        "一般公共预算",
        "general budget",
        Total(
            "T04 total_expense general_budget",
            "公开04表本年支出合计（一般公共预算）vs 公开05表合计",
            "T04 expense (general budget) vs T05 total",
            key="total_expense",
            side="expense",
            column="general_budget",
            other_column="total",
        ),
    ),
)
_column_rule(
    "X5",
    "公开04表政府性基金栏 每类 = 公开07表本年支出小计；政府性基金收入 = 公开07表本年收入合计",
    "T04 government-fund column per 类 = T07 expense; T04 fund income = T07 income total",
    Column(
        "T07",
        "government_fund",
        "expense_total",
        "政府性基金",
        "government fund",
        Total(
            "T04 government_fund income",
            "公开04表政府性基金收入 vs 公开07表本年收入",
            "T04 fund income vs T07 income",
            key="government_fund",
            side="income",
            column="total",
            other_column="income",
        ),
    ),
)
_column_rule(
    "X6",
    "公开04表国有资本经营栏 每类 = 公开08表本年支出合计",
    "T04 state-capital column per 类 = T08 expense",
    Column("T08", "state_capital", "total", "国有资本经营", "state capital"),
)


@rule(
    "X7",
    "cross",
    "每个代码 公开05表 ≤ 公开03表（小计、基本支出、项目支出）",
    "Per code, T05 ≤ T03 (total, basic, project)",
    "T03,T05",
    severity="warning",
    needs=("T03", "T05"),
)
def x7(data: Data, r: Rule) -> Iterator[Finding]:
    for row in data.table("T05"):
        code = row.get("code")
        name = code or "合计"
        checked, off = False, []
        for column in ("total", "basic", "project"):
            actual, bound = (dec(row.get(column)), row, False), coded(data, "T03", code, column)
            holds = at_most_holds(actual, bound)
            checked = checked or holds is not None
            if holds is False:
                off.extend(
                    compare(
                        r,
                        f"T05 {name} {column}",
                        f"公开05表 {name} {column} ≤ 公开03表",
                        f"T05 {name} {column} ≤ T03",
                        actual,
                        bound,
                        "T03,T05",
                        True,
                    )
                )
        yield from folded(r, off, checked, f"T05 {name}", f"公开05表 {name} ≤ 公开03表", f"T05 {name} ≤ T03", row)


def t06_total(data: Data, category: str) -> Record | None:
    return next(
        (row for row in data.table("T06") if row.get("level") == "total" and row.get("category") == category), None
    )


@rule(
    "X8",
    "cross",
    "公开06表 人员经费合计 + 公用经费合计 = 公开05表合计的基本支出",
    "T06 personnel + public totals = T05 total basic expense",
    "T05,T06",
    needs=("T05", "T06"),
)
def x8(data: Data, r: Rule) -> Iterator[Finding]:
    totals = summed([t06_total(data, "personnel"), t06_total(data, "public")], "amount")
    if totals is None:
        return
    yield from compare(
        r,
        "T06 personnel+public",
        "公开06表人员经费+公用经费 vs 公开05表基本支出",
        "T06 personnel + public vs T05 basic",
        totals,
        coded(data, "T05", None, "basic"),
        "T05,T06",
    )


X9_PAIRS = (
    (("30217",), "official_reception", "公务接待费"),
    (("30231",), "vehicle_operation", "公务用车运行维护费"),
    (("30212",), "overseas_travel", "因公出国（境）费用"),
    (("31013", "30913"), "vehicle_purchase", "公务用车购置"),
)


@rule(
    "X9",
    "cross",
    "公开06表 30217/30231/30212/31013+30913 ≤ 公开09表对应决算数（06表只含基本支出）",
    "T06 reception/vehicle/overseas items ≤ the T09 actuals (T06 covers basic expense only)",
    "T06,T09",
    severity="warning",
    needs=("T06", "T09"),
)
def x9(data: Data, r: Rule) -> Iterator[Finding]:
    actual = next((row for row in data.table("T09") if row.get("measure") == "actual"), None)
    rows = {row.get("econ_code"): row for row in data.table("T06") if row.get("econ_code")}
    for codes, column, label in X9_PAIRS:
        printed = [rows[code] for code in codes if code in rows]
        if not printed:
            continue
        value, count = sum_of([row.get("amount") for row in printed])
        if count == 0:
            continue
        bound = (dec(actual.get(column)) if actual else None) or ZERO
        yield at_most(
            r,
            f"T06 {'+'.join(codes)}",
            f"公开06表{label} ≤ 公开09表决算数",
            f"T06 {column} ≤ T09 actual",
            bound=bound,
            printed=value,
            source=printed[0],
        )


def unit_kind(data: Data) -> str | None:
    """"pure" (only 行政 and 参公 units), "mixed" (other 事业单位 included) or None (the report does not say)."""
    report = (data.resources.get("reports") or [{}])[0]
    others = report.get("institution_units")
    if others is not None:
        return "mixed" if others > 0 else "pure"
    if report.get("admin_units") is not None or report.get("civil_service_units") is not None:
        return "pure"
    return None


@rule(
    "X10",
    "cross",
    "机关运行经费（公开10表第5+6行，或情况说明）= 公开06表公用经费合计（仅行政、参公单位）；含其他事业单位时 ≤；"
    "单位类型未载而两数不等时无法核对",
    "Operating costs (T10 rows 5+6, or the narrative) = T06 public total for administrative and 参公 units only; ≤ "
    "when other 事业单位 are included; not checkable when the unit types are unknown and the figures differ",
    "T06,T10",
    severity="warning",
    needs=("T06",),
)
def x10(data: Data, r: Rule) -> Iterator[Finding]:
    public = t06_total(data, "public")
    if public is None:
        return
    kind = unit_kind(data)
    bound = dec(public.get("amount")) or ZERO
    stats = data.stats_in_wan()
    for origin in ("table", "narrative"):
        rows = [
            row
            for row in stats
            if row.get("origin", "table") == origin
            and row.get("item_key") in ("operating_costs_admin", "operating_costs_civil_service", "operating_costs")
        ]
        if not rows or all(row.get("value") is None for row in rows):
            continue
        value, _ = sum_of([row.get("value") for row in rows])
        where = "T10" if origin == "table" else "narrative"
        both = (
            f"机关运行经费{fmt(value)}万元（{printed_at(rows[0])}），"
            f"公开06表公用经费合计{fmt(bound)}万元（{printed_at(public)}）"
        )
        both_en = (
            f"operating costs {fmt(value)} ({printed_at_en(rows[0])}), "
            f"T06 public total {fmt(bound)} ({printed_at_en(public)})"
        )
        below = bound - value > amount_tolerance(len(rows))
        if kind == "mixed" or (kind is None and value > bound):
            result = at_most(
                r,
                f"{where} operating_costs",
                f"{where} 机关运行经费 ≤ 公开06表公用经费合计",
                f"{where} operating costs ≤ T06 public total",
                bound=bound,
                printed=value,
                source=rows[0],
            )
        elif kind is None and below:
            result = not_checkable(
                r,
                f"{where} operating_costs",
                f"{both}；报告未载所含单位类型，机关运行经费可能只含行政、参公单位，无法判断是否应相等",
                f"{both_en}; the report does not state its unit types, so whether they must be equal is unknown",
            )
            result.source_line, result.source_page = rows[0].get("source_line"), rows[0].get("source_page")
            yield result
            continue
        else:
            result = equal(
                r,
                f"{where} operating_costs",
                f"{where} 机关运行经费 vs 公开06表公用经费合计",
                f"{where} operating costs vs T06 public total",
                expected=bound,
                printed=value,
                n_terms=len(rows),
                source=rows[0],
            )
        result.message_zh = f"{both}（{result.message_zh}）"
        result.message_en = f"{both_en} ({result.message_en})"
        yield result


@rule(
    "X11",
    "cross",
    "三公说明的公务用车保有量 ≤ 车辆数合计（公开10表或国有资产说明）",
    "Vehicles held (三公 narrative) ≤ all vehicles (T10 or the assets narrative)",
    "T10",
    severity="warning",
)
def x11(data: Data, r: Rule) -> Iterator[Finding]:
    held = [row for row in data.resources.get("three_public_quantities") or [] if row.get("vehicles_held") is not None]
    totals = [row for row in data.resources.get("disclosure_stats") or [] if row.get("item_key") == "vehicles_total"]
    if not held:
        return
    if not totals:
        yield not_checkable(
            r,
            "vehicles_total",
            "未载车辆数合计，无法核对公务用车保有量",
            "No vehicle total stated; vehicles held not checkable",
        )
        return
    for total in totals:
        yield at_most(
            r,
            f"{total.get('origin', 'table')} vehicles_total",
            "公务用车保有量 ≤ 车辆数合计",
            "vehicles held ≤ all vehicles",
            bound=dec(total.get("value")) or ZERO,
            printed=held[0]["vehicles_held"],
            source=held[0],
        )
