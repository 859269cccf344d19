"""The command line: one-line errors, meaningful exit codes, no tracebacks, no partial packages."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import SEED_FILES, SEEDS, seed


def juesuan(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "converter.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd)


def _one_line_error(result):
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    return lines


def test_convert_writes_one_package_per_report(tmp_path):
    result = juesuan("convert", *SEED_FILES.values(), "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    assert len([p for p in tmp_path.iterdir() if p.is_dir()]) == 5
    assert "5 converted, 0 failed" in result.stdout


def test_a_batch_with_bad_files_converts_the_others_and_exits_1(tmp_path):
    novel = tmp_path / "novel.txt"
    novel.write_text("从前有座山，山里有座庙。\n" * 100, encoding="utf-8")
    out = tmp_path / "out"
    result = juesuan("convert", seed("001"), novel, tmp_path / "missing.txt", "--out", out)
    assert result.returncode == 1
    lines = _one_line_error(result)
    assert any("novel.txt: not a final-accounts report" in line for line in lines)
    assert any("missing.txt: no such file" in line for line in lines)
    assert "1 converted, 2 failed" in result.stdout
    assert [p.name.startswith("001-") for p in out.iterdir() if p.is_dir()] == [True]


def test_convert_of_only_unreadable_input_exits_2_and_writes_nothing(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = juesuan("convert", empty, "--out", tmp_path / "out")
    assert result.returncode == 2
    assert _one_line_error(result) == [f"✗ {empty}: the file is empty"]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_validate_exits_0_for_valid_packages_and_reports_json(seed_packages):
    folder = seed_packages["003"]
    result = juesuan("validate", folder, "--json")
    assert result.returncode == 0, result.stdout
    report = json.loads(result.stdout)
    assert report["valid"] is True and report["packages"][0]["problems"] == []


def test_validate_exits_1_and_names_the_problem(package_copy):
    path = package_copy / "reports.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",CNY,", ",USD,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = juesuan("validate", package_copy)
    assert result.returncode == 1
    assert "reports.csv:2 [currency]" in result.stdout


def test_validate_of_something_that_is_not_a_package_is_a_one_line_error(tmp_path):
    result = juesuan("validate", tmp_path / "nothing")
    assert result.returncode == 2
    assert len(_one_line_error(result)) == 1
    empty = juesuan("validate", tmp_path)
    assert empty.returncode == 2 and "no data packages found" in empty.stderr


def test_validate_of_a_broken_descriptor_is_reported_not_raised(tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "datapackage.json").write_text("{not json", encoding="utf-8")
    result = juesuan("validate", folder)
    assert result.returncode == 1 and "unreadable JSON" in result.stdout
    assert "Traceback" not in result.stderr


def test_check_exits_0_with_mismatches_and_1_with_strict(seed_packages):
    folder = seed_packages["000"]
    relaxed = juesuan("check", folder)
    assert relaxed.returncode == 0, relaxed.stderr
    assert "mismatch" in relaxed.stdout and "P1" in relaxed.stdout
    strict = juesuan("check", folder, "--strict")
    assert strict.returncode == 1


def test_check_json_lists_findings_with_both_figures(seed_packages):
    result = juesuan("check", seed_packages["003"], "--json")
    assert result.returncode == 0
    report = json.loads(result.stdout)
    text = json.dumps(report, ensure_ascii=False)
    assert "mismatch" in text and "expected" in text and "actual" in text


def test_check_of_something_that_is_not_a_package_is_a_one_line_error(tmp_path):
    result = juesuan("check", tmp_path / "nothing")
    assert result.returncode == 2
    assert len(_one_line_error(result)) == 1


def test_convert_accepts_a_folder_of_reports(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for number in ("001", "004"):
        (folder / seed(number).name).write_bytes(seed(number).read_bytes())
    (folder / "notes.md").write_text("not a report", encoding="utf-8")
    result = juesuan("convert", folder, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "2 converted, 0 failed" in result.stdout


def test_a_rerun_skips_unchanged_inputs_and_says_so(tmp_path):
    first = juesuan("convert", seed("001"), seed("004"), "--out", tmp_path)
    assert first.returncode == 0 and "2 converted, 0 failed" in first.stdout
    again = juesuan("convert", seed("001"), seed("004"), "--out", tmp_path)
    assert again.returncode == 0, again.stderr
    assert "0 converted, 0 failed, 2 unchanged" in again.stdout
    assert again.stdout.count(" unchanged\n") == 2


def test_json_output_and_the_log_give_one_result_per_input(tmp_path):
    log = tmp_path / "log.jsonl"
    result = juesuan("convert", seed("004"), tmp_path / "missing.txt", "--out", tmp_path / "out", "--json",
                     "--log", log)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["summary"] == {**report["summary"], "converted": 1, "failed": 1, "unchanged": 0, "exit_code": 1}
    statuses = {r["input"]: r["status"] for r in report["results"]}
    assert statuses == {str(seed("004")): "converted", str(tmp_path / "missing.txt"): "failed"}
    logged = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["status"] for r in logged) == ["converted", "failed"]
    converted = next(r for r in logged if r["status"] == "converted")
    assert converted["report_id"].startswith("004-") and converted["seconds"] > 0 and converted["rows"] == 203


def test_an_empty_folder_exits_2_with_one_line(tmp_path):
    result = juesuan("convert", tmp_path, "--out", tmp_path / "out")
    assert result.returncode == 2
    assert _one_line_error(result) == [f"error: no report files found in {tmp_path}"]


def test_a_folder_of_unsupported_files_lists_them_and_exits_2(tmp_path):
    (tmp_path / "budget.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    (tmp_path / "readme.md").write_text("notes", encoding="utf-8")
    result = juesuan("convert", tmp_path, "--out", tmp_path / "out")
    assert result.returncode == 2
    lines = _one_line_error(result)
    assert any(line.startswith(f"✗ {tmp_path / 'budget.xls'}: damaged or unsupported legacy Excel workbook")
               for line in lines)
    assert f"skipped: {tmp_path / 'readme.md'}: not a report file type (.md); supported: txt, pdf, html, xls, xlsx," \
           " ods, docx, png, jpg, tif" in lines
    assert "0 converted, 1 failed, 1 skipped" in result.stdout


def test_a_file_over_its_time_budget_fails_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("JUESUAN_LIMIT_MAX_DOCUMENT_CHARS", "100000000")  # not refused at once for its size
    slow = tmp_path / "long.txt"  # a real report 300 times over: seconds of work
    slow.write_text(seed("001").read_text(encoding="utf-8") * 300, encoding="utf-8")
    result = juesuan("convert", slow, seed("004"), "--out", tmp_path / "out", "--timeout", "3")
    assert result.returncode == 1
    assert _one_line_error(result) == [f"✗ {slow}: timeout: still converting after 3 s (the worker was stopped;"
                                       " raise --timeout)"]
    assert "1 converted, 1 failed" in result.stdout


def test_quiet_prints_only_errors(tmp_path):
    result = juesuan("convert", SEEDS, tmp_path / "missing.txt", "--out", tmp_path / "out", "-q", "--jobs", "2")
    assert result.returncode == 1
    assert result.stdout == ""
    assert _one_line_error(result) == [f"✗ {tmp_path / 'missing.txt'}: no such file"]


def test_bad_option_values_are_one_line_usage_errors(tmp_path):
    result = juesuan("convert", seed("004"), "--max-bytes", "lots", "--out", tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "'lots': give bytes, or a number with K, M or G" in result.stderr


@pytest.mark.parametrize("command", ["convert", "validate", "check", "build", "serve", "publish"])
def test_every_command_documents_examples_exit_codes_and_quiet_verbose(command):
    result = juesuan(command, "--help")
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert f"juesuan {command}" in text and "Exit codes: 0" in text
    assert "--quiet" in text and "--verbose" in text


def test_version_and_convert_start_without_the_site_or_the_checks():
    code = ("import sys, converter.cli;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('datasette', 'frictionless', 'pebble')"
            " or m.startswith(('converter.site', 'converter.checks', 'converter.convert'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stdout


def test_serve_on_a_port_in_use_is_one_line(tmp_path, seed_packages):
    import socket

    db = tmp_path / "site.db"
    assert juesuan("build", *seed_packages.values(), "--db", db).returncode == 0
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = juesuan("serve", "--db", db, "--port", port)
    assert result.returncode == 2
    assert _one_line_error(result) == [f"error: port {port} on 127.0.0.1 is in use; choose another with --port"]


BROKEN_CONVERTER = """
import sys
import converter.convert
from converter.cli import app

