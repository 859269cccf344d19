"""Hand-made records for the check tests: builders, and the figures of seed 002 (焦作市医疗保障局 2023) as read
by hand from the report text (lines given), used as a whole report that holds."""

from __future__ import annotations

import copy
from collections.abc import Callable

from table_support import T02_COLUMNS, T03_COLUMNS, T05_COLUMNS, T09_COLUMNS

from converter.checks import run_checks

T01_INCOME_ORDER = (
    "general_budget_appropriation",
    "government_fund_appropriation",
    "state_capital_appropriation",
    "higher_level_subsidy",
    "business_income",
    "operating_income",
    "affiliated_remittance",
    "other_income",
)


def fixed_row(side: str, key: str, amount: str | None, line: int | None = None) -> dict:
    return {
        "side": side,
        "line_no": None,
        "item": key,
        "item_key": key,
        "amount": amount,
        "source_page": None,
        "source_line": line,
    }


def t04_row(side: str, key: str, total, gb=None, gf=None, sc=None, line=None) -> dict:
    return {
        "side": side,
        "line_no": None,
        "item": key,
        "item_key": key,
        "total": total,
        "general_budget": gb,
        "government_fund": gf,
        "state_capital": sc,
        "source_page": None,
        "source_line": line,
    }


def coded_row(code: str | None, columns: tuple[str, ...], *values, line: int | None = None) -> dict:
    level = {None: "total", 3: "类", 5: "款", 7: "项"}[len(code) if code else None]
    record = {
        "code": code,
        "name": code or "合计",
        "level": level,
        "parent_code": code[:-2] if code and len(code) > 3 else None,
        "source_page": None,
        "source_line": line,
    }
    record.update(dict(zip(columns, values)))
    return record


def econ_row(code: str | None, amount: str | None, category: str | None = None, line: int | None = None) -> dict:
    if code is None:
        return {
            "econ_code": None,
            "econ_name": category,
            "level": "total",
            "class_code": None,
            "category": category,
            "amount": amount,
            "source_page": None,
            "source_line": line,
        }
    return {
        "econ_code": code,
        "econ_name": code,
        "level": "类" if len(code) == 3 else "款",
        "class_code": code[:3],
        "category": "personnel" if code[:3] in ("301", "303") else "public",
        "amount": amount,
        "source_page": None,
        "source_line": line,
    }


def t09_row(measure: str, *values: str | None, line: int | None = None) -> dict:
    return {
        "measure": measure,
        **dict(zip(T09_COLUMNS, values)),
        "meeting": None,
        "training": None,
        "source_page": None,
        "source_line": line,
    }


def stat(key: str, value: str | None, origin: str = "table", line: int | None = None) -> dict:
    return {
        "item_key": key,
        "item": key,
        "line_no": None,
        "value": value,
        "unit": None,
        "origin": origin,
        "source_page": None,
        "source_line": line,
    }


def fact(key: str, value: str, sentence: str, unit: str = "万元", line: int = 1) -> dict:
    return {
        "metric_key": key,
        "value": value,
        "unit": unit,
        "sentence": sentence,
        "source_page": None,
        "source_line": line,
    }


def evaluation(evaluation_id: str, **fields) -> dict:
    base = {
        "evaluation_id": evaluation_id,
        "kind": "project",
        "name": evaluation_id,
        "competent_department": None,
        "implementing_unit": None,
        "amount_unit": "万元",
        "budget_initial": None,
        "budget_full_year": None,
        "executed": None,
        "execution_rate": None,
        "execution_score": None,
        "total_score": None,
        "grade": None,
        "source_page": None,
        "source_line": 1,
    }
    base.update(fields)
    return base


def indicators(evaluation_id: str, pairs: list[tuple[str, str]]) -> list[dict]:
    return [
        {
            "evaluation_id": evaluation_id,
            "seq": n,
            "level1": None,
            "level2": None,
            "name": f"i{n}",
            "target": None,
            "target_adjusted": None,
            "actual": None,
            "weight": weight,
            "score": score,
            "deviation_note": None,
            "source_page": None,
            "source_line": 100 + n,
        }
        for n, (weight, score) in enumerate(pairs, start=1)
    ]


def table_status(**statuses: str) -> list[dict]:
    return [{"table_id": table_id, "status": status} for table_id, status in statuses.items()]


def _t02(code, total, line):
    return coded_row(code, T02_COLUMNS, total, total, "0.00", "0.00", "0.00", "0.00", "0.00", line=line)


def _t03(code, total, basic, project, line):
    return coded_row(code, T03_COLUMNS, total, basic, project, "0.00", "0.00", "0.00", line=line)


