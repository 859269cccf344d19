"""Summary tables and indexes for the pages a reader opens, so each reads a few indexed rows at any scale.

A summary table holds one report's figures already aggregated (e.g. per report and 类), with the report's label,
department, region and year beside them, and indexes in the order the site pages through it. Its rows are
derived only from the report's own rows, so a build keeps it exact per report: a full build fills it from every
report, an incremental build deletes the rows of the reports it removes or replaces and adds those of the reports it
loads (`update`). The site's dashboards and canned queries read these tables instead of aggregating millions of rows
per request. Nothing here changes a base table; the extra indexes on base tables only add access paths.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

CHANGED = "temp.summary_changed"  # report ids of an incremental update


@dataclass(frozen=True)
class Summary:
    """One summary table: its columns, the SELECT filling it (`report_id {reports}` picks the reports), its indexes."""

    name: str
    title: str
    description: str
    columns: dict[str, tuple[str, str]]  # name → (SQL type, description)
    select: str
    indexes: tuple[tuple[str, ...], ...]

    def ddl(self) -> list[str]:
        body = ", ".join(f"[{name}] {kind}" for name, (kind, _) in self.columns.items())
        return [f"CREATE TABLE [{self.name}] ({body})"] + [
            f"CREATE INDEX [idx_{self.name}_{'_'.join(cols)}] ON [{self.name}] ({', '.join(f'[{c}]' for c in cols)})"
            for cols in self.indexes
        ]

    def fill(self, reports: str) -> str:
        names = ", ".join(f"[{name}]" for name in self.columns)
        return f"INSERT INTO [{self.name}] ({names}) {self.select.format(reports=reports)}"


_REPORT_COLUMNS = {
    "report_id": ("TEXT NOT NULL", "报告标识 — Report identifier; foreign key to reports."),
    "label": ("TEXT", "报告名称 — Department and year, as reports.label."),
    "department": ("TEXT", "部门（单位）名称 — Department or unit name as printed."),
    "year": ("INTEGER", "决算年度 — Fiscal year of the accounts."),
    "province": ("TEXT", "省份 — Province, where stated."),
}

SUMMARIES = (
    Summary(
        name="summary_spending_by_class",
        title="各报告按类的支出（汇总表）",
        description="支出决算表（公开03表）按功能分类“类”合计的支出，每份报告每类一行：印有类级行的取类级行，只印项级的按项合计到类。"
        " Each report's expense by functional class (the printed 类 row, else the sum of its 项 rows), one row per"
        " report and class; derived from expense_by_function when the site is built.",
        columns={
            **_REPORT_COLUMNS,
            "class_code": ("TEXT NOT NULL", "类级编码 — Functional class code (3 digits); its name in function_codes."),
            "total": ("REAL", "本年支出合计（万元） — Total expense of the class (万元)."),
        },
        select=(
            "SELECT r.report_id, r.label, r.department, r.year, r.province, c.class_code, c.total FROM ("
            "SELECT report_id, substr(code, 1, 3) AS class_code, coalesce(max(CASE WHEN level = '类' THEN total END),"
            " sum(CASE WHEN level = '项' THEN total END)) AS total FROM expense_by_function"
            " WHERE code IS NOT NULL AND report_id {reports} GROUP BY report_id, substr(code, 1, 3)"
            ") c JOIN reports r ON r.report_id = c.report_id"
        ),
        indexes=(
            ("report_id",),
            ("label", "class_code"),
            ("province", "label", "class_code"),
            ("year", "label", "class_code"),
        ),  # fmt: skip
    ),
)
# Indexes on base tables in the order the canned queries read them (a page stops after its rows, nothing is sorted
# whole): departments by name and year, reports by completeness, projects by score, one item's status, one code by
# amount, a report's findings of one status.
EXTRA_INDEXES = {
    "idx_reports_department_year": "reports (department, year)",
    "idx_reports_disclosure_score_department_year": "reports (disclosure_score, department, year)",
    "idx_performance_evaluations_kind_total_score": "performance_evaluations (kind, total_score)",
    "idx_disclosure_completeness_item_key_status": "disclosure_completeness (item_key, status)",
    "idx_expense_by_function_code_total": "expense_by_function (code, total)",
    "idx_findings_report_id_status": "findings (report_id, status)",
}


def ddl() -> list[str]:
    """Every statement creating the summary tables and extra indexes (part of the database's layout stamp)."""
    statements = [statement for summary in SUMMARIES for statement in summary.ddl()]
    return statements + [f"CREATE INDEX [{name}] ON {target}" for name, target in EXTRA_INDEXES.items()]


def create(conn: sqlite3.Connection) -> None:
    """Create the summary tables filled from every report, and the extra indexes (a new database, rows loaded)."""
    for statement in ddl():
        conn.execute(statement)
    for summary in SUMMARIES:
        conn.execute(summary.fill("IS NOT NULL"))


def update(conn: sqlite3.Connection, report_ids: Iterable[str]) -> None:
    """Bring the summaries of these reports (loaded, replaced or removed by this build) to their current rows."""
    changed = sorted(set(report_ids))
    if not changed:
        return
    conn.execute(f"CREATE TABLE IF NOT EXISTS {CHANGED} (report_id TEXT PRIMARY KEY)")
    conn.execute(f"DELETE FROM {CHANGED}")
    conn.executemany(f"INSERT INTO {CHANGED} VALUES (?)", [(report_id,) for report_id in changed])
    reports = f"IN (SELECT report_id FROM {CHANGED})"
    for summary in SUMMARIES:
        conn.execute(f"DELETE FROM [{summary.name}] WHERE report_id {reports}")
        conn.execute(summary.fill(reports))
