"""Performance self-evaluations of the five seeds; every expected value was read from the seed text by hand."""

from __future__ import annotations

from decimal import Decimal
from functools import cache

import pytest
from conftest import seed
from jsonschema import Draft202012Validator

from converter import registry
from converter.model import Extraction
from converter.performance import extract_performance
from converter.readers import read_document

# (level1, level2, name, target, actual, weight, score) as printed
Row = tuple[str | None, str | None, str, str | None, str | None, str | None, str | None]


@cache
def extracted(number: str) -> Extraction:
    extraction = Extraction(report={})
    extract_performance(read_document(seed(number)), extraction)
    return extraction


def evaluation(number: str, evaluation_id: str) -> dict:
    return next(r for r in extracted(number).rows("performance_evaluations") if r["evaluation_id"] == evaluation_id)


def indicators(number: str, evaluation_id: str) -> list[dict]:
    rows = [r for r in extracted(number).rows("performance_indicators") if r["evaluation_id"] == evaluation_id]
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
    return rows


def grid(number: str, evaluation_id: str) -> list[Row]:
    keys = ("level1", "level2", "name", "target", "actual", "weight", "score")
    return [tuple(r[k] for k in keys) for r in indicators(number, evaluation_id)]


def score_sum(number: str, evaluation_id: str) -> Decimal:
    return sum((Decimal(r["score"]) for r in indicators(number, evaluation_id)), Decimal(0))


def has(expected: dict, actual: dict) -> None:
    assert {key: actual[key] for key in expected} == expected


# ---------------------------------------------------------------- seed 000: Shanxi 2023 goal-sheet 自评表 (元)

OUT, BEN, SAT = "产出指标", "效益指标", "满意度指标"
SERVED = "服务对象满意度指标"


def test_seed000_has_three_project_sheets_and_no_findings():
    assert [r["evaluation_id"] for r in extracted("000").rows("performance_evaluations")] == ["p1", "p2", "p3"]
    assert extracted("000").findings == []


def test_seed000_p1_header_money_and_total():
    has(
        {
            "kind": "project",
            "source_line": 1147,
            "source_page": None,
            "amount_unit": "元",
            "name": "2023年中央医疗服务与保障能力提升补助资金（医疗保障服务能力建设部分）(第二批)",
            "competent_department": "060-朔州市朔城区医疗保障局",
            "implementing_unit": "朔州市朔城区医疗保障局",
            "budget_initial": None,
            "budget_full_year": "0",
            "executed": None,
            "execution_rate": None,
            "execution_score": None,
            "total_score": "100",
            "grade": None,
        },
        evaluation("000", "p1"),
    )


def test_seed000_p1_indicators_rejoin_wrapped_names_and_labels():
    assert grid("000", "p1") == [
        (OUT, "数量指标", "政策发布次数", "≥2次", "≥2次", "10", "10"),
        (OUT, "质量指标", "医保信息系统验收合格率", "≥90%", "≥90%", "10", "10"),
        (OUT, "质量指标", "定点医疗机构监督检查覆盖率", "100%", "100%", "10", "10"),
        (OUT, "质量指标", "医保信息系统正常运行率", "≥90%", "100%", "10", "10"),
        (OUT, "时效指标", "DRG试点进展模拟运行时间", "全面推开", "已全面推开", "10", "10"),
        (OUT, "成本指标", "投入资金量", "3万元", "3万元", "10", "10"),
        (BEN, "社会效益指标", "医保重要政策知晓率", "≥90%", "≥90%", "10", "10"),
        (SAT, SERVED, "参保人员对医保服务的满意度", "≥90%", "≥90%", "10", "10"),
    ]
    rows = indicators("000", "p1")
    assert [r["source_line"] for r in rows][:3] == [1234, 1238, 1240]  # a wrapped name starts on its first line
    assert all(r["target_adjusted"] is None and r["deviation_note"] is None for r in rows)


def test_seed000_p1_prints_100_although_its_indicator_scores_sum_to_80():
    assert score_sum("000", "p1") == Decimal("80")
    assert evaluation("000", "p1")["total_score"] == "100"


@pytest.mark.parametrize(
    ("evaluation_id", "name", "department", "budget", "score", "line"),
    [
        ("p2", "2023年中央医疗服务与保障能力提升补助资金", "902-社保股", "300000", "96", 1271),
        (
            "p3",
            "2022年中央财政医疗服务与保障能力提升补助资金(医疗保障服务能力提升部分)",
            "060-朔州市朔城区医疗保障局",
            "79",
            "100",
            1388,
        ),
    ],
    ids=["p2", "p3"],
)
def test_seed000_project_header_money_and_total(evaluation_id, name, department, budget, score, line):
    has(
        {
            "name": name,
            "competent_department": department,
            "implementing_unit": "朔州市朔城区医疗保障局",
            "amount_unit": "元",
            "budget_full_year": budget,
            "total_score": score,
            "source_line": line,
        },
        evaluation("000", evaluation_id),
    )


