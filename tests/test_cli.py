"""The command line: one-line errors, meaningful exit codes, no tracebacks, no partial packages."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import SEED_FILES, seed


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
    assert [p.name.startswith("001-") for p in out.iterdir()] == [True]


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
