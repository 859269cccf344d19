"""Shaanxi sheets (seed 004), amounts in 万元: 单位整体支出绩效自评表 and the project 绩效自评表.

一级指标 labels carry their weight ("产出指标（50分）"); the weight suffix is not part of the stored label.
"""

from __future__ import annotations

from converter import lazy_re
from converter.document import Line
from converter.performance.common import (
    Evaluation,
    amount_unit,
    content_lines,
    fill_money,
    line_text,
    project_header,
    starts,
    wrapped_value,
)
from converter.performance.grid import LEVEL2_COMMON, GridShape, read_grid_sheet

SHAPE = GridShape(
    level1=lazy_re.compile(r"(?:产出|效益|满意度)指标?(?:[（(]\d+(?:\.\d+)?分[）)])?"),
    level2=lazy_re.compile(LEVEL2_COMMON),
)
NAME_LABEL = "部门（单位）名称"


def matches_unit(lines: list[Line]) -> bool:
    return any(line_text(line).startswith("金额合计") for line in lines)


def matches_project(lines: list[Line]) -> bool:
    return any(line_text(line).startswith("年度资金总额 ") for line in lines)


def read_unit(lines: list[Line]) -> Evaluation:
    """单位整体: money is the task table's 金额合计 row (总额/财政拨款/其他资金 × 预算/执行, 分值, 执行率, 得分)."""
    lines = content_lines(lines)
    evaluation = Evaluation("department", lines[0])
    name_at = starts(lines, NAME_LABEL)
    if name_at is not None:
        evaluation.fields["name"] = wrapped_value(lines, name_at, NAME_LABEL, ("年度",))
    unit_line = next((line for line in lines if "全年预算数" in line.text), None)
    evaluation.fields["amount_unit"] = amount_unit(unit_line.text) if unit_line else None
    total_at = starts(lines, "金额合计")
    _unit_money(evaluation, line_text(lines[total_at]).split()[1:], lines[total_at])
    read_grid_sheet(evaluation, lines, SHAPE)
    return evaluation


def _unit_money(evaluation: Evaluation, values: list[str], line: Line) -> None:
    if len(values) == 9:
        budget, executed, rate, score = values[0], values[3], values[7], values[8]
    elif len(values) == 7 and values[0] == values[1] and values[2] == values[3]:
        # 其他资金 blank in both blocks: 总额 = 财政拨款 makes the reading certain
        budget, executed, rate, score = values[0], values[2], values[5], values[6]
    else:
        evaluation.problem(
            "金额合计行的栏目无法确定，资金数未提取",
            "Columns of the 金额合计 row are ambiguous: amounts not extracted",
            line,
        )
        return
    evaluation.amount("budget_full_year", budget, line)
    evaluation.amount("executed", executed, line)
    evaluation.amount("execution_rate", rate, line)
    evaluation.amount("execution_score", score, line)


def read_project(lines: list[Line]) -> Evaluation:
    """Project sheet of the national shape: 年度资金总额 row = 年初预算数 全年预算数 全年执行数 分值 执行率 得分."""
    lines = content_lines(lines)
    evaluation = Evaluation("project", lines[0])
    project_header(evaluation, lines)
    money_at = starts(lines, "项目资金")
    if money_at is not None:
        evaluation.fields["amount_unit"] = amount_unit(" ".join(line_text(ln) for ln in lines[money_at : money_at + 2]))
    total_at = starts(lines, "年度资金总额")
    fill_money(evaluation, line_text(lines[total_at]).split()[1:], lines[total_at])
    read_grid_sheet(evaluation, lines, SHAPE)
    return evaluation
