"""Identities within one table (domain.md §1.4 A1–J1)."""

from __future__ import annotations

from collections.abc import Iterator

from converter.checks.core import Rule, check_sum, equal, require, rule, sum_of
from converter.checks.data import Data
from converter.model import Finding, Record

INCOME_PARTS = (
    "general_budget_appropriation",
    "government_fund_appropriation",
    "state_capital_appropriation",
    "higher_level_subsidy",
    "business_income",
    "operating_income",
    "affiliated_remittance",
    "other_income",
)
FISCAL_KINDS = ("general_budget", "government_fund", "state_capital")
T04_COLUMNS = ("total", *FISCAL_KINDS)
T02_PARTS = (
    "fiscal_appropriation",
    "higher_level_subsidy",
    "business_income",
    "operating_income",
    "affiliated_remittance",
    "other_income",
)
T03_PARTS = ("basic", "project", "remittance_to_higher", "operating", "subsidy_to_affiliated")
CODED_COLUMNS = {
    "T02": ("total", *T02_PARTS),
    "T03": ("total", *T03_PARTS),
    "T05": ("total", "basic", "project"),
    "T07": ("carryover_begin", "income", "expense_total", "basic", "project", "carryover_end"),
    "T08": ("carryover_begin", "income", "total", "basic", "project", "carryover_end"),
}
PERSONNEL_CLASSES = ("301", "303")


def row_name(row: Record) -> str:
    return row.get("code") or "合计"


def fixed_sum(
    data: Data,
    rule_: Rule,
    table_id: str,
    side: str,
    total_key: str,
    part_keys: list[str],
    column: str,
    strict: bool,
    label: str,
) -> Iterator[Finding]:
    """A fixed-row total against its parts; strict: a part row that was not extracted makes it not checkable."""
    total = data.item(table_id, total_key, side)
    parts = [data.item(table_id, key, side) for key in part_keys]
    location = f"{table_id} {total_key} {column}"
    if total is None or (strict and any(part is None for part in parts)):
        absent = [total_key] if total is None else [k for k, p in zip(part_keys, parts) if p is None]
        yield Finding(
            rule_id=rule_.id,
            status="not_checkable",
            severity="info",
            tables=table_id,
            location=location,
            message_zh=f"{table_id} 未提取到行 {', '.join(absent)}，无法核对",
            message_en=f"{table_id} rows not extracted: {', '.join(absent)}; not checkable",
        )
        return
    yield from check_sum(
        rule_,
        location,
        f"{table_id}{label}",
        f"{table_id} {total_key}",
        total,
        column,
        [(part, column) for part in parts],
        tables=table_id,
    )


@rule(
    "A1",
    "intra",
    "公开01表：本年收入合计 = 第1–8行各项收入之和",
    "T01: total income of the year = Σ income items 1–8",
    "T01",
    needs=("T01",),
)
def a1(data: Data, r: Rule) -> Iterator[Finding]:
    keys = [
        row["item_key"]
        for row in data.table("T01")
        if row.get("side") == "income" and row.get("item_key") in INCOME_PARTS
    ]
    yield from fixed_sum(data, r, "T01", "income", "total_income", keys, "amount", False, "本年收入合计")


@rule(
    "A2",
    "intra",
    "公开01表：本年支出合计 = 各功能类支出之和",
    "T01: total expense of the year = Σ functional categories",
    "T01",
    needs=("T01",),
)
def a2(data: Data, r: Rule) -> Iterator[Finding]:
    keys = [row["item_key"] for row in data.items("T01", "expense", "func_")]
    yield from fixed_sum(data, r, "T01", "expense", "total_expense", keys, "amount", False, "本年支出合计")


@rule(
    "A3",
    "intra",
    "公开01表：收入总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余",
    "T01: income grand total = income of the year + use of non-fiscal balance + carry-over at the beginning",
    "T01",
    needs=("T01",),
)
def a3(data: Data, r: Rule) -> Iterator[Finding]:
    parts = ["total_income", "use_of_non_fiscal_balance", "carryover_begin"]
    yield from fixed_sum(data, r, "T01", "income", "grand_total", parts, "amount", True, "收入总计")


@rule(
    "A4",
    "intra",
    "公开01表：支出总计 = 本年支出合计 + 结余分配 + 年末结转和结余",
    "T01: expense grand total = expense of the year + balance distribution + carry-over at the end",
    "T01",
    needs=("T01",),
)
def a4(data: Data, r: Rule) -> Iterator[Finding]:
    parts = ["total_expense", "balance_distribution", "carryover_end"]
    yield from fixed_sum(data, r, "T01", "expense", "grand_total", parts, "amount", True, "支出总计")


