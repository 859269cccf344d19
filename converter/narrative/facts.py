"""Key figures stated in the narrative: a registry of patterns, one entry per metric.

Patterns run on a sentence's comparison key (half-width, spaces removed). Each pattern names the figure
`num`, and optionally `unit` (as printed), `dir` (增加/减少/增长/下降: the sign) and `label` (the phrase, used
as the `item` of a disclosure_stats row). A metric can be limited to sentences under a matching heading
(`section`), to sentences containing a word (`requires`), and to fiscal or non-fiscal context: the same
sentence shape "收入总计97.58万元" means T01 总计 in 一、收入支出决算总体情况说明 and T04 总计 in
四、财政拨款收入支出决算总体情况说明 (fiscal = "财政拨款" in a heading above or earlier in the sentence).

Table counterparts (for the checks): total_income/total_expense = T01 总计 (income/expense side);
income_year_total/expense_year_total = T01 本年收入合计/本年支出合计; fiscal_income_total/fiscal_expense_total =
T04 总计; general_budget_expense = T05 合计; general_budget_basic_expense, personnel_expense, public_expense =
T06 (基本支出 / 人员经费合计 / 公用经费合计); basic_expense/project_expense = T03 合计 基本支出/项目支出;
three_public_budget/three_public_actual = T09 合计 预算数/决算数; procurement_*, operating_costs, vehicles_*,
equipment_over_1m = T10; general_budget_expense_share = T05 合计 / T01 本年支出合计 (占本年支出合计的 x%).

Budget lines (`read_budget_lines`): every "（年初|全年）预算 B 万元，支出决算|执行数 A 万元[，完成预算的 P%]" of the
prose (a 类/款/项, a 三公 item, a project; the first of each sentence) gives item_budget = B, item_expense = A and
item_completion_rate = P, and the wording that compares them ("决算数大于/小于预算数", "决算数与预算数一致"), in the
same sentence or a later one of the same paragraph, gives item_comparison: the sign it states for A − B ("1", "-1"
or "0"). The facts of one line follow each other; a line starts at its item_budget.

三公 items (`read_three_public_items`, under a 三公 heading): each clause that opens with an item name followed by
its amount ("公务接待费支出决算1.14万元", "公务用车运行维护费用预算3.49万元，支出决算3.49万元") gives
three_public_<item>_budget / _actual, and, up to the next such clause, _completion_rate (完成预算的 P%), _share
(占 P%), _prior_year_change (较上年增加/减少 C 万元) and _prior_year_change_rate (增长/下降 R%). Items: overseas_travel,
vehicle_total (购置及运行维护费), vehicle_purchase, vehicle_operation, official_reception = the T09 columns;
reception_domestic (国内), reception_foreign_affairs (外事/外宾), reception_overseas (国（境）外) have no T09 column.

绩效 summaries: performance_project_count (二级项目 / 涵盖项目 / Shanghai 绩效自评的…项目 N 个),
performance_project_amount, performance_average_score (平均得分), and projects per grade:
performance_excellent/good/fair/poor_count (优/良/中/差) and performance_pass/fail_count (合格/不合格),
in either "N个项目自评等级为优" or "绩效评级为“优”的项目N个".

Statements without a figure (value None): no_procurement (无政府采购…), no_state_assets (无国有资产占用…), and
"持平 / 与上年相同 / 无变化" of a total: prior_year_flat_total, fiscal_prior_year_flat_total,
general_budget_prior_year_flat, three_public_prior_year_flat, operating_costs_prior_year_flat. A prior-year figure
stated before its change ("比上年决算数5.40万元减少2.20万元") gives prior_year_total, fiscal_prior_year_total,
three_public_prior_year, operating_costs_prior_year; operating_costs_prior_year_change_rate is its 增长/下降 %.

政府采购 (T10 counterparts procurement_total/_goods/_works/_services) also in the Shanghai wording
"政府采购金额（以合同签订为准）为251.25万元，其中：货物采购金额4.79万元、…"; its SME sentences give
procurement_sme_reserved_budget / procurement_small_micro_reserved_budget (面向中小/小微企业预留…预算金额),
procurement_sme_reserved_award / procurement_small_micro_reserved_award (预留项目中由中小/小微企业中标或成交的) and
procurement_sme_other_award (其他政府采购项目中由中小企业中标或成交的). Spending by 类 with its share
(class_expense, class_share, with `item`) is read in converter.narrative.shares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from converter import lazy_re
from converter.lazy_re import LazyPattern
from converter.narrative.paragraphs import Sentence
from converter.normalize import parse_amount

NUM = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
WAN = r"(?P<unit>万元|元)"
PCT = r"(?P<unit>%)"
AMOUNT = r"[\d,.]+万元"
YEAR = r"^(?:\d{4}年度?)?"
NEGATIVE = ("减少", "下降", "降低", "减")


@dataclass(frozen=True)
class Metric:
    """One metric: its patterns (first hit wins) and where it may be read. Patterns are compiled when first searched,
    and searched only in a sentence holding their required literal (most patterns find nothing in most sentences)."""

    key: str
    patterns: tuple[LazyPattern, ...]
    section: LazyPattern | None = None  # one of the sentence's headings must match
    requires: LazyPattern | None = None  # the sentence key must contain this
    context: str | None = None  # "fiscal" | "total" | None


@dataclass(frozen=True)
class Fact:
    """A figure read from one sentence."""

    metric: str
    value: str | None
    unit: str | None
    phrase: str
    sentence: Sentence
    item: str | None = None  # what the figure belongs to when a sentence states several (a 类 name)


def _compile(*patterns: str) -> tuple[LazyPattern, ...]:
    return tuple(
        LazyPattern(p.replace("NUM", NUM).replace("WAN", WAN).replace("PCT", PCT).replace("AMOUNT", AMOUNT))
        for p in patterns
    )


def _metric(
    key: str, *patterns: str, section: str | None = None, requires: str | None = None, context: str | None = None
) -> Metric:
    return Metric(
        key,
        _compile(*patterns),
        LazyPattern(section) if section else None,
        LazyPattern(requires) if requires else None,
        context,
    )


TOTAL_WORDS = r"(?:收入总计|收、?支总计|收入总计、支出总计|收入支出总计)"
CHANGE = rf"相比[，,]?(?:财政拨款)?{TOTAL_WORDS}?各?"
OVERALL = r"总体情况"
INCOME_SECTION = r"^[一二三四五六七八九十]+、收入决算情况说明$"
EXPENSE_SECTION = r"^[一二三四五六七八九十]+、支出决算情况说明$"
BASIC_SECTION = r"基本支出决算情况说明"
GENERAL_SECTION = r"一般公共预算财政拨款支出决算(?:情况)?说明"
GENERAL_START = YEAR + r"一般公共预算财政拨款支出年初预算(?:数)?(?:为)?"
THREE_PUBLIC = r"三公"
THREE_PUBLIC_BUDGET = r"三公[”\"]?经费(?:财政拨款)?支出(?:全年)?预算(?:数)?(?:为)?"
PERFORMANCE = r"绩效"
PRIOR = r"(?:上年|\d{4}年度?相比|与\d{4}年度?)"  # "与上年相比", Shanghai "与2023年度相比"
FLAT = r"(?P<label>持平|相同|一致|无变化)"
NOT_BUDGET = r"[^。；;预]*?"  # "与2024年度预算数一致" compares with the budget, not with last year
PRIOR_FIGURE = r"(?:比|较)(?:上年|\d{4}年)度?(?:决算)?(?:数)?NUM万元(?:增加|减少)"
SME_AWARD = r"由中小企业供应商中标或成交的[，,](?:采购金额)?"
PERFORMANCE_COUNT = r"(?:二级项目(?:绩效自评)?|涵盖项目|绩效自评的(?:\d{4}年度)?项目)(?:共)?"

GRADE_WORDS = {  # two schemes: 优/良/中/差 and 优/良/合格/不合格
    "performance_excellent_count": "优",
    "performance_good_count": "良",
    "performance_fair_count": "中",
    "performance_poor_count": "差",
    "performance_pass_count": "合格",
    "performance_fail_count": "不合格",
}

VEHICLE_TYPES = {
    "vehicles_ministerial": r"副部[（(]省[)）]级及以上领导用车|省部级领导干部用车|省级领导干部用车",
    "vehicles_principal": r"主要负责人用车|主要领导干部用车",
    "vehicles_confidential": r"机要通信用车",
    "vehicles_emergency": r"应急保障用车",
    "vehicles_law_enforcement": r"执法执勤用车",
    "vehicles_special": r"特种专业技术用车",
    "vehicles_retired_service": r"离退休干部服务用车|离退休干部用车",
    "vehicles_other": r"其他用车",
}

METRICS: tuple[Metric, ...] = (
    # 一 / 四 收入支出决算总体情况: 总计 and the change on the prior year.
    *(
        _metric(
            key,
            rf"收入总计(?:均为|为|是)?NUM{WAN}",
            rf"收、?支总计(?:均为|各为|均是|为)NUM{WAN}",
            rf"收入总计、支出总计(?:均为|各为|为)NUM{WAN}",
            context=ctx,
        )
        for key, ctx in (("total_income", "total"), ("fiscal_income_total", "fiscal"))
    ),
    *(
        _metric(
            key, rf"支出总计(?:均为|各为|为|是)?NUM{WAN}", rf"收、?支总计(?:均为|各为|均是|为)NUM{WAN}", context=ctx
        )
        for key, ctx in (("total_expense", "total"), ("fiscal_expense_total", "fiscal"))
    ),
    *(
        _metric(key, rf"{CHANGE}(?P<dir>增加|减少)NUM{WAN}", section=OVERALL, requires=PRIOR, context=ctx)
        for key, ctx in (("prior_year_change_total", "total"), ("fiscal_prior_year_change_total", "fiscal"))
    ),
    *(
        _metric(key, rf"{CHANGE}{FLAT}", section=OVERALL, requires=PRIOR, context=ctx)
        for key, ctx in (("prior_year_flat_total", "total"), ("fiscal_prior_year_flat_total", "fiscal"))
    ),
    *(
        _metric(key, rf"{TOTAL_WORDS}[^。；;]*?{PRIOR_FIGURE}", section=OVERALL, context=ctx)
        for key, ctx in (("prior_year_total", "total"), ("fiscal_prior_year_total", "fiscal"))
    ),
    *(
        _metric(
            key,
            rf"{CHANGE}(?:增加|减少){AMOUNT}[，,](?P<dir>增长|下降)NUM{PCT}",
            section=OVERALL,
            requires=PRIOR,
            context=ctx,
        )
        for key, ctx in (("prior_year_change_rate", "total"), ("fiscal_prior_year_change_rate", "fiscal"))
    ),
    # 二 收入决算 / 三 支出决算: 合计, parts and shares.
    _metric("income_year_total", rf"(?:本年)?收入合计(?:为)?NUM{WAN}", context="total"),
    _metric("expense_year_total", rf"(?<!采购)(?:本年)?支出合计(?:为)?NUM{WAN}", context="total"),
    _metric("fiscal_appropriation_income", rf"财政拨款收入NUM{WAN}", section=INCOME_SECTION),
    _metric(
        "fiscal_appropriation_income_share", rf"财政拨款收入{AMOUNT}[，,]占(?:比)?NUM{PCT}", section=INCOME_SECTION
    ),
    _metric("basic_expense", rf"基本支出NUM{WAN}", section=EXPENSE_SECTION),
    _metric("basic_expense_share", rf"基本支出{AMOUNT}[，,]占(?:比)?NUM{PCT}", section=EXPENSE_SECTION),
    _metric("project_expense", rf"项目支出NUM{WAN}", section=EXPENSE_SECTION),
    _metric("project_expense_share", rf"项目支出{AMOUNT}[，,]占(?:比)?NUM{PCT}", section=EXPENSE_SECTION),
    # 五 一般公共预算财政拨款支出.
    _metric(
        "general_budget_expense",
        YEAR + rf"一般公共预算财政拨款(?:决算)?支出(?:决算)?(?:为)?NUM{WAN}",
        GENERAL_START + rf"{AMOUNT}[，,]支出决算(?:数)?(?:为)?NUM{WAN}",
        section=GENERAL_SECTION,
    ),
    _metric("general_budget_expense_share", rf"占本年支出合计的NUM{PCT}", section=GENERAL_SECTION),
    _metric("general_budget_initial_budget", GENERAL_START + rf"NUM{WAN}", section=GENERAL_SECTION),
    _metric("general_budget_completion_rate", GENERAL_START + rf".*?完成年初预算的NUM{PCT}", section=GENERAL_SECTION),
    _metric(
        "general_budget_prior_year_change",
        rf"(?:相比[，,]?(?:一般公共预算)?(?:财政拨款)?(?:支出)?|较上年度?(?:决算数?)?)(?P<dir>增加|减少)NUM{WAN}",
        section=GENERAL_SECTION,
        requires=rf"{PRIOR}.*财政拨款支出|财政拨款支出.*{PRIOR}",
    ),
    _metric(
        "general_budget_prior_year_change_rate",
        rf"(?:增加|减少){AMOUNT}[，,](?P<dir>增长|下降)NUM{PCT}",
        section=GENERAL_SECTION,
        requires=rf"{PRIOR}.*财政拨款支出|财政拨款支出.*{PRIOR}",
    ),
    # 六 基本支出.
    _metric("general_budget_basic_expense", rf"财政拨款基本支出NUM{WAN}", section=BASIC_SECTION),
    _metric("personnel_expense", rf"人员经费(?:支出)?(?:合计)?NUM{WAN}", section=BASIC_SECTION),
    _metric("public_expense", rf"公用经费(?:支出)?(?:合计)?NUM{WAN}", section=BASIC_SECTION),
    # 九 三公 amounts (quantities are read in converter.narrative.quantities).
    _metric("three_public_budget", rf"{THREE_PUBLIC_BUDGET}NUM{WAN}", section=THREE_PUBLIC),
    _metric(
        "three_public_actual",
        rf"{THREE_PUBLIC_BUDGET}{AMOUNT}[，,]支出决算(?:数)?(?:为)?NUM{WAN}",
        section=THREE_PUBLIC,
    ),
    _metric(
        "three_public_completion_rate", rf"{THREE_PUBLIC_BUDGET}.*?完成(?:全年)?预算的NUM{PCT}", section=THREE_PUBLIC
    ),
    _metric(
        "three_public_prior_year_flat",
        rf"三公[”\"]?经费(?:财政拨款)?支出[^。；;]*?(?:与(?:上年|\d{{4}}年)度?){NOT_BUDGET}{FLAT}",
        section=THREE_PUBLIC,
    ),
    _metric(
        "three_public_prior_year",
        rf"三公[”\"]?经费(?:财政拨款)?支出[^。；;]*?{PRIOR_FIGURE}",
        section=THREE_PUBLIC,
    ),
    _metric(
        "general_budget_prior_year_flat",
        rf"(?:相比[，,]?(?:一般公共预算)?(?:财政拨款)?(?:支出)?|与(?:上年|\d{{4}}年)度?{NOT_BUDGET}){FLAT}",
        section=GENERAL_SECTION,
        requires=rf"{PRIOR}.*一般公共预算财政拨款支出|一般公共预算财政拨款支出.*{PRIOR}",
    ),
    _metric(
        "three_public_prior_year_change",
        rf"较上年度?决算数?(?P<dir>增加|减少)NUM{WAN}",
        section=THREE_PUBLIC + ".*总体",
    ),
    _metric(
        "three_public_prior_year_change_rate",
        rf"较上年度?决算数?(?:增加|减少){AMOUNT}[，,](?P<dir>增长|下降)NUM{PCT}",
        section=THREE_PUBLIC + ".*总体",
    ),
    # 机关运行经费, 政府采购, 国有资产 (T10 counterparts).
    _metric("operating_costs", rf"(?P<label>机关运行经费(?:支出)?)(?:为|共计)?NUM{WAN}"),
    _metric(
        "operating_costs_prior_year_change",
        rf"机关运行经费(?:支出)?{AMOUNT}[，,](?:(?:比|较)(?:上年|\d{{4}}年)度?(?:决算数?)?|与上年度?相比[，,]?)"
        rf"(?P<dir>增加|减少)NUM{WAN}",
        rf"机关运行经费较上年度?决算数?(?P<dir>增加|减少)NUM{WAN}",
    ),
    _metric(
        "operating_costs_prior_year_change_rate",
        rf"机关运行经费[^。；;]*?(?:增加|减少){AMOUNT}[，,](?P<dir>增长|下降)NUM{PCT}",
    ),
    _metric("operating_costs_prior_year", rf"机关运行经费(?:支出)?{AMOUNT}[，,]{PRIOR_FIGURE}"),
    _metric("operating_costs_prior_year_flat", rf"机关运行经费[^。；;]*?(?:与上年|与\d{{4}}年)度?{NOT_BUDGET}{FLAT}"),
    _metric("no_procurement", r"(?P<label>无政府采购(?:事项|行为|支出|业务|情况)?)"),
    _metric("no_state_assets", r"(?P<label>无国有资产占用(?:及购置)?)"),
    _metric(
        "procurement_total",
        rf"(?P<label>政府采购支出(?:总额|合计))(?:为)?NUM{WAN}",
        rf"(?P<label>政府采购金额)(?:[（(][^）)]*[)）])?(?:为)?NUM{WAN}",  # Shanghai: 政府采购金额（以合同签订为准）为…
    ),
    *(
        _metric(f"procurement_{kind}", rf"(?P<label>政府采购{word}支出)(?:为)?NUM{WAN}",
                rf"(?P<label>{word}采购金额)(?:为)?NUM{WAN}", requires="政府采购")
        for kind, word in (("goods", "货物"), ("works", "工程"), ("services", "服务"))
    ),
    _metric("procurement_sme_reserved_budget", rf"(?P<label>面向中小企业预留政府采购项目预算金额)(?:为)?NUM{WAN}"),
    _metric(
        "procurement_small_micro_reserved_budget", rf"(?P<label>面向小微企业预留政府采购项目预算金额)(?:为)?NUM{WAN}"
    ),
    _metric(
        "procurement_sme_reserved_award",
        rf"(?P<label>面向中小企业预留的?政府采购项目中[，,]{SME_AWARD})NUM{WAN}",
    ),
    _metric(
        "procurement_small_micro_reserved_award",
        rf"(?P<label>面向小微企业预留的?政府采购项目中[，,]由小微企业供应商中标或成交的[，,](?:采购金额)?)NUM{WAN}",
    ),
    _metric("procurement_sme_other_award", rf"(?P<label>在其他政府采购项目中[，,]{SME_AWARD})NUM{WAN}"),
    _metric("procurement_sme", rf"(?P<label>授予中小企业合同金额)(?:为)?NUM{WAN}"),
    _metric("procurement_sme_share", rf"授予中小企业合同金额{AMOUNT}[，,]占政府采购(?:支出)?总额的NUM{PCT}"),
    _metric("procurement_small_micro", rf"(?P<label>授予小微企业合同金额)(?:为)?NUM{WAN}"),
    _metric("vehicles_total", r"共有(?P<label>车辆)NUM(?P<unit>辆)"),
    *(_metric(key, rf"(?P<label>{labels})NUM(?P<unit>辆)") for key, labels in VEHICLE_TYPES.items()),
    _metric(
        "equipment_over_1m",
        r"(?P<label>单价100万元[（(]含[)）]以上(?:的)?设备(?:[（(]不含车辆[)）])?)NUM(?P<unit>台[（(]套[)）]|台|套)",
    ),
    # 绩效.
    _metric("performance_project_count", rf"{PERFORMANCE_COUNT}NUM(?P<unit>个)", section=PERFORMANCE),
    _metric(
        "performance_project_amount",
        rf"绩效自评的(?:\d{{4}}年度)?项目\d+个[，,]涉及(?:预算)?(?:资金|金额)NUM{WAN}",  # Shanghai: after 编报目标的…
        rf"涉及(?:预算)?资金NUM{WAN}",
        section=PERFORMANCE,
        requires=PERFORMANCE_COUNT + r"\d+个",
    ),
    _metric(
        "performance_project_share",
        rf"占[^，,。；;]*?项目支出总额?的NUM{PCT}",
        section=PERFORMANCE,
        requires=PERFORMANCE_COUNT + r"\d+个",
    ),
    _metric(
        "performance_overall_score", r"整体支出(?:绩效)?自评(?:结果为|得分(?:为)?)NUM(?P<unit>分)", section=PERFORMANCE
    ),
    *(
        _metric(
            key,
            rf"NUM(?P<unit>个)项目(?:自评)?等级为[“\"]?{grade}(?![格])",
            rf"(?:绩效)?评级为[“\"]?{grade}[”\"]?的项目NUM(?P<unit>个)",  # Shanghai: 绩效评级为“优”的项目4个
            section=PERFORMANCE,
        )
        for key, grade in GRADE_WORDS.items()
    ),
    _metric("performance_average_score", r"平均得分NUM(?P<unit>分)", section=PERFORMANCE),
)


def _in_context(metric: Metric, sentence: Sentence, start: int) -> bool:
    if metric.context is None:
        return True
    fiscal = any("财政拨款" in heading for heading in sentence.headings) or "财政拨款" in sentence.key[:start]
    return fiscal == (metric.context == "fiscal")


def signed(value: str, direction: str | None) -> str:
    """A printed figure with the sign of its wording (减少/下降 → negative; zero stays unsigned)."""
    if direction and direction.startswith(NEGATIVE) and value.strip("0.") != "":
        return "-" + value
    return value


@dataclass(frozen=True)
class _Candidates:
    """The metrics a heading path admits, indexed by the literal text their patterns need: a sentence is searched
    only with the metrics one of whose literals it contains (most metrics find nothing in most sentences)."""

    literals: tuple[str, ...]  # every literal a pattern of these metrics needs
    by_literal: dict[str, frozenset[int]]  # literal → positions (in METRICS) of the metrics with a pattern needing it
    always: frozenset[int]  # metrics with a pattern that needs no literal

    def among(self, key: str) -> tuple[list[int], set[str]]:
        """(positions of the metrics that could match the sentence key, in METRICS order; the literals it holds)."""
        present = {literal for literal in self.literals if literal in key}
        positions = set(self.always)
        for literal in present:
            positions |= self.by_literal[literal]
        return sorted(positions), present


@lru_cache(maxsize=4096)  # headings recur over reports; bounded for long batches
def _section_metrics(heading: str) -> frozenset[int]:
    """Positions of the metrics whose section matches the heading."""
    return frozenset(i for i, m in enumerate(METRICS) if m.section and m.section.search(heading))


@lru_cache(maxsize=1024)
def _candidates(headings: tuple[str, ...]) -> _Candidates:
    """The metrics readable under a heading path (those without a section, and those one of its headings matches)."""
    matched = frozenset().union(*(_section_metrics(heading) for heading in headings))
    by_literal: dict[str, set[int]] = {}
    always: set[int] = set()
    for i, metric in enumerate(METRICS):
        if metric.section and i not in matched:
            continue
        for pattern in metric.patterns:
            if pattern.literal:
                by_literal.setdefault(pattern.literal, set()).add(i)
            else:
                always.add(i)
    return _Candidates(
        tuple(by_literal), {literal: frozenset(found) for literal, found in by_literal.items()}, frozenset(always)
    )


def read_facts(sentences: list[Sentence]) -> list[Fact]:
    """Every registry metric found in the sentences (one fact per (metric, sentence), first match), then the
    budget lines."""
    facts: list[Fact] = []
    for sentence in sentences:
        key = sentence.key
        positions, present = _candidates(sentence.headings).among(key)
        for i in positions:
            metric = METRICS[i]
            if metric.requires and not _found(metric.requires, key):
                continue
            for pattern in metric.patterns:  # first pattern with a fact wins
                if (not pattern.literal or pattern.literal in present) and (first := pattern.search(key)):
                    fact = _first_fact(metric, pattern, sentence, first)
                    if fact:
                        facts.append(fact)
                        break
    return facts + read_budget_lines(sentences) + read_three_public_items(sentences)


def _found(pattern: LazyPattern, text: str) -> bool:
    return pattern.could_match(text) and pattern.search(text) is not None


def _first_fact(metric: Metric, pattern: LazyPattern, sentence: Sentence, first: re.Match[str]) -> Fact | None:
    """The first match of the pattern in the sentence that is in the metric's context, as a Fact (`first`: the first
    match of all, which usually is)."""
    if _in_context(metric, sentence, first.start()):
        return _fact(metric, first, sentence)
    for match in pattern.finditer(sentence.key):
        if _in_context(metric, sentence, match.start()):
            return _fact(metric, match, sentence)
    return None


def _fact(metric: Metric, match: re.Match[str], sentence: Sentence) -> Fact:
    groups = match.groupdict()
    value = signed(parse_amount(groups["num"]), groups.get("dir")) if groups.get("num") else None
    return Fact(metric.key, value, groups.get("unit"), groups.get("label") or match.group(0), sentence)


FLAT_KEYS = (
    *(m.key for m in METRICS if m.key.endswith(("_prior_year_flat", "_prior_year_flat_total"))),
    *(f"three_public_{item}_prior_year_flat" for item in ("vehicle_total", "vehicle_purchase", "vehicle_operation",
                                                           "overseas_travel", "reception_domestic",
                                                           "reception_foreign_affairs", "reception_overseas",
                                                           "official_reception")),
)
STATEMENT_KEYS = ("item_comparison", "no_procurement", "no_state_assets", *FLAT_KEYS)  # value: not a printed figure
NUMBER = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
ASIDE = r"(?:[（(][^）)]*[)）])?"  # "年初预算30万元（此外…3万元）"
BUDGET_LINE = LazyPattern(
    rf"(?:年初|全年)?预算(?:数)?(?:为)?(?P<budget>{NUMBER})万元{ASIDE}[，,]"
    rf"(?:支出决算|执行)(?:数)?(?:为|共)?(?P<expense>{NUMBER})万元{ASIDE}"
    rf"(?:[，,]完成(?:年初|全年)?预算(?:数)?的?(?P<rate>{NUMBER})(?P<unit>%)?)?"
)
COMPARISON = lazy_re.compile(
    r"决算(?:支出)?(?:数)?(?:(?P<word>大于|小于|高于|低于|超过|等于|相同于|持平于)(?:年初|全年)?预算"
    r"|与(?:年初|全年)?预算(?:安排)?(?:数)?(?P<same>一致|相同|持平|相等))"
)
COMPARISON_SIGN = {"大于": "1", "高于": "1", "超过": "1", "小于": "-1", "低于": "-1"}


def _comparison(text: str) -> tuple[str, str] | None:
    """(sign of 决算 − 预算 as worded, the wording) of the first comparison in text."""
    match = COMPARISON.search(text)
    if match is None:
        return None
    word = match.group("word") or match.group("same")
    return COMPARISON_SIGN.get(word, "0"), match.group(0)


def read_budget_lines(sentences: list[Sentence]) -> list[Fact]:
    """item_budget / item_expense / item_completion_rate of each budget line (the first of a sentence), and the
    item_comparison wording that follows it before the next line, within its paragraph."""
    facts: list[Fact] = []
    open_paragraph = None  # the paragraph of the last line while its wording is still to come
    for sentence in sentences:
        lines = list(BUDGET_LINE.finditer(sentence.key)) if BUDGET_LINE.could_match(sentence.key) else []
        if lines:
            line = lines[0]
            facts.append(Fact("item_budget", parse_amount(line["budget"]), "万元", line.group(0), sentence))
            facts.append(Fact("item_expense", parse_amount(line["expense"]), "万元", line.group(0), sentence))
            if line["rate"]:
                rate = parse_amount(line["rate"])
                facts.append(Fact("item_completion_rate", rate, line["unit"], line.group(0), sentence))
            end = lines[1].start() if len(lines) > 1 else len(sentence.key)
            found = _comparison(sentence.key[line.end() : end])
            open_paragraph = None if found or len(lines) > 1 else sentence.paragraph
        elif open_paragraph is sentence.paragraph:
            found = _comparison(sentence.key)
            open_paragraph = None if found else open_paragraph
        else:
            found, open_paragraph = None, None
        if found:
            facts.append(Fact("item_comparison", found[0], None, found[1], sentence))
    return facts


THREE_PUBLIC_ITEMS = (  # order matters: 购置及运行 before 购置
    ("vehicle_total", r"公务用车购置及运行(?:维护)?"),
    ("vehicle_purchase", r"公务用车购置"),
    ("vehicle_operation", r"公务用车运行(?:维护)?"),
    ("overseas_travel", r"因公出国[（(]境[)）]"),
    ("reception_domestic", r"(?:其他)?国内(?:公务)?接待"),
    ("reception_foreign_affairs", r"外事接待|外宾接待"),
    ("reception_overseas", r"国[（(]境[)）]外(?:公务)?接待"),
    ("official_reception", r"公务接待"),
)
ITEM_NAME = lazy_re.compile("|".join(f"(?P<{item}>{pattern})" for item, pattern in THREE_PUBLIC_ITEMS))
ITEM_NOUN = r"(?:费用|费)?(?:支出)?"
ITEM_BUDGET = lazy_re.compile(
    rf"{ITEM_NOUN}(?:全年|年初)?预算(?:数)?(?:为)?(?P<budget>{NUMBER})万元"
    rf"(?:[，,](?:支出)?决算(?:数)?(?:为)?(?P<actual>{NUMBER})万元)?"
)
ITEM_ACTUAL = lazy_re.compile(rf"{ITEM_NOUN}(?:决算(?:数)?)?(?:为)?(?P<actual>{NUMBER})万元")
ITEM_FIGURES = (
    ("completion_rate", lazy_re.compile(rf"完成(?:全年|年初)?预算(?:数)?的?(?P<num>{NUMBER})%")),
    ("share", lazy_re.compile(rf"占(?:[^，,。；;%\d]*?的|比)?(?P<num>{NUMBER})%")),
    ("prior_year_change", lazy_re.compile(rf"(?:较|比)上年度?(?:决算数?)?(?P<dir>增加|减少)(?P<num>{NUMBER})万元")),
    ("prior_year_change_rate", lazy_re.compile(rf"(?:增加|减少){NUMBER}万元[，,](?P<dir>增长|下降)(?P<num>{NUMBER})%")),
    ("prior_year_flat", lazy_re.compile(r"与(?:上年|\d{4}年)度?[^，,。；;预]{0,12}?(?:持平|相同|一致|无变化)")),
)
# an item said to be level with last year without its amount: "其中：因公出国（境）费支出决算持平；" (Putuo)
ITEM_FLAT = lazy_re.compile(
    r"(?:费用|费)?(?:支出)?(?:决算)?(?:数)?(?:与(?:上年|\d{4}年)度?(?:决算)?(?:数)?)?(?:基本)?(?:持平|无变化)"
)


def _item_clauses(key: str) -> list[tuple[str, int, re.Match[str], int]]:
    """(item, start of its name, amount match, end of clause) of every item name directly followed by its amount."""
    found = []
    for name in ITEM_NAME.finditer(key):
        amount = ITEM_BUDGET.match(key, name.end()) or ITEM_ACTUAL.match(key, name.end())
        if amount:
            found.append((name.lastgroup or "", name.start(), amount))
    ends = [start for _, start, _ in found[1:]] + [len(key)]
    return [(item, start, amount, end) for (item, start, amount), end in zip(found, ends, strict=False)]


def read_three_public_items(sentences: list[Sentence]) -> list[Fact]:
    """The per-item 三公 figures of the sentences under a 三公 heading (see the module docstring)."""
    facts: list[Fact] = []
    for sentence in sentences:
        if not any(THREE_PUBLIC in heading for heading in sentence.headings):
            continue
        clauses = _item_clauses(sentence.key)
        for item, start, amount, end in clauses:
            prefix, phrase = f"three_public_{item}_", sentence.key[start : amount.end()]
            for measure in ("budget", "actual"):
                if amount.groupdict().get(measure):
                    facts.append(Fact(prefix + measure, parse_amount(amount[measure]), "万元", phrase, sentence))
            rest = sentence.key[amount.end() : end]
            for measure, pattern in ITEM_FIGURES:
                if match := pattern.search(rest):
                    if "num" not in match.groupdict():  # a statement: 与上年相同
                        facts.append(Fact(prefix + measure, None, None, match.group(0), sentence))
                        continue
                    value = signed(parse_amount(match["num"]), match.groupdict().get("dir"))
                    unit = "%" if match.group(0).endswith("%") else "万元"
                    facts.append(Fact(prefix + measure, value, unit, match.group(0), sentence))
        if not clauses:
            for name in ITEM_NAME.finditer(sentence.key):
                if flat := ITEM_FLAT.match(sentence.key, name.end()):
                    phrase = sentence.key[name.start() : flat.end()]
                    facts.append(Fact(f"three_public_{name.lastgroup}_prior_year_flat", None, None, phrase, sentence))
    return facts
