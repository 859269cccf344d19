"""Shanxi 2024 项目支出绩效自评分析报告 (seed 003): header fields, two tab tables, a result sentence.

Budget table (元): 资金来源 | 年初预算数 {目标申报, 预算编制} | 全年预算数 | 全年执行数 | 结余 | 执行率 |
得分 | 偏差原因; its 合计 row gives the evaluation's money.
Indicator table: 一级 | 二级 | 指标名称 | 年度指标 {年初指标, 调整后指标} | 实际完成值 | 定性值情况说明 | 权重 |
得分 | 偏差原因分析及改进措施; blank 一级/二级 cells are merged cells.
"""

from __future__ import annotations

from converter import lazy_re
from converter.document import Line
from converter.normalize import strip_markup
from converter.performance.common import Evaluation, amount_unit, checked_amount

HEADER_FIELDS = {
    "项目名称": "name",
    "项目单位": "implementing_unit",
    "实施单位": "implementing_unit",
    "主管部门": "competent_department",
}
TOTAL = lazy_re.compile(r"总得分\s*(\d+(?:\.\d+)?)\s*分")
GRADE = lazy_re.compile(r"属于\s*[\"“”'‘’「]?\s*([优良中差])")
INDICATOR_COLUMNS = (  # (schema field, header words), first match wins
    ("level1", ("一级指标",)),
    ("level2", ("二级指标",)),
    ("name", ("指标名称", "三级指标")),
    ("target", ("年初指标", "年度指标值", "指标值")),
    ("target_adjusted", ("调整后指标",)),
    ("actual", ("实际完成值", "实际完成情况")),
    ("weight", ("权重", "分值")),
    ("score", ("得分",)),
    ("deviation_note", ("偏差原因",)),
    ("qualitative", ("定性值情况说明",)),
)
MONEY_COLUMNS = (
    ("target_declared", ("目标申报",)),
    ("budget_initial", ("预算编制",)),
    ("budget_full_year", ("全年预算数",)),
    ("executed", ("全年执行数",)),
    ("execution_rate", ("执行率",)),
    ("execution_score", ("得分",)),
)


def matches(lines: list[Line]) -> bool:
    return "自评分析报告" in lines[0].text


def cells(line: Line) -> list[str | None]:
    return [cell.strip() or None for cell in line.text.split("\t")]


def columns(head: Line, sub: Line, wanted: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, int]:
    """Field → column index from a two-row header (a sub-header cell names the column under a spanning cell)."""
    names = [s or h or "" for h, s in zip(cells(head), [*cells(sub), *[None] * len(cells(head))])]
    found: dict[str, int] = {}
    for key, words in wanted:
        for word in words:
            index = next((i for i, name in enumerate(names) if word in name), None)
            if index is not None:
                found[key] = index
                break
    return found


def table_rows(lines: list[Line], start: int) -> list[Line]:
    """Tab rows after a two-row header at start, up to the first line without a tab."""
    rows = []
    for line in lines[start + 2 :]:
        if "\t" not in line.text:
            break
        rows.append(line)
    return rows


def read(lines: list[Line]) -> Evaluation:
    evaluation = Evaluation("project", lines[0])
    for line in lines:
        label, sep, value = strip_markup(line.text).strip().partition("：")
        key = HEADER_FIELDS.get(label.strip())
        if sep and key and key not in evaluation.fields:
            evaluation.fields[key] = value.strip() or None
    money_at = next((i for i, ln in enumerate(lines) if ln.text.startswith("资金来源\t")), None)
    grid_at = next((i for i, ln in enumerate(lines) if ln.text.startswith("一级指标\t")), None)
    if money_at is None or grid_at is None:
        evaluation.problem("自评分析报告缺少预算执行表或绩效指标表", "Budget or indicator table missing")
        return evaluation
    _money(evaluation, lines, money_at)
    _indicators(evaluation, lines, grid_at)
    text = "\n".join(line.text for line in lines)
    if match := TOTAL.search(text):
        evaluation.amount("total_score", match.group(1))
    if match := GRADE.search(text):
        evaluation.fields["grade"] = match.group(1)
    return evaluation


def _money(evaluation: Evaluation, lines: list[Line], at: int) -> None:
    evaluation.fields["amount_unit"] = amount_unit(lines[at].text)
    cols = columns(lines[at], lines[min(at + 1, len(lines) - 1)], MONEY_COLUMNS)
    total = next((row for row in table_rows(lines, at) if (cells(row)[0] or "").replace(" ", "") == "合计"), None)
    if total is None:
        evaluation.problem("预算执行表没有合计行", "Budget table without a 合计 row", lines[at])
        return
    row = cells(total)
    value = {key: row[i] if i < len(row) else None for key, i in cols.items()}
    declared, compiled = value.pop("target_declared", None), value.get("budget_initial")
    if declared is not None and compiled is not None and declared != compiled:
        evaluation.problem(
            "年初预算数的目标申报数与预算编制数不同，年初预算数留空",
            "年初预算数: 目标申报 and 预算编制 differ, budget_initial left empty",
            total,
        )
        value["budget_initial"] = None
    for key, text in value.items():
        evaluation.amount(key, text, total)


def _indicators(evaluation: Evaluation, lines: list[Line], at: int) -> None:
    cols = columns(lines[at], lines[min(at + 1, len(lines) - 1)], INDICATOR_COLUMNS)
    level1 = level2 = None
    for line in table_rows(lines, at):
        row = cells(line)
        value = {key: row[i] if i < len(row) else None for key, i in cols.items()}
        if value.get("level1"):
            level1, level2 = value["level1"], None
        level2 = value.get("level2") or level2
        if value.pop("qualitative", None):
            evaluation.problem("定性值情况说明无对应字段，未保存", "定性值情况说明 has no field: not stored", line)
        if not value.get("name"):
            evaluation.problem("绩效指标行缺少指标名称，未提取", "Indicator row without a name was skipped", line)
            continue
        evaluation.indicator(
            line,
            **{
                **value,
                "level1": level1,
                "level2": level2,
                "weight": checked_amount(evaluation, "权重", value.get("weight"), line),
                "score": checked_amount(evaluation, "得分", value.get("score"), line),
            },
        )
