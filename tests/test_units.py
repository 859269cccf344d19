"""Amount units per table: read from the header, recorded in report_tables and reports, checked like with like.

The 元 report is made here from a seed: the printed figures of its tables T01–T09 are multiplied by 10000 as text
(2,502.70 → 25,027,000.00) and their headers changed from 金额单位：万元 to 金额单位：元; the narrative stays in 万元
and T10 keeps its own 万元 header.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from conftest import seed

from converter import registry
from converter.convert import convert_file
from converter.model import Extraction
from converter.readers import read_document
from converter.specs.tables import TABLES
from converter.units import convert, header_unit, report_unit

SCALED = [f"T0{n}" for n in range(1, 10)]
AMOUNT = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)\.(\d+)(?![\d.%])")


@pytest.mark.parametrize(
    ("lines", "unit"),
    [
        (["收入支出决算总表", "金额单位：万元"], "万元"),
        (["部门：某局", "金额单位:元"], "元"),
        (["单位：元", "单位：万元"], "元"),
        (["单位: 元"], "元"),
        (["（单位：人民币千元）"], "千元"),
        ([" 单位：万元2023年度部门：焦作市医疗保障局"], "万元"),
        (["本套报表金额单位转换时可能存在尾数误差。"], None),
        (["项目", "决算数"], None),
    ],
)
def test_the_unit_a_table_header_states(lines, unit):
    assert header_unit(lines) == unit


def test_units_convert_exactly_and_the_report_takes_the_unit_most_tables_state():
    assert convert(Decimal("25027000.00"), "元", "万元") == Decimal("2502.70")
    assert str(convert(Decimal("25027000.00"), "元", "万元")) == "2502.70"
    assert convert(Decimal("1.23"), "元", "万元") == Decimal("0.000123")
    assert convert(Decimal("2502.70"), "万元", "元") == Decimal("25027000")
    assert report_unit(["元", "元", None, "万元"]) == "元"
    assert report_unit([None, None]) == "万元"


def scaled_text(number: str, source: str, scaled: list[str] = SCALED) -> tuple[str, set[int]]:
    """The seed with the figures of tables `scaled` ×10000 and their unit headers in 元; the lines changed."""
    original = convert_file(source)
    titles = sorted(row["source_line"] for row in original.rows("report_tables") if row["source_line"])
    table_lines: set[int] = set()
    for table_id in scaled:
        rows = [record["source_line"] for record in original.rows(TABLES[table_id].resource)
                if record.get("origin", "table") == "table"]
        if rows:  # from its first row to the next table's title: a wrapped row's figures follow its label
            end = min((title for title in titles if title > min(rows)), default=max(rows) + 1)
            table_lines |= set(range(min(rows), end))
    lines = source.read_text(encoding="utf-8").split("\n")
    for row in original.rows("report_tables"):
        records = original.rows(TABLES[row["table_id"]].resource)
        first = min((r["source_line"] for r in records if (r["source_line"] or 0) > row["source_line"]), default=None)
        if row["table_id"] in scaled and row["status"] == "found" and first:
            for index in range(row["source_line"] - 1, first - 1):  # title .. first row: its header
                lines[index] = re.sub(r"单位([:：])\s*万元", r"单位\1元", lines[index])

    def times_10000(match: re.Match) -> str:
        whole, decimals = match.group(1), match.group(2)
        value = Decimal(whole.replace(",", "") + "." + decimals) * 10000
        return f"{value:,.{len(decimals)}f}" if "," in whole else f"{value:.{len(decimals)}f}"

    for line_no in table_lines:
        lines[line_no - 1] = AMOUNT.sub(times_10000, lines[line_no - 1])
    return "\n".join(lines), table_lines


def times_10000(value: object) -> object:
    if value in (None, ""):
        return value
    decimals = len(str(value).partition(".")[2])
    return f"{Decimal(str(value)) * 10000:.{decimals}f}"


def finding_summary(extraction: Extraction) -> list[tuple]:
    """Every finding's rule, status and place, with its figures (in 万元) unless it is within T10 (as printed)."""
    return sorted(
        (f.rule_id, f.status, f.location) + ((None, None) if f.tables == "T10" else (
            Decimal(f.expected) if f.expected else None, Decimal(f.actual) if f.actual else None))
        for f in extraction.findings
    )