@rule(
    "A5",
    "intra",
    "公开01表：收入总计 = 支出总计（本年收入合计 ≠ 本年支出合计不是错误）",
    "T01: income grand total = expense grand total (income ≠ expense of the year is not an error)",
    "T01",
    needs=("T01",),
)
def a5(data: Data, r: Rule) -> Iterator[Finding]:
    income, expense = data.item("T01", "grand_total", "income"), data.item("T01", "grand_total", "expense")
    if income is None or expense is None:
        yield Finding(
            rule_id=r.id,
            status="not_checkable",
            severity="info",
            tables="T01",
            location="T01 grand_total",
            message_zh="公开01表未提取到收入或支出总计，无法核对",
            message_en="T01 income or expense grand total not extracted; not checkable",
        )
        return
    yield equal(
        r,
        "T01 grand_total expense=income",
        "T01 支出总计 = 收入总计",
        "T01 expense grand total = income",
        expected=sum_of([income.get("amount")])[0],
        printed=expense.get("amount"),
        n_terms=1,
        source=expense,
    )


@rule(
    "B1",
    "intra",
    "公开02表：每行 本年收入合计 = 财政拨款收入 + 上级补助 + 事业 + 经营 + 附属单位上缴 + 其他收入",
    "T02: per row, total income = Σ income sources",
    "T02",
)
def b1(data: Data, r: Rule) -> Iterator[Finding]:
    yield from _per_row(data, r, "T02", "total", T02_PARTS, "本年收入合计")


@rule(
    "C1",
    "intra",
    "公开03表：每行 本年支出合计 = 基本支出 + 项目支出 + 上缴上级 + 经营支出 + 对附属单位补助",
    "T03: per row, total expense = basic + project + remittance + operating + subsidies to affiliates",
    "T03",
)
def c1(data: Data, r: Rule) -> Iterator[Finding]:
    yield from _per_row(data, r, "T03", "total", T03_PARTS, "本年支出合计")


@rule("E1", "intra", "公开05表：每行 小计 = 基本支出 + 项目支出", "T05: per row, subtotal = basic + project", "T05")
def e1(data: Data, r: Rule) -> Iterator[Finding]:
    yield from _per_row(data, r, "T05", "total", ("basic", "project"), "小计")


@rule(
    "G1",
    "intra",
    "公开07表：每行 年初结转和结余 + 本年收入 − 本年支出 = 年末结转和结余；本年支出小计 = 基本 + 项目",
    "T07: per row, carry-over begin + income − expense = carry-over end; expense = basic + project",
    "T07",
)
def g1(data: Data, r: Rule) -> Iterator[Finding]:
    yield from _per_row(data, r, "T07", "expense_total", ("basic", "project"), "本年支出小计")
    yield from _carryover(data, r, "T07", "expense_total")


@rule(
    "G2",
    "intra",
    "公开08表：每行 本年支出合计 = 基本支出 + 项目支出（上海式含结转结余时亦核对结转）",
    "T08: per row, expense = basic + project (and the carry-over identity where the layout prints it)",
    "T08",
)
def g2(data: Data, r: Rule) -> Iterator[Finding]:
    yield from _per_row(data, r, "T08", "total", ("basic", "project"), "本年支出合计")
    yield from _carryover(data, r, "T08", "total")


def _per_row(data: Data, r: Rule, table_id: str, total: str, parts: tuple[str, ...], label: str) -> Iterator[Finding]:
    if missing := require(data, r, table_id):
        yield missing
        return
    for row in data.table(table_id):
        name = row_name(row)
        yield from check_sum(
            r,
            f"{table_id} {name} {total}",
            f"{table_id} {name} {label}",
            f"{table_id} {name} {total}",
            row,
            total,
            [(row, part) for part in parts],
        )


def _carryover(data: Data, r: Rule, table_id: str, expense: str) -> Iterator[Finding]:
    for row in data.table(table_id):
        values = [row.get(c) for c in ("carryover_begin", "income", expense, "carryover_end")]
        if all(value is None for value in values[:2] + values[3:]):
            continue
        begin, income = sum_of(values[:2])[0], sum_of([values[2]])[0]
        name = row_name(row)
        yield equal(
            r,
            f"{table_id} {name} carryover_end",
            f"{table_id} {name} 年末结转和结余",
            f"{table_id} {name} carry-over at the end",
            expected=begin - income,
            printed=row.get("carryover_end"),
            n_terms=3,
            source=row,
        )


