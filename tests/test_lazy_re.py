"""Patterns compiled on first use, and the literal a pattern cannot match without (converter.lazy_re)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from converter import lazy_re
from converter.document import Document
from converter.lazy_re import LazyPattern, required_literal
from converter.narrative import facts
from converter.narrative.paragraphs import build_paragraphs, split_sentences
from converter.readers import read_document

SEEDS = sorted((Path(__file__).resolve().parent.parent / "examples" / "seeds").glob("*.txt"))


@pytest.mark.parametrize(("pattern", "literal"), [
    (r"收入总计(?:均为|为|是)?(?P<num>\d+)万元", "收入总计"),  # longest run; optional groups skipped
    (r"(?<!采购)(?:本年)?支出合计(?:为)?", "支出合计"),  # lookbehind and optional group left out
    (r"(?P<label>机关运行经费(?:支出)?)(?:为|共计)?", "机关运行经费"),  # a mandatory group counts
    (r"ab*?cd", "cd"),  # a character under a quantifier does not count
    (r"x{1,3}yz", "yz"),
    (r"ab+c", "ab"),  # "+": at least once, so "ab" is in every match, "abc" is not
    (r"[abc]def[^]x(]gh", "def"),  # classes (even holding "]" or "(") are skipped whole
    (r"\d+\.\d+万元", "万元"),
    (r"(?:abc|d)xyzw", "xyzw"),  # alternatives inside a group leave the rest certain
    (r"(?:a|b)cc(?:xyz)+", "xyz"),
    (r"(?=abcdef)x", "x"),  # lookarounds never count
    (r"(x|(yyyy))z", "z"),
    (r"abc|defg", ""),  # top-level alternatives: nothing is certain
    (r"(?P<label>主要负责人用车|主要领导干部用车)\d+(?P<unit>辆)", "辆"),
])
def test_required_literal(pattern: str, literal: str) -> None:
    assert required_literal(pattern) == literal


def test_every_match_of_every_fact_pattern_holds_its_literal() -> None:
    """On the seeds' sentences: wherever a fact pattern matches, its literal is inside the match (so skipping a
    sentence without the literal never loses a fact)."""
    matches = 0
    for seed in SEEDS:
        doc: Document = read_document(seed)
        for sentence in split_sentences(build_paragraphs(doc)):
            for metric in facts.METRICS:
                for pattern in metric.patterns:
                    literal = pattern.literal
                    for match in re.finditer(pattern.pattern, sentence.key):
                        assert literal in match.group(0), (metric.key, pattern.pattern, match.group(0))
                        matches += 1
    assert matches > 200


def test_lazy_pattern_compiles_on_first_use_and_behaves_as_compiled() -> None:
    lazy = LazyPattern(r"(?P<num>\d+)万元")
    assert "search" not in vars(lazy)
    assert lazy.search("共12万元")["num"] == "12"
    assert "search" in vars(lazy)  # bound to the compiled pattern: no lookup through __getattr__ any more
    assert lazy.sub("N", "1万元，2万元") == "N，N"
    assert [m["num"] for m in lazy.finditer("1万元2万元")] == ["1", "2"]
    assert lazy.groupindex == {"num": 1}
    assert lazy.compiled() is lazy.compiled()


PATTERNS = [(r"(?P<num>\d+(?:\.\d+)?)万元", 0), (r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", 0),
            (r"^abc$", re.M), (r"<b\b[^>]*>", re.I), (r"(a)|(?P<b>b)", 0)]


@pytest.fixture
def fresh_table(tmp_path, monkeypatch):
    """The pattern table of a process starting with the cache folder tmp_path (restored afterwards)."""
    monkeypatch.setenv("JUESUAN_CACHE_DIR", str(tmp_path))
    lazy_re._table.cache_clear()
    yield tmp_path
    lazy_re._table.cache_clear()


def test_compiled_patterns_come_back_from_the_disk_cache_equal_to_re_compile(fresh_table) -> None:
    patterns = PATTERNS + [(p.pattern, p.flags) for metric in facts.METRICS for p in metric.patterns]
    for pattern, flags in patterns:
        assert lazy_re.compile(pattern, flags) == re.compile(pattern, flags)
    lazy_re.save()
    lazy_re._table.cache_clear()  # as the next process
    table = lazy_re._table()
    assert {(p, f) for p, f in patterns} <= set(table.codes) and table.added == 0
    for pattern, flags in patterns:
        compiled = lazy_re.compile(pattern, flags)
        expected = re.compile(pattern, flags)
        assert compiled == expected and compiled is not expected  # same code, flags and groups: built from the cache
        assert compiled.groupindex == expected.groupindex and compiled.groups == expected.groups
    assert lazy_re.compile(PATTERNS[0][0]).search("共12.5万元")["num"] == "12.5"
    assert lazy_re.compile(PATTERNS[1][0]).sub("", "决 算 2 万") == "决算 2 万"
    assert table.added == 0  # nothing compiled anew, nothing to save


def test_a_damaged_cache_or_entry_is_compiled_again(fresh_table) -> None:
    lazy_re.compile(r"(\d+)万元")
    lazy_re.save()
    (stored,) = fresh_table.iterdir()
    stored.write_bytes(b"damaged")
    lazy_re._table.cache_clear()
    assert lazy_re.compile(r"(\d+)万元") == re.compile(r"(\d+)万元")
    table = lazy_re._table()
    flags, code, *rest = table.codes[r"(\d+)万元", 0]
    table.codes[r"(\d+)万元", 0] = (flags, [999999], *rest)  # code _sre refuses
    assert lazy_re.compile(r"(\d+)万元") == re.compile(r"(\d+)万元")


def test_the_table_holds_at_most_its_limit(fresh_table, monkeypatch) -> None:
    monkeypatch.setattr(lazy_re, "TABLE_LIMIT", 3)
    for n in range(6):
        assert lazy_re.compile(f"x{n}") == re.compile(f"x{n}")
    assert len(lazy_re._table().codes) == 3
    lazy_re.save()
    lazy_re._table.cache_clear()
    assert len(lazy_re._table().codes) == 3
