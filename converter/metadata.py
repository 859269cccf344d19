"""Report metadata from the text: department or unit, year of the accounts, 部门/单位, place, report_id."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import PurePath

from converter import __version__, lazy_re
from converter.document import Document
from converter.lazy_re import LazyPattern
from converter.model import Record
from converter.normalize import clean_label, strip_markup
from converter.places import find_place

_ORG = r"[\u4e00-\u9fff（）()XＸ]{2,40}(?:局|中心|院|委员会|办公室|厅|所|站|队|会|部|社|馆|处|委|办|署|室|园|校)"
# compiled when a line holds their literal (the name class costs ~0.7 ms each)
DEPARTMENT_PATTERNS = tuple(LazyPattern(pattern) for pattern in (
    rf"部门（单位）名称[:：]?\s*({_ORG})",
    rf"(?:部门|单位)名称[:：]\s*({_ORG})",
    rf"(?:^|\d年度)部门[:：]\s*({_ORG})",
    rf"^({_ORG})\s*\d{{4}}\s*年度?\s*(?:部门|单位)决算",
    rf"^({_ORG})\s*(?:部门|单位)决算",
))
# A title without its year (text tools may drop a year set in another font): "上海市普陀区财政局 年度部门决算表"
TITLE_WITHOUT_YEAR = LazyPattern(rf"^({_ORG})\s*(?:\d{{4}}\s*)?年度?\s*(?:部门|单位)决算")
COVER_TITLE = lazy_re.compile(r"^(?:\d{4}\s*)?年度?\s*(?:部门|单位)决算(?:公开)?$")  # the line under a cover's name
NAME_ONLY = LazyPattern(rf"^{_ORG}$")
PART_PREFIX = lazy_re.compile(r"^第[一二三四五六七八九十]+部分\s*")  # "第二部分上海市普陀区财政局2024年度部门决算表"
CJK = r"[\u3400-\u9fff]"  # compiled when first needed (a class this wide costs ~1.5 ms to compile)
YEAR_PATTERNS = (
    lazy_re.compile(r"(20\d{2})\s*年度?\s*(?:部门|单位)决算"),
    lazy_re.compile(r"(20\d{2})\s*年度"),
)


def report_id_for(source_file: str, sha256: str, department: str | None = None, year: int | None = None) -> str:
    """Deterministic lowercase-ASCII id, unique per source file: a readable slug plus 8 hex digits of the content hash.

    An ASCII file name gives the slug of its words (`000_B4694FA5.txt` → `000-b4694fa5-…`); a Chinese one the
    pinyin of department and year (`部门决算.pdf` by 上海市普陀区财政局 2024 → `shanghaishiputuoqucaizhengju-2024-…`),
    or of the file name when no department is known.
    """
    stem = PurePath(source_file).stem
    if not stem.isascii() and re.search(CJK, stem):
        from pypinyin import lazy_pinyin  # its dictionaries cost ~0.1 s to load: only for a Chinese file name

        stem = f"{department} {year or ''}" if department else stem
        stem = "".join(lazy_pinyin(stem, errors="default"))
    slug = "-".join(re.findall(r"[a-z0-9]+", stem.lower()))[:48].strip("-") or "report"
    return f"{slug}-{sha256[:8]}"


def _lines(doc: Document) -> list[str]:
    return [clean_label(strip_markup(line.text)) for line in doc.lines]


def find_department(lines: list[str]) -> str | None:
    """The name printed most often in a name field or title (longest on a tie); else a title line without its year,
    else a cover (a line holding only the name, above "2024年度部门决算")."""
    texts = [PART_PREFIX.sub("", text) if text.startswith("第") else text for text in lines]
    hits = Counter(m.group(1) for pattern in DEPARTMENT_PATTERNS for text in texts
                   if pattern.could_match(text) and (m := pattern.search(text)))
    if not hits:
        hits = Counter(m.group(1) for text in texts
                       if TITLE_WITHOUT_YEAR.could_match(text) and (m := TITLE_WITHOUT_YEAR.match(text)))
    if not hits:
        hits = Counter(name.replace(" ", "") for name, below in zip(lines, lines[1:4])
                       if COVER_TITLE.match(below.replace(" ", "")) and NAME_ONLY.match(name.replace(" ", "")))
    if not hits:
        return None
    return max(hits, key=lambda name: (hits[name], len(name)))


def department_from_file_name(source_file: str) -> str | None:
    """A department or unit name in the file name ("上海市普陀区财政局2024年度部门决算.pdf"), or None."""
    match = re.search(rf"({_ORG})", PurePath(source_file).stem)
    return match.group(1) if match else None


TITLE_YEAR_APART = lazy_re.compile(r"年度?\s*(?:部门|单位)决算")  # "…财政局 年度部门决算表", its year on a line beside
YEAR_ALONE = lazy_re.compile(r"^(20\d{2})(?!\d)")  # "2024", "2024目 录" (text tools may set a year apart from a title)


def find_year(lines: list[str]) -> int | None:
    for pattern in YEAR_PATTERNS:
        hits = Counter(int(m.group(1)) for text in lines for m in pattern.finditer(text))
        if hits:
            return hits.most_common(1)[0][0]
    hits = Counter(int(m.group(1)) for i, text in enumerate(lines)
                   if TITLE_YEAR_APART.search(text) and not re.search(r"20\d{2}", text)
                   for beside in lines[max(i - 1, 0):i] + lines[i + 1:i + 2] if (m := YEAR_ALONE.match(beside)))
    return hits.most_common(1)[0][0] if hits else None


def find_level(text: str) -> str | None:
    if re.search(r"单位决算(?:公开|情况说明|表)", text):
        return "单位"
    if "部门决算" in text:
        return "部门"
    return None


def report_metadata(doc: Document) -> Record:
    """The `reports` record of a document (report_id included)."""
    lines = _lines(doc)
    text = "\n".join(lines)
    department = find_department(lines) or department_from_file_name(doc.source_file)
    place = find_place(department, text)
    year = find_year(lines)
    level = find_level(text)
    title = f"{department or ''}{year or ''}年度{level or ''}决算公开" if department else None
    return {
        "report_id": report_id_for(doc.source_file, doc.source_sha256, department, year),
        "title": title,
        "department": department or "",
        "year": year,
        "level": level,
        "province": place.province,
        "city": place.city,
        "county": place.county,
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
        "source_script": doc.script,
        "division_code": place.division_code,
    }
