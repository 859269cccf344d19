"""The site in a real browser: `juesuan serve` and plain `datasette … -m metadata.yml` driven by Debian's Chromium.

Needs `apt-get install chromium fonts-noto-cjk` and `pip install playwright` (never `playwright install`).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from converter.site.database import build_database

CHROMIUM = Path("/usr/bin/chromium")
METADATA = Path(__file__).resolve().parent.parent / "metadata.yml"
FLAGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium)")


SERVERS = {
    "juesuan serve": lambda db, port: [sys.executable, "-m", "converter.cli", "serve", "--db", str(db), "--port", port],
    # what a user runs with juesuan installed: the plugin comes through the entry point
    "plain datasette": lambda db, port: [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        str(db),
        "-m",
        str(METADATA),
        "--port",
        port,
    ],  # fmt: skip
}


def start_server(command, db: Path) -> tuple[str, subprocess.Popen]:
    """The site of `db` served by `command` (one of SERVERS) on a free port, once it answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(command(db, str(port)), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/-/versions.json", timeout=5).close()
            return url, server
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"{command} did not start: {server.stderr.read().decode()[-2000:]}")
            time.sleep(0.3)


@pytest.fixture(scope="module", params=list(SERVERS))
def base_url(request, seed_packages, tmp_path_factory):
    db = tmp_path_factory.mktemp("browser") / "juesuan.db"
    build_database(list(seed_packages.values()), db)
    url, server = start_server(SERVERS[request.param], db)
    yield url
    server.terminate()
    server.wait(timeout=10)
    # The server goes down with its command: nothing keeps listening on the port.
    with pytest.raises(OSError):
        urllib.request.urlopen(url + "/-/versions.json", timeout=5).close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    page.screenshot(path=str(tmp_path / "last.png"), full_page=True)
    context.close()


def test_home_page_lists_the_database(page, base_url):
    page.goto(base_url + "/")
    assert "决算公开数据" in page.title()
    page.click('a[href="/juesuan"]')
    page.wait_for_url("**/juesuan")
    assert page.locator('a[href="/juesuan/reports"]').count() >= 1
    assert page.locator('a[href="/juesuan/three_public_by_department"]').count() == 1


def test_table_facet_click_filters_the_rows(page, base_url):
    page.goto(base_url + "/juesuan/reports")
    page.locator(".facet-info-name", has_text="province").first.wait_for()
    page.locator('.facet-info a[href*="province="]', has_text="河南省").click()
    page.wait_for_url("**province=*")
    assert page.locator("table.rows-and-columns tbody tr").count() == 1
    assert "焦作市医疗保障局" in page.locator("table.rows-and-columns").inner_text()


def test_chinese_search_from_the_search_box(page, base_url):
    page.goto(base_url + "/juesuan/basic_expense_detail")
    page.fill('input[name="_search"]', "公务接待费")
    page.locator('input[name="_search"]').press("Enter")
    page.wait_for_url("**_search=*")
    names = page.locator("table.rows-and-columns td.col-econ_name").all_inner_texts()
    assert names and set(names) == {"公务接待费"}


def test_canned_query_shows_its_rows(page, base_url):
    page.goto(base_url + "/juesuan/personnel_vs_public")
    table = page.locator("table.rows-and-columns")
    table.wait_for()
    assert "811.88" in table.inner_text() and "76.76" in table.inner_text()  # seed 002 line 517


def test_dashboard_chart_is_rendered(page, base_url, tmp_path):
    page.goto(base_url + "/-/dashboards/overview")
    chart = page.locator("#chart-spending-by-class canvas, #chart-spending-by-class svg").first
    chart.wait_for()
    box = chart.bounding_box()
    assert box and box["width"] > 50 and box["height"] > 50
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    assert (tmp_path / "dashboard.png").stat().st_size > 10_000


def test_report_download_link_gives_the_package_zip(page, base_url, tmp_path):
    page.goto(base_url + "/juesuan/reports?province=河南省")
    page.locator("table.rows-and-columns td.col-report_id a").first.click()
    page.wait_for_url("**/juesuan/reports/002-*")
    with page.expect_download() as download:
        page.click('a[href$=".zip"]')
    path = tmp_path / "package.zip"
    download.value.save_as(path)
    names = zipfile.ZipFile(path).namelist()
    assert any(name.endswith("/datapackage.json") for name in names)
    assert any(name.endswith("/three_public.csv") for name in names)
    assert os.path.getsize(path) > 1000


