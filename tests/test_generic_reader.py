"""The generic reader on documents built here: OCR-like word boxes, split codes, wrapped labels, numbers a line off."""

from __future__ import annotations

from table_support import built

from converter.document import Document, Line, Word
from converter.layouts import generic

TITLE = "一般公共预算财政拨款支出决算表"
# (code, name, total, basic, project) as printed; None is a blank cell.
T05 = [
    (None, "合计", "100.00", "60.00", "40.00"),
    ("201", "一般公共服务支出", "100.00", "60.00", "40.00"),
    ("20101", "人大事务", "100.00", "60.00", "40.00"),
    ("2010101", "行政运行", "60.00", "60.00", None),
    ("2010102", "一般行政管理事务", "40.00", None, "40.00"),
]
RIGHT_EDGES = (900, 1200, 1500)  # pixels: each amount column's right edge


def _ocr_line(number: int, texts: list[tuple[str, float, float]], doubtful_at: int | None = None) -> Line:
    words = tuple(Word(text, x0, x1, top=number * 40.0, bottom=number * 40.0 + 30,
                       confidence=0.4 if index == doubtful_at else 0.98) for index, (text, x0, x1) in enumerate(texts))
    return Line(text="  ".join(w.text for w in words), line_no=number, page=1, words=words)


def _ocr_document(low_confidence: str | None = None, misread: str | None = None) -> Document:
    lines = [_ocr_line(1, [(TITLE, 300, 1000)]), _ocr_line(2, [("单位：万元", 1300, 1500)]),
             _ocr_line(3, [("科目编码", 40, 200), ("科目名称", 300, 500), ("合计", 840, 900), ("基本支出", 1080, 1200),
                           ("项目支出", 1380, 1500)])]
    for offset, (code, name, *amounts) in enumerate(T05):
        texts = [(code, 40, 40 + 15 * len(code))] if code else []
        texts.append((name, 300, 300 + 30 * len(name)))
        for column, (amount, edge, jitter) in enumerate(zip(amounts, RIGHT_EDGES, (3, -4, 2))):
            if column == 1 and misread and low_confidence == code:
                amount = misread  # the doubtful 基本支出 figure read wrong
            if amount is not None:  # right-aligned, a few pixels of OCR jitter
                texts.append((amount, edge + jitter - 18 * len(amount), edge + jitter + offset % 2))
        lines.append(_ocr_line(4 + offset, texts, 3 if low_confidence and low_confidence == code else None))
    return Document(lines=lines, source_file="ocr.png", source_sha256="0" * 64, source_format="image")


def test_ocr_boxes_place_every_figure_under_its_column():
    (block,) = generic.read_tables(_ocr_document())
    records, extraction = built(block)
    assert [(r["code"], r["name"], r["total"], r["basic"], r["project"]) for r in records] == T05_RECORDS
    assert extraction.findings == []


T05_RECORDS = [(code, name, total, basic, project) for code, name, total, basic, project in T05]


def test_a_figure_read_with_low_confidence_is_kept_when_the_identities_confirm_it_with_a_finding():
    # 行政运行's 基本支出 60.00 is doubtful (confidence 0.40): 合计 60.00 = 60.00 + blank on its row and 人大事务's
    # 基本支出 60.00 = 60.00 + blank over its column hold with it and fail without it, so it stays, flagged.
    (block,) = generic.read_tables(_ocr_document(low_confidence="2010101"))
    records, extraction = built(block)
    assert [(r["code"], r["name"], r["total"], r["basic"], r["project"]) for r in records] == T05_RECORDS
    (finding,) = extraction.findings
    assert (finding.rule_id, finding.source_line, finding.location) == ("OCR", 7, "page 1 line 7: 60.00")
    assert finding.message_en == ("OCR-read figure '60.00' (confidence 0.40) confirmed by the table's identities: "
                                  "E1 T05 2010101 total; B2 T05 20101")