def test_seed000_p2_indicators():
    assert grid("000", "p2") == [
        (OUT, "数量指标", "政策发布次数", "≥2次", "≥2次", "10", "10"),
        (OUT, "质量指标", "推行医保支付方式改革和DRG试点", "全面推开", "已全面推开", "10", "10"),
        (OUT, "质量指标", "医保人才培训合格率", "≥90%", "≥90%", "10", "10"),
        (OUT, "质量指标", "医保信息系统重大安全事件响应时间", "≤60分钟", "≤60分钟", "10", "10"),
        (OUT, "质量指标", "定点医药机构监督检查覆盖率", "100%", "100%", "10", "10"),
        (OUT, "质量指标", "医保信息系统验收合格率", "≥90%", "≥90%", "10", "10"),
        (OUT, "质量指标", "医保信息系统正常运行率", "≥90分", "≥90%", "10", "10"),
        (OUT, "成本指标", "资金投入量", "30万元", "15.9274万元", "10", "6"),
        (BEN, "社会效益指标", "医保重要政策知晓率", "≥90%", "≥90%", "10", "10"),
        (SAT, SERVED, "参保人员对医保服务的满意度", "≥90%", "≥90%", "10", "10"),
    ]
    assert score_sum("000", "p2") == Decimal(evaluation("000", "p2")["total_score"]) == Decimal("96")


def test_seed000_p3_indicators():
    assert grid("000", "p3") == [
        (OUT, "数量指标", "召开医保工作会议或培训", "≥2次", "≥2次", "10", "10"),
        (OUT, "质量指标", "经办人员业务培训覆盖率", "100%", "100%", "10", "10"),
        (OUT, "质量指标", "医保人才培训合格率", "≥90%", "≥90%", "10", "10"),
        (OUT, "时效指标", "医保公共服务标准化规范化建设时限", "按时完成", "已按时完成", "20", "20"),
        (OUT, "成本指标", "资金投入量", "79元", "79元", "10", "10"),
        (BEN, "社会效益指标", "重要政策知晓率", "≥90%", "≥90%", "20", "20"),
        (SAT, SERVED, "参保人员对医保服务的满意度", "≥90%", "≥90%", "20", "20"),
    ]
    assert score_sum("000", "p3") == Decimal(evaluation("000", "p3")["total_score"]) == Decimal("100")


# ---------------------------------------------------------------- seed 001: Gansu, prose only (万元)


@pytest.mark.parametrize(
    ("evaluation_id", "line", "name", "budget", "executed", "rate", "score"),
    [
        ("p1", 399, "中央医疗服务与保障能力提升补助资金", "66", "66", "100", "100"),
        ("p2", 403, "城乡居民医保补助资金", "202.4", "198.24", "97.94", "97"),
        ("p3", 407, "全民参保登记经费", "7", "7", "100", "100"),
        ("p4", 409, "城乡居民基本医疗保险工作经费", "10", "10", "100", "100"),
        ("p5", 411, "专业机构审核经费", "13.12", "13.12", "100", "100"),
        ("p6", 415, "煤矸肺人员医疗费", "14.86", "14.86", "100", "100"),
    ],
)
def test_seed001_project_from_its_prose_paragraph(evaluation_id, line, name, budget, executed, rate, score):
    has(
        {
            "kind": "project",
            "name": name,
            "source_line": line,
            "amount_unit": "万元",
            "budget_initial": None,
            "budget_full_year": budget,
            "executed": executed,
            "execution_rate": rate,
            "execution_score": None,
            "total_score": score,
            "grade": None,
            "competent_department": None,
        },
        evaluation("001", evaluation_id),
    )


def test_seed001_has_six_evaluations_and_no_indicators():
    assert len(extracted("001").rows("performance_evaluations")) == 6
    assert extracted("001").rows("performance_indicators") == []


# ---------------------------------------------------------------- seed 002: Henan 部门整体自评表 (万元)

IN, BUDGET, PERF = "投入管理指标", "预算和财务管理", "绩效管理"


