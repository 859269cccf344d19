"""Structural rules of the coded tables: code hierarchy and parent = Σ children (domain.md §1.4 B2, §2.1)."""

from __future__ import annotations

from collections.abc import Iterator

from converter.checks.core import Rule, equal, equal_status, finding, rule, sum_of
from converter.checks.data import Data, child_codes
from converter.checks.intra import CODED_COLUMNS
from converter.model import Finding


def folded(
    r: Rule, off: list[Finding], checked: bool, location: str, zh: str, en: str, source: dict
) -> Iterator[Finding]:
    """The findings of the columns that do not hold; one ok finding when every column checked holds (a rule asks
    first whether a column holds, and builds a finding only for one that does not)."""
    if off:
        yield from off
    elif checked:
        yield finding(r, "ok", location, f"{zh}：各栏相符", f"{en}: every column holds", source=source)


@rule(
    "B2",
    "structure",
    "代码表：类 = 其各款之和，款 = 其各项之和（每一栏；下级未全印时由更下级推算）",
    "Coded tables: a 类 = Σ its 款, a 款 = Σ its 项, every column (children derived from 项 where not printed)",
    "T02,T03,T05,T07,T08",
)
def b2(data: Data, r: Rule) -> Iterator[Finding]:
    for table_id, columns in CODED_COLUMNS.items():
        children = child_codes([row["code"] for row in data.coded(table_id)])
        for parent in data.coded(table_id):
            code = parent["code"]
            kids = children.get(code)
            if not kids:
                continue
            checked, off = False, []
            for column in columns:
                values = [data.value(table_id, kid, column)[0] for kid in kids]
                expected, count = sum_of(values)
                if parent.get(column) is None and count == 0:
                    continue
                if parent.get(column) is None and not any(values):
                    continue
                checked = True
                if equal_status(expected, parent.get(column), max(count, len(kids))) == "ok":
                    continue
                off.append(
                    equal(
                        r,
                        f"{table_id} {code} {column}",
                        f"{table_id} {code} {column} = Σ下级",
                        f"{table_id} {code} {column} = Σ children",
                        expected=expected,
                        printed=parent.get(column),
                        n_terms=max(count, len(kids)),
                        source=parent,
                        tables=table_id,
                    )
                )
            yield from folded(
                r, off, checked, f"{table_id} {code}", f"{table_id} {code} = Σ下级", f"{table_id} {code} = Σ children",
                parent,
            )


@rule(
    "S1",
    "structure",
    "代码表：款、项紧随其上级类、款印出，代码前缀与上级一致",
    "Coded tables: each 款/项 follows its own 类/款 (code prefix = parent) where parents are printed",
    "T02,T03,T05,T07,T08",
    tolerance="exact",
    severity="warning",
)
def s1(data: Data, r: Rule) -> Iterator[Finding]:
    for table_id in CODED_COLUMNS:
        rows = data.coded(table_id)
        if not rows:
            continue
        printed_levels = {len(row["code"]) for row in rows}
        last: dict[int, str] = {}
        problems = []
        for row in rows:
            code = row["code"]
            for parent_len in (5, 3):
                if parent_len >= len(code) or parent_len not in printed_levels:
                    continue
                if last.get(parent_len) != code[:parent_len]:
                    problems.append(
                        finding(
                            r,
                            "mismatch",
                            f"{table_id} {code}",
                            f"{table_id} {code} 印在 {last.get(parent_len) or '（无）'} 之下，"
                            f"上级应为 {code[:parent_len]}",
                            f"{table_id} {code} is printed under {last.get(parent_len) or '(none)'}, "
                            f"its parent is {code[:parent_len]}",
                            source=row,
                            tables=table_id,
                        )
                    )
                break
            last[len(code)] = code
            for deeper in (5, 7):
                if deeper > len(code):
                    last.pop(deeper, None)
        if problems:
            yield from problems
        else:
            yield finding(
                r,
                "ok",
                table_id,
                f"{table_id} 代码层级与上级一致",
                f"{table_id} code hierarchy consistent",
                tables=table_id,
            )
