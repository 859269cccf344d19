"""Only real packages are packages: what a killed convert leaves (`.<id>.*` folders) is never loaded by build,
validate or check, and the stale leftovers are removed (or a backup restored) by the next convert or build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import seed

from converter.convert import convert_file
from converter.package import PackageError, clean_leftovers, find_packages, write_package
from converter.site.database import build_database


def dead_pid() -> int:
    """The id of a process that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def juesuan(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "converter.cli", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture
def folder_with_leftovers(seed_packages, tmp_path) -> tuple[Path, dict[str, Path]]:
    """One real package beside the folders a convert killed at each step would leave."""
    out = tmp_path / "out"
    real = Path(shutil.copytree(seed_packages["001"], out / seed_packages["001"].name))
    name = real.name
    partial = out / f".{name}.{dead_pid()}.k3j4h5g6.tmp"  # killed while writing: some files only
    partial.mkdir()
    for path in sorted(real.iterdir())[:4]:
        if path.is_file():
            shutil.copyfile(path, partial / path.name)
    shutil.copyfile(real / "datapackage.json", partial / "datapackage.json")
    (partial / "reports.csv").write_text((real / "reports.csv").read_text(encoding="utf-8")[:150], encoding="utf-8")
    legacy = Path(shutil.copytree(real, out / f".{name}.ab12cd34"))  # a temp folder of an older version
    backup = Path(shutil.copytree(real, out / f".{name}.{dead_pid()}.old"))
    live = Path(shutil.copytree(real, out / f".{name}.{os.getpid()}.zz99yy88.tmp"))  # a write still running
    return out, {"real": real, "partial": partial, "legacy": legacy, "backup": backup, "live": live}


def test_find_packages_skips_temporary_and_backup_folders(folder_with_leftovers):
    out, folders = folder_with_leftovers
    assert find_packages([out]) == [folders["real"]]
    with pytest.raises(PackageError, match="temporary or backup folder"):
        find_packages([folders["partial"]])
    with pytest.raises(PackageError, match="temporary or backup folder"):
        find_packages([folders["backup"] / "datapackage.json"])


def test_validate_and_check_see_only_the_real_package(folder_with_leftovers):
    out, folders = folder_with_leftovers
    validated = juesuan("validate", str(out), "--json")
    assert validated.returncode == 0, validated.stderr
    assert str(folders["real"]) in validated.stdout
    assert str(folders["partial"]) not in validated.stdout
    checked = juesuan("check", str(out), "--json")
    assert checked.returncode == 0 and "Traceback" not in checked.stderr
    assert checked.stdout.count('"report_id"') == 1


def test_build_loads_only_the_real_package_and_removes_the_stale_leftovers(folder_with_leftovers, tmp_path):
    out, folders = folder_with_leftovers
    result = build_database(find_packages([out]), tmp_path / "site" / "juesuan.db")
    assert result.loaded == [folders["real"].name] and result.refused == {}
    assert not folders["partial"].exists() and not folders["legacy"].exists() and not folders["backup"].exists()
    assert folders["live"].exists()  # its process is running: not stale
    assert folders["real"].exists()


def test_a_backup_whose_package_went_missing_is_restored(seed_packages, tmp_path):
    out = tmp_path / "out"
    name = seed_packages["002"].name
    backup = Path(shutil.copytree(seed_packages["002"], out / f".{name}.{dead_pid()}.old"))
    assert clean_leftovers(out) == [backup]
    assert (out / name / "datapackage.json").is_file() and not backup.exists()


def test_a_write_cleans_stale_leftovers_and_leaves_none_of_its_own(seed_packages, tmp_path):
    out = tmp_path / "out"
    name = seed_packages["003"].name
    stale = Path(shutil.copytree(seed_packages["003"], out / f".{name}.{dead_pid()}.aaaa1111.tmp"))
    write_package(convert_file(seed("003")), out)
    write_package(convert_file(seed("003")), out, force=True)
    assert sorted(p.name for p in out.iterdir()) == [name] and not stale.exists()


def test_check_names_a_partial_package_in_one_line(seed_packages, tmp_path):
    partial = Path(shutil.copytree(seed_packages["001"], tmp_path / seed_packages["001"].name))
    (partial / "three_public.csv").unlink()
    (partial / "narrative.csv").write_text("report_id,section\n", encoding="utf-8")
    checked = juesuan("check", str(partial))
    assert checked.returncode == 2
    assert "Traceback" not in checked.stderr and len(checked.stderr.strip().splitlines()) == 1
    assert str(partial) in checked.stderr
