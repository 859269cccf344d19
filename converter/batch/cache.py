"""The content index of an output folder: source sha256 + converter fingerprint → the package converted from it.

An input whose bytes and converter are unchanged since its package was written is skipped after one indexed lookup and
one stat call. The index is `<out>/.juesuan-index.sqlite` (SQLite: looked up row by row, never loaded whole, so memory
stays flat however many packages it holds; safe for concurrent runs); a package removed or rewritten since is
converted again.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from converter import __version__

INDEX_NAME = ".juesuan-index.sqlite"
CHUNK = 1024 * 1024


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


NOT_IN_PACKAGES = ("batch", "site", "cli.py")  # code that never changes what a package holds


def _fingerprinted() -> list[tuple[Path, list[Path]]]:
    """(root, files) of the code and schemas that make packages."""
    import converter
    from converter.registry import SCHEMA_DIR

    code = Path(converter.__file__).parent
    sources = [p for p in sorted(code.rglob("*.py")) if p.relative_to(code).parts[0] not in NOT_IN_PACKAGES]
    return [(code, sources), (SCHEMA_DIR, sorted(SCHEMA_DIR.rglob("*.json")))]


@cache
def converter_fingerprint() -> str:
    """The converter's version plus a hash of the code and schemas that make packages: an edited converter
    converts again (editing the batch runner, the CLI or the site does not). Kept in the disk cache under the files'
    names, sizes and modification times (hashing ~0.6 MB of code costs more than the rest of an unchanged input)."""
    from converter.diskcache import load_or_build

    roots = _fingerprinted()
    stamps = [(str(path), stat.st_size, stat.st_mtime_ns) for _, files in roots for path in files
              for stat in [path.stat()]]
    return load_or_build("fingerprint", repr(stamps).encode(), lambda: _content_fingerprint(roots), str.encode,
                         bytes.decode)


def _content_fingerprint(roots: list[tuple[Path, list[Path]]]) -> str:
    digest = hashlib.sha256()
    for root, files in roots:
        for path in files:
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def _stamp(package: Path) -> tuple[int, int] | None:
    try:
        stat = (package / "datapackage.json").stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


SCHEMA = """create table if not exists packages (
    sha256 text not null, converter text not null, report_id text not null, source text,
    size integer, mtime_ns integer, primary key (sha256, converter))"""
RECORDS_PER_COMMIT = 200


class ContentIndex:
    """Lookups in and records to one output folder's index (records are committed in batches and by `close`)."""

    def __init__(self, out_dir: Path, fingerprint: str | None = None) -> None:
        self.path = out_dir / INDEX_NAME
        self.fingerprint = fingerprint or converter_fingerprint()
        self.records: list[tuple] = []
        self._db = None

    def _connect(self, create: bool):
        if self._db is None and (create or self.path.is_file()):
            import sqlite3

            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=60)
            self._db.execute(SCHEMA)
        return self._db

    def lookup(self, sha256: str) -> dict | None:
        """The package converted from these bytes by this converter, if it is still there unchanged."""
        db = self._connect(create=False)
        row = db.execute("select report_id, source, size, mtime_ns from packages where sha256 = ? and converter = ?",
                         (sha256, self.fingerprint)).fetchone() if db else None
        if row is None or _stamp(self.path.parent / row[0]) != (row[2], row[3]):
            return None
        return {"report_id": row[0], "source": row[1]}

    def record(self, sha256: str, report_id: str, source: str) -> None:
        stamp = _stamp(self.path.parent / report_id)
        if stamp is not None:
            self.records.append((sha256, self.fingerprint, report_id, source, *stamp))
        if len(self.records) >= RECORDS_PER_COMMIT:
            self.save()

    def save(self) -> None:
        if not self.records:
            return
        db = self._connect(create=True)
        with db:
            db.executemany("insert or replace into packages values (?, ?, ?, ?, ?, ?)", self.records)
        self.records.clear()

    def close(self) -> None:
        try:
            self.save()
        finally:
            if self._db is not None:
                self._db.close()
                self._db = None
