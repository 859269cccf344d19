"""政府采购 in the narrative: awards to SMEs within the procurement total, small and micro within SMEs."""

from __future__ import annotations

from collections.abc import Iterator

from converter.checks.core import Rule, at_most, dec, explained, fmt, printed_at, printed_at_en, rule, sum_of
from converter.checks.data import Data
from converter.model import Finding, Record

# SME awards as one figure (授予中小企业合同金额) or as the Shanghai parts (reserved projects + other projects)
SME_PARTS = ("procurement_sme_reserved_award", "procurement_sme_other_award")


def _first(data: Data, key: str) -> Record | None:
    return next((f for f in data.fact(key) if f.get("value") is not None), None)


def sme_awards(data: Data) -> tuple[list[Record], str] | None:
    """The fact(s) stating what SMEs were awarded, and how they are named."""
    whole = _first(data, "procurement_sme")
    if whole is not None:
        return [whole], "授予中小企业合同金额"
    parts = [fact for key in SME_PARTS if (fact := _first(data, key)) is not None]
    if parts:
        return parts, "由中小企业供应商中标或成交的采购金额" + ("之和" if len(parts) > 1 else "")
    return None


def procurement_total(data: Data) -> Record | None:
    stated = _first(data, "procurement_total")
    if stated is not None:
        return stated
    return next((row for row in data.table("T10") if row.get("item_key") == "procurement_total"), None)



@rule(
    "N20",
    "narrative",
    "政府采购：授予中小企业的合同金额（上海式：预留项目与其他项目中由中小企业中标之和）≤ 政府采购金额；"
    "授予小微企业 ≤ 授予中小企业",
    "Procurement: amounts awarded to SMEs (Shanghai: reserved + other projects) ≤ the procurement total; "
    "small and micro ≤ SMEs",
    "NARR,T10",
    severity="warning",
)
def n20(data: Data, r: Rule) -> Iterator[Finding]:
    total = procurement_total(data)
    awards = sme_awards(data)
    if awards is not None and total is not None:
        facts, name = awards
        value, _ = sum_of([fact["value"] for fact in facts])
        parts = " + ".join(f"{fact['value']}（{printed_at(fact)}）" for fact in facts)
        yield explained(
            at_most(
                r,
                "narrative procurement_sme ≤ procurement_total",
                "授予中小企业 ≤ 政府采购金额",
                "SME awards ≤ procurement total",
                bound=dec(total.get("value")) or dec(0),
                printed=value,
                source=facts[0],
                tables="NARR" if "metric_key" in total else "NARR,T10",
            ),
            f"{name} {parts} = {fmt(value)}万元，政府采购金额为{total.get('value')}万元（{printed_at(total)}）；"
            "中小企业所得不能超过采购总额",
            f"SMEs were awarded {fmt(value)} 万元 ({', '.join(printed_at_en(f) for f in facts)}) of a procurement "
            f"total of {total.get('value')} ({printed_at_en(total)}); the part cannot exceed the whole",
        )
    small, sme = _first(data, "procurement_small_micro"), _first(data, "procurement_sme")
    if small is not None and sme is not None:
        yield explained(
            at_most(
                r,
                "narrative procurement_small_micro ≤ procurement_sme",
                "授予小微企业 ≤ 授予中小企业",
                "small and micro ≤ SMEs",
                bound=dec(sme["value"]) or dec(0),
                printed=small["value"],
                source=small,
                tables="NARR",
            ),
            f"授予小微企业合同金额{small['value']}万元（{printed_at(small)}），授予中小企业合同金额"
            f"{sme['value']}万元（{printed_at(sme)}）；小微企业是中小企业的一部分",
            f"Small and micro enterprises got {small['value']} ({printed_at_en(small)}), SMEs {sme['value']} "
            f"({printed_at_en(sme)}); the former are part of the latter",
        )
