"""Nothing printed is lost: a table no spec knows keeps every cell (title, row, column, value, unit, page, line)."""

from __future__ import annotations

import sqlite3

from conftest import seed

from converter.convert import convert_file
from converter.package import read_resource, write_package
from converter.site.database import build_database
from converter.site.plugin import fts_query

ASSETS = """\f十、国有资产使用情况表
                                              单位：万元
项目              资产总额        房屋          车辆
合计              1,234.50        800.00        34.50
办公设备             12.00            —            3
"""


def _report_with_assets(tmp_path):
    text = seed("001").read_text(encoding="utf-8")
    at = text.index("第三部分 2023 年度部门决算情况说明")
    path = tmp_path / "assets.txt"
    path.write_text(text[:at] + ASSETS + "\f" + text[at:], encoding="utf-8")
    return path, text[:at].count("\n") + 1


def test_every_cell_of_a_table_no_spec_knows_is_kept_with_its_page_and_line(tmp_path):
    path, first_line = _report_with_assets(tmp_path)
    extraction = convert_file(path)
    cells = [(r["table_title"], r["reason"], r["row_label"], r["column_header"], r["column_index"], r["value"],
              r["amount"], r["unit"], r["source_page"], r["source_line"]) for r in extraction.rows("table_cells")]
    title = "十、国有资产使用情况表"
    assert cells == [
        (title, "unknown_table", "合计", "资产总额", 1, "1,234.50", "1234.50", "万元", 2, first_line + 3),
        (title, "unknown_table", "合计", "房屋", 2, "800.00", "800.00", "万元", 2, first_line + 3),
        (title, "unknown_table", "合计", "车辆", 3, "34.50", "34.50", "万元", 2, first_line + 3),
        (title, "unknown_table", "办公设备", "资产总额", 1, "12.00", "12.00", "万元", 2, first_line + 4),
        (title, "unknown_table", "办公设备", "房屋", 2, "—", None, "万元", 2, first_line + 4),
        (title, "unknown_table", "办公设备", "车辆", 3, "3", "3", "万元", 2, first_line + 4),
    ]


def test_the_standard_tables_are_unchanged_by_a_table_no_spec_knows(tmp_path):
    path, _ = _report_with_assets(tmp_path)
    with_assets, plain = convert_file(path), convert_file(seed("001"))
    for resource in ("three_public", "income_expense_summary", "expense_by_function"):
        strip = [{k: v for k, v in r.items() if k not in {"source_line", "source_page"}} for r in plain.rows(resource)]
        assert [{k: v for k, v in r.items() if k not in {"source_line", "source_page"}}
                for r in with_assets.rows(resource)] == strip


def test_the_cells_reach_the_package_and_validate(tmp_path):
    path, _ = _report_with_assets(tmp_path)
    folder = write_package(convert_file(path), tmp_path / "out")
    rows = read_resource(folder, "table_cells")
    assert [row["value"] for row in rows] == ["1,234.50", "800.00", "34.50", "12.00", "—", "3"]
    assert {row["row_no"] for row in rows} == {1, 2, 3, 4, 5, 6}


def test_the_site_finds_a_cell_of_a_table_no_spec_knows_by_its_title_and_row(tmp_path):
    path, _ = _report_with_assets(tmp_path)
    db = tmp_path / "site" / "juesuan.db"
    build_database([write_package(convert_file(path), tmp_path / "out")], db)
    with sqlite3.connect(db) as conn:
        conn.create_function("escape_fts", 1, fts_query)
        found = conn.execute(
            "SELECT value, column_header FROM table_cells WHERE rowid IN (SELECT rowid FROM table_cells_fts"
            " WHERE table_cells_fts MATCH escape_fts(?)) ORDER BY row_no", ("国有资产 办公设备",)).fetchall()
    assert found == [("12.00", "资产总额"), ("—", "房屋"), ("3", "车辆")]


def test_a_standard_table_cell_no_column_takes_is_kept_with_a_finding(tmp_path):
    # T05 printed without positions: in "10.00 10.00" the first is the 合计, the second 基本 or 项目 — left out.
    path = tmp_path / "t05.txt"
    path.write_text("\n".join([
        "某某县某某局2024年度部门决算", "部门名称：某某县某某局",
        "说明：财政拨款收入决算，三公经费预算，基本支出与项目支出决算。", "一般公共预算财政拨款支出决算表",
        "单位：万元", "科目编码 科目名称 合计 基本支出 项目支出",
        "2010102 一般行政管理事务 10.00 10.00",
    ]), encoding="utf-8")
    extraction = convert_file(path)
    (row,) = extraction.rows("general_budget_expense")
    assert (row["code"], row["total"], row["basic"], row["project"]) == ("2010102", "10.00", None, None)
    (finding,) = [f for f in extraction.findings if f.rule_id == "EXTRACT"]
    assert (finding.tables, finding.source_line) == ("T05", 7)
    (cell,) = extraction.rows("table_cells")
    assert (cell["reason"], cell["table_id"], cell["row_label"], cell["column_index"], cell["value"],
            cell["source_line"]) == ("unplaced_cell", "T05", "一般行政管理事务", 2, "10.00", 7)
