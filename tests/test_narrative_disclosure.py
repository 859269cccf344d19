"""disclosure_stats from the narrative (origin "narrative"): procurement, operating costs, vehicles, equipment.

Values are read by hand from each seed's 机关运行经费 / 政府采购 / 国有资产占用 paragraphs (lines given).
"""

from __future__ import annotations

from functools import cache

import pytest
from conftest import SEED_FILES
from narrative_support import narrated

VEHICLE_TYPES = (
    "vehicles_ministerial",
    "vehicles_principal",
    "vehicles_confidential",
    "vehicles_emergency",
    "vehicles_law_enforcement",
    "vehicles_special",
    "vehicles_retired_service",
    "vehicles_other",
)


@cache
def stats(number: str) -> dict[str, dict]:
    rows = narrated(number).rows("disclosure_stats")
    assert len({row["item_key"] for row in rows}) == len(rows)  # one row per item
    return {row["item_key"]: row for row in rows}


def summary(number: str) -> dict[str, tuple]:
    return {key: (row["value"], row["unit"], row["source_line"]) for key, row in stats(number).items()}


EXPECTED = {
    "000": {  # 1047 机关运行经费支出6.75万元; 1055–1059 政府采购; 1065–1073 车辆 and 设备
        "operating_costs": ("6.75", "万元", 1047),
        "procurement_total": ("13.00", "万元", 1055),
        "procurement_goods": ("0", "万元", 1055),
        "procurement_works": ("0", "万元", 1055),
        "procurement_services": ("13.00", "万元", 1055),
        "procurement_sme": ("13.00", "万元", 1057),
        "vehicles_total": ("0", "辆", 1065),
        **{key: ("0", "辆", 1065) for key in VEHICLE_TYPES},
        "equipment_over_1m": ("0", "台（套）", 1071),
    },
    "001": {  # 369, 377, 381
        "operating_costs": ("24.24", "万元", 369),
        "procurement_total": ("23.02", "万元", 377),
        "procurement_goods": ("23.02", "万元", 377),
        "procurement_works": ("0.00", "万元", 377),
        "procurement_services": ("0.00", "万元", 377),
        "procurement_sme": ("23.02", "万元", 377),
        "vehicles_total": ("0", "辆", 381),
        **{key: ("0", "辆", 381) for key in VEHICLE_TYPES},
        "equipment_over_1m": ("0", "台（套）", 381),
    },
    "002": {  # 841, 848–856, 860–868 (其他用车2辆)
        "operating_costs": ("76.76", "万元", 841),
        "procurement_total": ("11.97", "万元", 848),
        "procurement_goods": ("11.97", "万元", 848),
        "procurement_works": ("0.00", "万元", 848),
        "procurement_services": ("0.00", "万元", 848),
        "procurement_sme": ("0.00", "万元", 852),
        "vehicles_total": ("2", "辆", 860),
        **{key: ("0", "辆", 860) for key in VEHICLE_TYPES},
        "vehicles_other": ("2", "辆", 860),
        "equipment_over_1m": ("0", "台（套）", 868),
    },
    "003": {  # 502, 506, 510 (no vehicle types stated)
        "operating_costs": ("6.81", "万元", 502),
        "procurement_total": ("8.99", "万元", 506),
        "procurement_goods": ("1.79", "万元", 506),
        "procurement_works": ("0", "万元", 506),
        "procurement_services": ("7.20", "万元", 506),
        "procurement_sme": ("0", "万元", 506),
        "vehicles_total": ("0", "辆", 510),
        "equipment_over_1m": ("0", "台（套）", 510),
    },
    "004": {  # 185 无机关运行经费支出, 189 无政府采购事项: nothing stated; 197 车辆1辆 (no 副部级 type listed)
        "vehicles_total": ("1", "辆", 197),
        **{key: ("0", "辆", 197) for key in VEHICLE_TYPES[1:]},
        "vehicles_other": ("1", "辆", 197),
    },
}


@pytest.mark.parametrize("number", sorted(EXPECTED))
def test_narrative_disclosure_figures(number):
    assert summary(number) == EXPECTED[number]


@pytest.mark.parametrize("number", sorted(SEED_FILES))
def test_rows_are_marked_narrative_with_the_printed_phrase_and_no_line_number(number):
    for row in stats(number).values():
        assert row["origin"] == "narrative" and row["line_no"] is None
        assert row["item"]


def test_item_is_the_phrase_as_printed():
    assert stats("000")["procurement_total"]["item"] == "政府采购支出总额"
    assert stats("001")["procurement_total"]["item"] == "政府采购支出合计"
    assert stats("002")["vehicles_ministerial"]["item"] == "省级领导干部用车"
    assert stats("001")["equipment_over_1m"]["item"] == "单价100万元(含)以上设备"