def test_seed002_department_sheet_money_and_total():
    assert [r["evaluation_id"] for r in extracted("002").rows("performance_evaluations")] == ["d1"]
    has(
        {
            "kind": "department",
            "name": "医疗保障局",
            "source_line": 1021,
            "amount_unit": "万元",
            "budget_initial": "1254.84",
            "budget_full_year": "1663.75",
            "executed": "1270.64",
            "execution_rate": "76.37",
            "execution_score": "8.49",
            "total_score": "96.99",
            "grade": None,
        },
        evaluation("002", "d1"),
    )
    assert extracted("002").findings == []


def test_seed002_indicators():
    assert grid("002", "d1") == [
        (IN, "工作目标管理", "年度履职目标相关性", "相关", "100%", "2", "2"),
        (IN, "工作目标管理", "工作任务科学性", "科学", "100%", "2", "2"),
        (IN, "工作目标管理", "绩效指标合理性", "合理", "100%", "2", "2"),
        (IN, BUDGET, "预算编制完整性", "完整", "100%", "1.5", "1.5"),
        (IN, BUDGET, "专项资金细化率", "≥100%", "100%", "1.5", "1.5"),
        (IN, BUDGET, "预算调整率", "≤5%", "0%", "1.5", "1.5"),
        (IN, BUDGET, "结转结余率", "≤10%", "0%", "1.5", "1.5"),
        (IN, BUDGET, "“三公经费”控制率", "≤95%", "66.92%", "1.5", "1.5"),
        (IN, BUDGET, "政府采购执行率", "≥100%", "0%", "1.5", "0"),
        (IN, BUDGET, "决算真实性", "真实", "100%", "1.5", "1.5"),
        (IN, BUDGET, "资金使用合规性", "合规", "100%", "1.5", "1.5"),
        (IN, BUDGET, "管理制度健全性", "健全", "100%", "1.5", "1.5"),
        (IN, BUDGET, "预决算信息公开性", "公开", "100%", "1.5", "1.5"),
        (IN, BUDGET, "资产管理规范性", "规范", "100%", "1.5", "1.5"),
        (IN, PERF, "绩效目标编制完成率", "100%", "100%", "1.5", "1.5"),
        (IN, PERF, "绩效监控完成率", "100%", "100%", "1.5", "1.5"),
        (IN, PERF, "绩效自评完成率", "100%", "100%", "1.5", "1.5"),
        (IN, PERF, "部门绩效评价完成率", "100%", "100%", "1.5", "1.5"),
        (IN, PERF, "评价结果应用率", "100%", "100%", "1.5", "1.5"),
        ("产出指标", "重点工作任务完成", "打击欺诈骗保检查计划完成率", "≥95%", "100%", "4", "4"),
        ("产出指标", "重点工作任务完成", "医保信息平台上线计划完成率", "100%", "100%", "3", "3"),
        ("产出指标", "重点工作任务完成", "医疗服务价格调整事项完成率", "100%", "100%", "3", "3"),
        ("产出指标", "重点工作任务完成", "药品耗材集中招采任务完成率", "100%", "100%", "3", "3"),
        ("产出指标", "履职目标实现", "群众报销便捷程度提高", "明显提高", "100%", "3", "3"),
        ("产出指标", "履职目标实现", "贯标工作通过上级验收", "通过", "100%", "3", "3"),
        ("产出指标", "履职目标实现", "参保群众待遇稳步提高程度", "有所提高", "100%", "3", "3"),
        ("产出指标", "履职目标实现", "困难群众医保有效救助", "有效", "100%", "3", "3"),
        ("效益指标", "履职效益", "医保经办服务体系优化情况", "明显", "100%", "6", "6"),
        ("效益指标", "履职效益", "医保救助对困难群众因病致贫返贫的抑制作用", "明显", "100%", "5.8", "5.8"),
        ("效益指标", "履职效益", "参保群众就医负担较上年减轻程度", "有所提高", "100%", "5.8", "5.8"),
        ("满意度", None, "参保群众满意度", "≥85%", "85%", "5.8", "5.8"),
        ("满意度", None, "定点医疗机构满意度", "≥80%", "85%", "5.8", "5.8"),
        ("满意度", None, "困难群众对医保救助的满意度", "≥85%", "85%", "5.8", "5.8"),
    ]


def test_seed002_deviation_note_printed_below_its_row_joins_that_row():
    rows = indicators("002", "d1")
    assert rows[8]["deviation_note"] == "2023年度，我部门无政府采购行为。"
    assert rows[9]["name"] == "决算真实性" and rows[9]["source_line"] == 1173
    assert [r["seq"] for r in rows if r["deviation_note"]] == [9]


def test_seed002_indicator_scores_plus_execution_score_make_the_printed_total():
    assert score_sum("002", "d1") == Decimal("88.5")
    assert score_sum("002", "d1") + Decimal("8.49") == Decimal(evaluation("002", "d1")["total_score"])


