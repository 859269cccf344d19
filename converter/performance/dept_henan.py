"""Henan 部门整体自评表 (seed 002): money in 万元, indicators with 偏差度 and 偏差原因分析及改进措施.

偏差度 is kept as printed in `deviation`, the note in `deviation_note`.
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
    starts,
    wrapped_value,
)
from converter.performance.grid import LEVEL2_COMMON, GridShape, read_grid_sheet

SHAPE = GridShape(
    level1=lazy_re.compile(r"投入管理指标|产出指标|效益指标|满意度(?:指标)?"),
    level2=lazy_re.compile(rf"工作目标管理|预算和财务管理|绩效管理|重点工作任务完成|履职目标实现|履职效益|{LEVEL2_COMMON}"),
    ignore=lazy_re.compile(r"绩效指标"),
    deviation=True,
)
NAME_LABEL = "部门（单位）名称"


def matches(lines: list[Line]) -> bool:
    return any(line_text(line).startswith("部门预算总额") for line in lines)


def read(lines: list[Line]) -> Evaluation:
    lines = content_lines(lines)
    evaluation = Evaluation("department", lines[0])
    name_at = starts(lines, NAME_LABEL)
    if name_at is not None:
        stops = ("部门整体支", "年初预算数", "部门预算总额")
        evaluation.fields["name"] = wrapped_value(lines, name_at, NAME_LABEL, stops)
    money_at = starts(lines, "部门预算总额")
    money = lines[money_at]
    label, *values = line_text(money).split()
    evaluation.fields["amount_unit"] = amount_unit(label)
    fill_money(evaluation, values, money)
    read_grid_sheet(evaluation, lines, SHAPE)
    return evaluation