def test_a_figure_read_with_low_confidence_that_breaks_an_identity_leaves_its_row_out_with_findings():
    # The doubtful 基本支出 read as 66.00: 合计 60.00 = 66.00 + blank fails, so it and its row's 合计 stay out.
    (block,) = generic.read_tables(_ocr_document(low_confidence="2010101", misread="66.00"))
    records, extraction = built(block)
    row = next(r for r in records if r["code"] == "2010101")
    assert (row["total"], row["basic"], row["project"]) == (None, None, None)
    assert {f.source_line for f in extraction.findings if f.rule_id == "EXTRACT"} == {7}
    assert any("66.00: read with confidence 0.40" in f.message_en for f in extraction.findings)
    others = [(r["code"], r["total"], r["basic"], r["project"]) for r in records if r["code"] != "2010101"]
    assert others == [(c, t, b, p) for c, _n, t, b, p in T05 if c != "2010101"]


def _text_document(*texts: str) -> Document:
    return Document(lines=[Line(text=t, line_no=i, page=1) for i, t in enumerate(texts, start=1)],
                    source_file="t.txt", source_sha256="0" * 64, source_format="txt")


def test_split_codes_wrapped_names_and_numbers_a_line_above_are_one_row():
    doc = _text_document(
        TITLE, "单位：万元", "科目编码 科目名称 合计 基本支出 项目支出",
        "合计 100.00 60.00 40.00",
        "201 一般公共服务支出 100.00 60.00 40.00",
        "60.00 40.00",  # printed a line above its code line (a taller cell centres them there)
        "201 01 人大事务 100.00",
        "201 01 01 行政运行 60.00 60.00",
        "201 01 02 一般行政管理事",
        "务 40.00 40.00",
    )
    (block,) = generic.read_tables(doc)
    records, extraction = built(block)
    assert [(r["code"], r["name"], r["total"], r["basic"], r["project"]) for r in records] == T05_RECORDS[:3] + [
        ("2010101", "行政运行", "60.00", "60.00", None), ("2010102", "一般行政管理事务", "40.00", None, "40.00")]
    assert extraction.findings == []


# 支出决算表 with six amount columns of which only three print figures: the headers' positions say which three.
T03_HEADERS = (("本年支出合计", 700), ("基本支出", 1000), ("项目支出", 1300), ("上缴上级支出", 1600),
               ("经营支出", 1900), ("对附属单位补助支出", 2200))
T03 = [(None, "合计", "100.00", "60.00", "40.00"), ("201", "一般公共服务支出", "100.00", "60.00", "40.00"),
       ("20101", "人大事务", "60.00", "60.00", None), ("20102", "政协事务", "40.00", None, "40.00")]


def _t03_document(basic_header_at: int) -> Document:
    headers = [(name, basic_header_at if name == "基本支出" else x0, x0 + 200) for name, x0 in T03_HEADERS]
    lines = [_ocr_line(1, [("支出决算表", 900, 1200)]), _ocr_line(2, [("科目编码", 40, 200), *headers])]
    for offset, (code, name, *amounts) in enumerate(T03):
        texts = [(code, 40, 40 + 15 * len(code))] if code else []
        texts.append((name, 300, 300 + 30 * len(name)))
        texts += [(amount, edge - 18 * len(amount), edge) for amount, edge in zip(amounts, (900, 1200, 1500))
                  if amount is not None]
        lines.append(_ocr_line(3 + offset, texts))
    return Document(lines=lines, source_file="t03.pdf", source_sha256="0" * 64, source_format="pdf")


def test_header_positions_tell_which_columns_print_figures():
    (block,) = generic.read_tables(_t03_document(basic_header_at=1000))
    records, extraction = built(block)
    assert [(r["code"], r["total"], r["basic"], r["project"], r["operating"]) for r in records] == [
        (code, total, basic, project, None) for code, _name, total, basic, project in T03]
    assert extraction.findings == []


def test_figures_outside_their_header_band_are_left_out_not_guessed():
    # 基本支出 starts right of the basic figures' right edge: they fall in 本年支出合计's band, so no header tells
    # the columns; 人大事务 60.00 60.00 could be 基本 or 项目 (or any other column): left out, never guessed.
    (block,) = generic.read_tables(_t03_document(basic_header_at=1250))
    records, extraction = built(block)
    row = next(r for r in records if r["code"] == "20101")
    assert (row["basic"], row["project"]) == (None, None)
    assert any(f.rule_id == "EXTRACT" and f.source_line == 5 for f in extraction.findings)


