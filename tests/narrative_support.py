"""Narrative extraction of the seeds (once per seed) and of small hand-written texts."""

from __future__ import annotations

from functools import cache

from conftest import seed
from table_support import text_document

from converter.model import Extraction
from converter.narrative import extract_narrative
from converter.readers import read_document


@cache
def narrated(number: str) -> Extraction:
    """The narrative of one seed, extracted once and shared: read it, do not change it."""
    extraction = Extraction(report={})
    extract_narrative(read_document(seed(number)), extraction)
    return extraction


def narrate(*lines: str) -> Extraction:
    """The narrative of a text of the given lines."""
    extraction = Extraction(report={})
    extract_narrative(text_document(*lines), extraction)
    return extraction