def test_report_page_shows_tables_findings_and_downloads(page, base_url):
    page.goto(base_url + "/juesuan/reports?province=河南省")
    page.locator("table.rows-and-columns td.col-label a").first.click()
    page.wait_for_url("**/report/002-*")
    assert page.locator("h1").inner_text() == "焦作市医疗保障局 2023年度决算 · 河南省焦作市"
    three_public = page.locator("#T09 table.juesuan-printed")
    assert "公务接待费（万元）" in three_public.locator("thead").inner_text()
    assert three_public.locator("tbody tr").nth(1).locator("td").nth(0).inner_text() == "决算数"
    assert three_public.locator("tbody tr").nth(1).locator("td").nth(1).inner_text() == "4.35"
    finding = page.locator("#T03 tr.finding", has_text="T03 208 本年支出合计")
    assert "应为 698.92，印为 698.93" in finding.inner_text()
    assert page.locator("#performance p.finding", has_text="执行率得分").count() == 1
    with page.expect_download() as download:
        page.click(".downloads a[href$='.zip']")
    assert download.value.suggested_filename.endswith(".zip")


def test_comparison_page_draws_the_region_chart(page, base_url):
    page.goto(base_url + "/compare/region")
    page.select_option("#province", "河南省")
    page.select_option("#line", "official_reception")
    page.click("form.juesuan-form input[type=submit]")
    page.wait_for_url("**line=official_reception*")
    chart = page.locator("svg.juesuan-chart")
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 40
    assert "焦作市医疗保障局（2023）" in chart.inner_html() and "1.14" in chart.inner_html()
    page.goto(base_url + "/compare/department?department=焦作市医疗保障局")
    assert page.locator("svg.juesuan-chart").count() == 8


def test_search_from_the_box_on_a_view(page, base_url):
    page.goto(base_url + "/juesuan/basic_expense_detail_view")
    page.fill('input[name="_search"]', "公务接待费")
    page.locator('input[name="_search"]').press("Enter")
    page.wait_for_url("**_search=*")
    departments = page.locator("table.rows-and-columns td.col-department").all_inner_texts()
    assert len(departments) == 4 and "焦作市医疗保障局" in departments


PUTUO_PDF = Path(__file__).resolve().parent.parent / "examples" / "samples" / "shanghai-putuo-czj-2024.pdf"


@pytest.fixture(scope="module")
def pdf_site(tmp_path_factory):
    """A site of the real Shanghai PDF converted by `juesuan convert` (which records the input) and served."""
    from converter.batch import BatchOptions, run_batch

    folder = tmp_path_factory.mktemp("pdfsite")
    source = Path(shutil.copy(PUTUO_PDF, folder / PUTUO_PDF.name))
    run_batch([source], BatchOptions(out_dir=folder / "packages"))
    db = folder / "site" / "juesuan.db"
    result = build_database(sorted(p for p in (folder / "packages").iterdir() if p.is_dir()), db)
    assert result.sources == 1
    url, server = start_server(SERVERS["juesuan serve"], db)
    yield url
    server.terminate()
    server.wait(timeout=10)


def test_a_figures_page_link_opens_that_page_of_the_source_pdf(page, pdf_site):
    import io

    import pdfplumber

    page.goto(pdf_site + "/juesuan/reports")
    page.locator("table.rows-and-columns td.col-label a").first.click()
    page.wait_for_url("**/report/shanghai-putuo-*")
    row = page.locator("#T03 tbody tr", has=page.locator("a.page-link")).first
    figure = row.locator("td.num").first.inner_text()
    link = row.locator("a.page-link")
    href = link.get_attribute("href")
    assert href.startswith("/files/sources/") and href.endswith(f"/{PUTUO_PDF.name}#page={link.inner_text()[1:-1]}")
    number = int(href.rsplit("#page=", 1)[1])
    with page.expect_response(lambda response: PUTUO_PDF.name in response.url) as opened:
        link.click()
    page.wait_for_url(pdf_site + href)  # Chromium's PDF viewer, at the figure's page
    response = opened.value
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    body = page.request.get(response.url).body()
    assert body == PUTUO_PDF.read_bytes()
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        printed = pdf.pages[number - 1].extract_text()
    # the page the link opens prints the table and the figure (with its thousands separators)
    assert "支出决算表" in printed and figure in printed.replace(",", "")