# ---------------------------------------------------------------- seed 003: Shanxi 2024 自评分析报告 (元)


def _seed003_header(name: str, line: int, budget: str, executed: str, rate: str, rate_score: str, total: str) -> dict:
    """A seed 003 sheet's header; the initial and full-year budgets are printed equal in all three."""
    return {
        "kind": "project",
        "name": name,
        "source_line": line,
        "amount_unit": "元",
        "grade": "优",
        "implementing_unit": "056001-吕梁市离石区医疗保障局",
        "competent_department": "056-吕梁市离石区医疗保障局",
        "budget_initial": budget,
        "budget_full_year": budget,
        "executed": executed,
        "execution_rate": rate,
        "execution_score": rate_score,
        "total_score": total,
    }


def test_seed003_p1_money_from_the_total_row_and_result_sentence():
    has(
        _seed003_header("业务工资经费", 544, "180000", "179859", "99.92", "9.99", "99.89"),
        evaluation("003", "p1"),
    )


def test_seed003_p1_indicators_take_targets_from_the_adjusted_column_where_printed():
    assert grid("003", "p1") == [
        (OUT, "数量指标", "印刷费", None, "200000", "9", "9"),
        (OUT, "数量指标", "办公耗材", None, "500", "5", "5"),
        (OUT, "数量指标", "邮电费", None, "1", "6", "6"),
        (OUT, "质量指标", "资金发放率", None, "98", "10", "10"),
        (OUT, "时效指标", "资金拨付及时率", None, "98", "10", "10"),
        (OUT, "成本指标", "单位工作经费", None, "179859", "10", "9.9"),
        (BEN, "社会效益", "保障单位正常运转", None, "100", "30", "30"),
        (SAT, "服务对象满意度", "单位工作人员满意度", None, "100", "10", "10"),
    ]
    rows = indicators("003", "p1")
    assert [r["target_adjusted"] for r in rows] == [
        "≥ 200000 页",
        "≥500 件",
        "≥1 年",
        "≥98%",
        "≥98%",
        "≤ 180000 元",
        "≥100%",
        "≥100%",
    ]
    assert {r["deviation_note"] for r in rows} == {"预算略有结余"}
    assert [r["source_line"] for r in rows] == list(range(609, 617))


def test_seed003_p2():
    has(
        _seed003_header("购买医保便民服务", 656, "386000", "385948", "99.99", "10", "99.9"),
        evaluation("003", "p2"),
    )
    assert grid("003", "p2") == [
        (OUT, "数量指标", "打造社区医保驿站", None, "20", "20", "20"),
        (OUT, "质量指标", "打造社区医保驿站覆盖率", None, "100", "10", "10"),
        (OUT, "时效指标", "打造社区医保驿站完成时间", None, "达成预期指标", "10", "10"),
        (OUT, "成本指标", "打造社区医保驿站所需费用", None, "385948", "10", "9.9"),
        ("社会效益指标", "社会效益", "维护参保人员合法权益", None, "98", "30", "30"),
        (SAT, "服务对象满意度", "全部参保群众", None, "98", "10", "10"),
    ]
    assert indicators("003", "p2")[2]["target_adjusted"] == "2024 年 12 月前"


def test_seed003_p3():
    has(
        _seed003_header("购买第三方机构检查", 766, "350000", "310500", "88.71", "8.87", "95.87"),
        evaluation("003", "p3"),
    )
    assert grid("003", "p3") == [
        (OUT, "数量指标", "全区定点医药机构", None, "401", "20", "20"),
        (OUT, "质量指标", "监督检查医药机构覆盖率", None, "100", "10", "10"),
        (OUT, "时效指标", "监督检查完成时间", None, "达成预期指标", "10", "10"),
        (OUT, "成本指标", "监督检查定点医药机构费用", None, "310500", "10", "7"),
        (BEN, "社会效益", "维护参保人员合法权益", None, "98", "30", "30"),
        (SAT, "服务对象满意度", "全部参保群众", None, "98", "10", "10"),
    ]
    rows = indicators("003", "p3")
    assert rows[0]["deviation_note"] is None  # blank cell
    assert rows[3]["deviation_note"] == "根据合同规定分批次结算"


@pytest.mark.parametrize(("evaluation_id", "indicator_total"), [("p1", "89.9"), ("p2", "89.9"), ("p3", "87")])
def test_seed003_indicator_scores_match_the_printed_subtotal_and_total(evaluation_id, indicator_total):
    record = evaluation("003", evaluation_id)
    assert score_sum("003", evaluation_id) == Decimal(indicator_total)
    assert Decimal(indicator_total) + Decimal(record["execution_score"]) == Decimal(record["total_score"])