@rule(
    "B3",
    "intra",
    "代码表：合计行 = 各类之和（类未印出时由款、项推算），每一栏",
    "Coded tables: the total row = Σ 类 (derived from 款/项 when not printed), every column",
    "T02,T03,T05,T07,T08",
)
def b3(data: Data, r: Rule) -> Iterator[Finding]:
    for table_id, columns in CODED_COLUMNS.items():
        if data.status(table_id) != "found":
            if table_id != "T08" and (missing := require(data, r, table_id)):
                yield missing
            continue
        total = data.total(table_id)
        if total is None:
            continue
        classes = data.categories(table_id)
        for column in columns:
            values = [data.value(table_id, code, column)[0] for code in classes]
            expected, count = sum_of(values)
            if total.get(column) is None and not any(v for v in values):
                continue
            derived = any(data.value(table_id, code, column)[2] for code in classes)
            note_zh, note_en = ("（类由款、项推算）", " (类 derived from 款/项)") if derived else ("", "")
            yield equal(
                r,
                f"{table_id} 合计 {column}",
                f"{table_id} 合计 {column} = Σ类{note_zh}",
                f"{table_id} total {column} = Σ 类{note_en}",
                expected=expected,
                printed=total.get(column),
                n_terms=max(count, len(classes)),
                source=total,
                tables=table_id,
            )


@rule(
    "D1",
    "intra",
    "公开04表：本年收入合计 = 三类财政拨款收入；年初结转 = 三类之和；收入总计 = 本年收入合计 + 年初结转",
    "T04: income = Σ three appropriations; carry-over begin = Σ its three kinds; grand total = income + carry-over",
    "T04",
    needs=("T04",),
)
def d1(data: Data, r: Rule) -> Iterator[Finding]:
    yield from fixed_sum(data, r, "T04", "income", "total_income", list(FISCAL_KINDS), "total", False, "本年收入合计")
    subkeys = [f"carryover_begin_{kind}" for kind in FISCAL_KINDS]
    if any(data.item("T04", key, "income") for key in subkeys):
        yield from fixed_sum(
            data, r, "T04", "income", "carryover_begin", subkeys, "total", False, "年初财政拨款结转和结余"
        )
    yield from fixed_sum(
        data, r, "T04", "income", "grand_total", ["total_income", "carryover_begin"], "total", True, "收入总计"
    )


@rule(
    "D2",
    "intra",
    "公开04表：支出每行 合计 = 一般公共预算 + 政府性基金 + 国有资本经营；本年支出合计 = Σ各类；"
    "总计 = 本年支出合计 + 年末结转；收入总计 = 支出总计",
    "T04: per expense row total = Σ three budgets; expense = Σ categories; grand total = expense + carry-over end;"
    " income grand total = expense grand total",
    "T04",
    needs=("T04",),
)
def d2(data: Data, r: Rule) -> Iterator[Finding]:
    for row in data.table("T04"):
        if row.get("side") != "expense":
            continue
        name = row.get("item_key") or f"line {row.get('line_no')}"
        yield from check_sum(
            r,
            f"T04 {name} total",
            f"T04 {name} 合计",
            f"T04 {name} total",
            row,
            "total",
            [(row, kind) for kind in FISCAL_KINDS],
        )
    keys = [row["item_key"] for row in data.items("T04", "expense", "func_")]
    for column in T04_COLUMNS:
        yield from fixed_sum(data, r, "T04", "expense", "total_expense", keys, column, False, "本年支出合计")
        yield from fixed_sum(
            data, r, "T04", "expense", "grand_total", ["total_expense", "carryover_end"], column, True, "支出总计"
        )
    income, expense = data.item("T04", "grand_total", "income"), data.item("T04", "grand_total", "expense")
    if income is not None and expense is not None:
        expected = sum_of([income.get("total")])[0]
        yield equal(
            r,
            "T04 grand_total expense=income",
            "T04 支出总计 = 收入总计",
            "T04 expense grand total = income",
            expected=expected,
            printed=expense.get("total"),
            n_terms=1,
            source=expense,
        )


@rule(
    "F1", "intra", "公开06表：每个经济分类类 = 其各款之和", "T06: each economic class = Σ its 款", "T06", needs=("T06",)
)
def f1(data: Data, r: Rule) -> Iterator[Finding]:
    rows = data.table("T06")
    sections: dict[str, list[Record]] = {}  # class code → its 款 rows, in order (one pass, not one per class)
    for row in rows:
        if len(row.get("econ_code") or "") == 5:
            sections.setdefault(row["econ_code"][:3], []).append(row)
    for row in rows:
        code = row.get("econ_code")
        if not code or len(code) != 3:
            continue
        kids = [(kid, "amount") for kid in sections.get(code, ())]
        if kids:
            yield from check_sum(
                r, f"T06 {code} amount", f"T06 {code} {row.get('econ_name')}", f"T06 class {code}", row, "amount", kids
            )


