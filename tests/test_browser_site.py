"""The site in a real browser: `juesuan serve` on 127.0.0.1 driven by Debian's Chromium through Playwright.

Needs `apt-get install chromium fonts-noto-cjk` and `pip install playwright` (never `playwright install`).
"""

from __future__ import annotations

import os
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


@pytest.fixture(scope="module")
def base_url(seed_packages, tmp_path_factory):
    db = tmp_path_factory.mktemp("browser") / "juesuan.db"
    build_database(list(seed_packages.values()), db)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "converter.cli", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/-/versions.json", timeout=5).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"juesuan serve did not start: {server.stderr.read().decode()[-2000:]}")
            time.sleep(0.3)
    yield url
    server.terminate()
    server.wait(timeout=10)
    # `juesuan serve` takes its Datasette server down with it: nothing keeps listening on the port.
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
