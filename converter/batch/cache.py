"""The content index of an output folder: source sha256 + converter fingerprint → the package converted from it.

An input whose bytes and converter are unchanged since its package was written is skipped in a stat call. The index
is `<out>/.juesuan-index.json`, written atomically; a package removed or rewritten since is converted again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import cache
from pathlib import Path

from converter import __version__

INDEX_NAME = ".juesuan-index.json"
CHUNK = 1024 * 1024


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


NOT_IN_PACKAGES = ("batch", "site", "cli.py")  # code that never changes what a package holds


@cache
def converter_fingerprint() -> str:
    """The converter's version plus a hash of the code and schemas that make packages: an edited converter
    converts again (editing the batch runner, the CLI or the site does not)."""
    import converter
    from converter.registry import SCHEMA_DIR

    digest = hashlib.sha256()
    code = Path(converter.__file__).parent
    sources = [p for p in sorted(code.rglob("*.py")) if p.relative_to(code).parts[0] not in NOT_IN_PACKAGES]
    for root, files in ((code, sources), (SCHEMA_DIR, sorted(SCHEMA_DIR.rglob("*.json")))):
        for path in files:
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def _stamp(package: Path) -> list[int] | None:
    try:
        stat = (package / "datapackage.json").stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


class ContentIndex:
    """Lookups and records of one output folder's index (written back by `save`)."""

    def __init__(self, out_dir: Path, fingerprint: str | None = None) -> None:
        self.path = out_dir / INDEX_NAME
        self.fingerprint = fingerprint or converter_fingerprint()
        self.entries = self._read()
        self.changed: dict[str, dict] = {}

    def _read(self) -> dict[str, dict]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return dict(data["entries"])
        except (OSError, ValueError, KeyError, TypeError):
            return {}

    def _key(self, sha256: str) -> str:
        return f"{sha256} {self.fingerprint}"

    def lookup(self, sha256: str) -> dict | None:
        """The package converted from these bytes by this converter, if it is still there unchanged."""
        entry = self.entries.get(self._key(sha256))
        if not entry or _stamp(self.path.parent / entry["report_id"]) != entry.get("stamp"):
            return None
        return entry

    def record(self, sha256: str, report_id: str, source: str) -> None:
        stamp = _stamp(self.path.parent / report_id)
        if stamp is not None:
            entry = {"report_id": report_id, "source": source, "stamp": stamp}
            self.entries[self._key(sha256)] = self.changed[self._key(sha256)] = entry

    def save(self) -> None:
        """Merge this run's records into the index on disk (another run may have written it meanwhile)."""
        if not self.changed or not self.path.parent.is_dir():
            return
        entries = {**self._read(), **self.changed}
        fd, temp = tempfile.mkstemp(prefix=f"{INDEX_NAME}.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"version": 1, "entries": entries}, handle, ensure_ascii=False, separators=(",", ":"))
            os.chmod(temp, 0o644)
            os.replace(temp, self.path)
        finally:
            if os.path.exists(temp):
                os.unlink(temp)
        self.changed.clear()
