"""Fields a vendor release adds, served by the ERP simulator (from the release's contract)."""

from __future__ import annotations

from typing import Any

from ._schema import FieldDef, Kind, RecordType


def _kind(spec: dict[str, Any]) -> Kind:
    if "$ref" in spec or spec.get("x-vendor-type") == "select":
        return "ref"
    types = spec.get("type") or []
    types = [types] if isinstance(types, str) else types
    fmt = spec.get("format")
    if fmt == "date":
        return "date"
    if fmt == "date-time":
        return "datetime"
    for t, k in (("boolean", "boolean"), ("integer", "integer"), ("number", "float")):
        if t in types:
            return k  # type: ignore[return-value]
    return "string"


def serve_added_fields(
    types: dict[str, RecordType], fields: list[tuple[str, str, dict[str, Any], frozenset[str]]]
) -> list[str]:
    """Add each (record type, field, contract schema, shapes) as an optional body field."""
    added = []
    for rec_name, name, spec, _shapes in fields:
        rt = types.get(rec_name.lower())
        if rt is None or rt.field(name) is not None:
            continue
        rt.set_field(name.lower(), FieldDef(name, _kind(spec)))
        added.append(f"{rt.name}.{name}")
    return added
