"""Performance self-evaluations (绩效自评): project and department sheets, or their narrative summary."""

from __future__ import annotations

from collections.abc import Callable

from converter import lazy_re, registry
from converter.document import Document, Line
from converter.model import Extraction, Finding
from converter.performance import analysis_report, dept_henan, goal_sheet, narrative_only, shaanxi
from converter.performance.common import Evaluation, title_lines

TITLE = lazy_re.compile(r"[^，。；：:、\s]{0,40}(?:自评表|自评分析报告)")
TITLE_CHARACTER = "评"  # in every title TITLE matches
Reader = Callable[[list[Line]], Evaluation]
SHAPES: tuple[tuple[Callable[[list[Line]], bool], Reader], ...] = (
    (analysis_report.matches, analysis_report.read),
    (dept_henan.matches, dept_henan.read),
    (shaanxi.matches_unit, shaanxi.read_unit),
    (goal_sheet.matches, goal_sheet.read),
    (shaanxi.matches_project, shaanxi.read_project),
)


def _sheets(doc: Document, extraction: Extraction) -> list[Evaluation]:
    starts = title_lines(doc, TITLE, TITLE_CHARACTER)
    evaluations = []
    for begin, end in zip(starts, [*starts[1:], len(doc.lines)]):
        lines = doc.lines[begin:end]
        reader = next((read for match, read in SHAPES if match(lines)), None)
        if reader is None:
            line = doc.lines[begin]
            extraction.findings.append(
                Finding(
                    rule_id="EXTRACT",
                    status="not_checkable",
                    severity="warning",
                    tables="performance_evaluations",
                    message_zh=f"绩效自评表版式无法识别，未提取：{line.text.strip()}",
                    message_en="Performance sheet of an unknown shape was not extracted",
                    source_page=line.page,
                    source_line=line.line_no,
                )
            )
        else:
            evaluations.append(reader(lines))
    return evaluations


def extract_performance(doc: Document, extraction: Extraction) -> None:
    """Add performance_evaluations and performance_indicators records (and EXTRACT findings) to extraction."""
    evaluations = _sheets(doc, extraction) or narrative_only.read(doc)
    counters = {"project": 0, "department": 0}
    for evaluation in sorted(evaluations, key=lambda e: e.line.line_no):
        evaluation_id = f"{evaluation.kind[0]}{counters[evaluation.kind] + 1}"
        record = evaluation.record(evaluation_id)
        missing = registry.missing_required("performance_evaluations", record)
        if missing:  # e.g. a sheet whose project name is blank: left out, never written with an empty name
            extraction.findings.append(_left_out(evaluation.line, f"绩效自评表缺少{'、'.join(missing)}，未提取",
                                                 f"Performance sheet without {', '.join(missing)} was not extracted"))
            continue
        counters[evaluation.kind] += 1
        extraction.add("performance_evaluations", record)
        seq = 0
        for indicator in evaluation.indicators:
            row = {"evaluation_id": evaluation_id, "seq": seq + 1, **indicator}
            missing = registry.missing_required("performance_indicators", row)
            if missing:
                line = Line("", indicator.get("source_line") or evaluation.line.line_no, indicator.get("source_page"))
                extraction.findings.append(_left_out(line, f"绩效指标行缺少{'、'.join(missing)}，未提取",
                                                     f"Indicator row without {', '.join(missing)} was skipped"))
                continue
            seq += 1
            extraction.add("performance_indicators", row)
        extraction.findings.extend(evaluation.findings(evaluation_id))


def _left_out(line: Line, zh: str, en: str) -> Finding:
    return Finding(rule_id="EXTRACT", status="not_checkable", severity="warning", tables="performance_evaluations",
                   message_zh=zh, message_en=en, source_page=line.page, source_line=line.line_no)