def test_a_reading_fixed_by_positions_or_order_accepts_a_printed_rounding_cent_a_chosen_one_does_not():
    # 合计 100.01 = 基本 60.00 + 项目 40.00 as printed (a cent of rounding): positions, or three numbers in order for
    # three columns, alone fix the reading, so it is placed. Where the identity must choose among readings (a blank
    # vanished: 100.01 60.00 could be 合计+基本 or 合计+项目), it stays exact and holds for none.
    from converter.layouts.placement import readings_of
    from converter.layouts.tokens import Token

    line = Line(text="100.01 60.00 40.00", line_no=1, page=1)
    numbers = [Token(text, "number", edge - 40, edge, line) for text, edge in
               (("100.01", 900), ("60.00", 1200), ("40.00", 1500))]
    columns, identity = ("total", "basic", "project"), generic.IDENTITIES["T05"]
    assert readings_of(numbers, columns, [900.0, 1200.0, 1500.0], identity) == [(0, 1, 2)]
    assert readings_of(numbers, columns, None, identity) == [(0, 1, 2)]
    assert readings_of(numbers[:2], columns, None, identity) == []


def _built_t03(*body: str) -> list[tuple]:
    (block,) = generic.read_tables(_text_document("支出决算表", *body))
    records, _extraction = built(block)
    return [(r["code"], r["name"], r["total"], r["basic"], r["project"], r["operating"]) for r in records]


def test_cells_joined_by_single_spaces_keep_their_blank_cells():
    # Each cell followed by one space (seed 000's rendering): "18.92  18.92    " is 18.92, a blank, 18.92, blanks.
    rows = _built_t03(
        "科目代码 科目名称 本年支出合计 基本支出 项目支出 上缴上级支出 经营支出 对附属单位补助支出",
        "栏次 1 2 3 4 5 6",
        "合计 97.58 78.65 18.93    ",
        "2101501 行政运行 78.65 78.65     ",
        "2101502 一般行政管理事务 18.92  18.92    ",
        "2101599",
        "其他医疗保障管理事务",
        "支出",
        "0.01  0.01    ",
        "注：本表反映部门本年度各项支出情况。",
    )
    assert rows == [(None, "合计", "97.58", "78.65", "18.93", None),
                    ("2101501", "行政运行", "78.65", "78.65", None, None),
                    ("2101502", "一般行政管理事务", "18.92", None, "18.92", None),
                    ("2101599", "其他医疗保障管理事务支出", "0.01", None, "0.01", None)]


def test_single_spaces_without_blank_cells_leave_the_columns_untold():
    # The same rows with the blanks gone (pdfplumber-like text): 78.65 78.65 fits 基本 or any later column.
    rows = _built_t03("科目代码 科目名称 本年支出合计 基本支出 项目支出 上缴上级支出 经营支出 对附属单位补助支出",
                      "合计 97.58 78.65 18.93", "2101501 行政运行 78.65 78.65", "2101502 一般行政管理事务 18.92 18.92")
    assert [row[3:5] for row in rows] == [(None, None)] * 3


def test_tab_cells_are_placed_by_the_header_cells_and_column_numbers_are_no_row():
    rows = _built_t03(
        "项目\t\t本年支出合计\t基本支出\t项目支出\t上缴上级支出\t经营支出\t对附属单位补助支出",
        "档次\t\t1\t2\t3\t4\t5\t6",  # a misprinted 栏次: still the column numbers, not figures
        "合计\t\t100.00\t60.00\t40.00\t\t\t",
        "20101\t人大事务\t60.00\t60.00\t\t\t\t",
        "20102\t政协事务\t40.00\t\t40.00\t\t\t",
        "注：本表反映部门本年度各项支出情况。",  # a note, not a part of the last row's name
    )
    assert rows == [(None, "合计", "100.00", "60.00", "40.00", None),
                    ("20101", "人大事务", "60.00", "60.00", None, None),
                    ("20102", "政协事务", "40.00", None, "40.00", None)]


