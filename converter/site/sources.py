"""Each loaded report's source file, served beside its package so that a figure's `#page=N` link opens its page.

A report's source (reports.source_file, accepted only when its sha256 is reports.source_sha256) is looked for in
its package folder, then at the input path `juesuan convert` recorded in the content index of the folder it wrote the
package into (`.juesuan-index.sqlite`), then by name in the folders given to `juesuan build --sources DIR`. It is
copied to `<db>_files/sources/<report_id>/<source_file>` (written under a dot-name, then renamed); a report whose
source is found nowhere has no source link. Sources of reports the database no longer holds are removed.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path

from converter.batch.cache import INDEX_NAME, file_sha256
from converter.site import downloads
from converter.site.loading import read_identity

SOURCES_DIR = "sources"


def source_path(files: Path, report_id: str, source_file: str) -> Path:
    """Where the download folder keeps a report's source."""
    return files / SOURCES_DIR / report_id / Path(source_file).name


def _indexed_inputs(folder: Path, sha256: str) -> Iterator[Path]:
    """Input paths the content index beside a package folder recorded for these bytes."""
    index = folder.parent / INDEX_NAME
    if not index.is_file():
        return
    try:
        conn = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
        try:
            rows = conn.execute("select source from packages where sha256 = ?", [sha256]).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return
    for (source,) in rows:
        path = Path(source)
        yield path
        if not path.is_absolute():
            yield folder.parent / path


class _Finder:
    """Candidate files for a report's source: in its package, at its recorded input, by name in the search folders."""

    def __init__(self, search: Iterable[Path]) -> None:
        self.search = [Path(folder) for folder in search]
        self._by_name: dict[str, list[Path]] | None = None

    def by_name(self, name: str) -> list[Path]:
        if self._by_name is None:
            self._by_name = {}
            for folder in self.search:
                for path in sorted(folder.rglob("*")) if folder.is_dir() else [folder]:
                    if path.is_file():
                        self._by_name.setdefault(path.name, []).append(path)
        return self._by_name.get(name, [])

    def find(self, folder: Path | None, name: str, sha256: str) -> Path | None:
        candidates: list[Path] = []
        if folder is not None:
            candidates += [folder / name, *_indexed_inputs(folder, sha256)]
        candidates += self.by_name(name)
        for path in candidates:
            try:
                if path.is_file() and file_sha256(path) == sha256:
                    return path
            except OSError:
                continue
        return None


def publish_sources(
    db: Path, files: Path, packages: list[Path], search: Iterable[Path] = (), problems: dict[str, str] | None = None
) -> int:
    """Bring `<files>/sources/` to the sources of the reports in the database; the number of reports with one.

    A source that cannot be copied (full disk) is left out, its report id → reason added to `problems`.
    """
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        reports = conn.execute("select report_id, source_file, source_sha256 from reports").fetchall()
    finally:
        conn.close()
    root = files / SOURCES_DIR
    root.mkdir(parents=True, exist_ok=True)
    downloads.clean_staged(root)
    downloads.keep_only({report_id for report_id, _, _ in reports}, root)
    folder_of = _package_folders(packages)
    finder = _Finder(search)
    found = 0
    for report_id, source_file, sha256 in reports:
        name = Path(source_file or "").name
        if not name or name.startswith(".") or not sha256:
            continue
        target = source_path(files, report_id, name)
        if not target.is_file():
            path = finder.find(folder_of(report_id), name, sha256)
            if path is None:
                continue
            temp = root / f".{report_id}.tmp"
            try:
                shutil.copyfile(path, temp)
                target.parent.mkdir(exist_ok=True)
                os.replace(temp, target)
            except OSError as exc:
                temp.unlink(missing_ok=True)
                if problems is not None:
                    problems[report_id] = f"{path}: not copied ({exc.strerror or exc})"
                continue
        found += 1
    return found


def _package_folders(packages: list[Path]) -> Callable[[str], Path | None]:
    """report_id → its package folder: by the folder's name, else by its reports.csv (read when first needed)."""
    named = {folder.name: folder for folder in packages}

    @cache
    def identities() -> dict[str, Path]:
        found: dict[str, Path] = {}
        for folder in packages:
            identity = read_identity(folder)
            if identity:
                found.setdefault(identity[0], folder)
        return found

    return lambda report_id: named.get(report_id) or identities().get(report_id)
