"""The juesuan Datasette plugin as plain Datasette loads it: the database file and metadata.yml, nothing else.

`Datasette([db], metadata=metadata.yml)` is what `datasette juesuan.db -m metadata.yml` runs; the plugin comes in
through the `datasette` entry point of the installed juesuan distribution.
"""

from __future__ import annotations

import asyncio
import re
import urllib.parse
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from datasette.app import Datasette

from converter.site import metadata as site_metadata
from converter.site.database import build_database
from converter.site.plugin import fts_query, neutralise, neutralise_csv_chunk, search_in_load_order, without_count


@pytest.fixture(scope="module")
def plain(seed_packages, tmp_path_factory) -> Datasette:
    db = tmp_path_factory.mktemp("plain") / "juesuan.db"
    assert build_database(list(seed_packages.values()), db).refused == {}
    return Datasette([str(db)], metadata=site_metadata.load())


@pytest.fixture(scope="module")
def jiaozuo(seed_packages) -> str:
    return seed_packages["002"].name  # 焦作市医疗保障局 2023


def get(ds: Datasette, url: str):
    return asyncio.run(ds.client.get(url))


def rows(ds: Datasette, url: str) -> list[dict]:
    response = get(ds, url)
    assert response.status_code == 200, response.text[:500]
    return response.json()


def q(text: str) -> str:
    return urllib.parse.quote(text)


def test_the_plugin_is_registered_through_the_datasette_entry_point(plain):
    names = {ep.name: ep.value for ep in entry_points(group="datasette")}
    assert names.get("juesuan") == "converter.site.plugin"
    plugins = {p["name"]: p for p in get(plain, "/-/plugins.json").json()}
    assert plugins["juesuan"]["templates"] is True
    assert {"prepare_connection", "render_cell", "register_routes"} <= set(plugins["juesuan"]["hooks"])


@pytest.mark.parametrize("word", ["接待", "公务接待费"])
def test_plain_datasette_finds_chinese_words(plain, word):
    found = rows(plain, f"/juesuan/basic_expense_detail.json?_shape=array&_size=max&_search={q(word)}")
    assert {r["econ_name"] for r in found} == {"公务接待费"}
    assert sorted(r["report_id"][:3] for r in found) == ["000", "001", "002", "003"]


def test_plain_datasette_search_is_a_phrase(plain):
    assert rows(plain, f"/juesuan/basic_expense_detail.json?_shape=array&_search={q('待接')}") == []
    narrative = rows(plain, f"/juesuan/narrative.json?_shape=array&_search={q('医保')}")
    assert narrative and all("医保" in r["text"] for r in narrative)


def test_search_works_on_the_views(plain):
    found = rows(plain, f"/juesuan/basic_expense_detail_view.json?_shape=array&_size=max&_search={q('公务接待费')}")
    assert {(r["econ_name"], r["report_id"][:3]) for r in found} == {
        ("公务接待费", number) for number in ("000", "001", "002", "003")
    }
    assert {r["department"] for r in found} >= {"焦作市医疗保障局"}
    assert rows(plain, f"/juesuan/basic_expense_detail_view.json?_shape=array&_search={q('待接')}") == []
    page = get(plain, f"/juesuan/narrative_view?_search={q('医保')}").text
    assert 'name="_search"' in page and "医保" in page


def test_plain_datasette_prints_decimals_and_chinese_headers(plain, jiaozuo):
    page = get(plain, f"/juesuan/three_public?report_id={jiaozuo}").text
    assert re.findall(r'<td class="col-total[^"]*"[^>]*>([^<]*)</td>', page) == ["6.50", "4.35"]
    header = re.search(r'<th title="total[^"]*"[^>]*>\s*<a[^>]*>([^<]*)</a>', page)
    assert header and header.group(1) == "合计（万元）"
    assert 'data-column="printed_scale"' not in page and "col-printed_scale" not in page
    # descriptions are behind a toggle, not above the data
    assert '<details class="column-descriptions-toggle">' in page
    assert page.index("column-descriptions-toggle") < page.index('<table class="rows-and-columns">')