def test_a_figure_between_two_header_bands_tells_no_column():
    from converter.layouts.placement import edges_under_headers
    from converter.layouts.tokens import Token

    line = Line(text="", line_no=1, page=1)
    starts, ends = [100.0, 200.0, 300.0], [160.0, 260.0, 360.0]  # headers 60 wide, middles at 130, 230, 330
    figures = [Token("1.00", "number", 230, 250, line), Token("2.00", "number", 330, 355, line)]
    assert edges_under_headers(figures, starts, ends) == [-1e12, 250.0, 355.0]
    # a figure ending at 210: right of 基本's start (inside no header's middle-to-next-start band)
    assert edges_under_headers([Token("1.00", "number", 190, 210, line)], starts, ends) is None
    assert edges_under_headers([Token("1.00", "number", 190, 210, line)], starts) == [-1e12, 210.0, -3e12]


T05_HEADER = "科目编码 科目名称 合计 基本支出 项目支出"
T03_HEADER = "科目编码 科目名称 本年支出合计 基本支出 项目支出 上缴上级支出 经营支出 对附属单位补助支出"


def _records(doc: Document) -> dict[str, list[tuple]]:
    found = {}
    for block in generic.read_tables(doc):
        records, _extraction = built(block)
        found[block.table_id] = [(r["code"], r["total"], r["basic"], r["project"]) for r in records]
    return found


def test_a_table_printing_only_its_leaf_rows_sums_them_into_its_total():
    # No 类/款 rows (seed 001): 合计 = Σ 项 in each column decides which of 基本/项目 each lone figure is.
    doc = _text_document("一般公共预算财政拨款支出决算表", T05_HEADER, "合计 100.00 61.00 39.00",
                         "2080505 机关事业单位基本养老保险缴费支出 26.00 26.00", "2101501 行政运行 60.00 35.00 25.00",
                         "2101505 医疗保障政策管理 14.00 14.00")
    assert _records(doc)["T05"] == [(None, "100.00", "61.00", "39.00"), ("2080505", "26.00", "26.00", None),
                                    ("2101501", "60.00", "35.00", "25.00"), ("2101505", "14.00", None, "14.00")]


def test_an_expense_row_equal_to_its_fiscal_row_takes_its_columns():
    # Single-space text: 支出决算表 alone cannot tell 基本 from the four columns after it. Where a row's 合计 is
    # the same code's 合计 in 一般公共预算财政拨款支出决算表 (read first, three columns: fixed), all its spending is
    # that money (fiscal ≤ all, per column), so its columns are that row's — even with a printed rounding cent; the
    # column sums then place the rest (202's 20.00 is 项目: 60.01 = 40.00 + 20.00 within a cent per child).
    t03 = ["支出决算表", T03_HEADER, "合计 120.01 60.00 60.01", "201 一般公共服务支出 100.01 60.00 40.00",
           "20101 人大事务 60.00 60.00", "20102 政协事务 40.01 40.01", "202 外交支出 20.00 20.00"]
    doc = _text_document(
        "一般公共预算财政拨款支出决算表", T05_HEADER, "合计 100.01 60.00 40.00",
        "201 一般公共服务支出 100.01 60.00 40.00", "20101 人大事务 60.00 60.00 0.00", "20102 政协事务 40.01 0.00 40.01",
        *t03)
    assert _records(doc)["T03"] == [(None, "120.01", "60.00", "60.01"), ("201", "100.01", "60.00", "40.00"),
                                    ("20101", "60.00", "60.00", None), ("20102", "40.01", None, "40.01"),
                                    ("202", "20.00", None, "20.00")]
    alone = _records(_text_document(*t03))["T03"]
    assert alone == [(None, "120.01", None, None), ("201", None, None, None), ("20101", "60.00", None, None),
                     ("20102", "40.01", None, None), ("202", "20.00", None, None)]


def test_names_printed_above_their_codes_go_with_the_code_below():
    # pdfplumber text of a ruled table: each name is printed a line above its code (with some of its figures);
    # the figures the identities give to the row below say the names stand above, so a name alone goes down too.
    doc = _text_document("支出决算表", T03_HEADER, "合计 100.00 60.00 40.00", "一般公共服务支出 60.00 40.00",
                         "201 100.00", "人大事务", "201 01 60.00 60.00", "政协事务 40.00", "201 02 40.00",
                         "机关事业单位基本养老保险缴", "208 05 05 费支出 0.00 0.00")
    (block,) = generic.read_tables(doc)
    assert [(row.code, row.label) for row in block.rows] == [
        (None, "合计"), ("201", "一般公共服务支出"), ("20101", "人大事务"), ("20102", "政协事务"),
        ("2080505", "机关事业单位基本养老保险缴费支出")]


