"""Shared pieces of the performance readers: the evaluation being built, amounts, findings, text helpers."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from converter import lazy_re
from converter.document import Document, Line
from converter.model import Finding, Record
from converter.normalize import parse_amount

EVALUATION_FIELDS = (
    "kind",
    "name",
    "competent_department",
    "implementing_unit",
    "amount_unit",
    "budget_initial",
    "budget_full_year",
    "executed",
    "execution_rate",
    "execution_score",
    "total_score",
    "grade",
)
INDICATOR_FIELDS = (
    "level1",
    "level2",
    "name",
    "target",
    "target_adjusted",
    "actual",
    "weight",
    "score",
    "deviation",
    "deviation_note",
)
PAGE_FURNITURE = lazy_re.compile(r"^(?:-\s*\d+\s*-|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?)$")
UNIT = lazy_re.compile(r"[（(]\s*(万元|元)\s*[）)]")


@dataclass
class Evaluation:
    """One self-evaluation as read, before it gets its evaluation_id."""

    kind: str  # project | department
    line: Line  # where the evaluation starts (its title)
    fields: dict[str, Any] = field(default_factory=dict)
    indicators: list[Record] = field(default_factory=list)
    problems: list[tuple[str, str, Line | None]] = field(default_factory=list)  # (zh, en, line)

    def problem(self, zh: str, en: str, line: Line | None = None) -> None:
        """Record that something could not be read with certainty (becomes an EXTRACT finding)."""
        self.problems.append((zh, en, line))

    def amount(self, key: str, text: str | None, line: Line | None = None) -> None:
        """Set an amount field from printed text; an unreadable amount stays None with a finding."""
        self.fields[key] = checked_amount(self, key, text, line)

    def indicator(self, line: Line, **values: Any) -> Record:
        """Append (and return) an indicator row that starts at line; values use the schema field names."""
        record = {name: values.get(name) for name in INDICATOR_FIELDS}
        record["source_page"] = line.page
        record["source_line"] = line.line_no
        self.indicators.append(record)
        return record

    def record(self, evaluation_id: str) -> Record:
        record: Record = {"evaluation_id": evaluation_id}
        record.update({name: self.fields.get(name) for name in EVALUATION_FIELDS})
        record["kind"] = self.kind
        record["source_page"] = self.line.page
        record["source_line"] = self.line.line_no
        return record

    def findings(self, evaluation_id: str) -> list[Finding]:
        return [
            Finding(
                rule_id="EXTRACT",
                status="not_checkable",
                severity="warning",
                message_zh=zh,
                message_en=en,
                tables="performance_evaluations,performance_indicators",
                location=f"绩效自评 {evaluation_id}",
                source_page=(line or self.line).page,
                source_line=(line or self.line).line_no,
            )
            for zh, en, line in self.problems
        ]


def checked_amount(evaluation: Evaluation, what: str, text: str | None, line: Line | None = None) -> str | None:
    """parse_amount, with a finding instead of an exception; a trailing % is dropped (rates, scores)."""
    if text is None:
        return None
    value = text.strip().rstrip("%％").strip()
    try:
        return parse_amount(value)
    except ValueError:
        evaluation.problem(f"{what} 无法识别为数值：{text}", f"{what} is not a number: {text!r}", line)
        return None


def width(text: str) -> int:
    """Display width in half-width units (CJK and full-width characters count 2)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def join_parts(parts: list[str]) -> str:
    """Rejoin the fragments of a wrapped cell: no separator, except a space between two ASCII words."""
    out = ""
    for part in parts:
        part = part.strip()
        if out and part and out[-1].isascii() and out[-1].isalnum() and part[0].isascii() and part[0].isalnum():
            out += " "
        out += part
    return out


def line_text(line: Line) -> str:
    """A line without surrounding blanks, ideographic spaces turned into plain spaces."""
    return line.text.replace("\u3000", " ").replace("\u00a0", " ").strip()


def content_lines(lines: list[Line]) -> list[Line]:
    """Lines that carry text, without blank lines and page furniture (page numbers)."""
    return [line for line in lines if line_text(line) and not PAGE_FURNITURE.match(line_text(line))]


def amount_unit(text: str) -> str | None:
    """元 or 万元 from a printed "（元）" / "（万元）"."""
    match = UNIT.search(text)
    return match.group(1) if match else None


_MARKUP = lazy_re.compile(r"^#+\s*|\*\*")


def title_lines(doc: Document, pattern: re.Pattern[str], holding: str = "") -> list[int]:
    """Indexes of lines whose whole text (markup and blanks removed) matches pattern; `holding` is a character every
    match contains (a line without it is not cleaned nor matched: removing markup and blanks adds no character)."""
    found = []
    for index, line in enumerate(doc.lines):
        if holding not in line.text:
            continue
        text = _MARKUP.sub("", line_text(line)).strip()
        if pattern.fullmatch(text):
            found.append(index)
    return found


def starts(lines: list[Line], prefix: str, begin: int = 0) -> int | None:
    """Index of the first line from begin whose text starts with prefix."""
    return next((i for i in range(begin, len(lines)) if line_text(lines[i]).startswith(prefix)), None)


def wrapped_value(lines: list[Line], index: int, label: str, stops: tuple[str, ...]) -> str | None:
    """A labelled header value ("项目名称 X") with its continuation lines, up to a line starting with a stop label."""
    parts = [line_text(lines[index])[len(label) :]]
    for line in lines[index + 1 :]:
        if line_text(line).startswith(stops):
            break
        parts.append(line_text(line))
    return join_parts(parts) or None


def project_header(evaluation: Evaluation, lines: list[Line]) -> None:
    """项目名称 / 主管部门(及代码) / 实施单位 of a project sheet (fields may wrap onto following lines)."""
    name_at = starts(lines, "项目名称")
    dept_at = starts(lines, "主管部门")
    if name_at is None or dept_at is None:
        evaluation.problem("自评表缺少项目名称或主管部门", "Sheet without 项目名称 or 主管部门")
        return
    evaluation.fields["name"] = wrapped_value(lines, name_at, "项目名称", ("主管部门",))
    dept = wrapped_value(lines, dept_at, "主管部门", ("项目属性", "项目资金", "项目期"))
    dept = re.sub(r"^及代码", "", dept or "")
    competent, _, unit = dept.partition("实施单位")
    evaluation.fields["competent_department"] = competent.strip() or None
    evaluation.fields["implementing_unit"] = unit.strip() or None


def fill_money(evaluation: Evaluation, values: list[str], line: Line) -> None:
    """The national money row: 年初预算数 全年预算数 全年执行数 分值 执行率 得分 (分值 is not stored)."""
    if len(values) != 6:
        evaluation.problem(
            f"资金行应有6个数值，实有{len(values)}个，未提取",
            f"Money row should have 6 values, found {len(values)}: not extracted",
            line,
        )
        return
    for key, value in zip(
        ("budget_initial", "budget_full_year", "executed", None, "execution_rate", "execution_score"), values
    ):
        if key:
            evaluation.amount(key, value, line)


def total_score(evaluation: Evaluation, line: Line) -> None:
    """总分 row: "总分 100 96" → the score is the last figure (the first is the total weight)."""
    figures = line_text(line).split()[1:]
    if not figures:
        evaluation.problem("总分行没有数值", "总分 row without a figure", line)
        return
    evaluation.amount("total_score", figures[-1], line)