# ---------------------------------------------------------------- seed 004: Shaanxi 单位整体 + 项目 (万元)


def test_seed004_unit_sheet_comes_first_and_reads_the_total_money_row():
    assert [r["evaluation_id"] for r in extracted("004").rows("performance_evaluations")] == ["d1", "p1"]
    has(
        {
            "kind": "department",
            "name": "米脂县医疗保险经办中心",
            "source_line": 279,
            "amount_unit": "万元",
            "budget_initial": None,
            "budget_full_year": "311.16",
            "executed": "372.65",
            "execution_rate": "119.76",
            "execution_score": "10",
            "total_score": "100",
            "grade": None,
        },
        evaluation("004", "d1"),
    )


def test_seed004_unit_indicators_drop_weight_suffix_and_empty_groups():
    assert grid("004", "d1") == [
        (OUT, "数量指标", "全县居民参保人数", "159158 人", "159158 人", "15", "15"),
        (OUT, "质量指标", "全县参保率", "≥95%", "≥97%", "15", "15"),
        (OUT, "时效指标", "医疗保险相关业务办理期", "实时结算", "当日办结", "10", "10"),
        (OUT, "成本指标", "控制预算数", "372.65", "372.65", "10", "10"),
        (
            BEN,
            "社会效益指标",
            "减轻参保职工医疗经济压力，提升老百姓的社会满意度、获得感。",
            "有效提升",
            "明显提升",
            "30",
            "30",
        ),
        ("满意度指", SERVED, "参保人员对医保经办工作的满意度", "满意度", "≥95%", "10", "10"),
    ]


def test_seed004_project_sheet_money_and_total():
    has(
        {
            "kind": "project",
            "name": "业务经费",
            "competent_department": "米脂县医疗保障局",
            "implementing_unit": "医疗保险经办中心",
            "source_line": 488,
            "amount_unit": "万元",
            "budget_initial": "27.17",
            "budget_full_year": "27.17",
            "executed": "35.17",
            "execution_rate": "129.44",
            "execution_score": "10",
            "total_score": "100",
        },
        evaluation("004", "p1"),
    )


def test_seed004_project_indicators_split_wrapped_name_and_target_cells():
    assert grid("004", "p1") == [
        (OUT, "数量指标", "保障参保报销及时准确", "使得全年报销及时准确", "完成", "15", "15"),
        (OUT, "质量指标", "业务能力提升", "窗口业务能力提升", "完成", "15", "15"),
        (OUT, "时效指标", "指标下达及时率", "及时", "完成", "10", "10"),
        (OUT, "成本指标", "使得医保业务有序进行结算及支出", "2023年全年患者结算及支出", "完成", "10", "10"),
        (BEN, "经济效益指标", "年初控制数", "35.17", "35.17", "10", "10"),
        (BEN, "社会效益指标", "医保政策群众知晓率", "≥90%", "≥90%", "10", "10"),
        (BEN, "可持续影响指标", "服务群众影响力", "效果显著", "已完成", "10", "10"),
        (SAT, SERVED, "群众满意度", "≥90%", "≥90%", "10", "10"),
    ]
    assert extracted("004").findings == []


@pytest.mark.parametrize("evaluation_id", ["d1", "p1"])
def test_seed004_indicator_scores_plus_execution_score_make_the_printed_total(evaluation_id):
    record = evaluation("004", evaluation_id)
    assert score_sum("004", evaluation_id) == Decimal("90")
    assert score_sum("004", evaluation_id) + Decimal(record["execution_score"]) == Decimal(record["total_score"])


# ---------------------------------------------------------------- all seeds


@pytest.mark.parametrize("number", ["000", "001", "002", "003", "004"])
def test_records_are_valid_against_their_schemas(number):
    for resource in ("performance_evaluations", "performance_indicators"):
        validator = Draft202012Validator(registry.schema(resource))
        for record in extracted(number).rows(resource):
            errors = list(validator.iter_errors({"report_id": "seed", **record}))
            assert errors == [], (record, errors[0].message)


def test_seed002_keeps_the_printed_deviation_of_every_indicator():
    from converter.convert import convert_file

    rows = convert_file(seed("002")).rows("performance_indicators")
    deviations = {row["name"]: row["deviation"] for row in rows}
    assert len(rows) == 33 and set(deviations.values()) == {"0.00%", "-100.00%"}
    assert deviations["政府采购执行率"] == "-100.00%"
    assert deviations["预决算信息公开性"] == "0.00%"
