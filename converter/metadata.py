"""Report metadata from the text: department or unit, year of the accounts, 部门/单位, place, report_id."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import PurePath

from converter import __version__
from converter.document import Document
from converter.model import Record
from converter.normalize import clean_label, strip_markup
from converter.specs.places import CITIES, COUNTIES, PROVINCES

_ORG = r"[\u4e00-\u9fff（）()XＸ]{2,40}(?:局|中心|院|委员会|办公室|厅|所|站|队|会|部|社|馆|处|委|办|署|室|园|校)"
DEPARTMENT_PATTERNS = (
    re.compile(rf"部门（单位）名称[:：]?\s*({_ORG})"),
    re.compile(rf"(?:部门|单位)名称[:：]\s*({_ORG})"),
    re.compile(rf"(?:^|\d年度)部门[:：]\s*({_ORG})"),
    re.compile(rf"^({_ORG})\s*\d{{4}}\s*年度?\s*(?:部门|单位)决算"),
    re.compile(rf"^({_ORG})\s*(?:部门|单位)决算"),
)
PART_PREFIX = re.compile(r"^第[一二三四五六七八九十]+部分\s*")  # "第二部分上海市普陀区财政局2024年度部门决算表"
YEAR_PATTERNS = (
    re.compile(r"(20\d{2})\s*年度?\s*(?:部门|单位)决算"),
    re.compile(r"(20\d{2})\s*年度"),
)


def report_id_for(source_file: str, sha256: str) -> str:
    """Deterministic lowercase-ASCII id: the file name's ASCII words plus 8 hex digits of the content hash."""
    stem = PurePath(source_file).stem.lower()
    slug = "-".join(re.findall(r"[a-z0-9]+", stem))[:40].strip("-") or "report"
    return f"{slug}-{sha256[:8]}"


def _lines(doc: Document) -> list[str]:
    return [clean_label(strip_markup(line.text)) for line in doc.lines]


def find_department(lines: list[str]) -> str | None:
    """The name printed most often in a name field or title (longest on a tie)."""
    hits = Counter(m.group(1) for pattern in DEPARTMENT_PATTERNS for text in lines
                   if (m := pattern.search(PART_PREFIX.sub("", text))))
    if not hits:
        return None
    return max(hits, key=lambda name: (hits[name], len(name)))


def find_year(lines: list[str]) -> int | None:
    for pattern in YEAR_PATTERNS:
        hits = Counter(int(m.group(1)) for text in lines for m in pattern.finditer(text))
        if hits:
            return hits.most_common(1)[0][0]
    return None


def find_level(text: str) -> str | None:
    if re.search(r"单位决算(?:公开|情况说明|表)", text):
        return "单位"
    if "部门决算" in text:
        return "部门"
    return None


def find_place(department: str | None, text: str) -> tuple[str | None, str | None, str | None]:
    """(province, city, county) from the department name, then from the text."""
    name = department or ""
    province = next((p for p in PROVINCES if name.startswith(p)), None)
    city = next((c for c in CITIES if c in name), None)
    county = next((c for c in COUNTIES if c in name), None)
    if county is None:
        rest = name.removeprefix(city or "")
        match = re.match(r"^(?:[\u4e00-\u9fff]{2,4}[省市])?([\u4e00-\u9fff]{1,4}[县区旗])", rest)
        if match and not name.startswith(match.group(1) + "医"):
            county = match.group(1)
    if county in COUNTIES:
        province, city = province or COUNTIES[county][0], city or COUNTIES[county][1]
    if city and not province:
        province = CITIES.get(city)
    if province is None:
        province = next((p for p in PROVINCES if p in text[:5000]), None)
    return province, city, county


def report_metadata(doc: Document) -> Record:
    """The `reports` record of a document (report_id included)."""
    lines = _lines(doc)
    text = "\n".join(lines)
    department = find_department(lines)
    province, city, county = find_place(department, text)
    year = find_year(lines)
    level = find_level(text)
    title = f"{department or ''}{year or ''}年度{level or ''}决算公开" if department else None
    return {
        "report_id": report_id_for(doc.source_file, doc.source_sha256),
        "title": title,
        "department": department or "",
        "year": year,
        "level": level,
        "province": province,
        "city": city,
        "county": county,
        "amount_unit": "万元",
        "currency": "CNY",
        "source_file": doc.source_file,
        "source_sha256": doc.source_sha256,
        "source_format": doc.source_format,
        "ocr": doc.ocr,
        "layout": None,
        "converter_version": __version__,
        "tables_found": None,
        "tables_empty": None,
        "tables_absent": None,
    }
