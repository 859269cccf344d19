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
from operator import itemgetter
from typing import Any

from converter import lazy_re, registry
from converter.diskcache import load_or_build

_FUNCTION = lazy_re.compile(r"^def (\w+)\(", re.M)
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


# Column checks: a whole resource's rows checked field by field in C (zip, map, set, min, the patterns' search).
_PYTHON_TYPES = {"string": str, "integer": int, "null": type(None)}
_OBJECT_KEYWORDS = {"$schema", "$id", "title", "description", "type", "properties", "required", "additionalProperties"}
_FIELD_KEYWORDS = {"type", "pattern", "enum", "minimum", "maximum", "minLength", "title", "description"}
_NULL = frozenset({None})
ColumnCheck = Callable[[tuple], bool]


@cache
def column_check(resource: str) -> Callable[[list[dict]], bool] | None:
    """A check of all of a resource's rows at once: True only when every row holds exactly the schema's fields, each
    value of the Python type of one of its schema types (str, int — not bool, not float —, None) and within the
    field's pattern, enum, minimum, maximum and minLength: then every row passes the JSON Schema (stricter than the
    compiled validator, which also takes 3.0 for an integer). False means: ask the record validators. None when the
    schema uses a keyword these checks do not know (never for the schemas of today, tests/test_column_checks.py)."""
    schema = registry.schema(resource)
    if (any(key not in _OBJECT_KEYWORDS and not key.startswith("x-") for key in schema)
            or schema.get("type") != "object" or schema.get("additionalProperties") is not False
            or not set(schema.get("required", ())) <= set(schema["properties"]) or len(schema["properties"]) < 2):
        return None
    patterns = fast_check(resource).__globals__.get("REGEX_PATTERNS", {})  # the compiled validator's own regexes
    checks = []
    for prop in schema["properties"].values():
        check = _field_check(prop, patterns)
        if check is None:
            return None
        checks.append(check)
    fields = itemgetter(*schema["properties"])
    width = len(checks)

    def check_rows(rows: list[dict]) -> bool:
        if not rows:
            return True
        if set(map(type, rows)) != {dict} or set(map(len, rows)) != {width}:
            return False
        try:
            columns = zip(*map(fields, rows))  # a KeyError when a field is missing
        except KeyError:
            return False
        return all(check(column) for check, column in zip(checks, columns))

    return check_rows


def _field_check(prop: dict[str, Any], patterns: dict[str, re.Pattern]) -> ColumnCheck | None:
    """The check of one field's values (a column), or None when the field uses a keyword not known here. The types
    are checked on every value; the constraints on the distinct values (a column often repeats one: report_id)."""
    if any(key not in _FIELD_KEYWORDS and not key.startswith("x-") for key in prop) or "type" not in prop:
        return None
    kinds = set(prop["type"] if isinstance(prop["type"], list) else [prop["type"]])
    if not kinds <= set(_PYTHON_TYPES):
        return None
    allowed = frozenset(_PYTHON_TYPES[kind] for kind in kinds)
    text, number = kinds <= {"string", "null"}, kinds <= {"integer", "null"}
    tests: list[Callable[[set], bool]] = []  # on the set of distinct values, None included
    if "enum" in prop:
        if not all(member is None or type(member) is str for member in prop["enum"]):
            return None
        tests.append(frozenset(prop["enum"]).issuperset)
    if not text and prop.keys() & {"pattern", "minLength"} or not number and prop.keys() & {"minimum", "maximum"}:
        return None
    if "pattern" in prop:
        if prop["pattern"] not in patterns:
            return None
        search = patterns[prop["pattern"]].search
        tests.append(lambda values: all(map(search, values - _NULL)))
    if "minLength" in prop:
        least = prop["minLength"]
        tests.append(lambda values: min(map(len, values - _NULL), default=least) >= least)
    if "minimum" in prop:
        bound = prop["minimum"]
        tests.append(lambda values: min(values - _NULL, default=bound) >= bound)
    if "maximum" in prop:
        top = prop["maximum"]
        tests.append(lambda values: max(values - _NULL, default=top) <= top)

    def check_column(column: tuple) -> bool:
        if not set(map(type, column)) <= allowed:  # first: a bool or a float is never taken for an equal int
            return False
        values = set(column)
        return all(test(values) for test in tests)

    return check_column
