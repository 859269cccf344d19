"""The rule registry and the comparison primitives every rule uses (exact decimals only).

Statuses: ok (the identity holds exactly as printed), rounding (off by no more than the rule's tolerance),
mismatch (off by more), not_checkable (an input is absent). A mismatch carries the rule's severity; every other
status is severity info.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from converter.checks.data import Data
from converter.model import Finding, Record
from converter.units import UNITS, to_wan

AMOUNT_TOLERANCE = "|Δ| ≤ max(0.05, 0.005 × n + 0.01) 万元 (n = printed terms)"
PERCENT_TOLERANCE = "±0.02 个百分点, or within what the printed precision of the inputs allows"
ZERO = Decimal(0)


@dataclass(frozen=True)
class Rule:
    id: str
    group: str  # intra | structure | cross | narrative | performance
    zh: str
    en: str
    tables: str
    tolerance: str
    severity: str  # severity of a mismatch: error | warning
    run: Callable[[Data, Rule], Iterable[Finding]]


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str,
    group: str,
    zh: str,
    en: str,
    tables: str,
    tolerance: str = AMOUNT_TOLERANCE,
    severity: str = "error",
    needs: tuple[str, ...] = (),
) -> Callable[[Callable[[Data, Rule], Iterable[Finding]]], Callable[[Data, Rule], Iterable[Finding]]]:
    """Register a rule function under its id (ids are unique).

    `needs`: tables the rule cannot run without; when one is absent or unreadable the rule yields only the
    not_checkable finding of `require`.
    """

    def register(func: Callable[[Data, Rule], Iterable[Finding]]) -> Callable[[Data, Rule], Iterable[Finding]]:
        if rule_id in RULES:
            raise ValueError(f"duplicate rule id {rule_id}")

        def run(data: Data, r: Rule) -> Iterable[Finding]:
            missing = require(data, r, *needs) if needs else None
            return [missing] if missing else func(data, r)

        RULES[rule_id] = Rule(rule_id, group, zh, en, tables, tolerance, severity, run)
        return func

    return register


# ---------------------------------------------------------------- numbers


def dec(value: object) -> Decimal | None:
    """Decimal of a record value ("2502.70", 3, None); None for blank."""
    if type(value) is Decimal:  # a figure already computed (its text would read back to the same Decimal)
        return value
    if value is None or value == "":
        return None
    return Decimal(str(value))


def fmt(value: Decimal | None) -> str | None:
    """Exact decimal text for a finding (at most 6 decimals, no exponent, no "-0")."""
    if value is None:
        return None
    text = format(value, "f")
    if "." in text and len(text) - text.index(".") > 7:  # more than 6 decimals (exponent < -6)
        text = format(value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP), "f")
    if text.startswith("-") and Decimal(text) == 0:
        text = text[1:]
    return text


def half_unit(value: object) -> Decimal:
    """Half of the last printed digit: "2502.70" → 0.005, "28.4" → 0.05, "66" → 0.5."""
    text = str(value)
    decimals = len(text.partition(".")[2])
    return Decimal(5) / (Decimal(10) ** (decimals + 1))


def fact_in_wan(fact: Record, field: str = "value") -> Decimal | None:
    """A narrative amount in 万元: a figure stated in 元 is converted exactly; other units are taken as printed."""
    value = dec(fact.get(field))
    return to_wan(value, fact["unit"]) if value is not None and fact.get("unit") in UNITS else value


def fact_tolerance(fact: Record, field: str = "value") -> Decimal:
    """max(0.05 万元, half the last digit the narrative prints, in 万元)."""
    unit = fact.get("unit") if fact.get("unit") in UNITS else None
    return max(Decimal("0.05"), to_wan(half_unit(fact.get(field)), unit))


@lru_cache(maxsize=256)  # a few term counts recur; Decimals are immutable
def amount_tolerance(n_terms: int) -> Decimal:
    return max(Decimal("0.05"), Decimal("0.005") * max(n_terms, 1) + Decimal("0.01"))


def round_to(value: Decimal, like: object) -> Decimal:
    """value rounded half-up to the number of decimals printed in `like`."""
    decimals = len(str(like).partition(".")[2])
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- findings


def finding(
    rule: Rule,
    status: str,
    location: str,
    zh: str,
    en: str,
    *,
    expected: Decimal | None = None,
    actual: Decimal | None = None,
    source: Record | None = None,
    tables: str | None = None,
) -> Finding:
    difference = actual - expected if expected is not None and actual is not None else None
    return _finding(rule, status, location, zh, en, (fmt(expected), fmt(actual), fmt(difference)), source, tables)


def _finding(
    rule: Rule,
    status: str,
    location: str,
    zh: str,
    en: str,
    texts: tuple[str | None, str | None, str | None],
    source: Record | None,
    tables: str | None,
) -> Finding:
    """A finding whose expected, actual and difference are already formatted (`texts`, by `fmt`)."""
    return Finding(
        rule_id=rule.id,
        status=status,
        severity=rule.severity if status == "mismatch" else "info",
        tables=tables or rule.tables,
        location=location,
        expected=texts[0],
        actual=texts[1],
        difference=texts[2],
        message_zh=zh,
        message_en=en,
        source_page=(source or {}).get("source_page"),
        source_line=(source or {}).get("source_line"),
    )


def explained(result: Finding, zh: str, en: str) -> Finding:
    """The finding with what it concerns put before its arithmetic: "zh（…）" / "en (…)"."""
    result.message_zh, result.message_en = f"{zh}（{result.message_zh}）", f"{en} ({result.message_en})"
    return result


def printed_at(record: Record | None) -> str:
    """Where a figure was printed, for a message: "第12页第305行", "第305行" or "位置不详"."""
    record = record or {}
    page, line = record.get("source_page"), record.get("source_line")
    if line is None:
        return "位置不详"
    return f"第{page}页第{line}行" if page is not None else f"第{line}行"


def printed_at_en(record: Record | None) -> str:
    record = record or {}
    page, line = record.get("source_page"), record.get("source_line")
    if line is None:
        return "location unknown"
    return f"page {page}, line {line}" if page is not None else f"line {line}"


def not_checkable(rule: Rule, location: str, zh: str, en: str, tables: str | None = None) -> Finding:
    return finding(rule, "not_checkable", location, zh, en, tables=tables)


STATUS_ZH = {"ok": "相符", "rounding": "尾差", "mismatch": "不符"}


def equal(
    rule: Rule,
    location: str,
    what_zh: str,
    what_en: str,
    *,
    expected: Decimal,
    printed: object,
    n_terms: int,
    source: Record | None = None,
    tables: str | None = None,
    tolerance: Decimal | None = None,
) -> Finding:
    """printed = expected, with the amount tolerance for n_terms (a blank printed figure reads as 0)."""
    actual = dec(printed)
    value = actual if actual is not None else ZERO
    delta = value - expected
    status = _status(delta, n_terms, tolerance)
    blank_zh, blank_en = ("（空白，按0计）", " (blank, read as 0)") if actual is None else ("", "")
    # each figure formatted once: the finding's actual is the value compared, its difference the delta
    expected_text, printed_text, delta_text = fmt(expected), fmt(actual), fmt(delta)
    return _finding(
        rule,
        status,
        location,
        f"{what_zh}：应为 {expected_text}，印为 {printed_text}{blank_zh}，差 {delta_text}（{STATUS_ZH[status]}）",
        f"{what_en}: expected {expected_text}, printed {printed_text}{blank_en}, difference {delta_text} ({status})",
        (expected_text, fmt(ZERO) if actual is None else printed_text, delta_text),
        source,
        tables,
    )


def _status(delta: Decimal, n_terms: int, tolerance: Decimal | None) -> str:
    """ok when the difference is nil, rounding within the tolerance (the amount tolerance for n_terms by default)."""
    if delta == 0:
        return "ok"
    limit = tolerance if tolerance is not None else amount_tolerance(n_terms)
    return "rounding" if abs(delta) <= limit else "mismatch"


def equal_status(expected: Decimal, printed: object, n_terms: int, tolerance: Decimal | None = None) -> str:
    """The status `equal` gives, without building its finding (for rules that fold the ok ones into one)."""
    actual = dec(printed)
    return _status((actual if actual is not None else ZERO) - expected, n_terms, tolerance)


def excess_status(excess: Decimal) -> str:
    """The status `at_most` gives for printed − bound, without building its finding."""
    return "ok" if excess <= 0 else "rounding" if excess <= amount_tolerance(1) else "mismatch"


def at_most(
    rule: Rule,
    location: str,
    what_zh: str,
    what_en: str,
    *,
    bound: Decimal,
    printed: object,
    source: Record | None = None,
    tables: str | None = None,
) -> Finding:
    """printed ≤ bound (an inequality; `expected` carries the bound)."""
    actual = dec(printed) or ZERO
    excess = actual - bound
    status = excess_status(excess)
    actual_text, bound_text = fmt(actual), fmt(bound)
    return _finding(
        rule,
        status,
        location,
        f"{what_zh}：{actual_text} 不应超过 {bound_text}（{STATUS_ZH[status]}）",
        f"{what_en}: {actual_text} must not exceed {bound_text} ({status})",
        (bound_text, actual_text, fmt(excess)),
        source,
        tables,
    )


def ratio(
    rule: Rule,
    location: str,
    what_zh: str,
    what_en: str,
    *,
    printed: object,
    numerator: object,
    denominator: object,
    scale: Decimal = Decimal(100),
    source: Record | None = None,
    tables: str | None = None,
    one_input_rounded: bool = False,
) -> Finding | None:
    """printed ≈ numerator / denominator × scale (a percentage by default).

    ok: the exact ratio rounds to the printed figure. rounding: within ±0.02, or within the interval the ratio can
    take when every input is an honest rounding of its true value (each ± half its last printed digit);
    `one_input_rounded`: when either input, not both at their extremes at once, is (for figures printed side by
    side in one sentence, where the % was computed from them).
    """
    num, den, pct = dec(numerator), dec(denominator), dec(printed)
    if num is None or den is None or pct is None or den == 0:
        return None
    exact = num / den * scale
    expected = round_to(exact, printed)
    hn, hd, hp = half_unit(numerator), half_unit(denominator), half_unit(printed)
    if one_input_rounded:
        pairs = [(num - hn, den), (num + hn, den), (num, den - hd), (num, den + hd)]
    else:
        pairs = [(n, d) for n in (num - hn, num + hn) for d in (den - hd, den + hd)]
    bounds = [n / d * scale for n, d in pairs if d > 0]
    low, high = (min(bounds), max(bounds)) if bounds else (exact, exact)
    if pct == expected:
        status = "ok"
    elif abs(pct - exact) <= Decimal("0.02") or (low - hp <= pct <= high + hp):
        status = "rounding"
    else:
        status = "mismatch"
    rounded = round_to(exact, "0.0000")
    shown, num_text, den_text, pct_text = fmt(rounded), fmt(num), fmt(den), fmt(pct)  # each formatted once
    expected = expected if status == "ok" else rounded
    return _finding(
        rule,
        status,
        location,
        f"{what_zh}：{num_text} / {den_text} = {shown}，印为 {pct_text}（{STATUS_ZH[status]}）",
        f"{what_en}: {num_text} / {den_text} = {shown}, printed {pct_text} ({status})",
        (fmt(expected) if status == "ok" else shown, pct_text, fmt(pct - expected)),
        source,
        tables,
    )


def sum_of(values: Iterable[object]) -> tuple[Decimal, int]:
    """(Σ of the printed values, number of printed — non-blank — terms)."""
    total, count = ZERO, 0
    for value in values:
        number = dec(value)
        if number is not None:
            total += number
            count += 1
    return total, count


def check_sum(
    rule: Rule,
    location: str,
    what_zh: str,
    what_en: str,
    total: Record,
    total_field: str,
    parts: list[tuple[Record | None, str]],
    tables: str | None = None,
) -> Iterator[Finding]:
    """total[total_field] = Σ parts; nothing to check when the total and every part are blank."""
    values = [part.get(field) if part else None for part, field in parts]
    expected, count = sum_of(values)
    if total.get(total_field) is None and count == 0:
        return
    yield equal(
        rule,
        location,
        what_zh,
        what_en,
        expected=expected,
        printed=total.get(total_field),
        n_terms=count,
        source=total,
        tables=tables,
    )


def require(data: Data, rule: Rule, *table_ids: str) -> Finding | None:
    """A not_checkable finding when a table the rule reads is absent from the text (None when all are present)."""
    missing = data.missing(*table_ids)
    if not missing:
        return None
    names = ",".join(missing)
    return not_checkable(
        rule,
        names,
        f"{names} 缺失或未能读取（原文未载或为图片），无法核对",
        f"{names} absent or unreadable (not in the text, or an image): not checkable",
    )
