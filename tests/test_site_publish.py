"""`juesuan publish … --generate-dir`: the written files boot locally, serve the data and pin Datasette."""

from __future__ import annotations

import json
import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import SEED_FILES, SEEDS

from converter.site.database import build_database

VENV_BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def built_db(seed_packages, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("publish") / "juesuan.db"
    assert build_database(list(seed_packages.values()), db, sources=[SEEDS]).sources == len(SEED_FILES)
    return db


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def juesuan(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "converter.cli", *args], capture_output=True, text=True, timeout=120, env=env
    )


def fetch_json(command: list[str], cwd: Path, port: int, path: str, env: dict | None = None):
    """Start a server, wait (bounded) until it answers, fetch one JSON page, stop it."""
    server = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
                    return json.loads(response.read())
            except OSError:
                time.sleep(0.3)
        raise AssertionError(server.stderr.read().decode() if server.poll() is not None else "server timed out")
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_publish_fly_generate_dir_boots_and_serves(built_db, tmp_path):
    out = tmp_path / "fly"
    done = juesuan("publish", "fly", "--db", str(built_db), "--generate-dir", str(out), "--app", "juesuan-t")
    assert done.returncode == 0, done.stderr
    dockerfile = (out / "Dockerfile").read_text()
    assert "datasette==0.65.5" in dockerfile and "datasette-dashboards==" in dockerfile
    assert {"juesuan.db", "metadata.json", "fly.toml"} <= {p.name for p in out.iterdir()}
    assert 'app = "juesuan-t"' in (out / "fly.toml").read_text()
    assert (out / "plugins" / "juesuan_site_loader.py").is_file()
    assert (out / "files" / "schemas" / "index.html").is_file()
    # each report's source file goes with the site (the report page's #page=N links)
    shipped = sorted(p.name for p in (out / "files" / "sources").glob("*/*"))
    assert shipped == sorted(p.name for p in SEED_FILES.values())
    assert (out / "plugins" / "juesuan_site" / "pages.py").is_file()
    assert (out / "templates" / "juesuan_report.html").is_file()
    # Boot the way the Dockerfile does: its inspect step, then its CMD on a local port.
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}"}
    run_line = next(line for line in dockerfile.splitlines() if line.startswith("RUN datasette inspect"))
    subprocess.run(shlex.split(run_line[4:]), cwd=out, env=env, check=True, timeout=60)
    port = free_port()
    cmd = shlex.split(next(line for line in dockerfile.splitlines() if line.startswith("CMD "))[4:])
    cmd = [str(port) if part == "$PORT" else "127.0.0.1" if part == "0.0.0.0" else part for part in cmd]
    path = "/juesuan/three_public.json?_shape=array&measure=actual&report_id__startswith=002-"
    found = fetch_json(cmd, out, port, path, env)
    assert [row["total"] for row in found] == [4.35]  # seed 002 三公 决算 合计 4.35
    # Where juesuan is not installed (a deployment), the shipped copy of the plugin gives the same search and pages.
    without_juesuan = (
        "import sys; sys.modules['converter'] = None; sys._called_from_test = True;"
        " from datasette.cli import cli; cli(prog_name='datasette')"
    )
    bare = [sys.executable, "-c", without_juesuan, *cmd[1:]]
    word = urllib.parse.quote("公务接待费")
    search = f"/juesuan/basic_expense_detail.json?_shape=array&_col=econ_name&_search={word}"
    found = fetch_json(bare, out, free_port_in(bare), search, env)
    assert {row["econ_name"] for row in found} == {"公务接待费"} and len(found) == 4  # seeds 000–003


def free_port_in(command: list[str]) -> int:
    """Give the command a new free port (after its --port option) and return it."""
    port = free_port()
    command[command.index("--port") + 1] = str(port)
    return port


def test_publish_vercel_generate_dir_with_a_stub_cli_boots_and_serves(built_db, tmp_path):
    stub = tmp_path / "bin"
    stub.mkdir()
    (stub / "vercel").write_text("#!/bin/sh\nexit 0\n")
    (stub / "vercel").chmod(0o755)
    env = {**os.environ, "PATH": f"{stub}{os.pathsep}{os.environ['PATH']}"}
    out = tmp_path / "vercel"
    done = juesuan(
        "publish", "vercel", "--db", str(built_db), "--generate-dir", str(out), "--app", "juesuan-t", env=env
    )
    assert done.returncode == 0, done.stderr
    requirements = (out / "requirements.txt").read_text().split()
    assert "datasette==0.65.5" in requirements
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "index:app", "--host", "127.0.0.1", "--port", str(port)]
    found = fetch_json(command, out, port, "/juesuan/reports.json?_shape=array&_col=department")
    assert "焦作市医疗保障局" in [row["department"] for row in found]


def test_publish_refuses_unknown_targets_and_missing_databases(built_db, tmp_path):
    unknown = juesuan("publish", "nowhere", "--db", str(built_db))
    assert unknown.returncode == 2 and "unknown target" in unknown.stderr
    missing = juesuan("publish", "fly", "--db", str(tmp_path / "none.db"))
    assert missing.returncode == 2 and "juesuan build" in missing.stderr
    nameless = juesuan("publish", "fly", "--db", str(built_db), "--generate-dir", str(tmp_path / "f"))
    assert nameless.returncode == 2 and "--app NAME" in nameless.stderr and not (tmp_path / "f").exists()
    cloudrun = juesuan("publish", "cloudrun", "--db", str(built_db), "--generate-dir", str(tmp_path / "c"))
    assert cloudrun.returncode == 2 and "cannot --generate-dir" in cloudrun.stderr