def test_report_ids_show_as_report_titles_linking_to_the_report_page(plain, jiaozuo):
    page = get(plain, f"/juesuan/three_public?report_id={jiaozuo}").text
    assert f'<a href="/report/{jiaozuo}" title="{jiaozuo}">焦作市医疗保障局（2023）</a>' in page
    row = get(plain, f"/juesuan/reports/{jiaozuo}").text
    assert "<title>焦作市医疗保障局（2023） · juesuan: reports</title>" in row and f'href="/report/{jiaozuo}"' in row
    query = get(plain, "/juesuan/three_public_by_department?department=焦作&year=").text
    assert f'<a href="/report/{jiaozuo}" title="{jiaozuo}">焦作市医疗保障局（2023）</a>' in query


def test_canned_queries_show_results_first_and_no_internal_columns(plain):
    page = get(plain, "/juesuan/three_public_by_department?department=焦作&year=").text
    assert page.index('<table class="rows-and-columns">') < page.index('<details class="canned-sql">')
    body = page[page.index("<body") :]
    assert "printed_scale" not in body.split('<details class="canned-sql">')[0]
    assert "<title>各部门“三公”经费（按年度）" in page
    assert ">公务接待费（万元）</th>" in page and ">4.35<" in page
    assert '<th class="col-total" scope="col" title="total">合计（万元）</th>' in page  # three_public's, not T03's
    assert '<span title="budget">预算数</span>' in page and '<span title="actual">决算数</span>' in page


def test_report_page_shows_tables_findings_and_downloads(plain, jiaozuo):
    response = get(plain, f"/report/{jiaozuo}")
    assert response.status_code == 200
    page = response.text
    assert "<title>焦作市医疗保障局 2023年度决算 · 河南省焦作市</title>" in page
    assert "财政拨款“三公”经费支出决算表（公开09表）" in page and "支出决算表（公开03表）" in page
    # 三公 as printed (seed 002 line 575): 预算 6.50, 决算 4.35 with the column labels of the table
    t09 = page[page.index('id="T09"') : page.index('id="T10"')]
    assert re.search(r"<td>预算数</td><td class=\"num\">6\.50</td>", t09)
    assert re.search(r"<td>决算数</td><td class=\"num\">4\.35</td>", t09)
    assert "公务接待费（万元）" in t09 and "国内公务接待批次" in t09
    # a finding inline next to its row, in Chinese with both figures (T03 208: 698.92 computed, 698.93 printed)
    t03 = page[page.index('id="T03"') : page.index('id="T04"')]
    assert "T03 208 本年支出合计：应为 698.92，印为 698.93" in t03
    # the performance finding next to its evaluation (P4: execution score 7.637 computed, 8.49 printed)
    performance = page[page.index('id="performance"') : page.index('id="findings"')]
    assert "执行率得分：应为 7.637，印为 8.49" in performance
    for link in (f"/files/packages/{jiaozuo}/datapackage.json", f"/files/packages/{jiaozuo}.zip"):
        assert f'href="{link}"' in page
        assert get(plain, link).status_code == 200  # plain Datasette serves the download folder too
    assert "/compare/department?department=" in page


