"""N20: what SMEs were awarded cannot exceed the procurement total (Putuo page 24 lines 398–403; seed 000 1055–1061)."""

from __future__ import annotations

import pytest
from checks_support import fact, run


def putuo(total: str = "251.25", reserved: str = "246.47", other: str = "4.79") -> dict:
    return {
        "narrative_facts": [
            {
                **fact("procurement_total", total, "…政府采购金额（以合同签订为准）为251.25万元…", line=398),
                "source_page": 24,
            },
            {
                **fact(
                    "procurement_sme_reserved_award",
                    reserved,
                    "…由中小企业供应商中标或成交的，采购金额246.47万元；",
                    line=401,
                ),
                "source_page": 24,
            },
            {
                **fact("procurement_sme_other_award", other, "…在其他政府采购项目中…采购金额4.79万元。", line=403),
                "source_page": 24,
            },
        ]
    }


@pytest.mark.parametrize(
    ("total", "status"),
    [
        ("251.30", "ok"),
        ("251.25", "rounding"),  # as printed: 246.47 + 4.79 = 251.26, 0.01 over
        ("125.63", "mismatch"),  # SME awards twice the procurement total
    ],
)
def test_sme_awards_within_procurement(total, status):
    (found,) = run(putuo(total=total), "N20")
    assert found.status == status
    assert "246.47" in found.message_zh and "4.79" in found.message_zh and total in found.message_zh
    assert "第24页第401行" in found.message_zh and "第24页第398行" in found.message_zh


def test_small_and_micro_within_sme():
    base = [fact("procurement_total", "13.00", "…", line=1055), fact("procurement_sme", "13.00", "…", line=1057)]
    held = run({"narrative_facts": [*base, fact("procurement_small_micro", "0", "…", line=1059)]}, "N20")
    assert [f.status for f in held] == ["ok", "ok"]
    broken = run({"narrative_facts": [*base, fact("procurement_small_micro", "13.50", "…", line=1059)]}, "N20")
    assert [f.status for f in broken] == ["ok", "mismatch"]