def seed002() -> dict[str, list[dict]]:
    """Seed 002 as printed (公开01–09表 lines 69–575, narrative lines 582–899, 部门整体自评表 lines 1028–1262)."""
    zero = "0.00"
    income = [
        fixed_row("income", key, "1269.24" if key == "general_budget_appropriation" else zero, 69 + 2 * n)
        for n, key in enumerate(T01_INCOME_ORDER)
    ]
    t01 = income + [
        fixed_row("expense", "func_201", zero, 69),
        fixed_row("expense", "func_206", "35.80", 79),
        fixed_row("expense", "func_208", "698.93", 83),
        fixed_row("expense", "func_210", "534.53", 85),
        fixed_row("expense", "func_229", zero, 113),
        fixed_row("income", "total_income", "1269.24", 126),
        fixed_row("expense", "total_expense", "1269.26", 126),
        fixed_row("income", "use_of_non_fiscal_balance", zero, 128),
        fixed_row("expense", "balance_distribution", zero, 128),
        fixed_row("income", "carryover_begin", "0.02", 130),
        fixed_row("expense", "carryover_end", zero, 130),
        fixed_row("income", "grand_total", "1269.26", 134),
        fixed_row("expense", "grand_total", "1269.26", 134),
    ]
    t02 = [
        _t02(None, "1269.24", 150),
        _t02("206", "35.80", 152),
        _t02("20699", "35.80", 154),
        _t02("2069999", "35.80", 156),
        _t02("208", "698.90", 158),
        _t02("20801", "606.61", 160),
        _t02("2080109", "606.61", 162),
        _t02("20805", "85.57", 164),
        _t02("2080505", "64.80", 166),
        _t02("2080599", "20.77", 168),
        _t02("20807", "6.72", 170),
        _t02("2080711", "6.72", 172),
        _t02("210", "534.53", 174),
        _t02("21011", "57.01", 176),
        _t02("2101101", "32.14", 178),
        _t02("2101103", "24.87", 180),
        _t02("21015", "477.53", 182),
        _t02("2101501", "308.50", 184),
        _t02("2101502", "5.00", 186),
        _t02("2101506", "8.00", 188),
        _t02("2101599", "156.03", 190),
    ]
    t03 = [
        _t03(None, "1269.26", "888.66", "380.61", 206),
        _t03("206", "35.80", zero, "35.80", 208),
        _t03("20699", "35.80", zero, "35.80", 210),
        _t03("2069999", "35.80", zero, "35.80", 212),
        _t03("208", "698.93", "625.94", "72.98", 214),
        _t03("20801", "606.64", "540.37", "66.26", 216),
        _t03("2080109", "606.64", "540.37", "66.26", 218),
        _t03("20805", "85.57", "85.57", zero, 220),
        _t03("2080505", "64.80", "64.80", zero, 222),
        _t03("2080599", "20.77", "20.77", zero, 224),
        _t03("20807", "6.72", zero, "6.72", 226),
        _t03("2080711", "6.72", zero, "6.72", 228),
        _t03("210", "534.53", "262.72", "271.82", 230),
        _t03("21011", "57.01", "57.01", zero, 232),
        _t03("2101101", "32.14", "32.14", zero, 234),
        _t03("2101103", "24.87", "24.87", zero, 236),
        _t03("21015", "477.53", "205.71", "271.82", 238),
        _t03("2101501", "308.50", "205.71", "102.79", 240),
        _t03("2101502", "5.00", zero, "5.00", 242),
        _t03("2101506", "8.00", zero, "8.00", 244),
        _t03("2101599", "156.03", zero, "156.03", 246),
    ]
    t04 = [
        t04_row("income", "general_budget", "1269.24", line=272),
        t04_row("income", "government_fund", zero, line=274),
        t04_row("income", "state_capital", zero, line=279),
        t04_row("expense", "func_206", "35.80", "35.80", zero, zero, line=285),
        t04_row("expense", "func_208", "698.90", "698.90", zero, zero, line=289),
        t04_row("expense", "func_210", "534.53", "534.53", zero, zero, line=291),
        t04_row("income", "total_income", "1269.24", line=351),
        t04_row("expense", "total_expense", "1269.24", "1269.24", zero, zero, line=351),
        t04_row("income", "carryover_begin", zero, line=353),
        t04_row("expense", "carryover_end", zero, zero, zero, zero, line=353),
        t04_row("income", "carryover_begin_general_budget", zero, line=355),
        t04_row("income", "carryover_begin_government_fund", zero, line=357),
        t04_row("income", "carryover_begin_state_capital", zero, line=362),
        t04_row("income", "grand_total", "1269.24", line=364),
        t04_row("expense", "grand_total", "1269.24", "1269.24", zero, zero, line=364),
    ]
    t05 = [
        coded_row(row[0], T05_COLUMNS, *row[1:4], line=row[4])
        for row in (
            (None, "1269.24", "888.64", "380.61", 379),
            ("206", "35.80", zero, "35.80", 381),
            ("20699", "35.80", zero, "35.80", 383),
            ("2069999", "35.80", zero, "35.80", 385),
            ("208", "698.90", "625.92", "72.98", 387),
            ("20801", "606.61", "540.35", "66.26", 389),
            ("2080109", "606.61", "540.35", "66.26", 391),
            ("20805", "85.57", "85.57", zero, 393),
            ("2080505", "64.80", "64.80", zero, 395),
            ("2080599", "20.77", "20.77", zero, 397),
            ("20807", "6.72", zero, "6.72", 399),
            ("2080711", "6.72", zero, "6.72", 401),
            ("210", "534.53", "262.72", "271.82", 403),
            ("21011", "57.01", "57.01", zero, 405),
            ("2101101", "32.14", "32.14", zero, 407),
            ("2101103", "24.87", "24.87", zero, 409),
            ("21015", "477.53", "205.71", "271.82", 411),
            ("2101501", "308.50", "205.71", "102.79", 413),
            ("2101502", "5.00", zero, "5.00", 415),
            ("2101506", "8.00", zero, "8.00", 417),
            ("2101599", "156.03", zero, "156.03", 419),
        )
    ]
    t06 = [
        econ_row("301", "791.11", line=443),
        econ_row("30101", "261.17", line=445),
        econ_row("30102", "160.33", line=447),
        econ_row("30103", "237.32", line=449),
        econ_row("30106", "2.85", line=451),
        econ_row("30107", zero, line=453),
        econ_row("30108", "66.09", line=455),
        econ_row("30110", "30.87", line=459),
        econ_row("30111", "24.70", line=461),
        econ_row("30112", "1.00", line=463),
        econ_row("30199", "6.76", line=469),
        econ_row("303", "20.77", line=471),
        econ_row("30302", "20.77", line=475),
        econ_row("302", "76.76", line=443),
        econ_row("30201", "1.96", line=445),
        econ_row("30202", "0.30", line=447),
        econ_row("30211", "2.33", line=463),
        econ_row("30212", zero, line=465),
        econ_row("30213", "0.18", line=467),
        econ_row("30215", "0.10", line=471),
        econ_row("30217", "0.72", line=475),
        econ_row("30226", "9.58", line=483),
        econ_row("30229", "10.20", line=507),
        econ_row("30231", "2.91", line=509),
        econ_row("30239", "46.24", line=511),
        econ_row("30299", "2.25", line=515),
        econ_row("307", zero, line=443),
        econ_row("310", zero, line=449),
        econ_row("31013", zero, line=473),
        econ_row("399", zero, line=483),
        econ_row(None, "811.88", "personnel", line=517),
        econ_row(None, "76.76", "public", line=517),
    ]
    t09 = [
        t09_row("budget", "6.50", zero, "4.50", zero, "4.50", "2.00", line=575),
        t09_row("actual", "4.35", zero, "3.21", zero, "3.21", "1.14", line=575),
    ]
    stats = [
        stat("procurement_total", "11.97", "narrative", 848),
        stat("procurement_goods", "11.97", "narrative", 848),
        stat("procurement_works", zero, "narrative", 850),
        stat("procurement_services", zero, "narrative", 850),
        stat("operating_costs", "76.76", "narrative", 841),
        stat("vehicles_total", "2", "narrative", 860),
        stat("vehicles_principal", "0", "narrative", 862),
        stat("vehicles_other", "2", "narrative", 866),
    ]
    totals = "2023年度收、支总计均为1,269.26万元。与上年度相比，收、支总计各减少62.74万元，下降4.71%"
    facts = [
        fact("total_income", "1269.26", totals, line=582),
        fact("total_expense", "1269.26", totals, line=582),
        fact("prior_year_change_total", "-62.74", totals, line=582),
        fact("prior_year_change_rate", "-4.71", totals, "%", line=582),
        fact(
            "income_year_total",
            "1269.24",
            "2023年度收入合计1,269.24万元，其中：财政拨款收入1,269.24万元，占100.00%。",
            line=594,
        ),
        fact(
            "fiscal_appropriation_income_share", "100.00", "其中：财政拨款收入1,269.24万元，占100.00%。", "%", line=594
        ),
        fact("basic_expense", "888.66", "其中：基本支出888.66万元，占70.01%", line=600),
        fact("basic_expense_share", "70.01", "其中：基本支出888.66万元，占70.01%", "%", line=600),
        fact("project_expense", "380.61", "项目支出380.61万元，占29.99%。", line=602),
        fact("project_expense_share", "29.99", "项目支出380.61万元，占29.99%。", "%", line=602),
        fact("fiscal_expense_total", "1269.24", "2023年度财政拨款收、支总计均为1,269.24万元。", line=608),
        fact("general_budget_basic_expense", "888.64", "2023年度一般公共预算财政拨款基本支出888.64万元", line=751),
        fact("personnel_expense", "811.88", "其中：人员经费811.88万元", line=751),
        fact("public_expense", "76.76", "公用经费76.76万元", line=759),
        fact("three_public_budget", "6.50", "“三公”经费财政拨款支出预算为6.50万元", line=782),
        fact("three_public_actual", "4.35", "支出决算为4.35万元，完成预算的66.92%", line=782),
        fact(
            "performance_project_amount",
            "169.02",
            "涵盖项目9个，涉及预算资金169.02万元，占部门预算项目支出总额的44.41%。",
            line=890,
        ),
        fact(
            "performance_project_share",
            "44.41",
            "涵盖项目9个，涉及预算资金169.02万元，占部门预算项目支出总额的44.41%。",
            "%",
            line=890,
        ),
    ]
    pairs = (
        [("2", "2")] * 3
        + [("1.5", "1.5")] * 5
        + [("1.5", "0")]
        + [("1.5", "1.5")] * 5
        + [("1.5", "1.5")] * 5
        + [("4", "4")]
        + [("3", "3")] * 7
        + [("6", "6")]
        + [("5.8", "5.8")] * 5
    )
    dept = evaluation(
        "d1",
        kind="department",
        name="医疗保障局",
        budget_initial="1254.84",
        budget_full_year="1663.75",
        executed="1270.64",
        execution_rate="76.37",
        execution_score="8.49",
        total_score="96.99",
        source_line=1030,
    )
    return {
        "report_tables": table_status(
            T01="found",
            T02="found",
            T03="found",
            T04="found",
            T05="found",
            T06="found",
            T07="empty",
            T08="empty",
            T09="found",
            T10="absent",
        ),
        "income_expense_summary": t01,
        "income_by_function": t02,
        "expense_by_function": t03,
        "fiscal_summary": t04,
        "general_budget_expense": t05,
        "basic_expense_detail": t06,
        "government_fund": [],
        "state_capital_expense": [],
        "three_public": t09,
        "disclosure_stats": stats,
        "three_public_quantities": [{"vehicles_held": 2, "source_page": None, "source_line": 819}],
        "narrative_facts": facts,
        "performance_evaluations": [dept],
        "performance_indicators": indicators("d1", pairs),
    }


