"""The narrative (情况说明 and other prose) of a report: paragraphs, key figures, 三公 quantities, T10-like facts.

`extract_narrative(doc, extraction)` adds records to the resources narrative, narrative_facts,
three_public_quantities and disclosure_stats (origin "narrative"), and findings for quantities it could not
read consistently.
"""

from __future__ import annotations

from converter.document import Document
from converter.model import Extraction, Record
from converter.narrative.facts import Fact, read_facts
from converter.narrative.paragraphs import Sentence, build_paragraphs, split_sentences
from converter.narrative.quantities import FACT_KEYS, Quantity, quantities_record
from converter.narrative.shares import read_class_shares
from converter.narrative.units import unit_types

__all__ = ["extract_narrative"]

# narrative fact → disclosure_stats item_key (the T10 rows, plus procurement_sme and the operating-costs total).
DISCLOSURE_KEYS = (
    "procurement_total",
    "procurement_goods",
    "procurement_works",
    "procurement_services",
    "procurement_sme",
    "operating_costs",
    "vehicles_total",
    "vehicles_ministerial",
    "vehicles_principal",
    "vehicles_confidential",
    "vehicles_emergency",
    "vehicles_law_enforcement",
    "vehicles_special",
    "vehicles_retired_service",
    "vehicles_other",
    "equipment_over_1m",
)


def _provenance(sentence: Sentence) -> Record:
    return {"source_page": sentence.line.page, "source_line": sentence.line.line_no}


def _quantity_facts(quantities: list[Quantity]) -> list[Fact]:
    return [
        Fact(FACT_KEYS.get(q.field, q.field), str(q.value), q.unit, q.field, q.sentence)
        for q in quantities
        if q.value is not None
    ]


def _disclosure_unit(unit: str | None) -> str | None:
    return unit.replace("(", "（").replace(")", "）") if unit else unit


def extract_narrative(doc: Document, extraction: Extraction) -> None:
    """Add the narrative records of one report to the extraction."""
    paragraphs = build_paragraphs(doc)
    for seq, paragraph in enumerate(paragraphs, start=1):
        extraction.add(
            "narrative",
            {
                "section": paragraph.section,
                "seq": seq,
                "text": paragraph.text,
                "source_page": paragraph.line.page,
                "source_line": paragraph.line.line_no,
            },
        )
    sentences = split_sentences(paragraphs)
    record, quantities, findings = quantities_record(sentences)
    facts = sorted(
        read_facts(sentences) + read_class_shares(sentences) + _quantity_facts(quantities),
        key=lambda fact: fact.sentence.index,
    )
    seen: set[tuple[str, int, str | None]] = set()
    for fact in facts:
        if (fact.metric, fact.sentence.index, fact.item) in seen:
            continue
        seen.add((fact.metric, fact.sentence.index, fact.item))
        extraction.add(
            "narrative_facts",
            {
                "metric_key": fact.metric,
                "value": fact.value,
                "unit": fact.unit,
                "sentence": fact.sentence.text,
                "item": fact.item,
                **_provenance(fact.sentence),
            },
        )
    if record is not None:
        extraction.add("three_public_quantities", record)
    extraction.report.update(unit_types(sentences))
    extraction.findings.extend(findings)
    stated: set[str] = set()
    for fact in facts:
        if fact.metric in DISCLOSURE_KEYS and fact.metric not in stated:
            stated.add(fact.metric)
            extraction.add(
                "disclosure_stats",
                {
                    "item_key": fact.metric,
                    "item": fact.phrase,
                    "line_no": None,
                    "value": fact.value,
                    "unit": _disclosure_unit(fact.unit),
                    "origin": "narrative",
                    **_provenance(fact.sentence),
                },
            )
