"""Which files a batch converts: files as given; a folder stands for the report files below it, or is one report
when it holds only page images."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from converter.readers import REPORT_SUFFIXES, page_images

LEGACY_SUFFIXES = frozenset({".doc", ".wps"})  # tried, so that the reader says how to save them


def _hidden(path: Path, folder: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(folder).parts)


def expand_inputs(paths: list[Path], exclude: Path | None = None) -> Iterator[tuple[Path, bool]]:
    """(file, supported) for every input: named files are always tried; below a folder, files with a report suffix
    (and legacy Office files, which the reader refuses clearly) are tried and any other file is listed unsupported.
    Hidden files and folders and the `exclude` folder (the output) are left out."""
    excluded = exclude.resolve() if exclude is not None and exclude.is_dir() else None
    for path in paths:
        if not path.is_dir() or page_images(path):
            yield path, True
            continue
        for child in sorted(path.rglob("*")):
            if not child.is_file() or _hidden(child, path):
                continue
            if excluded is not None and child.resolve().is_relative_to(excluded):
                continue
            suffix = child.suffix.lower()
            yield child, suffix in REPORT_SUFFIXES or suffix in LEGACY_SUFFIXES