def test_report_page_links_each_row_to_its_pdf_page_when_the_source_is_there(tmp_path):
    from converter.convert import convert_file
    from converter.package import write_package

    pdf = Path(__file__).resolve().parent.parent / "examples" / "samples" / "shanghai-putuo-czj-2024.pdf"
    package = write_package(convert_file(pdf), tmp_path / "packages")  # the input is recorded nowhere
    db = tmp_path / "juesuan.db"
    first = build_database([package], db)
    assert first.refused == {} and first.sources == 0
    ds = Datasette([str(db)], metadata=site_metadata.load())
    without = get(ds, f"/report/{package.name}").text
    assert "#page=" not in without and "第18页" in without  # the page is named, the source is not on the site
    again = build_database([package], db, sources=[pdf.parent])  # `juesuan build --sources examples/samples`
    assert again.sources == 1 and again.unchanged == [package.name]
    page = get(ds, f"/report/{package.name}").text
    t09 = page[page.index('id="T09"') : page.index('id="T10"')]
    source = f"/files/sources/{package.name}/{pdf.name}"
    # 三公 of the Putuo report are printed on page 18 (预算 0.95)
    assert f'<a class="page-link" href="{source}#page=18">第18页</a>' in t09
    assert f'href="{source}">来源文件' in page
    assert get(ds, source).content == pdf.read_bytes()


def test_report_page_of_an_unknown_report_is_404(plain):
    assert get(plain, "/report/no-such-report").status_code == 404


def test_compare_department_across_years_and_region(plain):
    page = get(plain, f"/compare/department?department={q('焦作市医疗保障局')}").text
    assert "2023年" in page and "<svg" in page
    row = re.search(r'<td>“三公”经费合计（决算数）</td><td class="num">([^<]*)</td>', page)
    assert row and row.group(1) == "4.35"
    region = get(plain, f"/compare/region?province={q('河南省')}&line=official_reception").text
    assert "焦作市医疗保障局（2023）" in region and ">1.14<" in region and "<svg" in region
    by_code = get(plain, "/compare/region?code=2101501").text
    assert "308.50" in by_code  # seed 002 line 240: 2101501 行政运行 308.50


def test_canned_queries_are_paged(plain):
    first = rows(plain, "/juesuan/unbalanced_accounts.json?_shape=array")
    assert 0 < len(first) <= 100
    assert rows(plain, "/juesuan/unbalanced_accounts.json?_shape=array&page=2") == []
    page = get(plain, "/juesuan/unbalanced_accounts?page=2").text
    assert '<p class="pages">第 2 页 page 2 · <a href="/juesuan/unbalanced_accounts?page=1">' in page


def test_home_page_links_reports_comparisons_and_every_table(plain):
    page = get(plain, "/").text
    assert "共 5 份报告" in page and 'action="/juesuan/search_all"' in page
    for href in ("/juesuan/reports", "/compare/region", "/-/dashboards/overview", "/schemas", "/juesuan/three_public"):
        assert f'href="{href}"' in page
    assert ">财政拨款“三公”经费支出决算表（公开09表） (three_public)</a>" in page
    assert get(plain, "/.json").status_code == 200  # Datasette's own index stays available as JSON


def test_the_site_settings_apply_under_plain_datasette(plain):
    settings = get(plain, "/-/settings.json").json()
    assert settings["suggest_facets"] is False and settings["sql_time_limit_ms"] == 3000
    assert "Suggested facets" not in get(plain, "/juesuan/three_public").text
    page = get(plain, "/juesuan/three_public").text
    assert "<strong>口径 <small>measure</small>" in page  # facets titled in Chinese
    assert ">预算数</a>" in page  # facet values in Chinese


def test_view_and_search_pages_skip_the_row_count():
    def query(path: str, qs: bytes) -> bytes:
        return without_count({"path": path, "query_string": qs})["query_string"]

    assert query("/juesuan/findings_view", b"") == b"_nocount=1"
    assert query("/juesuan/narrative", b"_search=x") == b"_search=x&_nocount=1"
    assert query("/juesuan/narrative.json", b"_search=x") == b"_search=x"  # the API keeps its count
    assert query("/juesuan/findings_view", b"_nocount=0") == b"_nocount=0"
    assert query("/juesuan/findings", b"status=ok") == b"status=ok"


