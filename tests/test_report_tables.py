"""Which standard tables each seed prints, states empty, or lacks (tables printed as images in 004)."""

from __future__ import annotations

import pytest
from conftest import seed

from converter.convert import convert_file

FOUND, EMPTY, ABSENT = "found", "empty", "absent"
EXPECTED = {
    # 000 (Shanxi): 07/08/09 print 说明：本表无数据 with blank cells; 公开10表 is printed.
    "000": ("generic", [FOUND] * 6 + [EMPTY] * 3 + [FOUND]),
    # 001 (Gansu): 07 and 08 carry 注：本部门没有相关数据，故本表无数据。; 三公 has figures; no 10.
    "001": ("generic", [FOUND] * 6 + [EMPTY, EMPTY, FOUND]),
    # 002 (Henan): 07 and 08 are stated empty (their printed 合计 0.00 rows are kept).
    "002": ("generic", [FOUND] * 6 + [EMPTY, EMPTY, FOUND]),
    # 003 (Shanxi 2024): 07/08/09 说明：本表无数据; 公开10表 printed.
    "003": ("generic", [FOUND] * 6 + [EMPTY] * 3 + [FOUND]),
    # 004 (Shaanxi): the table section is blank in the text (the tables were images).
    "004": ("narrative-only", [ABSENT] * 9),
}


@pytest.mark.parametrize("number", sorted(EXPECTED))
def test_each_table_is_found_stated_empty_or_absent(number):
    extraction = convert_file(seed(number))
    layout, statuses = EXPECTED[number]
    assert extraction.report["layout"] == layout
    tables = extraction.rows("report_tables")
    assert [t["table_id"] for t in tables] == [f"T{n:02d}" for n in range(1, len(statuses) + 1)]
    assert [t["status"] for t in tables] == statuses
    assert extraction.report["tables_found"] == (
        ",".join(t["table_id"] for t in tables if t["status"] == FOUND) or None
    )


def test_stated_empty_tables_keep_the_printed_statement():
    tables = {t["table_id"]: t for t in convert_file(seed("002")).rows("report_tables")}
    assert tables["T07"]["note"] == "说明：我部门没有政府性基金收入，也没有使用政府性基金安排的支出，故本表无数据。"
    assert tables["T08"]["note"] == "说明：我部门没有使用国有资本经营预算安排的支出，故本表无数据。"


def test_absent_tables_say_why_and_leave_their_resources_empty():
    extraction = convert_file(seed("004"))
    assert all(t["note"] and t["row_count"] == 0 for t in extraction.rows("report_tables"))
    assert extraction.rows("income_expense_summary") == [] and extraction.rows("three_public") == []
    assert extraction.rows("performance_evaluations"), "the self-evaluations are still read"
    assert extraction.rows("narrative"), "the narrative is still read"
