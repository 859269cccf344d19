"""Screenshots of the site's main pages, taken with Debian's Chromium through Playwright.

Builds a database from the shipped packages (`datapackage/`), serves it with plain `datasette … -m metadata.yml`
(the juesuan plugin comes through its entry point) and writes one PNG per page (palette-reduced to stay small).

    .venv/bin/python docs/screenshots.py [--out docs/screenshots] [--pages report,compare]
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run"]  # fmt: skip
VIEWPORT = {"width": 1100, "height": 760}


def pages(report_id: str) -> dict[str, str]:
    """Screenshot name → path (and an optional #anchor to scroll to)."""
    return {
        "home": "/",
        "report": f"/report/{report_id}#T03",
        "compare": "/compare/region?line=official_reception",
        "department": "/compare/department?department=焦作市医疗保障局",
        "table": "/juesuan/three_public_view",
        "query": "/juesuan/three_public_by_department?department=&year=",
        "dashboard": "/-/dashboards/overview",
        "schemas": "/schemas",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/-/versions.json", timeout=5).close()
            return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"datasette did not start: {server.stderr.read().decode()[-1000:]}") from None
            time.sleep(0.3)


def shoot(base: str, targets: dict[str, str], out: Path) -> list[Path]:
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = browser.new_page(viewport=VIEWPORT, locale="zh-CN")
        for name, path in targets.items():
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            if "dashboards" in path:
                page.wait_for_timeout(1500)  # charts draw after their queries return
            target = out / f"{name}.png"
            page.screenshot(path=str(target))
            Image.open(target).convert("RGB").quantize(colors=64).save(target, optimize=True)
            written.append(target)
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--pages", default="", help="Comma-separated names (default: all).")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="juesuan-shots-") as folder:
        db = Path(folder) / "juesuan.db"
        build = [sys.executable, "-m", "converter.cli", "build", str(ROOT / "datapackage"), "--db", str(db)]
        subprocess.run(build, check=True, capture_output=True)
        import sqlite3

        with sqlite3.connect(db) as conn:
            sql = "select report_id from reports where department = ?"
            report_id = conn.execute(sql, ["焦作市医疗保障局"]).fetchone()[0]
        port = free_port()
        command = [sys.executable, "-m", "datasette", "serve", str(db), "-m", str(ROOT / "metadata.yml"),
                   "--port", str(port)]  # fmt: skip
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base, server)
            targets = pages(report_id)
            chosen = [name for name in args.pages.split(",") if name] or list(targets)
            for path in shoot(base, {name: targets[name] for name in chosen}, args.out):
                print(f"{path} {path.stat().st_size // 1024} KB")
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
