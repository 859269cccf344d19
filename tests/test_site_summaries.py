"""Summary tables and indexes built with the site: exact per report, equal to the queries they replace, kept by updates.

(That an incremental build leaves them exactly as a build from nothing does is checked with every other table in
test_site_incremental.py.)
"""

from __future__ import annotations

import csv
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from converter.site import metadata as site_metadata
from converter.site import summaries
from converter.site.database import build_database

# The queries the dashboards and canned queries ran before the summary tables (every report aggregated per request).
SPENDING_BY_CLASS = """
with classes as (
  select report_id, substr(code, 1, 3) as code,
    coalesce(max(case when level = '类' then total end), sum(case when level = '项' then total end)) as total
  from expense_by_function where code is not null group by report_id, substr(code, 1, 3)
)
select r.label as report, c.code || ' ' || coalesce(f.name, '') as class, c.total
from classes c join reports r on r.report_id = c.report_id left join function_codes f on f.code = c.code
where 1 = 1 [[ and r.province = :province ]] [[ and r.year = :year ]]
order by r.label, c.code limit 1000
"""
DISCLOSURE_SCORES = """
select r.department, r.year, r.province, r.disclosure_score,
  group_concat(case when c.status = 'missing' then c.item end, '、') as missing_items,
  sum(c.status = 'stated_empty') as stated_empty_items, r.report_id
from reports r left join disclosure_completeness c on c.report_id = r.report_id
group by r.report_id
order by r.disclosure_score, r.department, r.year
limit 100 offset 100 * (max(coalesce(cast(nullif(:page, '') as integer), 1), 1) - 1)
"""


