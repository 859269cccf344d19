"""The schemas' JSON Schema validators compiled to Python by fastjsonschema, and kept compiled on disk.

Generating and compiling the twenty validators costs about 30 ms, a tenth of a one-report `juesuan convert`; their
code objects are therefore kept in `$XDG_CACHE_HOME/juesuan/` (`~/.cache/juesuan/`, or `JUESUAN_CACHE_DIR`), under a
name that hashes the schemas, the fastjsonschema version and the Python bytecode version, so a changed schema or
library never meets an old validator. A cache that cannot be read or written is simply not used.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import os
import re
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from converter import registry

_FUNCTION = re.compile(r"^def (\w+)\(", re.M)


def cache_dir() -> Path:
    if os.environ.get("JUESUAN_CACHE_DIR"):
        return Path(os.environ["JUESUAN_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "juesuan"


def _cache_key(version: str) -> str:
    from importlib.util import MAGIC_NUMBER

    digest = hashlib.sha256(MAGIC_NUMBER + version.encode())
    digest.update(json.dumps(registry.load_schemas(), sort_keys=True).encode())
    return digest.hexdigest()[:16]


def _generate(resource: str) -> tuple[str, Any]:
    """(function name, code object) of one resource's validator."""
    import fastjsonschema

    source = fastjsonschema.compile_to_code(registry.schema(resource), detailed_exceptions=False)
    (name,) = _FUNCTION.findall(source)  # the schemas have no $ref: one function each
    return name, compile(source, f"<validator of {resource}>", "exec")


def _load(path: Path) -> dict[str, tuple[str, Any]] | None:
    try:
        codes = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return codes if isinstance(codes, dict) and set(codes) == set(registry.resource_names()) else None


def _store(path: Path, codes: dict[str, tuple[str, Any]]) -> None:
    temp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temp = tempfile.mkstemp(dir=path.parent, prefix=".validators-")
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(marshal.dumps(codes))
        os.replace(temp, path)  # whole or absent, even with concurrent writers
    except OSError:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)


@cache
def _validators() -> dict[str, Callable[[Any], Any]]:
    from fastjsonschema import VERSION

    path = cache_dir() / f"validators-{_cache_key(VERSION)}.marshal"
    codes = _load(path)
    if codes is None:
        codes = {resource: _generate(resource) for resource in registry.resource_names()}
        _store(path, codes)
    validators = {}
    for resource, (name, code) in codes.items():
        namespace: dict[str, Any] = {}
        exec(code, namespace)  # code fastjsonschema generated from our own schemas (or its copy in our cache)
        validators[resource] = namespace[name]
    return validators


def fast_check(resource: str) -> Callable[[Any], Any]:
    """The resource's compiled validator: returns the record, raises fastjsonschema.JsonSchemaException on the first
    error (no details: converter.validate asks jsonschema for those)."""
    return _validators()[resource]
