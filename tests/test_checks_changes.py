"""N21 (change = this year − last year) and N22 (持平 only when equal at printed precision)."""

from __future__ import annotations

import pytest
from checks_support import fact, run

SENTENCE = "“三公”经费财政拨款支出决算3.20万元，比上年决算数5.40万元减少2.20万元，下降40.74%。"


def three_public(current: str, prior: str | None = "5.40", change: str | None = "-2.20", flat: bool = False) -> dict:
    facts = [fact("three_public_actual", current, SENTENCE, line=10)]
    if prior is not None:
        facts.append(fact("three_public_prior_year", prior, SENTENCE, line=10))
    if change is not None:
        facts.append(fact("three_public_prior_year_change", change, SENTENCE, line=10))
    if flat:
        facts.append(
            fact("three_public_prior_year_flat", None, "2024年度“三公”经费财政拨款支出决算数与上年持平。", None, 12)
        )
    return {"narrative_facts": facts}


@pytest.mark.parametrize(("current", "status"), [("3.20", "ok"), ("3.23", "rounding"), ("4.20", "mismatch")])
def test_change_is_this_year_minus_last_year(current, status):
    (found,) = run(three_public(current), "N21")
    assert found.status == status
    assert "5.40" in found.message_zh and current in found.message_zh


@pytest.mark.parametrize(
    ("current", "prior", "status"),
    [
        ("5.40", "5.40", "ok"),
        ("5.43", "5.4", "rounding"),  # equal at the printed precision of last year's figure
        ("3.20", "5.40", "mismatch"),  # 持平 said of figures that moved
    ],
)
def test_level_only_when_equal_at_printed_precision(current, prior, status):
    (found,) = run(three_public(current, prior=prior, change=None, flat=True), "N22")
    assert found.status == status


def test_level_with_a_stated_change():
    assert [f.status for f in run(three_public("3.20", prior=None, change="0.00", flat=True), "N22")] == ["ok"]
    assert [f.status for f in run(three_public("3.20", prior=None, change="-2.20", flat=True), "N22")] == ["mismatch"]


def test_level_with_nothing_to_compare_is_not_checkable():
    # Putuo page 23 line 375: "2024年度“三公”经费财政拨款支出决算数与2023年度持平。" — last year is not stated
    (found,) = run(three_public("0.00", prior=None, change=None, flat=True), "N22")
    assert found.status == "not_checkable"


def test_operating_costs_change_rate():
    # Putuo page 24 line 395: 184.65, 增加2.55, 增长1.40% → 2.55 / 182.10 = 1.4003 %
    facts = [
        fact("operating_costs", "184.65", "…", line=395),
        fact("operating_costs_prior_year_change", "2.55", "…", line=395),
        fact("operating_costs_prior_year_change_rate", "1.40", "…", "%", 395),
    ]
    found = [f for f in run({"narrative_facts": facts}, "N1") if "operating_costs" in f.location]
    assert [(f.status, f.actual) for f in found] == [("ok", "1.40")]
    facts[2] = fact("operating_costs_prior_year_change_rate", "1.50", "…", "%", 395)
    assert [f.status for f in run({"narrative_facts": facts}, "N1") if "operating_costs" in f.location] == ["mismatch"]


def test_an_item_level_with_last_year_yet_changed():
    """seed 001 line 361 states 公务接待费 "较上年决算数减少 1.06 万元"; saying 持平 of it as well contradicts that."""
    facts = [
        fact("three_public_official_reception_actual", "1.06", "…", line=361),
        fact("three_public_official_reception_prior_year_change", "-1.06", "…", line=361),
        fact("three_public_official_reception_prior_year_flat", None, "公务接待费支出决算持平。", None, 362),
    ]
    (found,) = run({"narrative_facts": facts}, "N22")
    assert (found.status, found.actual) == ("mismatch", "-1.06")
    facts[1] = fact("three_public_official_reception_prior_year_change", "0.00", "…", line=361)
    assert [f.status for f in run({"narrative_facts": facts}, "N22")] == ["ok"]