def test_a_search_without_a_sort_of_its_own_comes_in_load_order():
    searchable = {("juesuan", "narrative")}

    def query(path: str, qs: bytes) -> bytes:
        return search_in_load_order({"path": path, "query_string": qs}, searchable)["query_string"]

    assert query("/juesuan/narrative", b"_search=x") == b"_search=x&_sort=rowid&_labels=off"
    assert query("/juesuan/narrative.json", b"_search=x&_labels=on") == b"_search=x&_labels=on&_sort=rowid"
    assert query("/juesuan/narrative", b"_search=x&_sort_desc=seq") == b"_search=x&_sort_desc=seq"
    assert query("/juesuan/narrative", b"section=x") == b"section=x"  # no search: the primary-key order
    assert query("/juesuan/findings", b"_search=x") == b"_search=x"  # not a searchable table here


def test_search_pages_come_in_load_order_and_page_through_every_hit(plain):
    """Page by page (5 rows a page, following next_url), a search gives exactly the rows its FTS query matches."""
    db = plain.get_database("juesuan")
    expected = asyncio.run(db.execute(
        "select n.report_id, n.seq from narrative_fts f join narrative n on n.rowid = f.rowid"
        " where narrative_fts match ? order by n.rowid", [fts_query("医保")]
    )).rows  # fmt: skip
    assert len(expected) > 10
    found, url = [], f"/juesuan/narrative.json?_search={q('医保')}&_size=5"
    while url:
        page = rows(plain, url)
        assert len(page["rows"]) <= 5
        found += [(row[page["columns"].index("report_id")], row[page["columns"].index("seq")]) for row in page["rows"]]
        url = page["next_url"] and urllib.parse.urlsplit(page["next_url"])._replace(scheme="", netloc="").geturl()
    assert found == [tuple(row) for row in expected]
    html = get(plain, f"/juesuan/narrative?_search={q('医保')}&_size=5").text
    first = asyncio.run(db.execute("select label from reports where report_id = ?", [expected[0][0]])).single_value()
    assert "_next=" in html and f">{first}</a>" in html  # paged, report ids shown by their label


def test_writes_are_refused_with_405(plain):
    for url in ("/juesuan/three_public_by_department", "/juesuan", "/juesuan/reports"):
        response = asyncio.run(plain.client.post(url, data={"department": "x"}))
        assert response.status_code == 405, url


def test_a_query_cannot_build_a_huge_value(plain):
    sql = q("select length(randomblob(1000000000)) as n")
    response = get(plain, f"/juesuan.json?sql={sql}")
    assert response.status_code == 400 and "too big" in response.text
    assert rows(plain, "/juesuan.json?_shape=array&sql=" + q("select length(randomblob(1000000)) as n")) == [
        {"n": 1000000}
    ]


def test_csv_exports_neutralise_formula_cells(plain):
    sql = q("select '=1+2' as a, -0.01 as b, '@SUM(A1)' as c, '+86 10' as d, 'ok' as e")
    body = get(plain, f"/juesuan.csv?sql={sql}").text.splitlines()
    assert body[1] == "'=1+2,-0.01,'@SUM(A1),'+86 10,ok"
    assert neutralise("-0.01") == "-0.01" and neutralise("-x") == "'-x" and neutralise("1") == "1"
    assert neutralise_csv_chunk(b'"=a,b",2\n') == b'"\'=a,b",2\n'


def test_schemas_are_browsable_and_downloadable(plain):
    page = get(plain, "/schemas").text
    assert "<code>three_public</code>" in page and "财政拨款“三公”经费支出决算表（公开09表）" in page
    for link in ("three_public.json", "three_public.table-schema.json", "examples/three_public.csv", "CHANGELOG.md"):
        assert f'href="/files/schemas/{link}"' in page
        assert get(plain, f"/files/schemas/{link}").status_code == 200


def test_templates_ship_in_the_package():
    folder = Path(__file__).resolve().parent.parent / "converter" / "site" / "plugin" / "templates"
    names = {path.name for path in folder.glob("*.html")}
    assert {"juesuan_report.html", "table.html", "_table.html", "query.html"} <= names
