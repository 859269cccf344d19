"""Narrative (情况说明) figures against the tables (domain.md §1.4 N1–N10).

Facts are `narrative_facts` records keyed by the metric keys of `converter.narrative.facts` (total_income = 收入总计,
income_year_total = 本年收入合计, fiscal_* = 财政拨款, general_budget_* = 一般公共预算 …). A ratio the narrative
states (a share, a completion rate, a year-on-year change) is recomputed from the tables where they are present,
else from the figures the narrative itself states.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

from converter.checks.core import (
    ZERO,
    Rule,
    dec,
    equal,
    fact_in_wan,
    fact_tolerance,
    finding,
    fmt,
    half_unit,
    printed_at,
    printed_at_en,
    ratio,
    rule,
    sum_of,
)
from converter.checks.cross import Figure, coded, fixed, t06_total
from converter.checks.data import Data
from converter.checks.performance import GRADES, evaluations
from converter.model import Finding, Record

Getter = Callable[[Data], tuple[str, Figure]]  # → (label, figure)


def table_fixed(table_id: str, key: str, side: str, column: str) -> Getter:
    return lambda data: (f"{table_id} {side} {key}", fixed(data, table_id, key, side, column))


def table_total(table_id: str, column: str) -> Getter:
    return lambda data: (f"{table_id} 合计 {column}", coded(data, table_id, None, column))


def t06(category: str) -> Getter:
    def get(data: Data) -> tuple[str, Figure]:
        row = t06_total(data, category)
        return f"T06 {category}_total", ((dec(row.get("amount")) if row else None), row, False)

    return get


def t09(measure: str) -> Getter:
    def get(data: Data) -> tuple[str, Figure]:
        if data.status("T09") == "empty" and not data.table("T09"):
            return f"T09 {measure} total", (ZERO, None, False)
        row = next((row for row in data.table("T09") if row.get("measure") == measure), None)
        return f"T09 {measure} total", ((dec(row.get("total")) if row else None), row, False)

    return get


def t10(*keys: str) -> Getter:
    def get(data: Data) -> tuple[str, Figure]:
        rows = [row for row in data.table("T10") if row.get("item_key") in keys]
        value = sum_of([row.get("value") for row in rows])[0] if rows else None
        return f"T10 {'+'.join(keys)}", (value, rows[0] if rows else None, False)

    return get


def stated(key: str) -> Getter:
    """A figure the narrative itself states (its first fact with that key), in 万元."""

    def get(data: Data) -> tuple[str, Figure]:
        fact = next((f for f in data.fact(key) if f.get("value") is not None), None)
        return f"narrative {key}", ((fact_in_wan(fact) if fact else None), fact, False)

    return get


AMOUNT_FACTS: dict[str, tuple[str, Getter]] = {
    "total_income": ("N1", table_fixed("T01", "grand_total", "income", "amount")),
    "total_expense": ("N1", table_fixed("T01", "grand_total", "expense", "amount")),
    "income_year_total": ("N1", table_fixed("T01", "total_income", "income", "amount")),
    "expense_year_total": ("N1", table_fixed("T01", "total_expense", "expense", "amount")),
    "fiscal_appropriation_income": ("N2", table_total("T02", "fiscal_appropriation")),
    "basic_expense": ("N3", table_total("T03", "basic")),
    "project_expense": ("N3", table_total("T03", "project")),
    "fiscal_income_total": ("N4", table_fixed("T04", "grand_total", "income", "total")),
    "fiscal_expense_total": ("N4", table_fixed("T04", "grand_total", "expense", "total")),
    "general_budget_expense": ("N5", table_total("T05", "total")),
    "general_budget_basic_expense": ("N6", table_total("T05", "basic")),
    "personnel_expense": ("N6", t06("personnel")),
    "public_expense": ("N6", t06("public")),
    "three_public_budget": ("N7", t09("budget")),
    "three_public_actual": ("N7", t09("actual")),
    "procurement_total": ("N8", t10("procurement_total")),
    "operating_costs": ("N8", t10("operating_costs_admin", "operating_costs_civil_service")),
}

METRIC_ZH = {  # how a reader names each figure
    "total_income": "收入总计",
    "total_expense": "支出总计",
    "income_year_total": "本年收入合计",
    "expense_year_total": "本年支出合计",
    "fiscal_appropriation_income": "财政拨款收入",
    "basic_expense": "基本支出",
    "project_expense": "项目支出",
    "fiscal_income_total": "财政拨款收入总计",
    "fiscal_expense_total": "财政拨款支出总计",
    "general_budget_expense": "一般公共预算财政拨款支出",
    "general_budget_basic_expense": "一般公共预算财政拨款基本支出",
    "personnel_expense": "人员经费",
    "public_expense": "公用经费",
    "three_public_budget": "“三公”经费预算数",
    "three_public_actual": "“三公”经费决算数",
    "procurement_total": "政府采购金额",
    "operating_costs": "机关运行经费",
}

# stated % → (rule, numerator sources, denominator sources); the first source with a figure is used
RATIO_FACTS: dict[str, tuple[str, tuple[Getter, ...], tuple[Getter, ...]]] = {
    "fiscal_appropriation_income_share": (
        "N2",
        (table_total("T02", "fiscal_appropriation"), stated("fiscal_appropriation_income")),
        (table_total("T02", "total"), stated("income_year_total")),
    ),
    "basic_expense_share": (
        "N3",
        (table_total("T03", "basic"), stated("basic_expense")),
        (table_total("T03", "total"), stated("expense_year_total")),
    ),
    "project_expense_share": (
        "N3",
        (table_total("T03", "project"), stated("project_expense")),
        (table_total("T03", "total"), stated("expense_year_total")),
    ),
    "general_budget_completion_rate": (
        "N5",
        (table_total("T05", "total"), stated("general_budget_expense")),
        (stated("general_budget_initial_budget"),),
    ),
    "general_budget_expense_share": (
        "N5",
        (table_total("T05", "total"), stated("general_budget_expense")),
        (table_fixed("T01", "total_expense", "expense", "amount"), stated("expense_year_total")),
    ),
    "three_public_completion_rate": (
        "N7",
        (t09("actual"), stated("three_public_actual")),
        (t09("budget"), stated("three_public_budget")),
    ),
    "procurement_sme_share": ("N8", (stated("procurement_sme"),), (stated("procurement_total"),)),
}

# stated year-on-year % → (change, current figure sources): % = |change| / (current − change)
CHANGE_FACTS: dict[str, tuple[str, tuple[Getter, ...]]] = {
    "prior_year_change_rate": (
        "prior_year_change_total",
        (table_fixed("T01", "grand_total", "expense", "amount"), stated("total_expense"), stated("total_income")),
    ),
    "fiscal_prior_year_change_rate": (
        "fiscal_prior_year_change_total",
        (
            table_fixed("T04", "grand_total", "expense", "total"),
            stated("fiscal_expense_total"),
            stated("fiscal_income_total"),
        ),
    ),
    "general_budget_prior_year_change_rate": (
        "general_budget_prior_year_change",
        (table_total("T05", "total"), stated("general_budget_expense")),
    ),
    "operating_costs_prior_year_change_rate": (
        "operating_costs_prior_year_change",
        (stated("operating_costs"), t10("operating_costs_admin", "operating_costs_civil_service")),
    ),
}


def first_figure(data: Data, getters: tuple[Getter, ...]) -> tuple[str, Figure] | None:
    for get in getters:
        label, figure = get(data)
        if figure[0] is not None:
            return label, figure
    return None


def keys_by_rule(table: dict[str, tuple]) -> dict[str, tuple[str, ...]]:
    """rule id → the metric keys of a fact table (AMOUNT_FACTS, RATIO_FACTS: key → (rule id, …)) that rule checks."""
    found: dict[str, tuple[str, ...]] = {}
    for key, (rule_id, *_) in table.items():
        found[rule_id] = (*found.get(rule_id, ()), key)
    return found


AMOUNT_KEYS = keys_by_rule(AMOUNT_FACTS)
RATIO_KEYS = keys_by_rule(RATIO_FACTS)


def _amount_rule(data: Data, r: Rule) -> Iterator[Finding]:
    for fact in data.distinct_facts(AMOUNT_KEYS.get(r.id, ())):  # this rule's keys only
        _, get = AMOUNT_FACTS[fact["metric_key"]]
        label, (value, row, _) = get(data)
        tables, key = label.split()[0], fact["metric_key"]
        where = f"narrative {key} vs {label}"
        if value is None and row is None:
            yield finding(
                r,
                "not_checkable",
                where,
                f"情况说明 {key}：{label} 缺失或未提取，无法核对",
                f"narrative {key}: {label} unavailable; not checkable",
                source=fact,
                tables=tables,
            )
            continue
        limit = fact_tolerance(fact)
        result = equal(
            r,
            where,
            f"情况说明 {key} vs {label}",
            f"narrative {key} vs {label}",
            expected=value or ZERO,
            printed=fact_in_wan(fact),
            n_terms=1,
            source=fact,
            tables=tables,
            tolerance=limit,
        )
        name = METRIC_ZH.get(key, key)
        result.message_zh = (
            f"情况说明（{printed_at(fact)}）称{name}{fact['value']}{fact.get('unit') or '万元'}，"
            f"公开{tables[1:]}表（{printed_at(row)}）"
            f"为{fmt(value or ZERO)}万元（{result.message_zh}）"
        )
        result.message_en = (
            f"The narrative ({printed_at_en(fact)}) states {key} = {fact['value']}; {label} ({printed_at_en(row)}) "
            f"is {fmt(value or ZERO)} ({result.message_en})"
        )
        yield result


def _ratio_rule(data: Data, r: Rule) -> Iterator[Finding]:
    for fact in data.distinct_facts(RATIO_KEYS.get(r.id, ())):  # this rule's keys only
        _, numerators, denominators = RATIO_FACTS[fact["metric_key"]]
        key = fact["metric_key"]
        numerator, denominator = first_figure(data, numerators), first_figure(data, denominators)
        if numerator is None or denominator is None:
            yield finding(
                r,
                "not_checkable",
                f"narrative {key}",
                f"情况说明 {key}：缺少计算所需的数，无法核对",
                f"narrative {key}: an input is unavailable; not checkable",
                source=fact,
            )
            continue
        tables = ",".join(sorted({label.split()[0] for label in (numerator[0], denominator[0])}))
        result = ratio(
            r,
            f"narrative {key}",
            f"情况说明 {key} = {numerator[0]} / {denominator[0]}",
            f"narrative {key} = {numerator[0]} / {denominator[0]}",
            printed=fact["value"],
            numerator=numerator[1][0],
            denominator=denominator[1][0],
            source=fact,
            tables=tables,
        )
        if result is not None:
            yield result


def _change_rule(data: Data, r: Rule) -> Iterator[Finding]:
    for fact in data.distinct_facts(CHANGE_FACTS):
        change_key, currents = CHANGE_FACTS[fact["metric_key"]]
        change = next((f for f in data.fact(change_key) if f.get("value") is not None), None)
        current = first_figure(data, currents)
        if change is None or current is None:
            continue
        delta = dec(change["value"])
        result = ratio(
            r,
            f"narrative {fact['metric_key']}",
            f"情况说明 {fact['metric_key']}（增减额 / 上年数）",
            f"narrative {fact['metric_key']} (change / prior year)",
            printed=abs(dec(fact["value"])),
            numerator=abs(delta),
            denominator=current[1][0] - delta,
            source=fact,
            tables=current[0].split()[0],
        )
        if result is not None:
            yield result


def _narrative_rule(rule_id: str, zh: str, en: str, tables: str) -> None:
    @rule(
        rule_id,
        "narrative",
        zh,
        en,
        tables,
        tolerance="max(0.05 万元, 所述精度的半个单位)；百分比 ±0.02",
        severity="warning",
    )
    def run(data: Data, r: Rule) -> Iterator[Finding]:
        yield from _amount_rule(data, r)
        yield from _ratio_rule(data, r)
        if r.id == "N1":
            yield from _change_rule(data, r)


_narrative_rule(
    "N1",
    "情况说明 收入/支出 总计、本年合计 = 公开01表；同比增减% = 增减额 / 上年数（上年数 = 本年 − 增减额；"
    "亦适用于财政拨款、一般公共预算、机关运行经费）",
    "Narrative totals = T01; year-on-year % = change / (current − change), also for fiscal, general-budget and "
    "operating-cost changes",
    "T01,T04,T05",
)
_narrative_rule("N2", "情况说明 财政拨款收入及其占比 = 公开02表", "Narrative fiscal income and its share = T02", "T02")
_narrative_rule(
    "N3", "情况说明 基本支出、项目支出及其占比 = 公开03表", "Narrative basic/project expense and shares = T03", "T03"
)
_narrative_rule("N4", "情况说明 财政拨款收支总计 = 公开04表总计", "Narrative fiscal totals = T04 grand totals", "T04")
_narrative_rule(
    "N5",
    "情况说明 一般公共预算财政拨款支出 = 公开05表合计；完成年初预算% = 决算 / 年初预算；"
    "占本年支出合计% = 公开05表合计 / 公开01表本年支出合计",
    "Narrative general-budget expense = T05 total; completion % = expense / initial budget; share = T05 / T01 expense",
    "T01,T05",
)
_narrative_rule(
    "N6",
    "情况说明 基本支出、人员经费、公用经费 = 公开05表基本支出、公开06表合计",
    "Narrative basic, personnel and public expense = T05 basic, T06 totals",
    "T05,T06",
)
_narrative_rule(
    "N7", "情况说明 “三公”经费预算数、决算数、完成% = 公开09表", "Narrative 三公 budget, actual, rate = T09", "T09"
)
_narrative_rule(
    "N8",
    "情况说明 政府采购合计、机关运行经费 = 公开10表；中小企业占比 = 授予中小企业 / 采购合计",
    "Narrative procurement and operating costs = T10; SME share = SME / procurement",
    "T10",
)


PERF_COUNT_KEYS = ("performance_project_count",)
PERF_AMOUNT_KEYS = ("performance_project_amount",)
PERF_SHARE_KEYS = ("performance_project_share",)


def _in_wan(evaluation: Record, field: str) -> Decimal | None:
    value = dec(evaluation.get(field))
    if value is None:
        return None
    return value / 10000 if evaluation.get("amount_unit") == "元" else value


@rule(
    "N9",
    "narrative",
    "绩效说明：自评项目涉及资金占项目支出% = 资金 / 公开03表项目支出；资金 = 各项目自评预算之和",
    "Performance narrative: evaluated amount / T03 project expense = the stated %; amount = Σ project budgets",
    "T03,PERF",
    tolerance="±0.02 个百分点，或输入印刷精度允许的范围；金额 max(0.05 万元, 半个单位)",
    severity="warning",
)
def n9(data: Data, r: Rule) -> Iterator[Finding]:
    facts = data.resources.get("narrative_facts") or []
    amount = next((f for f in facts if f.get("metric_key") in PERF_AMOUNT_KEYS and f.get("value")), None)
    share = next((f for f in facts if f.get("metric_key") in PERF_SHARE_KEYS and f.get("value")), None)
    count = next((f for f in facts if f.get("metric_key") in PERF_COUNT_KEYS and f.get("value")), None)
    if amount is not None and share is not None:
        project = coded(data, "T03", None, "project")
        if project[1] is None:
            yield finding(
                r,
                "not_checkable",
                "narrative performance share",
                "公开03表项目支出缺失，无法核对占比",
                "T03 project expense unavailable; share not checkable",
                source=share,
                tables="T03",
            )
        elif (
            result := ratio(
                r,
                "narrative performance share",
                "绩效说明 自评资金占项目支出%",
                "performance narrative: share of project expense",
                printed=share["value"],
                numerator=amount["value"],
                denominator=project[1].get("project"),
                source=share,
                tables="T03",
            )
        ) is not None:
            yield result
    projects = [e for e in evaluations(data) if e.get("kind") == "project"]
    if amount is None or count is None or not projects or len(projects) != int(dec(count["value"])):
        return
    limit = max(Decimal("0.05"), half_unit(amount["value"]))
    stated = dec(amount["value"]) or ZERO
    candidates = []
    for field, zh in (("budget_full_year", "全年预算数"), ("budget_initial", "年初预算数")):
        values = [_in_wan(e, field) for e in projects]
        if all(value is not None for value in values):
            candidates.append((field, zh, sum(values, ZERO)))
    if not candidates:
        return
    field, zh, total = next((c for c in candidates if abs(c[2] - stated) <= limit), candidates[0])
    yield equal(
        r,
        "narrative performance amount",
        f"绩效说明 自评资金 vs 各项目{zh}之和",
        f"performance narrative amount vs Σ project {field}",
        expected=total,
        printed=stated,
        n_terms=len(projects),
        source=amount,
        tables="PERF",
        tolerance=limit,
    )


GRADE_COUNT_KEYS = {
    "performance_excellent_count": "优",
    "performance_good_count": "良",
    "performance_fair_count": "中",
    "performance_poor_count": "差",
}
GRADE_NAMES = {**GRADE_COUNT_KEYS, "performance_pass_count": "合格", "performance_fail_count": "不合格"}


def band(score: Decimal) -> str:
    return next(name for floor, name in GRADES if score >= floor)


@rule(
    "N10",
    "narrative",
    "绩效说明：自评等级个数与各项目自评总分相符；部门整体自评得分 = 整体自评表总分",
    "Performance narrative: grade counts match the projects' total scores; overall score = the department sheet",
    "PERF",
    tolerance="exact",
    severity="warning",
)
def n10(data: Data, r: Rule) -> Iterator[Finding]:
    projects = [e for e in evaluations(data) if e.get("kind") == "project"]
    count = next((f for f in data.fact(*PERF_COUNT_KEYS) if f.get("value")), None)
    scores = [dec(e.get("total_score")) for e in projects]
    comparable = count is not None and projects and len(projects) == int(dec(count["value"]) or 0)
    for fact in data.distinct_facts(GRADE_COUNT_KEYS):
        grade = GRADE_COUNT_KEYS[fact["metric_key"]]
        if not comparable or any(score is None for score in scores):
            continue
        expected = Decimal(sum(band(score) == grade for score in scores if score is not None))
        yield equal(
            r,
            f"narrative {fact['metric_key']}",
            f"绩效说明 等级为“{grade}”的项目数 vs 自评表总分",
            f"performance narrative: projects graded {grade} vs their total scores",
            expected=expected,
            printed=fact["value"],
            n_terms=1,
            source=fact,
            tables="PERF",
            tolerance=Decimal(0),
        )
    departments = [e for e in evaluations(data) if e.get("kind") == "department" and e.get("total_score")]
    for fact in data.distinct_facts(("performance_overall_score",)):
        if len(departments) == 1:
            yield equal(
                r,
                "narrative performance_overall_score",
                "绩效说明 整体自评得分 vs 整体自评表总分",
                "performance narrative: overall score vs the department sheet",
                expected=dec(departments[0]["total_score"]) or ZERO,
                printed=fact["value"],
                n_terms=1,
                source=fact,
                tables="PERF",
                tolerance=Decimal(0),
            )


SCHEMES = (  # the grade counts that, stated together, cover every project
    ("performance_excellent_count", "performance_good_count", "performance_fair_count", "performance_poor_count"),
    ("performance_excellent_count", "performance_good_count", "performance_pass_count", "performance_fail_count"),
)
ALL_GRADE_KEYS = tuple(dict.fromkeys(key for scheme in SCHEMES for key in scheme))


@rule(
    "N24",
    "narrative",
    "绩效说明：各等级项目数之和 = 自评项目数（所列等级之和不超过项目数；四个等级均列出时相等）",
    "Performance narrative: projects per grade add up to the projects evaluated (at most, when not every grade is "
    "stated)",
    "NARR",
    tolerance="exact",
    severity="warning",
)
def n24(data: Data, r: Rule) -> Iterator[Finding]:
    count = next((f for f in data.fact(*PERF_COUNT_KEYS) if f.get("value")), None)
    grades = {key: fact for key in ALL_GRADE_KEYS if (fact := next(iter(data.fact(key)), None)) is not None}
    if count is None or len(grades) < 2:
        return
    total = sum((dec(f["value"]) or ZERO for f in grades.values()), ZERO)
    projects = dec(count["value"]) or ZERO
    complete = any(all(key in grades for key in scheme) for scheme in SCHEMES)
    if total == projects:
        status = "ok"
    elif total > projects or complete:
        status = "mismatch"
    else:
        status = "not_checkable"  # some grades unstated: the rest may hold the difference
    named = "、".join(f"{GRADE_NAMES[key]} {grades[key]['value']}" for key in grades)
    yield finding(
        r,
        status,
        "narrative performance grade counts",
        f"绩效说明（{printed_at(count)}）称自评项目{count['value']}个，"
        f"各等级项目数（{printed_at(next(iter(grades.values())))}：{named}）合计{fmt(total)}个",
        f"The performance narrative ({printed_at_en(count)}) evaluates {count['value']} projects; the grades stated "
        f"add up to {fmt(total)} ({status})",
        expected=projects,
        actual=total,
        source=next(iter(grades.values())),
    )
