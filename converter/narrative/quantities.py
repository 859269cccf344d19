"""“三公” quantities stated in the narrative: groups, persons, vehicles, reception batches and persons.

Read only from sentences under a heading that mentions 三公. "公务接待费支出0万元，共接待0批次，0人次" and
"公务接待2批次、26人次" (all receptions, not preceded by 国内/外事) give official_reception_batches/_persons.
Every phrasing of domain.md §4.2 is a pattern
below, including 001's garbled "因公出国(境)共计 0 个 0 团 0 组,0 人" and "外事接待 0 批 0 次": a garbled
figure is taken only when its repeated numbers agree, otherwise it is left null with a finding.

外事接待 and 国（境）外接待 both count foreign guests received; the schema has one pair of fields for them
(foreign_reception_*). The 外事 figures are used when stated; 国（境）外 figures fill in otherwise. When both
are stated and differ, the 外事 figure is kept and a finding records the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from converter import lazy_re
from converter.model import Finding
from converter.narrative.paragraphs import Sentence

AMOUNT = r"(?:[\d,.]+万元[，,])?"
ABROAD = r"国[（(]境[)）]外"
RECEIVED = rf"(?:公务)?接待(?:费)?(?:支出)?{AMOUNT}(?:共接待(?:{ABROAD})?)?"
BATCHES = "批次|批|个"
PERSONS = "人次|人"


def _q(field: str, units: str, repeats: int = 0) -> str:
    """A figure named after its field, with its unit and optional garbled repeats (field_2 …: "0 批 0 次")."""
    figure = rf"(?P<{field}>\d+)(?P<{field}_unit>{units})"
    for n in range(2, repeats + 2):
        figure += rf"(?:(?P<{field}_{n}>\d+)[团组次])?"
    return figure


def _pair(prefix: str, kind: str, repeats: int = 0, batches: str = BATCHES, between: str = "") -> str:
    """prefix + "<n>批次，<m>人次" for the *_batches / *_persons fields of kind."""
    return (
        rf"{prefix}{_q(f'{kind}_batches', batches, repeats)}[，,、]?{between}"
        rf"{_q(f'{kind}_persons', PERSONS)}"
    )


# Each pattern names its figures after the fields they fill; a garbled repeat (field_2, field_3) must agree.
PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    lazy_re.compile(p)  # the widest patterns: ~3 ms to compile at every start, read from the disk cache
    for p in (
        rf"出国(?:[（(]境[)）])?团组(?:共|数)?(?:为)?{_q('overseas_groups', '个')}[，,、]?(?:累计|共计|总计|共)?"
        rf"{_q('overseas_persons', PERSONS)}",
        rf"出国[（(]境[)）]共计{_q('overseas_groups', '个', 2)}[，,、]?{_q('overseas_persons', PERSONS)}",
        rf"(?:购置公务用车|购置车辆|公务用车购置)(?:数量?)?(?:为)?{_q('vehicles_purchased', '辆|台')}",
        rf"保有量(?:共|为|是)?{_q('vehicles_held', '辆')}",
        _pair(rf"(?<![内外])公务{RECEIVED}", "official_reception", 1),  # all receptions: "公务接待2批次、26人次"
        _pair(f"国内{RECEIVED}", "domestic_reception", 1),
        _pair("接待国内来访团组", "domestic_reception", batches="个", between="(?:来宾)?"),
        _pair(f"外事{RECEIVED}", "foreign_affairs_reception", 1),
        _pair(f"{ABROAD}{RECEIVED}", "abroad_reception", 1),
        _pair(f"接待{ABROAD}来访团组", "abroad_reception", batches="个", between="(?:来访外宾)?"),
    )
)
FIELDS = (
    "overseas_groups",
    "overseas_persons",
    "vehicles_purchased",
    "vehicles_held",
    "domestic_reception_batches",
    "domestic_reception_persons",
    "foreign_reception_batches",
    "foreign_reception_persons",
    "official_reception_batches",
    "official_reception_persons",
)
DIRECT_FIELDS = tuple(field for field in FIELDS if not field.startswith("foreign_"))
# Fact keys for the narrative_facts resource (reception_* = domestic receptions, as the brief names them).
FACT_KEYS = {"domestic_reception_batches": "reception_batches", "domestic_reception_persons": "reception_persons"}


@dataclass(frozen=True)
class Quantity:
    """One stated quantity: field, integer (None when garbled figures disagree), unit, sentence."""

    field: str
    value: int | None
    unit: str
    sentence: Sentence
    printed: str  # the figures as printed, for a finding


def three_public_sentences(sentences: list[Sentence]) -> list[Sentence]:
    return [s for s in sentences if any("三公" in heading for heading in s.headings)]


def _read(match: re.Match[str], sentence: Sentence) -> list[Quantity]:
    groups = match.groupdict()
    found = []
    for name, figure in groups.items():
        if figure is None or name.endswith("_unit") or re.search(r"_\d$", name):
            continue
        figures = [figure] + [groups[f"{name}_{n}"] for n in (2, 3) if groups.get(f"{name}_{n}") is not None]
        value = int(figure) if len(set(figures)) == 1 else None
        found.append(Quantity(name, value, groups[f"{name}_unit"], sentence, " ".join(figures)))
    return found


def read_quantities(sentences: list[Sentence]) -> list[Quantity]:
    """Every stated quantity in the 三公 sentences, in document order."""
    return _quantities_in(three_public_sentences(sentences))


def _quantities_in(scope: list[Sentence]) -> list[Quantity]:
    """Every stated quantity in these (三公) sentences, in document order."""
    found: list[Quantity] = []
    for sentence in scope:
        for pattern in PATTERNS:
            for match in pattern.finditer(sentence.key):
                found.extend(_read(match, sentence))
    return found


def _finding(message_zh: str, message_en: str, quantity: Quantity, expected: int | None = None) -> Finding:
    return Finding(
        rule_id="NARRATIVE_QUANTITY",
        status="info",
        severity="warning",
        tables="T09",
        location=f"情况说明 {quantity.sentence.paragraph.section}",
        message_zh=message_zh,
        message_en=message_en,
        expected=None if expected is None else str(expected),
        actual=None if quantity.value is None else str(quantity.value),
        source_page=quantity.sentence.line.page,
        source_line=quantity.sentence.line.line_no,
    )


def quantities_record(sentences: list[Sentence]) -> tuple[dict | None, list[Quantity], list[Finding]]:
    """The three_public_quantities record (None when the narrative has no 三公 section), its quantities, findings."""
    scope = three_public_sentences(sentences)
    if not scope:
        return None, [], []
    quantities = _quantities_in(scope)
    findings: list[Finding] = []
    chosen: dict[str, Quantity] = {}
    for quantity in quantities:
        if quantity.value is None:
            findings.append(
                _finding(
                    f"“三公”实物量数字前后不一致（{quantity.printed}），未取值：{quantity.field}",
                    f"Garbled three-public quantity ({quantity.printed}) left null: {quantity.field}",
                    quantity,
                )
            )
            continue
        first = chosen.setdefault(quantity.field, quantity)
        if first.value != quantity.value:
            findings.append(
                _finding(
                    f"情况说明对同一“三公”实物量给出不同数字，保留第一处：{quantity.field}",
                    f"The narrative states {quantity.field} twice with different figures; the first is kept",
                    quantity,
                    expected=first.value,
                )
            )
    record: dict = {field: None for field in FIELDS}
    for field in DIRECT_FIELDS:
        if field in chosen:
            record[field] = chosen[field].value
    for part in ("batches", "persons"):
        affairs = chosen.get(f"foreign_affairs_reception_{part}")
        abroad = chosen.get(f"abroad_reception_{part}")
        kept = affairs or abroad
        record[f"foreign_reception_{part}"] = kept.value if kept else None
        if affairs and abroad and affairs.value != abroad.value:
            findings.append(
                _finding(
                    f"外事接待与国（境）外接待{'批次' if part == 'batches' else '人次'}不一致，保留外事接待数字",
                    f"外事 and 国（境）外 reception {part} differ; the 外事 figure is kept",
                    abroad,
                    expected=affairs.value,
                )
            )
    first_line = min((q.sentence for q in quantities), key=lambda s: s.index, default=scope[0]).line
    record["source_line"] = first_line.line_no
    record["source_page"] = first_line.page
    return record, quantities, findings
