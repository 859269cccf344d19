"""The schemas' JSON Schema validators compiled to Python by fastjsonschema, kept compiled on disk.

Generating and compiling the twenty validators costs about 30 ms, a tenth of a one-report `juesuan convert`, so their
code objects are kept in the disk cache (`converter.diskcache`), keyed by the schemas, the fastjsonschema version and
the Python bytecode version.
"""

from __future__ import annotations

import json
import marshal
import re
from collections.abc import Callable
from functools import cache
from typing import Any

from converter import registry
from converter.diskcache import load_or_build

_FUNCTION = re.compile(r"^def (\w+)\(", re.M)
Codes = dict[str, tuple[str, Any]]  # resource → (function name, code object)


def _generate() -> Codes:
    import fastjsonschema

    codes = {}
    for resource in registry.resource_names():
        source = fastjsonschema.compile_to_code(registry.schema(resource), detailed_exceptions=False)
        (name,) = _FUNCTION.findall(source)  # the schemas have no $ref: one function each
        codes[resource] = (name, compile(source, f"<validator of {resource}>", "exec"))
    return codes


def _loads(data: bytes) -> Codes:
    codes = marshal.loads(data)
    if not isinstance(codes, dict) or set(codes) != set(registry.resource_names()):
        raise ValueError("validators of other schemas")
    return codes


@cache
def _validators() -> dict[str, Callable[[Any], Any]]:
    from fastjsonschema import VERSION

    key = (VERSION + json.dumps(registry.load_schemas(), sort_keys=True)).encode()
    codes = load_or_build("validators", key, _generate, marshal.dumps, _loads)
    validators = {}
    for resource, (name, code) in codes.items():
        namespace: dict[str, Any] = {}
        exec(code, namespace)  # code fastjsonschema generated from our schemas (or its copy in our cache)
        validators[resource] = namespace[name]
    return validators


def fast_check(resource: str) -> Callable[[Any], Any]:
    """The resource's compiled validator: returns the record, raises fastjsonschema.JsonSchemaException on the first
    error (no details: converter.validate asks jsonschema for those)."""
    return _validators()[resource]
