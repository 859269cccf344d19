"""The site's download folder: `<db>_files/packages/<report_id>/` (a copy of the loaded package) and `<report_id>.zip`.

A copy is what the database holds for that report: the build removes the copies of the packages it replaces or
removes before it swaps the database in, and writes the new copies after. A package whose files equal its copy is
therefore unchanged and is not read again. Copies keep the files' modification times, so that comparison is a
stat in the common case. New copies are staged in a dot-named folder and renamed into place.

A copy's file is a hard link to the package's file when both are on one file system and the file still holds the
bytes the build read (else the bytes are written): no data is copied. A package file edited in place then changes
its copy too, so for a linked file the zip, written after the links from the bytes read, is the record of what was
loaded: a linked file whose inode changed (ctime) after the zip was written is compared with the zip's CRC-32 and
size. (Tools that rewrite a file — `juesuan convert`, editors saving through a new file — give it a new inode.)
"""

from __future__ import annotations

import contextlib
import filecmp
import os
import shutil
import zipfile
import zlib
from pathlib import Path

from converter import registry

ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def same_files(folder: Path, copy: Path) -> bool:
    """The package's top-level files and the copy's are the same names with the same bytes."""
    try:
        files = {entry.name: entry for entry in os.scandir(folder) if entry.is_file()}
        copied = {entry.name: entry for entry in os.scandir(copy) if entry.is_file()}
        if files.keys() != copied.keys():
            return False
        loaded = os.stat(copy.with_name(f"{copy.name}.zip")).st_mtime_ns
        for name, entry in files.items():
            source, target = entry.stat(), copied[name].stat()
            if source.st_size != target.st_size:
                return False
            if (source.st_ino, source.st_dev) == (target.st_ino, target.st_dev):  # a link: changed since loaded?
                if source.st_ctime_ns > loaded and not _as_zipped(entry.path, copy, name):
                    return False
            elif source.st_mtime_ns != target.st_mtime_ns and not filecmp.cmp(entry.path, copied[name].path, False):
                return False
    except (OSError, KeyError, zipfile.BadZipFile):  # KeyError: a file the zip does not hold
        return False
    return True


def _as_zipped(path: str, copy: Path, name: str) -> bool:
    """The file holds the bytes the copy's zip was written from (same size and CRC-32)."""
    with zipfile.ZipFile(copy.with_name(f"{copy.name}.zip")) as archive:
        info = archive.getinfo(f"{copy.name}/{name}")
    with open(path, "rb") as handle:
        data = handle.read()
    return len(data) == info.file_size and zlib.crc32(data) == info.CRC


def _link(source: Path, copy: Path, data: bytes, mtime: int) -> bool:
    """Hard-link the package's file as its copy when it still holds the bytes read (size and mtime as read)."""
    try:
        os.link(source, copy)
    except OSError:  # another file system, links not supported, too many links
        return False
    linked = os.stat(copy)
    if linked.st_size != len(data) or linked.st_mtime_ns != mtime:  # written since it was read
        os.unlink(copy)
        return False
    return True


def staging(packages: Path) -> Path:
    """This build's staging folder (a dot-name beside the copies; a killed build's is removed by the next one)."""
    return packages / f".staging-{os.getpid()}"


def stage(files: dict[str, tuple[bytes, int]], report_id: str, staged: Path, folder: Path | None = None) -> None:
    """Write `<staged>/<report_id>/` (the package's files, name → (bytes, mtime ns), modification times kept; hard
    links to the files of the package `folder` where possible) and then `<staged>/<report_id>.zip` (deterministic)."""
    target = staged / report_id
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name, (data, mtime) in files.items():
        copy = target / name
        if folder is None or not _link(folder / name, copy, data, mtime):
            copy.write_bytes(data)
            os.utime(copy, ns=(mtime, mtime))
    with zipfile.ZipFile(staged / f"{report_id}.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, (data, _) in sorted(files.items()):
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
