"""`juesuan check`: summary per report, JSON, exit codes; and the generated rules table in docs/rules.md."""

from __future__ import annotations

import json

from converter.checks import RULES
from converter.checks.command import check
from converter.checks.docs import DOC_PATH, render


def test_summary_lists_mismatches_with_both_figures_and_exits_zero(seed_packages, capsys):
    assert check([seed_packages["002"]], as_json=False, strict=False) == 0
    out = capsys.readouterr().out
    assert "mismatch 4" in out
    # seed 002 部门整体自评表 (line 1030): 执行率 76.37 % scores 7.637, printed 8.49
    assert "P4" in out and "expected 7.637, printed 8.49" in out


def test_strict_fails_only_with_a_mismatch(seed_packages):
    assert check([seed_packages["002"]], as_json=False, strict=True) == 1
    assert check([seed_packages["003"], seed_packages["002"]], as_json=True, strict=True) == 1


def test_json_output_per_report(seed_packages, capsys):
    assert check([seed_packages["002"]], as_json=True, strict=False) == 0
    (report,) = json.loads(capsys.readouterr().out)
    assert report["counts"]["mismatch"] == 4  # P4, P6 (line 1021), N11 (line 680) and N14 (line 1168)
    mismatch = next(f for f in report["findings"] if f["status"] == "mismatch" and f["rule_id"] == "P4")
    assert (mismatch["expected"], mismatch["actual"]) == ("7.637", "8.49")


def test_bad_input_exits_two_with_one_line(tmp_path, capsys):
    assert check([tmp_path / "missing"], as_json=False, strict=False) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_rules_doc_is_generated_from_the_registry():
    text = DOC_PATH.read_text(encoding="utf-8")
    assert text == render(), "docs/rules.md is stale: run python -m converter.checks.docs"
    for rule_id in RULES:
        assert f"| {rule_id} |" in text