@pytest.mark.parametrize("with_t10", [False, True])
def test_a_report_in_yuan_is_recorded_in_yuan_and_checked_like_the_report_in_wan(tmp_path, with_t10):
    number = "003"
    text, _ = scaled_text(number, seed(number), SCALED + ["T10"] if with_t10 else SCALED)
    path = tmp_path / f"{number}-yuan.txt"
    path.write_text(text, encoding="utf-8")
    yuan, wan = convert_file(path), convert_file(seed(number))
    assert yuan.report["amount_unit"] == "元" and wan.report["amount_unit"] == "万元"
    units = {row["table_id"]: row["amount_unit"] for row in yuan.rows("report_tables") if row["status"] == "found"}
    assert {table: unit for table, unit in units.items() if table in SCALED} == dict.fromkeys(
        [table for table in units if table in SCALED], "元")
    assert units["T10"] == ("元" if with_t10 else "万元")
    stats = [(r["item_key"], r["value"], r["unit"]) for r in yuan.rows("disclosure_stats") if r["origin"] == "table"]
    want_stats = [(r["item_key"], times_10000(r["value"]) if with_t10 and r["unit"] == "万元" else r["value"],
                   "元" if with_t10 and r["unit"] == "万元" else r["unit"])
                  for r in wan.rows("disclosure_stats") if r["origin"] == "table"]
    assert stats == want_stats and ("procurement_total", "89900.00" if with_t10 else "8.99", units["T10"]) in stats
    for table_id in SCALED:
        resource = TABLES[table_id].resource
        amounts = set(registry.decimal_fields(resource))
        want = [{k: times_10000(v) if k in amounts else v for k, v in record.items()} for record in wan.rows(resource)]
        assert yuan.rows(resource) == want, table_id  # printed figures kept exactly, in 元
    assert finding_summary(yuan) == finding_summary(wan)
    assert sum(f.status == "mismatch" for f in yuan.findings) == sum(f.status == "mismatch" for f in wan.findings)


def test_a_tables_unit_is_read_from_the_lines_around_its_title():
    text, _ = scaled_text("003", seed("003"))
    assert "金额单位：元" in text and "金额单位：万元" in text  # T10 keeps its own header
    assert read_document(seed("003")).text.count("金额单位：万元") > text.count("金额单位：万元")


def test_a_narrative_figure_stated_in_yuan_is_compared_with_the_tables_in_wan(tmp_path):
    text = seed("001").read_text(encoding="utf-8")
    sentence = "2023 年度收入合计 2502.70 万元,其中:财政拨款收入 2502.70 万元,占 100.00%。"
    assert sentence in text
    path = tmp_path / "income-in-yuan.txt"
    in_yuan = "2023 年度收入合计 25,027,000.00 元,其中:财政拨款收入 25027000 元,占 100.00%。"
    path.write_text(text.replace(sentence, in_yuan), encoding="utf-8")
    extraction = convert_file(path)
    facts = {(f["metric_key"], f["value"], f["unit"]) for f in extraction.rows("narrative_facts")}
    assert {("income_year_total", "25027000.00", "元"), ("fiscal_appropriation_income", "25027000", "元")} <= facts
    found = {(f.rule_id, f.location): (f.status, f.expected, f.actual) for f in extraction.findings}
    assert found[("N1", "narrative income_year_total vs T01 income total_income")] == ("ok", "2502.70", "2502.70")
    assert found[("N2", "narrative fiscal_appropriation_income vs T02 合计 fiscal_appropriation")] == (
        "ok", "2502.70", "2502.70")
    assert not [f for f in extraction.findings if f.status == "mismatch" and f.rule_id in ("N1", "N2")]
