"""Project self-evaluations told only in prose (seed 001, Gansu), amounts in 万元, no indicators:

"2. 城乡居民医保补助资金项目绩效自评情况：…项目绩效自评得分为97分。项目全年预算数为202.4万元，
执行数为198.24万元，完成预算的97.94%。"
"""

from __future__ import annotations

from converter import lazy_re
from converter.document import Document
from converter.performance.common import Evaluation

ITEM = lazy_re.compile(r"^\s*\d+\s*[.．、]\s*[“\"]?(?P<name>[^“”\"：:。，]+?)[”\"]?项目绩效自评情况\s*[：:]")
FIGURES = {
    "total_score": lazy_re.compile(r"自评得分为\s*(\d+(?:\.\d+)?)\s*分"),
    "budget_full_year": lazy_re.compile(r"全年预算数为\s*(\d[\d,]*(?:\.\d+)?)\s*万元"),
    "executed": lazy_re.compile(r"执行数为\s*(\d[\d,]*(?:\.\d+)?)\s*万元"),
    "execution_rate": lazy_re.compile(r"完成预算的\s*(\d+(?:\.\d+)?)\s*%"),
}


def read(doc: Document) -> list[Evaluation]:
    """One evaluation per numbered "…项目绩效自评情况：" paragraph; its figures are read from that paragraph."""
    starts = [i for i, line in enumerate(doc.lines) if ITEM.match(line.text)]
    evaluations = []
    for begin, end in zip(starts, [*starts[1:], len(doc.lines)]):
        line = doc.lines[begin]
        evaluation = Evaluation("project", line, {"name": ITEM.match(line.text).group("name").strip()})
        paragraph = "".join(ln.text.strip() for ln in doc.lines[begin:end])
        found = False
        for key, pattern in FIGURES.items():
            if match := pattern.search(paragraph):
                evaluation.amount(key, match.group(1), line)
                found = True
        if found:
            evaluation.fields["amount_unit"] = "万元"
        evaluations.append(evaluation)
    return evaluations
