"""Spending by functional 类 with its share, as the general-budget narrative lists it.

"一般公共服务支出（类）2106.66万元，占71.73%" (Shanghai), "科学技术（类）支出35.80万元，占2.82%" (Henan),
"社会保障和就业支出 26.83 万元,占 1.07%" (Gansu): under a 一般公共预算财政拨款支出 heading, each gives
class_expense (万元) and class_share (%), both with `item` = the 类 name as printed (without "（类）" and the
trailing 支出). The checks compare each share with amount / total and the shares with 100 %.
"""

from __future__ import annotations

from functools import lru_cache

from converter import lazy_re
from converter.lazy_re import LazyPattern
from converter.narrative.facts import GENERAL_SECTION, NUM, Fact
from converter.narrative.paragraphs import Sentence
from converter.normalize import parse_amount

CLASS = r"[\u4e00-\u9fff]{2,16}?"
CLASS_SHARE = LazyPattern(  # a CJK class: ~1 ms to compile, read from the disk cache; searched where its literal is
    rf"(?:^|[：:；;，,。、])(?:\d{{1,2}}[、.．])?(?P<item>{CLASS})(?:支出)?[（(]?类?[)）]?(?:支出)?"
    rf"(?:为)?{NUM}万元[，,](?:占(?:比)?(?:为)?)(?P<share>\d+(?:\.\d+)?)%"
)
NOT_A_CLASS = lazy_re.compile(r"财政拨款|基本支出|项目支出|人员经费|公用经费|合计|总计|收入")
SECTION = lazy_re.compile(GENERAL_SECTION)


@lru_cache(maxsize=1024)  # heading paths recur over reports; bounded for long batches
def _in_section(headings: tuple[str, ...]) -> bool:
    """A sentence under a 一般公共预算财政拨款支出 heading."""
    return any(SECTION.search(heading) for heading in headings)


def read_class_shares(sentences: list[Sentence]) -> list[Fact]:
    """class_expense and class_share of every 类 the general-budget narrative lists with its share."""
    facts: list[Fact] = []
    for sentence in sentences:
        if not CLASS_SHARE.could_match(sentence.key) or not _in_section(sentence.headings):
            continue
        for match in CLASS_SHARE.finditer(sentence.key):
            item, phrase = match["item"], match.group(0).lstrip("：:；;，,。、")
            if NOT_A_CLASS.search(phrase):
                continue
            facts.append(Fact("class_expense", parse_amount(match["num"]), "万元", phrase, sentence, item))
            facts.append(Fact("class_share", parse_amount(match["share"]), "%", phrase, sentence, item))
    return facts
