"""N18/N19: spending by 类 with its share against the amounts and 100 % (Putuo page 21 lines 313–319)."""

from __future__ import annotations

import pytest
from checks_support import run

TOTAL = {
    "metric_key": "general_budget_expense",
    "value": "2940.05",
    "unit": "万元",
    "sentence": "…",
    "source_page": 21,
    "source_line": 313,
}


def classes(*lines: tuple[str, str, str], total: dict | None = TOTAL) -> dict:
    """narrative_facts of a 类 list: (item, amount, share) per 类, after the total the shares are of."""
    facts = [total] if total else []
    for n, (item, amount, share) in enumerate(lines):
        for key, value, unit in (("class_expense", amount, "万元"), ("class_share", share, "%")):
            facts.append(
                {
                    "metric_key": key,
                    "value": value,
                    "unit": unit,
                    "item": item,
                    "sentence": "…",
                    "source_page": 21,
                    "source_line": 317 + n,
                }
            )
    return {"narrative_facts": facts}


PUTUO = (
    ("一般公共服务", "2106.66", "71.73"),
    ("社会保障和就业", "326.72", "11.11"),
    ("卫生健康", "60.99", "2.07"),
    ("住房保障", "445.69", "15.16"),
)


@pytest.mark.parametrize(
    ("share", "status"),
    [
        ("11.11", "ok"),  # 326.72 / 2940.05 = 11.1127
        ("11.13", "rounding"),  # within 0.02
        ("11.20", "mismatch"),
    ],
)
def test_a_share_is_its_amount_over_the_total(share, status):
    (found,) = run(classes(("社会保障和就业", "326.72", share)), "N18")
    assert found.status == status


def test_putuo_prints_71_73_for_71_65():
    found = {f.location: f for f in run(classes(*PUTUO), "N18")}
    wrong = found["narrative class_share 一般公共服务"]
    assert (wrong.status, wrong.actual, wrong.expected) == ("mismatch", "71.73", "71.6539")
    # both figures and where each was printed, in a sentence
    assert "2106.66" in wrong.message_zh and "2940.05" in wrong.message_zh
    assert "第21页第317行" in wrong.message_zh and "第21页第313行" in wrong.message_zh
    assert [f.status for f in found.values()].count("mismatch") == 1


@pytest.mark.parametrize(
    ("last_share", "status"),
    [
        ("15.09", "ok"),  # 71.73 + 11.11 + 2.07 + 15.09 = 100.00
        ("15.10", "rounding"),  # 100.01: four shares each ± 0.005
        ("15.16", "mismatch"),  # as printed: 100.07
    ],
)
def test_shares_of_a_complete_list_add_up_to_100(last_share, status):
    lines = (*PUTUO[:3], ("住房保障", "445.69", last_share))
    (found,) = run(classes(*lines), "N19")
    assert found.status == status
    assert found.location == "narrative class_share Σ = 100%"


def test_shares_of_a_partial_list_only_stay_within_100():
    (found,) = run(classes(*PUTUO[:2]), "N19")  # 2433.38 of 2940.05: partial
    assert (found.status, found.location) == ("ok", "narrative class_share Σ ≤ 100%")
    (found,) = run(classes(("一般公共服务", "2106.66", "71.73"), ("卫生健康", "60.99", "30.00")), "N19")
    assert found.status == "mismatch"


def test_class_amount_against_its_t05_total():
    resources = classes(("卫生健康", "60.99", "2.07"))
    resources["general_budget_expense"] = [
        {"code": "210", "name": "卫生健康支出", "level": "类", "total": "60.99", "source_page": 15, "source_line": 221}
    ]
    amounts = [f for f in run(resources, "N18") if "vs T05" in f.location]
    assert [(f.status, f.location) for f in amounts] == [("ok", "narrative class_expense 卫生健康 vs T05 210")]
    resources["general_budget_expense"][0]["total"] = "61.99"
    assert [f.status for f in run(resources, "N18") if "vs T05" in f.location] == ["mismatch"]
