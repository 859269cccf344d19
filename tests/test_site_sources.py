"""`juesuan build` serves each report's source file: found in its package, at the input `juesuan convert` recorded, or
by name in `--sources` folders; only the bytes whose sha256 the report names; removed with the report."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import SEED_FILES
from typer.testing import CliRunner

from converter.batch import BatchOptions, run_batch
from converter.cli import app
from converter.site.database import build_database, files_dir
from converter.site.sources import source_path


def served(db: Path) -> dict[str, bytes]:
    """report id → the bytes of the source file the site serves for it."""
    root = files_dir(db) / "sources"
    return {path.parent.name: path.read_bytes() for path in sorted(root.glob("*/*"))}


def test_the_input_recorded_by_convert_is_served(tmp_path):
    source = Path(shutil.copy(SEED_FILES["002"], tmp_path / SEED_FILES["002"].name))
    run_batch([source], BatchOptions(out_dir=tmp_path / "packages"))
    package = next(p for p in (tmp_path / "packages").iterdir() if p.is_dir())
    db = tmp_path / "site" / "juesuan.db"
    assert build_database([package], db).sources == 1
    assert served(db) == {package.name: source.read_bytes()}
    assert source_path(files_dir(db), package.name, source.name).is_file()


def test_sources_are_found_by_name_and_checked_by_sha256(seed_packages, tmp_path):
    folder = tmp_path / "originals"
    (folder / "nested").mkdir(parents=True)
    shutil.copy(SEED_FILES["000"], folder / "nested" / SEED_FILES["000"].name)
    (folder / SEED_FILES["001"].name).write_text("another file under the same name", encoding="utf-8")
    db = tmp_path / "site" / "juesuan.db"
    packages = [seed_packages["000"], seed_packages["001"]]
    result = build_database(packages, db, sources=[folder])
    assert result.sources == 1  # 001's name matches a file whose bytes are not its source
    assert served(db) == {seed_packages["000"].name: SEED_FILES["000"].read_bytes()}


def test_a_package_carrying_its_source_serves_it(seed_packages, tmp_path):
    package = Path(shutil.copytree(seed_packages["003"], tmp_path / "in" / seed_packages["003"].name))
    shutil.copy(SEED_FILES["003"], package / SEED_FILES["003"].name)
    db = tmp_path / "site" / "juesuan.db"
    result = build_database([package], db)
    assert result.refused == {} and result.sources == 1
    assert served(db) == {package.name: SEED_FILES["003"].read_bytes()}


def test_a_removed_reports_source_goes_and_a_kept_one_stays(seed_packages, tmp_path):
    db = tmp_path / "site" / "juesuan.db"
    packages = [seed_packages["000"], seed_packages["002"]]
    assert build_database(packages, db, sources=[SEED_FILES["000"].parent]).sources == 2
    result = build_database([seed_packages["002"]], db)  # no --sources: the copy already served stays
    assert result.removed == [seed_packages["000"].name] and result.sources == 1
    assert served(db) == {seed_packages["002"].name: SEED_FILES["002"].read_bytes()}


def test_build_command_takes_source_folders(seed_packages, tmp_path):
    db = tmp_path / "site" / "juesuan.db"
    command = ["build", str(seed_packages["004"]), "--db", str(db), "--sources", str(SEED_FILES["004"].parent)]
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 0, result.output
    assert "1 source file(s)" in result.output
    assert served(db) == {seed_packages["004"].name: SEED_FILES["004"].read_bytes()}
