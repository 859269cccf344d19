"""Performance readers on small hand-written texts: doubtful cells stay empty with a finding, never guessed."""

from __future__ import annotations

from converter.document import Document, Line
from converter.model import Extraction
from converter.performance import extract_performance
from converter.performance.grid import merge_tokens


def run(text: str) -> Extraction:
    lines = [Line(text=t, line_no=n, page=None) for n, t in enumerate(text.split("\n"), start=1)]
    extraction = Extraction(report={})
    extract_performance(Document(lines=lines, source_file="t.txt", source_sha256="0", source_format="txt"), extraction)
    return extraction


SHAANXI_PROJECT = """医疗保险经办中心业务经费项目绩效自评表
项目名称 业务经费
主管部门 米脂县医疗保障局 实施单位 医疗保险经办中心
项目资金
（万元）
年度资金总额 27.17 27.17 35.17 10 129.44 10
一级指标
二级
指标
三级指标
产出指标
（50 分）
数量指标
{rows}
总分 100 {total}"""


def test_name_and_target_wrapped_to_full_lines_are_split_where_a_cell_ends():
    rows = "保障参保报销\n及时准确\n使得全年报\n销及时准确\n完成 15 15"
    extraction = run(SHAANXI_PROJECT.format(rows=rows, total="15"))
    (row,) = extraction.rows("performance_indicators")
    assert (row["name"], row["target"], row["source_line"]) == ("保障参保报销及时准确", "使得全年报销及时准确", 14)
    assert extraction.findings == []


def test_name_and_target_that_cannot_be_told_apart_leave_target_empty_with_a_finding():
    # three full-width fragments: a 1-line name and a 2-line target, or the reverse? The text cannot say.
    extraction = run(SHAANXI_PROJECT.format(rows="保障参保报销\n使得全年报销\n及时准确完成\n完成 15 15", total="15"))
    (row,) = extraction.rows("performance_indicators")
    assert (row["name"], row["target"], row["actual"], row["score"]) == (
        "保障参保报销使得全年报销及时准确完成",
        None,
        "完成",
        "15",
    )
    (finding,) = extraction.findings
    assert (finding.rule_id, finding.status, finding.severity) == ("EXTRACT", "not_checkable", "warning")
    assert finding.source_line == 17 and finding.location == "绩效自评 p1"


def test_a_score_that_is_not_a_number_stays_empty_with_a_finding():
    extraction = run(SHAANXI_PROJECT.format(rows="参保人数 ≥ 100 人 100 人 15 15", total="满分"))
    (row,) = extraction.rows("performance_indicators")
    assert (row["name"], row["target"], row["actual"]) == ("参保人数", "≥ 100 人", "100 人")
    assert extraction.rows("performance_evaluations")[0]["total_score"] is None
    assert [f.source_line for f in extraction.findings] == [15]


def test_text_between_level_labels_that_is_no_row_is_reported_not_dropped_silently():
    extraction = run(SHAANXI_PROJECT.format(rows="孤立文字\n质量指标 全县参保率 ≥95% ≥97% 15 15", total="15"))
    assert [r["name"] for r in extraction.rows("performance_indicators")] == ["全县参保率"]
    assert "孤立文字" in extraction.findings[0].message_zh


def test_sheet_of_unknown_shape_is_reported():
    extraction = run("某某项目绩效自评表\n项目名称 某项目\n总分 100 90")
    assert extraction.rows("performance_evaluations") == []
    assert extraction.findings[0].source_line == 1 and extraction.findings[0].rule_id == "EXTRACT"


def test_prose_is_not_read_when_the_report_prints_sheets():
    prose = "1. 某某经费项目绩效自评情况：项目绩效自评得分为90分。项目全年预算数为10万元，执行数为9万元。"
    extraction = run(prose + "\n" + SHAANXI_PROJECT.format(rows="群众满意度 ≥90% ≥90% 10 10", total="10"))
    assert [r["name"] for r in extraction.rows("performance_evaluations")] == ["业务经费"]


def test_analysis_report_with_differing_declared_and_compiled_budgets_leaves_initial_budget_empty():
    text = "\n".join(
        [
            "## 项目支出绩效自评分析报告",
            "项目名称：某项目",
            "资金来源\t年初预算数\t\t全年预算数 (元)\t全年执行数(元)\t资金结(转)余(元)\t执行率\t得分\t偏差原因",
            "\t目标申报(元)\t预算编制(元)\t\t\t\t\t\t",
            "合计\t100\t90\t90\t90\t0\t100\t10\t",
            "",
            "一级指标\t二级指标\t指标名称\t年度指标\t\t实际完成值\t定性值情况说明\t权重\t得分\t偏差原因分析及改进措施",
            "\t\t\t年初指标\t调整后指标\t\t\t\t\t",
            "产出指标\t数量指标\t印刷费\t≥1 页\t\t1\t\t90\t\t",
            "",
            "总得分 100 分，属于“优”。",
        ]
    )
    extraction = run(text)
    (record,) = extraction.rows("performance_evaluations")
    assert (record["budget_initial"], record["budget_full_year"], record["total_score"], record["grade"]) == (
        None,
        "90",
        "100",
        "优",
    )
    (row,) = extraction.rows("performance_indicators")
    assert (row["target"], row["target_adjusted"], row["weight"], row["score"]) == ("≥1 页", None, "90", None)
    assert [f.source_line for f in extraction.findings] == [5]


def test_comparators_and_units_split_by_spaces_stay_with_their_number():
    assert merge_tokens("全县居民参保人数 159158 人 ≥ 90% 15 15".split()) == [
        "全县居民参保人数",
        "159158 人",
        "≥ 90%",
        "15",
        "15",
    ]
