"""Disclosure completeness: which required items a report presents, states empty, or omits, and its score.

The items are those China's fiscal-transparency indices grade in a 部门决算公开: the nine standard tables, the 三公
explanation and its quantities, 机关运行经费, 政府采购, 国有资产占用, 绩效 information and 名词解释. An item is
present when the report prints it (a table printed in a layout the converter cannot read still counts), stated_empty
when the report says it has none with the required note (本表无数据, 无政府采购 …), missing otherwise. The score is
the share of items present or stated empty, in %.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from converter import lazy_re
from converter.model import Record
from converter.narrative.quantities import FIELDS

TABLE_ITEMS = {
    "T01": "收入支出决算总表",
    "T02": "收入决算表",
    "T03": "支出决算表",
    "T04": "财政拨款收入支出决算总表",
    "T05": "一般公共预算财政拨款支出决算表",
    "T06": "一般公共预算财政拨款基本支出决算表",
    "T07": "政府性基金预算财政拨款收入支出决算表",
    "T08": "国有资本经营预算财政拨款支出决算表",
    "T09": "财政拨款“三公”经费支出决算表",
}
# statements of having none of an item (the narrative's own words), per item
NONE_STATED = {
    "T07": lazy_re.compile(r"无政府性基金|没有政府性基金|政府性基金[^。；]{0,20}(?:无|未)"),
    "T08": lazy_re.compile(r"无国有资本经营|没有国有资本经营|国有资本经营[^。；]{0,20}(?:无|未)"),
    "three_public": lazy_re.compile(r"无[“\"]?三公[”\"]?经费|未发生[“\"]?三公[”\"]?经费"),
    "operating_costs": lazy_re.compile(r"无机关运行经费"),
    "procurement": lazy_re.compile(r"无政府采购"),
    "state_assets": lazy_re.compile(r"无国有资产占用"),
    "performance": lazy_re.compile(r"未开展[^。；]{0,10}绩效"),
}
QUANTITY_FIELDS = FIELDS  # the 三公 quantities a report may state


@dataclass(frozen=True)
class Evidence:
    status: str  # present | stated_empty | missing
    text: str | None
    source: Record | None = None


class Report:
    """One report's records, with the look-ups the items need."""

    def __init__(self, resources: dict[str, list[Record]]):
        self.resources = resources
        self.facts = resources.get("narrative_facts") or []
        self.paragraphs = resources.get("narrative") or []

    def fact(self, *keys: str, with_value: bool = True) -> Record | None:
        return next(
            (f for f in self.facts if f.get("metric_key") in keys and (f.get("value") is not None or not with_value)),
            None,
        )

    def fact_prefixed(self, prefix: str) -> Record | None:
        return next((f for f in self.facts if (f.get("metric_key") or "").startswith(prefix)), None)

    def stated_none(self, item: str) -> Record | None:
        """The first paragraph saying the report has none of the item."""
        pattern = NONE_STATED[item]
        return next((p for p in self.paragraphs if pattern.search(p.get("text") or "")), None)

    def section(self, pattern: str) -> Record | None:
        return next((p for p in self.paragraphs if re.search(pattern, p.get("section") or "")), None)

    def t10(self, *keys: str) -> Record | None:
        return next(
            (
                row
                for row in self.resources.get("disclosure_stats") or []
                if row.get("origin", "table") == "table" and row.get("item_key") in keys
            ),
            None,
        )


def _sentence(record: Record, limit: int = 160) -> str:
    """The sentence of a fact, or the (shortened) text of a paragraph."""
    text = record.get("sentence") or record.get("text") or ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _statement(item: str, paragraph: Record) -> str:
    """The sentence of a paragraph that states the report has none of the item."""
    text = paragraph.get("text") or ""
    match = NONE_STATED[item].search(text)
    if match is None:
        return _sentence(paragraph)
    start = max(text.rfind(mark, 0, match.start()) for mark in "。；;") + 1
    ends = [i for i in (text.find(mark, match.end()) for mark in "。；;") if i >= 0]
    return _sentence({"text": text[start : (min(ends) + 1 if ends else len(text))].strip()})


def _none_or_missing(report: Report, item: str, looked_for: str) -> Evidence:
    stated = report.stated_none(item)
    if stated is not None:
        return Evidence("stated_empty", _statement(item, stated), stated)
    return Evidence("missing", f"未见{looked_for}")


