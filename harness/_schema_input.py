"""Input files checked against a JSON Schema before anything starts.

Every file a user hands the harness (target, faults, settings, mapping, profiles) is read
with :func:`read_document` and checked with :func:`validate_input`. A violation becomes
one :class:`ConfigurationError` line naming the file, the key path and what is allowed::

    faults.toml: fault[0]: unknown key 'pth' (allowed: after_calls, fault, id, method, path,
    percentage, seed, system, tenant, times, window; did you mean 'path'?)

Schemas live in ``harness/schemas/<name>.schema.json`` (JSON Schema 2020-12) so the
documentation can point at them and other tools can reuse them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import tomllib
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource

from ._errors import ConfigurationError

_TYPES = {
    "object": "a table",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


@cache
def _schema_text(name: str) -> str:
    try:
        return resources.files("harness.schemas").joinpath(f"{name}.schema.json").read_text()
    except FileNotFoundError:
        raise KeyError(f"no input schema named {name!r}") from None


def load_schema(name: str) -> dict[str, Any]:
    """The schema ``harness/schemas/<name>.schema.json`` (a fresh copy each call)."""
    schema: dict[str, Any] = json.loads(_schema_text(name))
    return schema


def _registry() -> Registry[Any]:
    """Every schema in ``harness/schemas`` by its ``$id``, so one may ``$ref`` another."""
    resources_ = []
    for entry in resources.files("harness.schemas").iterdir():
        if entry.name.endswith(".schema.json"):
            doc = json.loads(entry.read_text())
            resources_.append((doc["$id"], Resource.from_contents(doc)))
    return Registry().with_resources(resources_)


def plain(doc: Any) -> Any:
    """TOML dates and times as ISO 8601 strings, as the same file in JSON would hold them."""
    if isinstance(doc, dict):
        return {k: plain(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [plain(v) for v in doc]
    if isinstance(doc, dt.date | dt.time):
        return doc.isoformat()
    return doc


def read_document(path: Path, what: str) -> Any:
    """Parse a TOML or JSON file (by suffix; TOML otherwise); one line when it cannot be read."""
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise ConfigurationError(f"{what} {path} is a directory, not a file") from None
    except OSError as exc:
        raise ConfigurationError(f"cannot read {what} {path}: {exc.strerror}") from None
    kind = "JSON" if path.suffix.lower() == ".json" else "TOML"
    try:
        text = raw.decode()
        return json.loads(text) if kind == "JSON" else plain(tomllib.loads(text))
    except (ValueError, UnicodeDecodeError) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigurationError(f"{what} {path} is not valid {kind}: {detail}") from None


def key_path(parts: Iterable[Any]) -> str:
    """``["fault", 0, "fault", "kind"]`` -> ``fault[0].fault.kind``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _allowed_keys(schema: Mapping[str, Any]) -> list[str]:
    return sorted(schema.get("properties", {}))


def _describe(error: ValidationError) -> str:
    """What is wrong and what is allowed, for one schema violation."""
    v, schema, inst = error.validator, error.schema, error.instance
    if not isinstance(schema, Mapping):
        return error.message
    if v == "additionalProperties" and isinstance(inst, Mapping):
        allowed = _allowed_keys(schema)
        extra = sorted(k for k in inst if k not in schema.get("properties", {}))
        key = extra[0] if extra else "?"
        near = difflib.get_close_matches(key, allowed, n=1)
        what = f"unknown key {key!r} (allowed: {', '.join(allowed) or 'none'}"
        return what + (f"; did you mean {near[0]!r}?)" if near else ")")
    if v == "required":
        missing = [k for k in schema.get("required", []) if k not in inst]
        return f"missing required key {missing[0]!r}" if missing else error.message
    if v == "enum":
        return f"{inst!r} is not allowed (allowed: {', '.join(map(repr, schema['enum']))})"
    if v == "const":
        return f"must be {schema['const']!r}, got {inst!r}"
    if v == "type":
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        return f"must be {' or '.join(_TYPES.get(str(t), str(t)) for t in types)}, got {inst!r}"
    if v in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        op = {
            "minimum": ">=",
            "exclusiveMinimum": ">",
            "maximum": "<=",
            "exclusiveMaximum": "<",
        }[str(v)]
        return f"must be {op} {schema[v]}, got {inst!r}"
    if v in ("minLength", "minItems", "minProperties"):
        return f"must not be empty, got {inst!r}"
    if v == "pattern":
        if schema.get("description"):
            return f"must be {schema['description']}, got {inst!r}"
        return f"{inst!r} does not match {schema['pattern']!r}"
    if v in ("oneOf", "anyOf"):
        shapes = [
            s.get("description") or s.get("type") for s in schema[v] if isinstance(s, Mapping)
        ]
        return f"must be one of: {', '.join(str(s) for s in shapes if s)}; got {inst!r}"
    return error.message


def validate_input(doc: Any, schema: Mapping[str, Any], source: str) -> None:
    """Raise one ``ConfigurationError`` line for the most relevant violation, if any.

    ``source`` names the input (a file path, ``[tool.harness] in pyproject.toml``,
    ``HARNESS_SEED``); the line reads ``<source>: <key path>: <what is allowed>``.
    """
    validator = Draft202012Validator(schema, registry=_registry())
    error = best_match(
        sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path])
    )
    if error is None:
        return
    where = key_path(error.absolute_path)
    prefix = f"{source}: {where}: " if where else f"{source}: "
    raise ConfigurationError(prefix + _describe(error))


def check_document(doc: Any, schema_name: str, source: str) -> None:
    """:func:`validate_input` with a schema from ``harness/schemas``."""
    validate_input(doc, load_schema(schema_name), source)


__all__ = [
    "check_document",
    "key_path",
    "load_schema",
    "plain",
    "read_document",
    "validate_input",
]