def test_a_row_name_printed_in_several_tables_is_no_running_title():
    def page(number: int, *texts: str) -> list[Line]:
        return [Line(text=t, line_no=number * 10 + i, page=number) for i, t in enumerate(texts)]

    rows = ("合计 1.00 1.00", "208 1.00 1.00", "行政事业单位养老支出", "208 05 1.00 1.00", "一些其他的行", "1.00 1.00",
            "附注", "第 1 页")
    doc = Document(lines=[line for n in (1, 2, 3) for line in page(n, "某某区财政局2024年度部门决算", *rows)],
                   source_file="t.txt", source_sha256="0" * 64, source_format="txt")
    assert generic._running_titles(doc) == {"某某区财政局2024年度部门决算"}


def test_a_parent_column_printing_nothing_takes_no_figure_from_its_children():
    # 行政运行 0.01 could be 基本 (60.00 = 59.99 + 0.01) or 项目 (within a rounding cent per child), but amounts of a
    # cent or more never add up to the parent's 项目 0.00.
    doc = _text_document("一般公共预算财政拨款支出决算表", T05_HEADER, "20106 财政事务 60.00 60.00 0.00",
                         "2010601 行政运行 59.99 59.99", "2010602 一般行政管理事务 0.01 0.01")
    assert _records(doc)["T05"] == [("20106", "60.00", "60.00", "0.00"), ("2010601", "59.99", "59.99", None),
                                    ("2010602", "0.01", "0.01", None)]


def test_equal_figures_whose_order_is_unknown_still_fill_their_columns():
    from converter.layouts.placement import cells_of
    from converter.layouts.tokens import Token

    above, below = Line(text="信息化建设 135.25", line_no=1), Line(text="201 06 07 135.25", line_no=2)
    numbers = [Token("135.25", "number", None, None, above), Token("135.25", "number", None, None, below)]
    assert cells_of(numbers, [(0, 2), (2, 0)], 6) == (["135.25", None, "135.25", None, None, None], [])
    assert cells_of(numbers, [(0, 2), (0, 1)], 6)[1] == [numbers[1]]


def test_every_table_title_prints_the_word_the_locator_looks_for_first():
    """The locator and the section bodies treat as titles only lines printing 表 (TITLE_WORD)."""
    from converter.locate import TITLE_WORD
    from converter.specs.tables import TABLES

    assert all(TITLE_WORD in title for spec in TABLES.values() for title in spec.titles)


def test_text_tokens_are_the_same_with_or_without_positions():
    """Ideographic and no-break spaces separate pieces; a dash is a not-applicable mark; a glued label splits off."""
    from converter.layouts.tokens import tokens

    line = Line(text="2010101\u3000行政运行\u00a0 1,234.50  －  2,940.05使用非财政拨款结余", line_no=1)
    expected = [("2010101", "number"), ("行政运行", "label"), ("1,234.50", "number"), ("-", "number"),
                ("2,940.05", "number"), ("使用非财政拨款结余", "label")]
    assert [(t.text, t.kind) for t in tokens(line, False)] == expected
    assert [(t.text, t.kind) for t in tokens(line, True)] == expected
    assert [(t.x0, t.x1) for t in tokens(line, True)][:3] == [(0, 7), (8, 12), (14, 22)]


def test_furniture_is_told_from_table_rows():
    from converter.layouts.tokens import is_furniture

    assert not is_furniture("行政运行 1,234.50 1.00", set())
    assert not is_furniture("2010101 行政运行", set())
    assert is_furniture("第 3 页", set())
    assert is_furniture("栏次 1 2 3", set())
    assert is_furniture("科目代码 科目名称 1 2 3 4", set())
    assert is_furniture("某某区财政局2023年度部门决算", {"某某区财政局2023年度部门决算"})
