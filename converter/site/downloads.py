"""The site's download folder: `<db>_files/packages/<report_id>/` (a copy of the loaded package) and `<report_id>.zip`.

A copy is what the database holds for that report: the build removes the copies of the packages it replaces or
removes before it swaps the database in, and writes the new copies after. A package whose files equal its copy is
therefore unchanged and is not read again. Copies keep the files' modification times, so that comparison is a
stat in the common case. New copies are staged as dot-names and renamed into place.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import zipfile
from pathlib import Path

from converter import registry

ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def package_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file())


def same_files(folder: Path, copy: Path) -> bool:
    """The package's top-level files and the copy's are the same names with the same bytes."""
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if entry.is_file())
        copied = sorted(entry.name for entry in os.scandir(copy) if entry.is_file())
    except OSError:
        return False
    if names != copied:
        return False
    for name in names:
        source, target = (folder / name).stat(), (copy / name).stat()
        if source.st_size != target.st_size:
            return False
        if source.st_mtime_ns != target.st_mtime_ns and not filecmp.cmp(folder / name, copy / name, shallow=False):
            return False
    return True


def stage(folder: Path, report_id: str, packages: Path) -> None:
    """Write `.<report_id>.new/` (the files, times kept) and `.<report_id>.zip.new` (deterministic zip)."""
    target = packages / f".{report_id}.new"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    with zipfile.ZipFile(packages / f".{report_id}.zip.new", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for path in package_files(folder):
            shutil.copy2(path, target / path.name)
            info = zipfile.ZipInfo(f"{report_id}/{path.name}", ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes(), compresslevel=1)


def publish(report_id: str, packages: Path) -> None:
    """Rename a staged copy and zip into place."""
    remove(report_id, packages)
    (packages / f".{report_id}.new").rename(packages / report_id)
    os.replace(packages / f".{report_id}.zip.new", packages / f"{report_id}.zip")


def remove(report_id: str, packages: Path) -> None:
    shutil.rmtree(packages / report_id, ignore_errors=True)
    (packages / f"{report_id}.zip").unlink(missing_ok=True)


def clean_staged(packages: Path) -> None:
    """Remove staged copies (dot-names) left by an interrupted build."""
    if not packages.is_dir():
        return
    for entry in os.scandir(packages):
        if entry.name.startswith("."):
            shutil.rmtree(entry.path) if entry.is_dir() else os.unlink(entry.path)


def keep_only(report_ids: set[str], packages: Path) -> None:
    """Remove the copies of reports the database does not hold."""
    for entry in os.scandir(packages):
        name = entry.name.removesuffix(".zip") if entry.is_file() else entry.name
        if name not in report_ids:
            shutil.rmtree(entry.path) if entry.is_dir() else os.unlink(entry.path)


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
