"""`juesuan build`: loading packages into one database, refusing invalid ones, rebuilding atomically."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
import typer

from converter.site import commands
from converter.site.database import build_database, files_dir, scale_text


def test_scale_text_groups_columns_by_printed_decimals():
    record = {"total": "6.50", "basic": "0.00", "score": "99.9", "weight": "20", "blank": None}
    assert scale_text(record, ["total", "basic", "score", "weight", "blank"]) == "0:weight;1:score;2:total,basic"
    assert scale_text({"total": None}, ["total"]) is None


def test_loading_the_same_packages_twice_gives_the_same_database(seed_packages, tmp_path):
    packages = list(seed_packages.values())
    first, second = tmp_path / "a" / "juesuan.db", tmp_path / "b" / "juesuan.db"
    build_database(packages, first)
    build_database(list(reversed(packages)), second)
    assert first.read_bytes() == second.read_bytes()
    zips = sorted(p.name for p in (files_dir(first) / "packages").glob("*.zip"))
    assert len(zips) == 5
    for name in zips:
        first_zip, second_zip = (files_dir(db) / "packages" / name for db in (first, second))
        assert first_zip.read_bytes() == second_zip.read_bytes()


def test_an_invalid_package_is_refused_and_the_others_load(seed_packages, tmp_path):
    broken = Path(shutil.copytree(seed_packages["002"], tmp_path / "in" / seed_packages["002"].name))
    text = (broken / "three_public.csv").read_text(encoding="utf-8")
    (broken / "three_public.csv").write_text(text.replace(",6.50,", ",6.5O,"), encoding="utf-8")  # letter O
    others = [path for number, path in seed_packages.items() if number != "002"]
    result = build_database([*others, broken], tmp_path / "juesuan.db")
    assert list(result.refused) == [str(broken)]
    assert "fails validation" in result.refused[str(broken)] and "three_public.csv" in result.refused[str(broken)]
    assert len(result.loaded) == 4 and broken.name not in result.loaded
    conn = sqlite3.connect(tmp_path / "juesuan.db")
    assert conn.execute("select count(*) from reports where report_id = ?", [broken.name]).fetchone() == (0,)
    assert not (files_dir(tmp_path / "juesuan.db") / "packages" / broken.name).exists()


def test_a_duplicate_report_is_refused(seed_packages, tmp_path):
    copy = shutil.copytree(seed_packages["001"], tmp_path / "copy" / seed_packages["001"].name)
    result = build_database([seed_packages["001"], copy], tmp_path / "juesuan.db")
    assert list(result.refused.values()) == [f"report {copy.name} already loaded from another package"]
    assert sqlite3.connect(tmp_path / "juesuan.db").execute("select count(*) from reports").fetchone() == (1,)


def test_a_rebuild_replaces_the_database_and_downloads(seed_packages, tmp_path):
    db = tmp_path / "site" / "juesuan.db"
    build_database(list(seed_packages.values()), db)
    build_database([seed_packages["001"]], db)
    assert sqlite3.connect(db).execute("select count(*) from reports").fetchone() == (1,)
    assert sorted(p.name for p in (files_dir(db) / "packages").iterdir()) == [
        seed_packages["001"].name,
        f"{seed_packages['001'].name}.zip",
    ]
    assert sorted(p.name for p in db.parent.iterdir()) == ["juesuan.db", "juesuan_files"]  # no temporary left


def test_build_command_exit_codes(seed_packages, tmp_path, capsys):
    db = tmp_path / "juesuan.db"
    assert commands.build([seed_packages["001"]], db) == 0
    assert "1 report(s)" in capsys.readouterr().out
    with pytest.raises(typer.Exit) as missing:
        commands.build([tmp_path / "nothing-here"], db)
    assert missing.value.exit_code == 2
    broken = Path(shutil.copytree(seed_packages["002"], tmp_path / "bad" / seed_packages["002"].name))
    (broken / "reports.csv").write_text("report_id\nx\n", encoding="utf-8")
    with pytest.raises(typer.Exit) as refused:
        commands.build([seed_packages["001"], broken], db)
    assert refused.value.exit_code == 1
    assert f"refused {broken}" in capsys.readouterr().err.replace("\n", "")


def test_table_views_carry_the_tables_amount_unit_and_the_division_code(seed_packages, tmp_path):
    database = tmp_path / "juesuan.db"
    build_database(list(seed_packages.values()), database)
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT department, division_code, amount_unit, total FROM three_public_view WHERE measure = 'actual'"
            " ORDER BY department"
        ).fetchall()
        units = connection.execute("SELECT DISTINCT amount_unit FROM income_by_function_view").fetchall()
    assert rows == [("焦作市医疗保障局", "410800", "万元", 4.35), ("高台县医疗保障局", "620724", "万元", 1.06)]
    assert units == [("万元",)]


def test_the_builds_search_tokens_are_the_plugins(seed_packages):
    """The build splits text with str.translate; the site splits queries with plugin.cjk_tokens: they must agree."""
    import random

    from converter.package import read_package
    from converter.site import database
    from converter.site.plugin import cjk_tokens

    texts = [
        record[name]
        for package in seed_packages.values()
        for resource, records in read_package(package)[1].items()
        for record in records
        for name in database.FTS_COLUMNS.get(resource, [])
    ]
    alphabet = "公务接待费（）：，。、 \t\n\u3000\u00a0\u2003\x1cａＺ１abc12.-\"'"
    generator = random.Random(7)
    texts += ["".join(generator.choice(alphabet) for _ in range(generator.randrange(12))) for _ in range(2000)]
    assert len(texts) > 3000
    assert [database.search_tokens(text) for text in texts] == [cjk_tokens(text) for text in texts]
    assert database._tokenizer() is database._fast_tokens  # the fast one is in use


@pytest.fixture
def default_csv_field_limit():
    """The csv module's default field limit (frictionless raises it process-wide when it is imported)."""
    import csv

    before = csv.field_size_limit(131_072)
    yield
    csv.field_size_limit(before)


def test_a_field_over_the_csv_limit_is_refused_without_a_crash(seed_packages, tmp_path, default_csv_field_limit):
    from converter.validate import validate_package

    package = Path(shutil.copytree(seed_packages["002"], tmp_path / "in" / seed_packages["002"].name))
    narrative = package / "narrative.csv"
    lines = narrative.read_text(encoding="utf-8").splitlines(keepends=True)
    cells = lines[1].split(",")
    cells[-2] = "长" * 200_000  # a cell far over csv.field_size_limit()
    narrative.write_text(lines[0] + ",".join(cells) + "".join(lines[2:]), encoding="utf-8")
    assert any("field larger than field limit" in str(p) for p in validate_package(package, frictionless=False))
    result = build_database([package, seed_packages["001"]], tmp_path / "juesuan.db")
    assert result.loaded == [seed_packages["001"].name]
    assert "field larger than field limit" in result.refused[str(package)]
