"""Specs of the standard disclosure tables (公开01表 … 公开10表), keyed by content, not by printed number."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache

from converter import lazy_re
from converter.normalize import LABEL_CACHE, label_key


@dataclass(frozen=True)
class TableSpec:
    table_id: str
    resource: str
    family: str  # two_block | coded | econ | three_public | stats
    titles: tuple[str, ...]  # printed titles and aliases, most specific first
    columns: tuple[str, ...] = ()  # amount columns in printed order (coded tables, right block of T04)
    income_columns: tuple[str, ...] = ()
    rows: dict[str, tuple[str, ...]] = field(default_factory=dict)  # item_key -> label aliases

    @cached_property  # built at first use (a cached_property writes the instance's __dict__: frozen stays frozen)
    def alias_keys(self) -> dict[str, tuple[int, str]]:
        """label_key of every row alias → (rank of the first row naming it, that row's item_key)."""
        found: dict[str, tuple[int, str]] = {}
        for rank, (key, aliases) in enumerate(self.rows.items()):
            for alias in aliases:
                found.setdefault(label_key(alias), (rank, key))
        return found


# 类 of the functional classification as they appear in T01/T04 (一、… 二十六、…).
FUNCTION_CATEGORIES: dict[str, tuple[str, ...]] = {
    "201": ("一般公共服务支出",),
    "202": ("外交支出",),
    "203": ("国防支出",),
    "204": ("公共安全支出",),
    "205": ("教育支出",),
    "206": ("科学技术支出",),
    "207": ("文化旅游体育与传媒支出", "文化体育与传媒支出"),
    "208": ("社会保障和就业支出",),
    "209": ("社会保险基金支出",),
    "210": ("卫生健康支出", "医疗卫生与计划生育支出"),
    "211": ("节能环保支出",),
    "212": ("城乡社区支出",),
    "213": ("农林水支出",),
    "214": ("交通运输支出",),
    "215": ("资源勘探工业信息等支出", "资源勘探信息等支出"),
    "216": ("商业服务业等支出",),
    "217": ("金融支出",),
    "219": ("援助其他地区支出",),
    "220": ("自然资源海洋气象等支出",),
    "221": ("住房保障支出",),
    "222": ("粮油物资储备支出",),
    "223": ("国有资本经营预算支出",),
    "224": ("灾害防治及应急管理支出",),
    "227": ("预备费",),
    "229": ("其他支出",),
    "230": ("转移性支出",),
    "231": ("债务还本支出",),
    "232": ("债务付息支出",),
    "233": ("债务发行费用支出",),
    "234": ("抗疫特别国债安排的支出",),
}

_NUMBERING = lazy_re.compile(
    r"^[（(][一二三四五六七八九十]+[)）][、.．]?|^[一二三四五六七八九十]+[、.．]|^[0-9]+[、.．]"
)


@lru_cache(maxsize=LABEL_CACHE)  # asked for the same labels again and again by the table readers
def strip_numbering(label: str) -> str:
    """'一、一般公共服务支出' → '一般公共服务支出'; '（一）行政单位' → '行政单位'."""
    return _NUMBERING.sub("", label_key(label)).strip()


def function_category_key(label: str) -> str | None:
    """item_key func_<类 code> for a T01/T04 expense category label, or None."""
    code = _category_codes().get(strip_numbering(label))
    return f"func_{code}" if code else None


@cache
def _category_codes() -> dict[str, str]:
    """Category name → its 类 code (the first category naming it), built once."""
    found: dict[str, str] = {}
    for code, names in FUNCTION_CATEGORIES.items():
        for name in names:
            found.setdefault(name, code)
    return found


T01_ROWS = {
    "general_budget_appropriation": ("一般公共预算财政拨款收入",),
    "government_fund_appropriation": ("政府性基金预算财政拨款收入",),
    "state_capital_appropriation": ("国有资本经营预算财政拨款收入",),
    "higher_level_subsidy": ("上级补助收入",),
    "business_income": ("事业收入",),
    "operating_income": ("经营收入",),
    "affiliated_remittance": ("附属单位上缴收入",),
    "other_income": ("其他收入",),
    "total_income": ("本年收入合计",),
    "use_of_non_fiscal_balance": (
        "使用非财政拨款结余（含专用结余）",
        "使用非财政拨款结余和专用结余",
        "使用非财政拨款结余与专用结余",
        "使用非财政拨款结余",
        "使用专用结余",
    ),
    "carryover_begin": ("年初结转和结余", "年初结转与结余"),
    "grand_total": ("总计",),
    "total_expense": ("本年支出合计",),
    "balance_distribution": ("结余分配",),
    "carryover_end": ("年末结转和结余", "年末结转与结余"),
}

T04_ROWS = {
    "general_budget": ("一般公共预算财政拨款", "一般公共预算财政拨款收入"),
    "government_fund": ("政府性基金预算财政拨款", "政府性基金预算财政拨款收入"),
    "state_capital": ("国有资本经营预算财政拨款", "国有资本经营预算财政拨款收入"),
    "total_income": ("本年收入合计",),
    "carryover_begin": ("年初财政拨款结转和结余", "年初财政拨款结转与结余"),
    "grand_total": ("总计",),
    "total_expense": ("本年支出合计",),
    "carryover_end": ("年末财政拨款结转和结余", "年末财政拨款结转与结余"),
}

T10_ROWS = {
    "procurement_total": ("政府采购情况", "政府采购支出合计", "政府采购情况合计", "合计"),
    "procurement_goods": ("货物", "政府采购货物支出"),
    "procurement_works": ("工程", "政府采购工程支出"),
    "procurement_services": ("服务", "政府采购服务支出"),
    "operating_costs_admin": ("行政单位",),
    "operating_costs_civil_service": ("参照公务员法管理事业单位",),
    "vehicles_total": ("车辆数合计（辆）", "车辆数合计"),
    "vehicles_ministerial": ("副部（省）级及以上领导用车",),
    "vehicles_principal": ("主要负责人用车", "主要领导干部用车"),
    "vehicles_confidential": ("机要通信用车",),
    "vehicles_emergency": ("应急保障用车",),
    "vehicles_law_enforcement": ("执法执勤用车",),
    "vehicles_special": ("特种专业技术用车",),
    "vehicles_retired_service": ("离退休干部服务用车", "离退休干部用车"),
    "vehicles_other": ("其他用车",),
    "equipment_over_1m": ("单价100万元（含）以上设备（不含车辆）", "单价100万元以上设备（不含车辆）"),
}
# T10 rows by the 行次 of the 2023/2024 Shanxi table, used when a label alone is ambiguous.
T10_LINE_KEYS = {
    1: "procurement_total", 2: "procurement_goods", 3: "procurement_works", 4: "procurement_services",
    5: "operating_costs_admin", 6: "operating_costs_civil_service", 7: "vehicles_total",
    8: "vehicles_ministerial", 9: "vehicles_principal", 10: "vehicles_confidential", 11: "vehicles_emergency",
    12: "vehicles_law_enforcement", 13: "vehicles_special", 14: "vehicles_retired_service", 15: "vehicles_other",
    17: "equipment_over_1m",
}
T10_UNITS = {"procurement": "万元", "operating": "万元", "vehicles": "辆", "equipment": "台（套）"}

CODED_COLUMNS = {
    "T02": ("total", "fiscal_appropriation", "higher_level_subsidy", "business_income", "operating_income",
            "affiliated_remittance", "other_income"),
    "T03": ("total", "basic", "project", "remittance_to_higher", "operating", "subsidy_to_affiliated"),
    "T05": ("total", "basic", "project"),
    "T07": ("carryover_begin", "income", "expense_total", "basic", "project", "carryover_end"),
    "T08": ("total", "basic", "project"),
}
T08_SHANGHAI_COLUMNS = ("carryover_begin", "income", "total", "basic", "project", "carryover_end")
T09_COLUMNS = ("total", "overseas_travel", "vehicle_total", "vehicle_purchase", "vehicle_operation",
               "official_reception")
T09_COLUMNS_WITH_MEETING_TRAINING = T09_COLUMNS + ("meeting", "training")

TABLES: dict[str, TableSpec] = {
    "T01": TableSpec("T01", "income_expense_summary", "two_block", ("收入支出决算总表", "收入支出决算表"),
                     columns=("amount",), income_columns=("amount",), rows=T01_ROWS),
    "T02": TableSpec("T02", "income_by_function", "coded", ("收入决算表",), columns=CODED_COLUMNS["T02"]),
    "T03": TableSpec("T03", "expense_by_function", "coded", ("支出决算表",), columns=CODED_COLUMNS["T03"]),
    "T04": TableSpec("T04", "fiscal_summary", "two_block",
                     ("财政拨款收入支出决算总表", "财政拨款收入支出决算表"),
                     columns=("total", "general_budget", "government_fund", "state_capital"),
                     income_columns=("total",), rows=T04_ROWS),
    "T05": TableSpec("T05", "general_budget_expense", "coded",
                     ("一般公共预算财政拨款支出决算表", "一般公共预算财政拨款支出决算明细表"),
                     columns=CODED_COLUMNS["T05"]),
    "T06": TableSpec("T06", "basic_expense_detail", "econ",
                     ("一般公共预算财政拨款基本支出决算明细表", "一般公共预算财政拨款基本支出决算表"),
                     columns=("amount",)),
    "T07": TableSpec("T07", "government_fund", "coded",
                     ("政府性基金预算财政拨款收入支出决算表", "政府性基金预算财政拨款收支决算表"),
                     columns=CODED_COLUMNS["T07"]),
    "T08": TableSpec("T08", "state_capital_expense", "coded",
                     ("国有资本经营预算财政拨款支出决算表", "国有资本经营预算财政拨款收入支出决算表"),
                     columns=CODED_COLUMNS["T08"]),
    "T09": TableSpec("T09", "three_public", "three_public",
                     ("财政拨款“三公”经费支出决算表", "一般公共预算财政拨款“三公”经费支出决算表",
                      "财政拨款“三公”经费及会议费、培训费支出决算表", "“三公”经费支出决算表"),
                     columns=T09_COLUMNS),
    "T10": TableSpec("T10", "disclosure_stats", "stats", ("部门决算公开相关信息统计表", "决算公开相关信息统计表"),
                     columns=("value",), rows=T10_ROWS),
}


def item_key_for(spec: TableSpec, label: str) -> str | None:
    """Canonical item_key of a fixed-row label, or None when the spec does not know it."""
    index = spec.alias_keys
    found = [index[key] for key in (strip_numbering(label), label_key(label)) if key in index]
    return min(found)[1] if found else None  # the first row (in the spec's order) that either form names


@cache
def _title_index() -> dict[str, TableSpec]:
    """Normalised title or alias → spec (built once)."""
    return {label_key(alias): spec for spec in TABLES.values() for alias in spec.titles}


_TITLE_PREFIX = lazy_re.compile(r"^(公开\d+表|表[一二三四五六七八九十]+|[一二三四五六七八九十]+、)")


def table_for_title(title: str) -> TableSpec | None:
    """The spec whose title (or alias) equals a printed title, ignoring numbering and quotes."""
    return _title_index().get(_TITLE_PREFIX.sub("", label_key(title)))


# Printed column headers of the amount columns (label_key form; a wrapped header's fragments are found as parts),
# used to place figures by position when a rendering keeps x-positions (PDF words, `-layout` text, OCR boxes).
COLUMN_HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "T02": {"total": ("本年收入合计", "合计"), "fiscal_appropriation": ("财政拨款收入",),
            "higher_level_subsidy": ("上级补助收入",), "business_income": ("事业收入",),
            "operating_income": ("经营收入",), "affiliated_remittance": ("附属单位上缴收入",),
            "other_income": ("其他收入",)},
    "T03": {"total": ("本年支出合计", "合计"), "basic": ("基本支出",), "project": ("项目支出",),
            "remittance_to_higher": ("上缴上级支出",), "operating": ("经营支出",),
            "subsidy_to_affiliated": ("对附属单位补助支出",)},
    "T04": {"total": ("合计",), "general_budget": ("一般公共预算财政拨款",),
            "government_fund": ("政府性基金预算财政拨款",), "state_capital": ("国有资本经营预算财政拨款",)},
    "T05": {"total": ("合计",), "basic": ("基本支出",), "project": ("项目支出",)},
    "T07": {"carryover_begin": ("年初结转和结余",), "income": ("本年收入",), "expense_total": ("本年支出", "小计"),
            "basic": ("基本支出",), "project": ("项目支出",), "carryover_end": ("年末结转和结余",)},
    "T08": {"total": ("合计",), "basic": ("基本支出",), "project": ("项目支出",)},
}
# Headers of the label and code columns (never an amount column).
LABEL_HEADERS = frozenset(("项目", "科目名称", "科目编码", "科目代码", "功能分类科目编码", "支出功能分类科目编码",
                           "支出功能分类", "收入功能分类", "类", "款", "项", "行次", "栏次", "经济分类科目编码",
                           "经济分类", "决算数", "收入", "支出", "金额", "单位：万元", "单位:万元"))