def broken(path):
    raise KeyError("no such column")

converter.convert.convert_file = broken  # inherited by the forked workers
sys.argv = ["juesuan", *sys.argv[1:]]
app()
"""


def test_an_internal_error_is_one_line_naming_the_file_and_its_traceback_only_with_verbose(tmp_path):
    args = [sys.executable, "-c", BROKEN_CONVERTER, "convert", str(seed("004")), "--out", str(tmp_path)]
    plain = subprocess.run(args, capture_output=True, text=True)
    assert plain.returncode == 2
    assert _one_line_error(plain) == [f"✗ {seed('004')}: internal error: KeyError: 'no such column'"]
    verbose = subprocess.run([*args, "-v"], capture_output=True, text=True)
    assert verbose.returncode == 2
    assert "Traceback (most recent call last)" in verbose.stderr and "in broken" in verbose.stderr


def test_quiet_silences_the_library_commands_but_keeps_their_exit_codes(seed_packages):
    relaxed = juesuan("check", seed_packages["000"], "-q")
    assert relaxed.returncode == 0 and relaxed.stdout == ""
    strict = juesuan("check", seed_packages["000"], "--strict", "-q")
    assert strict.returncode == 1 and strict.stdout == ""
    missing = juesuan("check", "/nonexistent/package", "-q")
    assert missing.returncode == 2 and len(_one_line_error(missing)) == 1
