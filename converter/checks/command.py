"""`juesuan check PATH... [--json] [--strict]`: recompute the findings of packages and summarise them."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from converter.checks.runner import run_checks
from converter.model import Finding

STATUSES = ("ok", "rounding", "mismatch", "not_checkable")


def _where(finding: Finding) -> str:
    line = f", line {finding.source_line}" if finding.source_line else ""
    page = f", page {finding.source_page}" if finding.source_page else ""
    return f"{finding.location or finding.tables or ''}{page}{line}"


def _print_report(console: Console, report: dict, findings: list[Finding]) -> None:
    counts = Counter(f.status for f in findings)
    title = f"{report.get('report_id')}  {report.get('department') or ''} {report.get('year') or ''}".strip()
    console.print(f"[bold]{escape(title)}[/bold]")
    console.print("  " + "  ".join(f"{status} {counts.get(status, 0)}" for status in STATUSES))
    for finding in findings:
        if finding.status != "mismatch":
            continue
        console.print(
            f"  [red]{finding.rule_id}[/red] {escape(_where(finding))}: expected {finding.expected}, "
            f"printed {finding.actual}, difference {finding.difference}"
        )
        console.print(f"      {escape(finding.message_zh)}")


def check(
    paths: Annotated[
        list[Path], typer.Argument(help="Package folders, datapackage.json files or folders of packages.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when a mismatch is found.")] = False,
) -> int:
    """Exit code: 0 (also with mismatches), 1 with --strict and a mismatch, 2 on bad input.

    Typer ignores a command's return value: register it through a wrapper that raises typer.Exit(check(...)).
    """
    from converter.package import PackageError, find_packages, read_package

    try:
        folders = find_packages([Path(p) for p in paths])
        if not folders:
            raise PackageError(f"no data package found in {', '.join(str(p) for p in paths)}")
        packages = [read_package(folder) for folder in folders]
    except PackageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    results = [(report, run_checks(resources)) for report, resources in packages]
    if as_json:
        payload = [
            {
                "report_id": report.get("report_id"),
                "counts": {status: sum(f.status == status for f in findings) for status in STATUSES},
                "findings": [f.as_record() for f in findings],
            }
            for report, findings in results
        ]
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        console = Console(highlight=False, soft_wrap=True)
        for report, findings in results:
            _print_report(console, report, findings)
    mismatches = any(f.status == "mismatch" for _, findings in results for f in findings)
    return 1 if strict and mismatches else 0