def run(resources: dict[str, list[dict]], rule_id: str | None = None) -> list:
    findings = run_checks(resources)
    return [f for f in findings if rule_id is None or f.rule_id == rule_id]


def statuses(resources: dict[str, list[dict]], rule_id: str) -> dict[str, str]:
    """location → status of one rule's findings."""
    return {f.location: f.status for f in run(resources, rule_id)}


def changed(resources: dict[str, list[dict]], resource: str, match: dict, **values) -> dict[str, list[dict]]:
    """A deep copy with the fields of the records matching `match` replaced."""
    result = copy.deepcopy(resources)
    hits = [row for row in result[resource] if all(row.get(k) == v for k, v in match.items())]
    assert hits, f"no {resource} record matches {match}"
    for row in hits:
        row.update(values)
    return result


Edit = Callable[[dict[str, list[dict]], str], dict[str, list[dict]]]


def field_edit(resource: str, match: dict, field: str) -> Edit:
    """An edit that sets `field` of the `resource` records matching `match` to a value."""
    return lambda resources, value: changed(resources, resource, match, **{field: value})


def holds_rounds_breaks(rule_id: str, location: str, edit: Edit, rounding: str, mismatch: str) -> tuple:
    """One rule at one location on seed 002: its status as printed, its status with the rounding edit, and the
    findings there with the mismatch edit."""
    base = seed002()
    broken = [f for f in run(edit(base, mismatch), rule_id) if f.location == location]
    return statuses(base, rule_id).get(location), statuses(edit(base, rounding), rule_id).get(location), broken
