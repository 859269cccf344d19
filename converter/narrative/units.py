"""Unit types of a department, as its 机构设置 / 决算单位构成 counts them (report metadata).

"其中：行政单位1个，参照公务员法管理的事业单位1个，事业单位2个" gives admin_units = 1, civil_service_units = 1
(参照公务员法管理 / 参公 事业单位) and institution_units = 2 (事业单位 not so managed). Only explicit counts are
taken; a field stays null when the report does not state it. The rule 机关运行经费 = 公用经费 depends on them:
机关运行经费 covers only administrative and 参公 units, so with other 事业单位 included it is ≤.
"""

from __future__ import annotations

import re
from functools import lru_cache

from converter import lazy_re
from converter.narrative.paragraphs import Sentence

CIVIL = r"(?:参照公务员法管理|参公管理|参公)(?:的)?事业单位"
COUNT = r"(?:共|为)?(?P<n>\d+)(?:个|家)"
UNIT_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "admin_units": (lazy_re.compile(rf"行政单位{COUNT}"), lazy_re.compile(r"(?P<n>\d+)个行政单位")),
    "civil_service_units": (lazy_re.compile(rf"{CIVIL}{COUNT}"), lazy_re.compile(rf"(?P<n>\d+)个{CIVIL}")),
    "institution_units": (
        lazy_re.compile(rf"(?<!管理)(?<!管理的)(?<!参公)(?<!行政)(?:其他|非参公)?事业单位{COUNT}"),
        lazy_re.compile(r"(?P<n>\d+)个(?:其他|非参公)?事业单位"),
    ),
}
NOT_COUNTS = lazy_re.compile(r"名词解释|^[一二三四五六七八九十]+、.*[：:]指")


UNIT_WORD = "单位"  # every pattern above needs it: a sentence without it is not searched


@lru_cache(maxsize=1024)  # heading paths recur over reports; bounded for long batches
def _counts_allowed(headings: tuple[str, ...]) -> bool:
    """False under a heading that defines terms (名词解释) rather than counting units."""
    return not any(NOT_COUNTS.search(heading) for heading in headings)


def unit_types(sentences: list[Sentence]) -> dict[str, int | None]:
    """admin_units, civil_service_units, institution_units: the first explicit count of each (None if unstated)."""
    found: dict[str, int | None] = dict.fromkeys(UNIT_PATTERNS)
    for sentence in sentences:
        if UNIT_WORD not in sentence.key or not _counts_allowed(sentence.headings):
            continue
        for field, patterns in UNIT_PATTERNS.items():
            if found[field] is not None:
                continue
            for pattern in patterns:
                match = pattern.search(sentence.key)
                if match:
                    found[field] = int(match["n"])
                    break
    return found