def _table(report: Report, table_id: str) -> Evidence:
    row = next((r for r in report.resources.get("report_tables") or [] if r.get("table_id") == table_id), None)
    status = (row or {}).get("status")
    if status == "found":
        return Evidence("present", row.get("title") or TABLE_ITEMS[table_id], row)
    if status == "unreadable":
        return Evidence("present", f"{row.get('title') or TABLE_ITEMS[table_id]}（已印出，版式未能读取）", row)
    if status == "empty":
        return Evidence("stated_empty", row.get("note") or "本表无数据", row)
    if table_id in NONE_STATED:
        stated = report.stated_none(table_id)
        if stated is not None:
            return Evidence("stated_empty", f"表未印出；情况说明：{_statement(table_id, stated)}", stated)
    return Evidence("missing", "表格未出现在文本中（可能为图片或未公开）")


def _three_public_explanation(report: Report) -> Evidence:
    fact = report.fact("three_public_actual", "three_public_budget") or report.fact_prefixed("three_public_")
    if fact is not None:
        return Evidence("present", _sentence(fact), fact)
    return _none_or_missing(report, "three_public", "“三公”经费支出情况说明")


def _three_public_quantities(report: Report) -> Evidence:
    for record in report.resources.get("three_public_quantities") or []:
        stated = [field for field in QUANTITY_FIELDS if record.get(field) is not None]
        if stated:
            return Evidence("present", f"已载：{'、'.join(stated)}", record)
    return _none_or_missing(report, "three_public", "出国团组、人次、公务用车数量、公务接待批次与人次")


def _by_facts(item: str, keys: tuple[str, ...], t10_keys: tuple[str, ...], looked_for: str) -> Callable:
    def assess(report: Report) -> Evidence:
        fact = report.fact(*keys)
        if fact is not None:
            return Evidence("present", _sentence(fact), fact)
        row = report.t10(*t10_keys)
        if row is not None:
            return Evidence("present", f"公开10表：{row.get('item') or row.get('item_key')}", row)
        return _none_or_missing(report, item, looked_for)

    return assess


def _performance(report: Report) -> Evidence:
    evaluation = next(iter(report.resources.get("performance_evaluations") or []), None)
    if evaluation is not None:
        return Evidence("present", f"绩效自评：{evaluation.get('name') or evaluation.get('evaluation_id')}", evaluation)
    fact = report.fact_prefixed("performance_")
    if fact is not None:
        return Evidence("present", _sentence(fact), fact)
    paragraph = report.section(r"绩效")
    if paragraph is not None and not NONE_STATED["performance"].search(paragraph.get("text") or ""):
        return Evidence("present", _sentence(paragraph), paragraph)
    return _none_or_missing(report, "performance", "绩效管理、绩效自评情况")


def _glossary(report: Report) -> Evidence:
    paragraph = report.section(r"名词解释|名词说明|术语")
    if paragraph is not None:
        return Evidence("present", paragraph.get("section"), paragraph)
    return Evidence("missing", "未见名词解释")


ITEMS: tuple[tuple[str, str, Callable[[Report], Evidence]], ...] = (
    *((table_id, title, lambda report, t=table_id: _table(report, t)) for table_id, title in TABLE_ITEMS.items()),
    ("three_public_explanation", "“三公”经费支出情况说明", _three_public_explanation),
    ("three_public_quantities", "“三公”经费实物量（团组、人次、车辆、接待批次）", _three_public_quantities),
    (
        "operating_costs",
        "机关运行经费",
        _by_facts(
            "operating_costs",
            ("operating_costs",),
            ("operating_costs_admin", "operating_costs_civil_service"),
            "机关运行经费支出情况",
        ),
    ),
    (
        "procurement",
        "政府采购",
        _by_facts(
            "procurement", ("procurement_total", "procurement_goods"), ("procurement_total",), "政府采购支出情况"
        ),
    ),
    (
        "state_assets",
        "国有资产占用",
        _by_facts(
            "state_assets",
            ("vehicles_total", "equipment_over_1m"),
            ("vehicles_total", "equipment_over_1m"),
            "车辆、单价100万元以上设备等国有资产占用情况",
        ),
    ),
    ("performance", "绩效信息", _performance),
    ("glossary", "名词解释", _glossary),
)


def assess(resources: dict[str, list[Record]]) -> tuple[list[Record], str]:
    """The disclosure_completeness records of one report and its score (% text with two decimals)."""
    report = Report(resources)
    results = [(key, name, judge(report)) for key, name, judge in ITEMS]
    disclosed = sum(1 for _, _, evidence in results if evidence.status != "missing")
    score = (Decimal(disclosed) * 100 / len(results)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    records = [
        {
            "item_key": key,
            "item": name,
            "status": evidence.status,
            "score": 0 if evidence.status == "missing" else 1,
            "report_score": str(score),
            "evidence": evidence.text,
            "source_page": (evidence.source or {}).get("source_page"),
            "source_line": (evidence.source or {}).get("source_line"),
        }
        for key, name, evidence in results
    ]
    return records, str(score)
