"""基本支出决算明细表 (T06) as renderings print it: sides in columns, amounts a line off, every cell on its own line."""

from __future__ import annotations

from table_support import built, extract_findings, text_document

from converter.layouts import generic

TITLE = "一般公共预算财政拨款基本支出决算表"


def _read(*lines: str) -> tuple[list[tuple], list]:
    (block,) = generic.read_tables(text_document(TITLE, "单位：万元", *lines))
    records, extraction = built(block)
    return [(r["econ_code"], r["econ_name"], r["amount"]) for r in records], extract_findings(extraction)


def _layout(*rows: tuple[str, ...]) -> list[str]:
    """Lines laid out as `pdftotext -layout` prints them: per side 类 at 0, 款 at 6, name at 12, amount ending at 36
    (the right side 40 columns further); a name counts as two columns per character."""
    lines = []
    for row in rows:
        line = ""
        for side in range(0, len(row), 4):
            start = 40 * (side // 4)
            for text, at in zip(row[side:side + 4], (0, 6, 12, None)):
                if not text:
                    continue
                column = start + (36 - len(text) if at is None else at)
                width = len(line) + sum(1 for ch in line if ord(ch) > 0x2E80)
                line += " " * max(column - width, 1 if line else 0) + text
        lines.append(line)
    return lines


def test_two_sides_in_columns_amounts_a_line_above_and_the_kuan_a_line_below():
    # As `pdftotext -layout` prints Putuo's table: 人员经费 left, 公用经费 right; a cell's amount stands a line above
    # its code (the cell is centred), the right side's 款 a line below its 类, the footers' amounts above them.
    records, findings = _read(*_layout(
        ("类", "款", "科目名称", "决算数", "类", "款", "科目名称", "决算数"),
        ("301", "", "", "30.00", "302", "", "", "5.00"),
        ("", "", "工资福利支出", "", "", "", "商品和服务支出", ""),
        ("", "", "", "20.00", "", "", "", "5.00"),
        ("301", "01", "", "", "302", "", "", ""),
        ("", "", "基本工资", "", "", "01", "办公费", ""),
        ("", "", "", "10.00", "", "", "", ""),
        ("301", "02", "", "", "302", "", "", ""),
        ("", "", "津贴补贴", "", "", "02", "印刷费", ""),
        ("", "", "", "30.00", "", "", "", "5.00"),
        ("", "", "人员经费合计", "", "", "", "公用经费合计", ""),
    ))
    assert sorted(records, key=str) == sorted([
        ("301", "工资福利支出", "30.00"), ("30101", "基本工资", "20.00"), ("30102", "津贴补贴", "10.00"),
        ("302", "商品和服务支出", "5.00"), ("30201", "办公费", "5.00"), ("30202", "印刷费", None),
        (None, "人员经费合计", "30.00"), (None, "公用经费合计", "5.00")], key=str)
    assert findings == []


def test_every_cell_on_a_line_of_its_own_is_paired_by_the_identities():
    # As `pdftotext` raw prints a ruled table: code, name and amount each on a line. Each amount could belong to the
    # code above or below it; only "above" makes every 类 the sum of its 款, so that reading is taken.
    records, findings = _read("301", "工资福利支出", "30.00", "30101", "基本工资", "20.00", "30102", "津贴补贴",
                              "10.00", "303", "对个人和家庭的补助", "0.00", "30301", "离休费", "0.00",
                              "人员经费合计", "30.00")
    assert records == [("301", "工资福利支出", "30.00"), ("30101", "基本工资", "20.00"),
                       ("30102", "津贴补贴", "10.00"), ("303", "对个人和家庭的补助", "0.00"),
                       ("30301", "离休费", "0.00"), (None, "人员经费合计", "30.00")]
    assert findings == []


def test_amounts_no_identity_can_place_are_left_out_with_findings():
    # 款 rows without their 类: "above" and "below" both fit (nothing to check them by) and read different figures.
    records, findings = _read("30101", "基本工资", "1.00", "30102", "津贴补贴", "2.00", "30103", "奖金", "3.00")
    assert records == [("30101", "基本工资", None), ("30102", "津贴补贴", None), ("30103", "奖金", None)]
    assert sorted(f.message_en.split(": ")[1] for f in findings) == ["1.00", "2.00", "3.00"]


def test_a_number_printed_out_of_its_place_goes_where_its_class_needs_it():
    # `pdftotext` raw moved 伙食补助费's 2.85 to the end of the page: 301 adds up only with it there, and no other
    # group of the class lacks a figure. 30103 prints its own 0.00, so the moved 2.85 cannot be its.
    records, findings = _read("301", "工资福利支出", "12.85", "30101", "基本工资", "10.00", "30106", "伙食补助费",
                              "30103", "奖金", "0.00", "2.85", "人员经费合计", "12.85")
    assert records == [("301", "工资福利支出", "12.85"), ("30101", "基本工资", "10.00"),
                       ("30103", "奖金", "0.00"), ("30106", "伙食补助费", "2.85"), (None, "人员经费合计", "12.85")]
    assert findings == []


def test_a_lone_amount_under_two_groups_goes_to_the_side_its_class_needs():
    # As pdfplumber prints Putuo's table (x-positions lost): two groups per code line, the names on the next, and
    # 20.00 alone below 基本工资 and 办公费. Only on the left do both classes add up (301 = 20 + 10, 302 = 5).
    records, findings = _read("301 302", "工资福利支出 30.00 商品和服务支出 5.00", "301 01 302", "基本工资 01 办公费",
                              "20.00", "301 02 302", "津贴补贴 02 印刷费", "10.00 5.00")
    assert records == [("301", "工资福利支出", "30.00"), ("30101", "基本工资", "20.00"), ("30102", "津贴补贴", "10.00"),
                       ("302", "商品和服务支出", "5.00"), ("30201", "办公费", None), ("30202", "印刷费", "5.00")]
    assert findings == []
