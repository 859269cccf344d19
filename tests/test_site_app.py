"""The Datasette site, run in-process against a database built from the seed packages.

Seed 003's package is loaded with a few rows appended that the converters may not produce yet, all copied from the
seed text: a narrative sentence (003 line 676), the performance project 购买医保便民服务 (003 lines 658, 714, 732)
with one indicator (line 722), and one mismatch finding.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import shutil
import sqlite3
import urllib.parse
import zipfile
from pathlib import Path

import pytest

from converter import registry
from converter.site import metadata as site_metadata
from converter.site import serve
from converter.site.database import build_database

NARRATIVE_003 = (
    "为构建 15 分钟医保便民服务圈，区医保局拟以乡村振兴示范村为试点，"
    "将医保综合业务服务终端下沉到乡镇，村，使村民享受城乡居民门诊统筹，慢性病及门诊，两病等各类待遇保障不出村，将医保经办服务高频事项授权到乡镇，村，"
    "社区，打造社区医保驿站。"
)


def append_rows(folder: Path, resource: str, records: list[dict]) -> None:
    path = folder / f"{resource}.csv"
    fields = registry.field_names(resource)
    existing = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    if "row_no" in fields:
        for number, record in enumerate(records, start=len(existing) + 1):
            record["row_no"] = number
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writerows({name: record.get(name, "") for name in fields} for record in records)
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write(buffer.getvalue())


@pytest.fixture(scope="module")
def site_packages(seed_packages, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("site_packages")
    packages = {number: Path(shutil.copytree(path, folder / path.name)) for number, path in seed_packages.items()}
    extra = packages["003"]
    report_id = extra.name
    append_rows(
        extra,
        "narrative",
        [
            {"report_id": report_id, "section": "performance", "seq": 9001, "text": NARRATIVE_003, "source_line": 676},
        ],
    )
    append_rows(
        extra,
        "performance_evaluations",
        [
            {
                "report_id": report_id,
                "evaluation_id": "p901",
                "kind": "project",
                "name": "购买医保便民服务",
                "amount_unit": "元",
                "budget_initial": "386000",
                "budget_full_year": "386000",
                "executed": "385948",
                "execution_rate": "99.99",
                "execution_score": "10",
                "total_score": "99.9",
                "grade": "优",
                "source_line": 658,
            }
        ],
    )
    append_rows(
        extra,
        "performance_indicators",
        [
            {
                "report_id": report_id,
                "evaluation_id": "p901",
                "seq": 1,
                "level1": "产出指标",
                "level2": "数量指标",
                "name": "打造社区医保驿站",
                "target_adjusted": "≥20 个",
                "actual": "20",
                "weight": "20",
                "score": "20",
                "source_line": 722,
            }
        ],
    )
    append_rows(
        extra,
        "findings",
        [
            {
                "report_id": report_id,
                "rule_id": "SITE-TEST",
                "status": "mismatch",
                "severity": "error",
                "tables": "T06",
                "expected": "78.16",
                "actual": "78.15",
                "difference": "-0.01",
                "message_zh": "测试用不平衡",
                "message_en": "site test mismatch",
            }
        ],
    )
    return packages


@pytest.fixture(scope="module")
def site(site_packages, tmp_path_factory) -> serve.Site:
    folder = tmp_path_factory.mktemp("site")
    result = build_database(list(site_packages.values()), folder / "juesuan.db")
    assert result.refused == {}
    return serve.prepare(folder / "juesuan.db", folder / "runtime")


@pytest.fixture(scope="module")
def ds(site):
    return serve.app(site)


def get(ds, url: str):
    return asyncio.run(ds.client.get(url))


def rows(ds, url: str) -> list[dict]:
    response = get(ds, url)
    assert response.status_code == 200, response.text[:500]
    return response.json()


def csv_count(folder: Path, resource: str) -> int:
    with (folder / f"{resource}.csv").open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def test_every_resource_is_a_table_with_the_packages_row_count(ds, site_packages):
    tables = {t["name"]: t for t in get(ds, "/juesuan.json").json()["tables"]}
    for resource in registry.resource_names():
        expected = sum(csv_count(folder, resource) for folder in site_packages.values())
        assert tables[resource]["count"] == expected, resource
    assert tables["reports"]["count"] == 5
    assert tables["narrative"]["count"] >= 1 and tables["findings"]["count"] >= 1


def test_codes_stay_text_and_amounts_are_numbers(site):
    conn = sqlite3.connect(site.db)
    kinds = conn.execute(
        "select typeof(code), typeof(total), total from expense_by_function"
        " where code = '2101501' and report_id like '002-%'"
    ).fetchone()
    assert kinds == ("text", "real", 308.5)  # seed 002 line 240: 2101501 行政运行 308.50
    econ = conn.execute("select econ_code from basic_expense_detail where econ_name = '公务接待费' limit 1").fetchone()
    assert econ == ("30217",)


def test_keys_and_indexes_come_from_the_schemas(site):
    conn = sqlite3.connect(site.db)
    pk = [
        row[1]
        for row in sorted(conn.execute("pragma table_info(performance_indicators)"), key=lambda r: r[5])
        if row[5]
    ]
    assert pk == ["report_id", "evaluation_id", "seq"]
    fks = {(row[2], row[3], row[4]) for row in conn.execute("pragma foreign_key_list(performance_indicators)")}
    assert ("performance_evaluations", "evaluation_id", "evaluation_id") in fks
    assert ("reports", "report_id", "report_id") in fks
    indexes = {row[1] for row in conn.execute("pragma index_list(expense_by_function)")}
    assert "idx_expense_by_function_code" in indexes


def test_amounts_display_with_their_printed_decimals(ds):
    page = get(ds, "/juesuan/three_public?report_id__startswith=002-").text
    totals = re.findall(r'<td class="col-total[^"]*"[^>]*>([^<]*)</td>', page)
    assert totals == ["6.50", "4.35"]  # seed 002 三公: 预算 6.50, 决算 4.35


def test_views_join_each_fact_to_its_report(ds):
    found = rows(ds, "/juesuan/three_public_view.json?_shape=array&department=焦作市医疗保障局&measure=actual")
    assert [(r["year"], r["province"], r["official_reception"]) for r in found] == [(2023, "河南省", 1.14)]


@pytest.mark.parametrize("word", ["医保", "公务接待费"])
def test_chinese_search_finds_narrative_rows(ds, word):
    found = rows(ds, f"/juesuan/narrative.json?_search={word}&_shape=array")
    matching = [r for r in found if word in r["text"]]
    assert matching and len(matching) == len(found)
    if word == "医保":
        assert NARRATIVE_003 in [r["text"] for r in found]


@pytest.mark.parametrize("word", ["接待", "公务接待费"])
def test_chinese_search_finds_table_row_names(ds, word):
    found = rows(ds, f"/juesuan/basic_expense_detail.json?_search={word}&_shape=array&_size=max")
    # 30217 公务接待费 is printed in the 公开06表 of seeds 000–003 (e.g. 001 line 249: 30217 公务接待费 1.06)
    assert sorted({r["report_id"][:3] for r in found}) == ["000", "001", "002", "003"]
    assert {r["econ_name"] for r in found} == {"公务接待费"}


def test_search_is_a_phrase_not_a_bag_of_characters(ds):
    assert rows(ds, "/juesuan/basic_expense_detail.json?_search=待接&_shape=array") == []


def test_chinese_search_finds_performance_projects_and_indicators(ds):
    projects = rows(ds, "/juesuan/performance_evaluations.json?_search=医保&_shape=array")
    assert "购买医保便民服务" in [r["name"] for r in projects]
    indicators = rows(ds, "/juesuan/performance_indicators.json?_search=医保驿站&_shape=array")
    assert "打造社区医保驿站" in [r["name"] for r in indicators]


def test_search_box_is_on_the_table_page(ds):
    page = get(ds, "/juesuan/narrative?_search=医保").text
    assert 'name="_search"' in page and "医保便民服务圈" in page


def test_canned_three_public_by_department(ds):
    found = rows(ds, "/juesuan/three_public_by_department.json?_shape=array&department=焦作&year=2023")
    assert [(r["measure"], r["total"], r["official_reception"]) for r in found] == [
        ("budget", 6.5, 2.0),
        ("actual", 4.35, 1.14),
    ]  # seed 002 line 574
    everything = rows(ds, "/juesuan/three_public_by_department.json?_shape=array&department=&year=")
    assert {r["report_id"][:3] for r in everything} >= {"001", "002"}


def test_canned_unbalanced_accounts_lists_mismatches_only(ds, site):
    found = rows(ds, "/juesuan/unbalanced_accounts.json?_shape=array")
    mismatches = sqlite3.connect(site.db).execute("select count(*) from findings where status = 'mismatch'").fetchone()
    assert len(found) == mismatches[0]
    assert ("吕梁市离石区医疗保障局", "SITE-TEST", -0.01) in [
        (r["department"], r["rule_id"], r["difference"]) for r in found
    ]


def test_canned_function_code_across_reports(ds):
    found = rows(ds, "/juesuan/function_code_across_reports.json?_shape=array&code=2101501")
    jiaozuo = [r for r in found if r["department"] == "焦作市医疗保障局"]
    assert [(r["total"], r["basic"], r["project"]) for r in jiaozuo] == [(308.5, 205.71, 102.79)]
    assert {r["code"] for r in found} == {"2101501"}


def test_canned_personnel_vs_public(ds):
    found = rows(ds, "/juesuan/personnel_vs_public.json?_shape=array")
    jiaozuo = [r for r in found if r["department"] == "焦作市医疗保障局"]
    assert [(r["personnel"], r["public"]) for r in jiaozuo] == [(811.88, 76.76)]  # seed 002 line 517


def test_canned_performance_projects_by_score(ds):
    found = rows(ds, "/juesuan/performance_projects_by_score.json?_shape=array")
    scores = [r["total_score"] for r in found]
    assert scores == sorted(scores, reverse=True)
    assert ("购买医保便民服务", 99.9, "优") in [(r["name"], r["total_score"], r["grade"]) for r in found]


def test_canned_search_all(ds):
    found = rows(ds, "/juesuan/search_all.json?_shape=array&q=医保")
    assert {"narrative", "performance_evaluations", "performance_indicators"} <= {r["source"] for r in found}


def test_report_row_links_to_its_package_and_zip(ds, site_packages):
    folder = site_packages["002"]
    page = get(ds, f"/juesuan/reports/{folder.name}").text
    links = re.findall(r'<a href="(/files/packages/[^"]+)"', page)
    assert links == [f"/files/packages/{folder.name}/datapackage.json", f"/files/packages/{folder.name}.zip"]
    descriptor = get(ds, links[0])
    assert descriptor.status_code == 200
    assert json.loads(descriptor.content) == json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    archive = zipfile.ZipFile(io.BytesIO(get(ds, links[1]).content))
    assert archive.read(f"{folder.name}/three_public.csv") == (folder / "three_public.csv").read_bytes()


def test_schemas_are_downloadable(ds):
    index = get(ds, "/files/schemas/index.html").text
    assert 'href="three_public.json"' in index
    schema = get(ds, "/files/schemas/three_public.json").json()
    assert schema == registry.schema("three_public")


def test_dashboard_page_and_chart_queries_work(ds):
    assert get(ds, "/-/dashboards/overview").status_code == 200
    charts = site_metadata.load()["plugins"]["datasette-dashboards"]["overview"]["charts"]
    for slug, chart in charts.items():
        sql = re.sub(r"\[\[.*?\]\]", "", chart["query"])
        response = get(ds, "/juesuan.json?" + urllib.parse.urlencode({"sql": sql, "_shape": "array"}))
        assert response.status_code == 200, (slug, response.text[:300])
    henan = charts["three-public"]["query"].replace("[[ and r.province = :province ]]", "and r.province = '河南省'")
    three_public = rows(
        ds, "/juesuan.json?_shape=array&sql=" + urllib.parse.quote(re.sub(r"\[\[.*?\]\]", "", henan))
    )
    # the sums of the selected reports: 河南省 holds one, 焦作市医疗保障局 2023 (公务接待 预算数 2.00)
    assert ("预算数", "公务接待", 2.0) in [(r["measure"], r["item"], r["amount"]) for r in three_public]


def test_metadata_yml_is_up_to_date_with_the_schemas():
    current = site_metadata.load()
    assert site_metadata.refresh(site_metadata.load()) == current


def test_every_table_and_column_is_described(site):
    tables = site_metadata.load()["databases"]["juesuan"]["tables"]
    conn = sqlite3.connect(site.db)
    names = [
        r[0]
        for r in conn.execute(
            "select name from sqlite_master where type in ('table', 'view')"
            " and name not like '%_fts%' and name not like 'sqlite_%'"
        )
    ]
    for name in names:
        columns = [r[1] for r in conn.execute(f"pragma table_info([{name}])")]
        assert tables[name]["description"], name
        if name not in site_metadata.CODE_TABLES:
            assert set(columns) <= set(tables[name]["columns"]), name
    assert "万元" in tables["three_public"]["columns"]["official_reception"]


def test_every_finding_links_to_a_rule_that_says_what_it_means(ds, site):
    conn = sqlite3.connect(site.db)
    unexplained = conn.execute(
        "select distinct rule_id from findings where rule_id not in (select rule_id from rules) and rule_id != ?",
        ["SITE-TEST"],  # the one finding this module appends by hand
    ).fetchall()
    assert unexplained == []
    rule = rows(ds, "/juesuan/rules.json?rule_id=A5&_shape=array")[0]
    assert "总计" in rule["description_zh"] and rule["severity"] == "error"
    assert 'href="/juesuan/rules"' in get(ds, "/juesuan/findings").text


def test_a_database_with_another_file_name_gets_all_its_references_renamed():
    renamed = site_metadata.for_database(site_metadata.load(), "site")
    text = json.dumps(renamed, ensure_ascii=False)
    assert '"db": "juesuan"' not in text and 'href=\\"/juesuan/' not in text
    assert "site" in renamed["databases"] and "juesuan" not in renamed["databases"]


def test_canned_omitted_three_public_quantities(ds):
    """Seed 004 states 三公 amounts only (lines 153–181): the one report omitting the quantities."""
    found = rows(ds, "/juesuan/omitted_three_public_quantities.json?_shape=array")
    assert [(r["department"], r["status"]) for r in found] == [("米脂县医疗保险经办中心", "missing")]


def test_canned_disclosure_scores(ds):
    found = {r["department"]: r for r in rows(ds, "/juesuan/disclosure_scores.json?_shape=array")}
    assert found["米脂县医疗保险经办中心"]["disclosure_score"] == 50.0
    assert "“三公”经费实物量" in found["米脂县医疗保险经办中心"]["missing_items"]
    assert found["焦作市医疗保障局"]["disclosure_score"] == 100.0 and found["焦作市医疗保障局"]["missing_items"] is None
