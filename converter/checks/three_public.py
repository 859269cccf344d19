"""Per-item narrative figures: 三公 items against 公开09表 and their own arithmetic, and the 决算 of each 类/款/项 the
一般公共预算 explanation names against 公开05表 (domain.md §1.4 N5, N7).

三公 facts are keyed three_public_<item>_<measure> (`converter.narrative.facts.read_three_public_items`); the
total is three_public_<measure>. A budget line's item is the text before its "年初预算" in the sentence, or the
sentence before it in the paragraph ("1.社会保障和就业支出（类）…（款）…（项）。年初预算为…").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache

from converter import lazy_re
from converter.checks.core import (
    ZERO,
    Rule,
    at_most,
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
)
from converter.checks.cross import Figure, coded
from converter.checks.data import Data
from converter.model import Finding, Record
from converter.normalize import label_key, to_halfwidth
from converter.specs.tables import FUNCTION_CATEGORIES, strip_numbering

T09_ITEMS = ("overseas_travel", "vehicle_total", "vehicle_purchase", "vehicle_operation", "official_reception")


def _key(item: str | None, measure: str) -> str:
    return f"three_public_{item}_{measure}" if item else f"three_public_{measure}"


def t09_cell(data: Data, measure: str, column: str) -> Figure:
    """公开09表 figure (measure budget/actual, a column); zero in an empty table, None when absent."""
    if data.status("T09") == "empty" and not data.table("T09"):
        return ZERO, None, False
    row = next((row for row in data.table("T09") if row.get("measure") == measure), None)
    return (dec(row.get(column)) if row else None), row, False


def _figure(data: Data, item: str | None, measure: str) -> tuple[str, Decimal] | None:
    """(label, value) of an item's budget/actual: 公开09表 first, else the narrative's first statement."""
    value = t09_cell(data, measure, item or "total")[0]
    if value is not None:
        return f"T09 {measure} {item or 'total'}", value
    fact = next((f for f in data.fact(_key(item, measure)) if f.get("value") is not None), None)
    return (f"narrative {_key(item, measure)}", fact_in_wan(fact) or ZERO) if fact else None


@rule(
    "N15",
    "narrative",
    "情况说明 “三公”各项（因公出国（境）费、公务用车购置及运行维护费及其中购置费、运行维护费，公务接待费）"
    "预算数、决算数 = 公开09表",
    "Narrative 三公 per item (overseas travel, vehicles, purchase, operation, reception) budget and actual = T09",
    "T09",
    tolerance="max(0.05 万元, 所述精度的半个单位)",
    severity="warning",
)
def n15(data: Data, r: Rule) -> Iterator[Finding]:
    keys = {_key(item, measure): (item, measure) for item in T09_ITEMS for measure in ("budget", "actual")}
    for fact in data.distinct_facts(keys):
        item, measure = keys[fact["metric_key"]]
        value, row, _ = t09_cell(data, measure, item)
        where = f"narrative {fact['metric_key']} vs T09 {measure} {item}"
        if value is None:
            yield finding(
                r,
                "not_checkable",
                where,
                f"情况说明 {fact['metric_key']}：公开09表缺失或未提取，无法核对",
                f"narrative {fact['metric_key']}: T09 unavailable; not checkable",
                source=fact,
                tables="T09",
            )
            continue
        yield equal(
            r,
            where,
            f"情况说明 {fact['metric_key']} vs 公开09表 {measure} {item}",
            f"narrative {fact['metric_key']} vs T09 {measure} {item}",
            expected=value,
            printed=fact_in_wan(fact),
            n_terms=1,
            source=fact,
            tables="T09",
            tolerance=fact_tolerance(fact),
        )


def _ratio_inputs(data: Data, item: str | None, measure: str) -> tuple[tuple[str, Decimal], tuple[str, Decimal]] | None:
    """(numerator, denominator) of a stated rate: completion = actual / budget, share = actual / 三公 actual."""
    numerator = _figure(data, item, "actual")
    denominator = _figure(data, item, "budget") if measure == "completion_rate" else _figure(data, None, "actual")
    return (numerator, denominator) if numerator and denominator else None


@rule(
    "N16",
    "narrative",
    "情况说明 “三公”各项完成预算% = 决算 / 预算；占% = 该项决算 / “三公”决算合计；"
    "同比增减% = 增减额 / 上年数（上年数 = 本年决算 − 增减额），含“三公”合计",
    "Narrative 三公 per item: completion % = actual / budget, share = actual / 三公 actual; year-on-year % = "
    "change / (actual − change), also for the 三公 total",
    "T09,NARR",
    tolerance="±0.02 个百分点，或输入印刷精度允许的范围",
    severity="warning",
)
def n16(data: Data, r: Rule) -> Iterator[Finding]:
    keys = {_key(item, measure): (item, measure) for item in T09_ITEMS for measure in ("completion_rate", "share")}
    for fact in data.distinct_facts(keys):
        item, measure = keys[fact["metric_key"]]
        inputs = _ratio_inputs(data, item, measure)
        if inputs is None or inputs[1][1] == 0:
            yield finding(
                r,
                "not_checkable",
                f"narrative {fact['metric_key']}",
                f"情况说明 {fact['metric_key']}：缺少计算所需的数或分母为0，无法核对",
                f"narrative {fact['metric_key']}: an input is unavailable or zero; not checkable",
                source=fact,
            )
            continue
        (num_label, num), (den_label, den) = inputs
        result = ratio(
            r,
            f"narrative {fact['metric_key']}",
            f"情况说明 {fact['metric_key']} = {num_label} / {den_label}",
            f"narrative {fact['metric_key']} = {num_label} / {den_label}",
            printed=fact["value"],
            numerator=num,
            denominator=den,
            source=fact,
            tables="T09" if "T09" in num_label + den_label else "NARR",
        )
        if result is not None:
            yield result
    yield from _change_rates(data, r)


def _change_rates(data: Data, r: Rule) -> Iterator[Finding]:
    keys = {_key(item, "prior_year_change_rate"): item for item in (None, *T09_ITEMS)}
    for fact in data.distinct_facts(keys):
        item = keys[fact["metric_key"]]
        change = next(
            (f for f in data.fact(_key(item, "prior_year_change")) if f.get("sentence") == fact.get("sentence")), None
        )
        current = _figure(data, item, "actual")
        if change is None or current is None:
            continue
        delta = dec(change["value"]) or ZERO
        if current[1] - delta <= 0:
            continue
        result = ratio(
            r,
            f"narrative {fact['metric_key']}",
            f"情况说明 {fact['metric_key']} = |增减额| / ({current[0]} − 增减额)",
            f"narrative {fact['metric_key']} = |change| / ({current[0]} − change)",
            printed=abs(dec(fact["value"]) or ZERO),
            numerator=abs(delta),
            denominator=current[1] - delta,
            source=fact,
            tables="T09" if current[0].startswith("T09") else "NARR",
        )
        if result is not None:
            yield result


# ---------------------------------------------------------------- 一般公共预算 per 类/款/项 vs 公开05表

BUDGET_START = lazy_re.compile(r"(?:年初|全年)?预算(?:数)?(?:为)?[\d,.]+万元")
SPACES = lazy_re.compile(r"\s+")
PATH = lazy_re.compile(
    r"^(?P<cat>[^()（）]+)[（(]类[)）](?P<sec>[^()（）]+)[（(]款[)）](?P<item>[^()（）]+)[（(]项[)）]$"
)
CATEGORY_CODES = {label_key(name): code for code, names in FUNCTION_CATEGORIES.items() for name in names}


@lru_cache(maxsize=1024)  # a report's paragraphs are searched once per budget line; bounded for long batches
def _compact(text: str) -> str:
    return SPACES.sub("", to_halfwidth(text))


def budget_line_subject(paragraphs: list[Record], fact: Record) -> str | None:
    """The item a budget line names: the text before its 预算 in the sentence, else the previous sentence."""
    sentence = _compact(fact.get("sentence") or "")
    start = BUDGET_START.search(sentence)
    if start is None:
        return None
    before = sentence[: start.start()]
    if not re.sub(r"^[\d.、]+|[，,:：]$", "", before):
        index = next(
            (
                i
                for i in range(len(paragraphs) - 1, -1, -1)
                if (paragraphs[i].get("source_line") or 0) <= (fact.get("source_line") or 0)
                and sentence in _compact(paragraphs[i].get("text") or "")
            ),
            None,
        )
        if index is None:
            return None
        # the paragraph up to the sentence, after the one before it (a 类/款/项 path may end the previous one)
        text = "".join(_compact(p.get("text") or "") for p in paragraphs[max(0, index - 1) : index + 1])
        pieces = [
            re.sub(r"^其中[:：]", "", piece.strip("，,:："))
            for piece in re.split(r"[。；;]", text[: text.rfind(sentence)])
        ]
        pieces = [piece for piece in pieces if piece]
        if not pieces:
            return None
        # "1、一般公共服务支出（类）财政事务（款）行政运行（项）。主要用于：…。年初预算为…": the path names the line,
        # not the purpose sentence between them
        paths = [strip_numbering(piece) for piece in pieces[-3:] if PATH.match(strip_numbering(piece))]
        before = paths[-1] if paths else pieces[-1]
    return strip_numbering(before.strip("，,:：")) or None


def t05_code(data: Data, subject: str) -> str | None:
    """The 公开05表 code a subject names: a 类 name, a (类)(款)(项) path, or one printed name unique in the table."""
    rows = data.table("T05")
    match = PATH.match(subject)
    if match:
        code = CATEGORY_CODES.get(label_key(match["cat"]))
        for part, length in ((match["sec"], 5), (match["item"], 7)):
            found = [
                row["code"]
                for row in rows
                if row.get("code")
                and len(row["code"]) == length
                and row["code"].startswith(code or "-")
                and label_key(row.get("name") or "") == label_key(part)
            ]
            code = found[0] if len(found) == 1 else None
        return code
    if label_key(subject) in CATEGORY_CODES:
        return CATEGORY_CODES[label_key(subject)]
    found = [row["code"] for row in rows if row.get("code") and label_key(row.get("name") or "") == label_key(subject)]
    return found[0] if len(found) == 1 else None


def _expense_after(data: Data, budget: Record) -> Record | None:
    facts = data.resources.get("narrative_facts") or []
    index = data.fact_index(budget)
    following = facts[index + 1 : index + 2]
    return following[0] if following and following[0].get("metric_key") == "item_expense" else None


@rule(
    "N17",
    "narrative",
    "情况说明 一般公共预算财政拨款支出各类、款、项的支出决算数 = 公开05表该科目合计（按名称或（类）（款）（项）定位）",
    "Narrative general-budget expense of each named 类/款/项 = its T05 total (matched by name or 类/款/项 path)",
    "T05",
    tolerance="max(0.05 万元, 所述精度的半个单位)",
    severity="warning",
)
def n17(data: Data, r: Rule) -> Iterator[Finding]:
    if not data.table("T05"):
        return
    paragraphs = data.resources.get("narrative") or []
    seen = set()
    for fact in data.fact("item_budget"):
        expense = _expense_after(data, fact)
        subject = budget_line_subject(paragraphs, fact) if expense else None
        code = t05_code(data, subject) if subject else None
        if expense is None or code is None or (code, expense["value"]) in seen:
            continue
        seen.add((code, expense["value"]))
        value, _, derived = coded(data, "T05", code, "total")
        if value is None:
            continue
        where = f"narrative item_expense {subject} vs T05 {code}"
        summed = "（由下级科目合计）" if derived else ""
        yield equal(
            r,
            where,
            f"情况说明 {subject} 支出决算 vs 公开05表 {code}{summed}",
            f"narrative expense of {subject} vs T05 {code}{' (sum of its children)' if derived else ''}",
            expected=value,
            printed=expense["value"],
            n_terms=1,
            source=expense,
            tables="T05",
            tolerance=max(Decimal("0.05"), half_unit(expense["value"])),
        )


# ---------------------------------------------------------------- 公务接待 batches and persons


def reception_count(row: Record) -> tuple[int, str] | None:
    """Batches of all receptions as far as the narrative tells: the stated total, else a positive part (国内, or
    外事/国（境）外 — 外事 may be part of 国内, so parts are never added)."""
    if row.get("official_reception_batches") is not None:
        return int(row["official_reception_batches"]), "公务接待"
    for field, named in (("domestic_reception_batches", "国内公务接待"), ("foreign_reception_batches", "外宾接待")):
        if (row.get(field) or 0) > 0:
            return int(row[field]), named
    return None


@rule(
    "N23",
    "narrative",
    "“三公”说明的公务接待批次、人次：合计 ≥ 国内、外事各项；有接待批次则公务接待费决算数（公开09表，或情况说明）不为0，"
    "载明接待0批次则为0",
    "三公 narrative receptions: the total ≥ its domestic and foreign parts; receptions imply reception spending (T09 "
    "or the narrative), and none stated (0 batches) implies none spent",
    "T09,NARR",
    tolerance="exact",
    severity="warning",
)
def n23(data: Data, r: Rule) -> Iterator[Finding]:
    for row in data.resources.get("three_public_quantities") or []:
        for part, unit in (("batches", "批次"), ("persons", "人次")):
            total = row.get(f"official_reception_{part}")
            for kind, named in (("domestic", "国内"), ("foreign", "外事或国（境）外")):
                value = row.get(f"{kind}_reception_{part}")
                if total is None or value is None:
                    continue
                found = at_most(
                    r,
                    f"narrative {kind}_reception_{part} ≤ official_reception_{part}",
                    f"{named}接待{unit} ≤ 公务接待{unit}",
                    f"{kind} reception {part} ≤ all reception {part}",
                    bound=Decimal(int(total)),
                    printed=value,
                    source=row,
                    tables="NARR",
                )
                found.message_zh = (
                    f"情况说明（{printed_at(row)}）称公务接待{total}{unit}、{named}接待{value}{unit}（{found.message_zh}）"
                )
                yield found
        batches = reception_count(row)
        spent = _figure(data, "official_reception", "actual")
        if batches is None or spent is None:
            continue
        count, named = batches
        label, amount = spent
        status = "ok" if (count > 0) == (amount > 0) else "mismatch"
        source = "公开09表" if label.startswith("T09") else "情况说明"
        yield finding(
            r,
            status,
            "narrative reception batches vs official_reception actual",
            f"情况说明（{printed_at(row)}）称{named}{count}批次，{source}公务接待费决算数为{fmt(amount)}万元"
            f"（{'相符' if status == 'ok' else '有接待而无支出' if count > 0 else '有支出而无接待'}）",
            f"The narrative ({printed_at_en(row)}) states {count} reception batches ({named}); {label} is "
            f"{fmt(amount)} 万元 ({status})",
            expected=amount,
            actual=Decimal(count),
            source=row,
            tables="T09,NARR" if label.startswith("T09") else "NARR",
        )
