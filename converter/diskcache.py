"""What costs milliseconds to build at every start (the compiled validators, the places index, the compiled regular
expressions), kept on disk.

Files live in `$JUESUAN_CACHE_DIR`, else `$XDG_CACHE_HOME/juesuan/` (`~/.cache/juesuan/`), named by a hash of
everything the value is built from (and the Python bytecode version), so a changed input never meets an old value.
A file is written whole or not at all; one that cannot be read, or read back, is built again; a folder that cannot
be written is simply not used.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def cache_dir() -> Path:
    if os.environ.get("JUESUAN_CACHE_DIR"):
        return Path(os.environ["JUESUAN_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "juesuan"


def cache_path(name: str, key: bytes) -> Path:
    from importlib.util import MAGIC_NUMBER

    return cache_dir() / f"{name}-{hashlib.sha256(MAGIC_NUMBER + key).hexdigest()[:16]}"


def load_or_build(name: str, key: bytes, build: Callable[[], T], dumps: Callable[[T], bytes],
                  loads: Callable[[bytes], T]) -> T:
    """The value stored under (name, key), else `build()` (stored for the next process)."""
    value = load(name, key, loads)
    if value is None:
        value = build()
        store(name, key, dumps(value))
    return value


def load(name: str, key: bytes, loads: Callable[[bytes], T]) -> T | None:
    """The value stored under (name, key), or None when there is none that `loads` accepts."""
    try:
        return loads(cache_path(name, key).read_bytes())
    except Exception:  # missing, unreadable, damaged, or of another shape
        return None


def store(name: str, key: bytes, data: bytes) -> None:
    """Keep `data` under (name, key) for the next process (replacing what was there)."""
    path = cache_path(name, key)
    temp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)  # whole or absent, even with concurrent writers
    except OSError:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)
