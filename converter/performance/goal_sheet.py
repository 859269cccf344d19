"""Shanxi 2023 项目支出绩效自评表 in goal-sheet style (seed 000): amounts in 元, no 执行率 block.

The money block prints 实施期资金总额 and 年度资金总额; the latter is stored as budget_full_year (the year's
budget). Nothing printed is an initial budget, an executed amount or an execution rate, so those stay None.
"""

from __future__ import annotations

from converter import lazy_re
from converter.document import Line
from converter.performance.common import Evaluation, amount_unit, content_lines, line_text, project_header, starts
from converter.performance.grid import LEVEL2_COMMON, GridShape, read_grid_sheet

SHAPE = GridShape(level1=lazy_re.compile(r"(?:产出|效益|满意度)指标"), level2=lazy_re.compile(LEVEL2_COMMON))
YEAR_TOTAL = lazy_re.compile(r"年度资金总额[：:]\s*(\S+)")


def matches(lines: list[Line]) -> bool:
    return any("实施期资金总额" in line.text for line in lines)


def read(lines: list[Line]) -> Evaluation:
    lines = content_lines(lines)
    evaluation = Evaluation("project", lines[0])
    project_header(evaluation, lines)
    money_at = starts(lines, "项目资金")
    if money_at is not None:
        evaluation.fields["amount_unit"] = amount_unit(" ".join(line_text(ln) for ln in lines[money_at : money_at + 2]))
    for line in lines:
        match = YEAR_TOTAL.search(line.text)
        if match:
            evaluation.amount("budget_full_year", match.group(1), line)
            break
    read_grid_sheet(evaluation, lines, SHAPE)
    return evaluation