def t06_class_values(data: Data) -> dict[str, tuple[list[object], bool]]:
    """Class code → (values to add, derived?): the printed class row, else its printed 款 rows."""
    rows = data.table("T06")
    classes: dict[str, tuple[list[object], bool]] = {}
    for code in sorted({(row.get("econ_code") or "")[:3] for row in rows if row.get("econ_code")}):
        printed = next((row for row in rows if row.get("econ_code") == code), None)
        if printed is not None:
            classes[code] = ([printed.get("amount")], False)
        else:
            classes[code] = ([row.get("amount") for row in rows if (row.get("econ_code") or "")[:3] == code], True)
    return classes


@rule(
    "F2",
    "intra",
    "公开06表：人员经费合计 = 301 + 303；公用经费合计 = 其余各类（302、307、309、310、311、312、313、399）",
    "T06: personnel total = 301 + 303; public total = every other class",
    "T06",
    needs=("T06",),
)
def f2(data: Data, r: Rule) -> Iterator[Finding]:
    classes = t06_class_values(data)
    for category, label in (("personnel", "人员经费合计"), ("public", "公用经费合计")):
        total = next(
            (row for row in data.table("T06") if row.get("level") == "total" and row.get("category") == category), None
        )
        if total is None:
            continue
        values: list[object] = []
        for code, (amounts, _) in classes.items():
            if (code in PERSONNEL_CLASSES) == (category == "personnel"):
                values.extend(amounts)
        expected, count = sum_of(values)
        yield equal(
            r,
            f"T06 {category}_total",
            f"T06 {label}",
            f"T06 {category} total",
            expected=expected,
            printed=total.get("amount"),
            n_terms=count,
            source=total,
        )


@rule(
    "H1",
    "intra",
    "公开09表：合计 = 因公出国（境）+ 公务用车小计 + 公务接待；小计 = 购置 + 运行维护（预算数、决算数）",
    "T09: total = overseas + vehicles + reception; vehicles = purchase + operation (budget and actual)",
    "T09",
    needs=("T09",),
)
def h1(data: Data, r: Rule) -> Iterator[Finding]:
    for row in data.table("T09"):
        measure = row.get("measure")
        yield from check_sum(
            r,
            f"T09 {measure} total",
            f"T09 {measure} 合计",
            f"T09 {measure} total",
            row,
            "total",
            [(row, c) for c in ("overseas_travel", "vehicle_total", "official_reception")],
        )
        yield from check_sum(
            r,
            f"T09 {measure} vehicle_total",
            f"T09 {measure} 公务用车小计",
            f"T09 {measure} vehicles",
            row,
            "vehicle_total",
            [(row, c) for c in ("vehicle_purchase", "vehicle_operation")],
        )


VEHICLE_KEYS = (
    "vehicles_ministerial",
    "vehicles_principal",
    "vehicles_confidential",
    "vehicles_emergency",
    "vehicles_law_enforcement",
    "vehicles_special",
    "vehicles_retired_service",
    "vehicles_other",
)


@rule(
    "J1",
    "intra",
    "公开10表（及情况说明）：政府采购合计 = 货物 + 工程 + 服务；车辆数合计 = 各类用车之和",
    "T10 (and the narrative): procurement = goods + works + services; vehicles = Σ vehicle kinds",
    "T10",
)
def j1(data: Data, r: Rule) -> Iterator[Finding]:
    all_rows = data.resources.get("disclosure_stats") or []
    for origin in ("table", "narrative"):
        rows = {row["item_key"]: row for row in all_rows if row.get("origin", "table") == origin}
        if origin == "table" and not rows:
            if missing := require(data, r, "T10"):
                yield missing
            continue
        for total_key, parts in (
            ("procurement_total", ("procurement_goods", "procurement_works", "procurement_services")),
            ("vehicles_total", VEHICLE_KEYS),
        ):
            total = rows.get(total_key)
            present = [rows.get(key) for key in parts]
            if total is None or (origin == "narrative" and not any(present)):
                continue
            where = "T10" if origin == "table" else "narrative"
            yield from check_sum(
                r,
                f"{where} {total_key}",
                f"{where} {total_key}",
                f"{where} {total_key}",
                total,
                "value",
                [(row, "value") for row in present],
            )