@pytest.fixture(scope="module")
def site_db(seed_packages, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("summaries") / "juesuan.db"
    build_database(list(seed_packages.values()), db)
    return db


def chart_sql(sql: str, **filters: str) -> tuple[str, dict[str, str]]:
    """A dashboard query with its optional [[ … ]] filters kept for the given parameters, dropped for the others."""

    def keep(match: re.Match) -> str:
        return match.group(1) if re.search(r":(\w+)", match.group(1)).group(1) in filters else ""

    return re.sub(r"\[\[(.*?)\]\]", keep, sql), filters


def test_the_class_summary_holds_each_reports_printed_class_totals(site_db):
    conn = sqlite3.connect(site_db)
    classes = dict(conn.execute(
        "select class_code, total from summary_spending_by_class where label = '焦作市医疗保障局（2023）'"
    ))  # fmt: skip
    assert classes == {"206": 35.8, "208": 698.93, "210": 534.53}  # 公开03表 of seed 002, 类 rows as printed
    assert conn.execute("select count(distinct report_id) from summary_spending_by_class").fetchone()[0] == 4


def test_a_report_printing_only_item_rows_gets_their_sum_as_its_class(seed_packages, tmp_path):
    package = Path(shutil.copytree(seed_packages["000"], tmp_path / "in" / seed_packages["000"].name))
    path = package / "expense_by_function.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    kept = [row for row in rows if row["level"] not in ("类", "款")]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)
    db = tmp_path / "site" / "juesuan.db"
    result = build_database([package], db)
    assert not result.refused
    total = sqlite3.connect(db).execute("select total from summary_spending_by_class where class_code = '210'")
    assert round(total.fetchone()[0], 2) == 97.58  # 2101501 78.65 + 2101502 18.92 + 2101599 0.01


FILTERS = [{}, {"province": "山西省"}, {"year": "2023"}, {"province": "河南省", "year": "2023"}]


@pytest.mark.parametrize("filters", FILTERS)
def test_the_spending_chart_gives_what_the_aggregate_over_every_report_gave(site_db, filters):
    chart = site_metadata.load()["plugins"]["datasette-dashboards"]["overview"]["charts"]["spending-by-class"]
    assert "summary_spending_by_class" in chart["query"]
    conn = sqlite3.connect(site_db)
    expected = conn.execute(*chart_sql(SPENDING_BY_CLASS, **filters)).fetchall()
    assert expected and conn.execute(*chart_sql(chart["query"], **filters)).fetchall() == expected


def test_the_disclosure_query_gives_what_the_grouped_join_gave(site_db):
    query = site_metadata.load()["databases"]["juesuan"]["queries"]["disclosure_scores"]["sql"]
    conn = sqlite3.connect(site_db)
    expected = conn.execute(DISCLOSURE_SCORES, {"page": ""}).fetchall()
    assert len(expected) == 5 and any(row[4] for row in expected)  # some report misses an item
    assert conn.execute(query, {"page": ""}).fetchall() == expected


def chart(name: str) -> str:
    return site_metadata.load()["plugins"]["datasette-dashboards"]["overview"]["charts"][name]["query"]


@pytest.mark.parametrize("filters", FILTERS)
def test_the_three_public_chart_sums_every_selected_report(site_db, filters):
    """Summed in SQL (a few rows), not rows cut at a limit and summed in the browser."""
    conn = sqlite3.connect(site_db)
    found = {
        (measure, item): amount for measure, item, amount in conn.execute(*chart_sql(chart("three-public"), **filters))
    }
    where = " and ".join(f"r.{name} = :{name}" for name in filters) or "1 = 1"
    for measure, label in (("budget", "预算数"), ("actual", "决算数")):
        expected = conn.execute(
            "select sum(t.overseas_travel), sum(t.vehicle_total), sum(t.official_reception) from three_public t"
            f" join reports r on r.report_id = t.report_id where t.measure = :measure and {where}",
            {**filters, "measure": measure},
        ).fetchone()
        if expected[0] is None and expected[1] is None:
            assert (label, "公务用车") not in found
            continue
        for item, total in zip(("因公出国（境）", "公务用车", "公务接待"), expected, strict=True):
            assert found[(label, item)] == pytest.approx(total)


def test_the_score_chart_counts_every_project_in_five_point_bins(site_db):
    conn = sqlite3.connect(site_db)
    bins = conn.execute(*chart_sql(chart("score-distribution"))).fetchall()
    scores = [row[0] for row in conn.execute(
        "select total_score from performance_evaluations where kind = 'project' and total_score is not null"
    )]  # fmt: skip
    assert scores and sum(projects for _, _, projects in bins) == len(scores)
    for start, end, projects in bins:
        assert end == start + 5 and projects == sum(start <= score < end for score in scores)


def test_update_replaces_exactly_the_given_reports_rows(site_db, tmp_path):
    db = Path(shutil.copy(site_db, tmp_path / "copy.db"))
    conn = sqlite3.connect(db)
    before = {s.name: sorted(conn.execute(f"select * from [{s.name}]")) for s in summaries.SUMMARIES}
    jiaozuo = conn.execute("select report_id from reports where department = '焦作市医疗保障局'").fetchone()[0]
    conn.execute("update expense_by_function set total = 1.5 where report_id = ? and code = '206'", [jiaozuo])
    conn.execute("delete from reports where department = '高台县医疗保障局'")  # gone: its summary rows go too
    gaotai = "001-ccb00ef10012d506-e6bc4b0a"
    summaries.update(conn, [jiaozuo, gaotai])
    changed = "select total from summary_spending_by_class where report_id = ? and class_code = '206'"
    assert conn.execute(changed, [jiaozuo]).fetchone() == (1.5,)
    for summary in summaries.SUMMARIES:
        assert not conn.execute(f"select 1 from [{summary.name}] where report_id = ?", [gaotai]).fetchall()
        others = f"select * from [{summary.name}] where report_id not in (?, ?)"
        assert sorted(conn.execute(others, [jiaozuo, gaotai])) == [
            row for row in before[summary.name] if row[0] not in (jiaozuo, gaotai)
        ]
