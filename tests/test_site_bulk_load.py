"""The bulk load of `juesuan build`: packages the converter recorded as validated skip the row validation, shards
written by workers merge into the same database as one process writes — both ways give every table's rows alike."""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
from pathlib import Path

from converter.site.database import build_database
from converter.site.loading import read_loadable
from converter.site.shards import SHARD_PACKAGES

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))
import bench_site  # noqa: E402  (generates packages from the seed packages)
from test_site_incremental import content  # noqa: E402  (every table's rows and full-text entries)


def without_record(package: Path, folder: Path) -> Path:
    """A copy of the package without the converter's record of its validation (as another tool would write it)."""
    copy = Path(shutil.copytree(package, folder / package.name))
    meta = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    del meta["juesuan"]["validated"]
    (copy / "datapackage.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return copy


def test_the_converter_records_what_it_validated_and_the_build_trusts_only_that(seed_packages, tmp_path):
    package = seed_packages["002"]
    record = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))["juesuan"]["validated"]
    assert set(record["files_sha256"]) == {path.name for path in package.glob("*.csv")}
    assert read_loadable(package).validated is False  # ours and unchanged: its rows are not validated again
    assert read_loadable(without_record(package, tmp_path / "other")).validated is True
    edited = Path(shutil.copytree(package, tmp_path / "edited" / package.name))
    text = (edited / "three_public.csv").read_text(encoding="utf-8")
    (edited / "three_public.csv").write_text(text.replace(",6.50,", ",6.60,"), encoding="utf-8")  # still valid
    assert read_loadable(edited).validated is True and not read_loadable(edited).problems
    (edited / "three_public.csv").write_text(text.replace(",6.50,", ",6.5O,"), encoding="utf-8")  # letter O
    assert read_loadable(edited).problems
    schemas = Path(shutil.copytree(package, tmp_path / "schemas" / package.name))
    meta = json.loads((schemas / "datapackage.json").read_text(encoding="utf-8"))
    meta["juesuan"]["validated"]["schemas_sha256"] = "0" * 64  # validated against other schemas
    (schemas / "datapackage.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    assert read_loadable(schemas).validated is True


def test_trusted_and_validated_packages_load_the_same_rows(seed_packages, tmp_path):
    packages = list(seed_packages.values())
    trusted = build_database(packages, tmp_path / "trusted" / "juesuan.db")
    assert len(trusted.loaded) == 5 and trusted.validated == []
    others = [without_record(package, tmp_path / "others") for package in packages]
    validated = build_database(others, tmp_path / "validated" / "juesuan.db")
    asked = build_database(packages, tmp_path / "asked" / "juesuan.db", validate_all=True)
    assert validated.validated == asked.validated == trusted.loaded
    assert trusted.rows == validated.rows == asked.rows
    reference = content(tmp_path / "trusted" / "juesuan.db")
    assert content(tmp_path / "validated" / "juesuan.db") == content(tmp_path / "asked" / "juesuan.db") == reference


def test_shards_written_by_workers_give_the_database_one_process_writes(seed_packages, tmp_path):
    seeds = sorted(seed_packages.values())
    count = 2 * SHARD_PACKAGES + 3  # three shards
    for number in range(count):
        bench_site.variant(seeds[number % len(seeds)], number, tmp_path / "packages")
    packages = sorted((tmp_path / "packages").iterdir())
    one, two = tmp_path / "one" / "juesuan.db", tmp_path / "two" / "juesuan.db"
    first = build_database(packages, one, workers=1)
    second = build_database(packages, two, workers=2)
    assert len(first.loaded) == len(second.loaded) == count
    assert one.read_bytes() == two.read_bytes()
    conn = sqlite3.connect(one)
    assert conn.execute("SELECT count(*) FROM reports").fetchone() == (count,)
    rowids = [row[0] for row in conn.execute("SELECT rowid FROM findings ORDER BY rowid")]
    assert rowids == list(range(1, len(rowids) + 1))  # rowids continue from shard to shard
    assert not list((tmp_path / "one" / "juesuan_files" / "packages").glob(".*"))  # no shard or staging left
