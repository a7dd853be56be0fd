"""A served value's JSON Schema type name, for comparing answers with a contract's types."""

from __future__ import annotations

from typing import Any


def json_type(value: Any) -> str:
    """``boolean``, ``integer``, ``number``, ``string``, ``array`` or ``object``."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
