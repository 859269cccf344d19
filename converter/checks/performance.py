"""Arithmetic of the performance self-evaluations (绩效自评): scores, weights, execution rate, grade."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from converter.checks.core import (
    Rule,
    amount_tolerance,
    dec,
    equal,
    finding,
    fmt,
    printed_at,
    printed_at_en,
    ratio,
    round_to,
    rule,
    sum_of,
)
from converter.checks.data import Data
from converter.model import Finding, Record

EXECUTION_WEIGHT = Decimal(10)  # 预算执行率 weight of the 财预〔2020〕10号 self-evaluation
GRADES = ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"), (Decimal(0), "差"))


def evaluations(data: Data) -> list[Record]:
    return data.resources.get("performance_evaluations") or []


def indicators(data: Data, evaluation_id: str) -> list[Record]:
    return [
        row for row in data.resources.get("performance_indicators") or [] if row.get("evaluation_id") == evaluation_id
    ]


def with_indicators(data: Data) -> Iterator[tuple[Record, list[Record]]]:
    for evaluation in evaluations(data):
        yield evaluation, indicators(data, evaluation["evaluation_id"])


def _where(evaluation: Record) -> str:
    return f"{evaluation.get('evaluation_id')} {evaluation.get('name') or ''}".strip()


def _labels(evaluation: Record, field: str, zh: str, en: str) -> tuple[str, str, str]:
    """Location and messages of one figure of an evaluation, each led by the evaluation."""
    where = _where(evaluation)
    return f"{where} {field}", f"{where} {zh}", f"{where} {en}"


@rule(
    "P1",
    "performance",
    "绩效自评：总分 = 预算执行率得分 + 各指标得分之和",
    "Self-evaluation: total score = execution-rate score + Σ indicator scores",
    "PERF",
    tolerance="|Δ| ≤ max(0.05, 0.005 × n + 0.01) 分",
)
def p1(data: Data, r: Rule) -> Iterator[Finding]:
    for evaluation, rows in with_indicators(data):
        if evaluation.get("total_score") is None:
            continue
        if not rows:
            yield finding(
                r,
                "not_checkable",
                _where(evaluation),
                f"{_where(evaluation)}：未载指标得分，无法核对总分",
                f"{_where(evaluation)}: no indicator scores; total not checkable",
                source=evaluation,
            )
            continue
        expected, count = sum_of([evaluation.get("execution_score")] + [row.get("score") for row in rows])
        yield equal(
            r,
            *_labels(evaluation, "total_score", "总分", "total score"),
            expected=expected,
            printed=evaluation["total_score"],
            n_terms=count,
            source=evaluation,
        )


@rule(
    "P2",
    "performance",
    "绩效自评：指标分值之和 = 100（有预算执行率得分时为 90）",
    "Self-evaluation: indicator weights total 100 (90 when the execution rate carries its 10 points)",
    "PERF",
    tolerance="exact",
)
def p2(data: Data, r: Rule) -> Iterator[Finding]:
    for evaluation, rows in with_indicators(data):
        weights = [row.get("weight") for row in rows]
        if not rows or any(weight is None for weight in weights):
            continue
        has_execution = evaluation.get("execution_score") is not None or evaluation.get("execution_rate") is not None
        expected = Decimal(100) - (EXECUTION_WEIGHT if has_execution else 0)
        total, _ = sum_of(weights)
        yield equal(
            r,
            *_labels(evaluation, "weights", "指标分值合计", "indicator weights"),
            expected=expected,
            printed=total,
            n_terms=1,
            source=rows[0],
            tolerance=Decimal(0),
        )


@rule(
    "P3",
    "performance",
    "绩效自评：执行率 = 全年执行数 / 全年预算数",
    "Self-evaluation: execution rate = executed / budget",
    "PERF",
    tolerance="±0.02 个百分点，或输入印刷精度允许的范围",
)
def p3(data: Data, r: Rule) -> Iterator[Finding]:
    for evaluation in evaluations(data):
        budget = evaluation.get("budget_full_year")
        result = ratio(
            r,
            *_labels(evaluation, "execution_rate", "执行率", "execution rate"),
            printed=evaluation.get("execution_rate"),
            numerator=evaluation.get("executed"),
            denominator=budget,
            source=evaluation,
        )
        if result is not None:
            yield result


@rule(
    "P4",
    "performance",
    "绩效自评：执行率得分 = 10 × min(执行率, 100%)（财预〔2020〕10号）",
    "Self-evaluation: execution score = 10 × min(rate, 100%)",
    "PERF",
    tolerance="±0.02 分",
    severity="warning",
)
def p4(data: Data, r: Rule) -> Iterator[Finding]:
    for evaluation in evaluations(data):
        score = evaluation.get("execution_score")
        rate = dec(evaluation.get("execution_rate"))
        if rate is None and dec(evaluation.get("budget_full_year")):
            executed = dec(evaluation.get("executed"))
            rate = executed / dec(evaluation["budget_full_year"]) * 100 if executed is not None else None
        if score is None or rate is None:
            continue
        expected = EXECUTION_WEIGHT * min(rate, Decimal(100)) / 100
        shown = round_to(expected, score)
        yield equal(
            r,
            *_labels(evaluation, "execution_score", "执行率得分", "execution score"),
            expected=shown if shown == dec(score) else expected,
            printed=score,
            n_terms=1,
            source=evaluation,
            tolerance=Decimal("0.02"),
        )


@rule(
    "P5",
    "performance",
    "绩效自评：等级与总分相符（≥90 优，80–90 良，60–80 中，<60 差）",
    "Self-evaluation: grade matches the score band (≥90 优, 80–90 良, 60–80 中, <60 差)",
    "PERF",
    tolerance="exact",
    severity="warning",
)
def p5(data: Data, r: Rule) -> Iterator[Finding]:
    for evaluation in evaluations(data):
        score, grade = dec(evaluation.get("total_score")), evaluation.get("grade")
        if score is None or not grade:
            continue
        band = next(name for floor, name in GRADES if score >= floor)
        status = "ok" if band in grade else "mismatch"
        yield finding(
            r,
            status,
            f"{_where(evaluation)} grade",
            f"{_where(evaluation)}：总分 {score} 应为“{band}”，印为“{grade}”",
            f"{_where(evaluation)}: score {score} is band {band}, printed {grade}",
            actual=score,
            source=evaluation,
        )


# the department's spending of the year, as each table states it: the self-evaluation covers one of them
SPENDING_FIGURES = (
    ("T01", "公开01表本年支出合计", lambda data: data.item("T01", "total_expense", "expense"), "amount"),
    ("T03", "公开03表合计", lambda data: data.total("T03"), "total"),
    ("T04", "公开04表本年支出合计", lambda data: data.item("T04", "total_expense", "expense"), "total"),
    ("T05", "公开05表合计", lambda data: data.total("T05"), "total"),
)


@rule(
    "P6",
    "performance",
    "部门整体支出绩效自评：全年执行数 = 决算表所列本年支出（公开01/03表本年支出合计，或财政拨款口径的公开04/05表）",
    "Department self-evaluation: executed amount = the year's spending in the tables (T01/T03, or the fiscal T04/T05)",
    "PERF,T01,T03,T04,T05",
    severity="warning",
)
def p6(data: Data, r: Rule) -> Iterator[Finding]:
    for evaluation in evaluations(data):
        if evaluation.get("kind") != "department" or dec(evaluation.get("executed")) is None:
            continue
        executed = dec(evaluation["executed"]) or Decimal(0)
        if evaluation.get("amount_unit") == "元":
            executed /= 10000
        candidates = []
        for table_id, name, get, column in SPENDING_FIGURES:
            row = get(data)
            if row is not None and dec(row.get(column)) is not None:
                candidates.append((abs(executed - (dec(row[column]) or Decimal(0))), table_id, name, row, column))
        if not candidates:
            continue
        _, table_id, name, row, column = min(candidates, key=lambda c: c[0])
        result = equal(
            r,
            f"{_where(evaluation)} executed vs {table_id}",
            f"{_where(evaluation)} 全年执行数 vs {name}",
            f"{_where(evaluation)} executed vs {table_id} spending",
            expected=dec(row[column]) or Decimal(0),
            printed=executed,
            n_terms=1,
            source=evaluation,
            tables=f"PERF,{table_id}",
            tolerance=amount_tolerance(1),
        )
        others = "、".join(f"{c[2]} {fmt(dec(c[3][c[4]]))}" for c in candidates if c[1] != table_id)
        result.message_zh = (
            f"部门整体支出绩效自评表（{printed_at(evaluation)}）全年执行数{fmt(executed)}万元，{name}（{printed_at(row)}）"
            f"为{row[column]}万元{'；' + others if others else ''}（{result.message_zh}）"
        )
        result.message_en = (
            f"The department self-evaluation ({printed_at_en(evaluation)}) reports {fmt(executed)} 万元 executed; "
            f"{table_id} ({printed_at_en(row)}) spent {row[column]} ({result.message_en})"
        )
        yield result
