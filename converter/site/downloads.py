"""The site's download folder: `<db>_files/packages/<report_id>/` (a copy of the loaded package) and `<report_id>.zip`.

A copy is what the database holds for that report: the build removes the copies of the packages it replaces or
removes before it swaps the database in, and writes the new copies after. A package whose files equal its copy is
therefore unchanged and is not read again. Copies keep the files' modification times, so that comparison is a
stat in the common case. New copies are staged in a dot-named folder and renamed into place.
"""

from __future__ import annotations

import contextlib
import filecmp
import os
import shutil
import zipfile
from pathlib import Path

from converter import registry

ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def same_files(folder: Path, copy: Path) -> bool:
    """The package's top-level files and the copy's are the same names with the same bytes."""
    try:
        files = {entry.name: entry for entry in os.scandir(folder) if entry.is_file()}
        copied = {entry.name: entry for entry in os.scandir(copy) if entry.is_file()}
    except OSError:
        return False
    if files.keys() != copied.keys():
        return False
    for name, entry in files.items():
        source, target = entry.stat(), copied[name].stat()
        if source.st_size != target.st_size:
            return False
        if source.st_mtime_ns != target.st_mtime_ns and not filecmp.cmp(entry.path, copied[name].path, shallow=False):
            return False
    return True


def staging(packages: Path) -> Path:
    """This build's staging folder (a dot-name beside the copies; a killed build's is removed by the next one)."""
    return packages / f".staging-{os.getpid()}"


def stage(files: dict[str, tuple[bytes, int]], report_id: str, staged: Path) -> None:
    """Write `<staged>/<report_id>/` (the package's files, name → (bytes, mtime ns), modification times kept) and
    `<staged>/<report_id>.zip` (deterministic zip)."""
    target = staged / report_id
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    with zipfile.ZipFile(staged / f"{report_id}.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, (data, mtime) in sorted(files.items()):
            copy = target / name
            copy.write_bytes(data)
            os.utime(copy, ns=(mtime, mtime))
            info = zipfile.ZipInfo(f"{report_id}/{name}", ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=1)


def publish(report_id: str, staged: Path, packages: Path) -> None:
    """Rename a staged copy and zip into place."""
    remove(report_id, packages)
    (staged / report_id).rename(packages / report_id)
    os.replace(staged / f"{report_id}.zip", packages / f"{report_id}.zip")


def remove(report_id: str, packages: Path) -> None:
    shutil.rmtree(packages / report_id, ignore_errors=True)
    (packages / f"{report_id}.zip").unlink(missing_ok=True)


def clean_staged(packages: Path) -> None:
    """Remove dot-names (staging folders, swapped-out schemas) left by an interrupted build."""
    if not packages.is_dir():
        return
    for entry in os.scandir(packages):
        if entry.name.startswith("."):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)


def keep_only(report_ids: set[str], packages: Path) -> None:
    """Remove the copies of reports the database does not hold."""
    for entry in os.scandir(packages):
        name = entry.name.removesuffix(".zip") if entry.is_file() else entry.name
        if name not in report_ids and not name.startswith("."):
            shutil.rmtree(entry.path, ignore_errors=True) if entry.is_dir() else os.unlink(entry.path)


def write_schemas(target: Path) -> None:
    """The JSON Schemas and code lists, with an index page linking them (written to a temp folder, then swapped)."""
    temp = target.with_name(f".{target.name}.new")
    shutil.rmtree(temp, ignore_errors=True)
    shutil.copytree(registry.SCHEMA_DIR, temp)
    links = "\n".join(
        f'<li><a href="{path.relative_to(temp).as_posix()}">{path.relative_to(temp).as_posix()}</a></li>'
        for path in sorted(temp.rglob("*"))
        if path.is_file()
    )
    head = "<!DOCTYPE html>\n<meta charset=utf-8><title>juesuan schemas</title>\n<h1>数据结构 Schemas</h1>"
    (temp / "index.html").write_text(f"{head}\n<ul>\n{links}\n</ul>\n", encoding="utf-8")
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    temp.rename(target)
    shutil.rmtree(old, ignore_errors=True)
