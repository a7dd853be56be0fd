"""Fields a vendor release adds, served by the CRM simulator (from the release's contract)."""

from __future__ import annotations

from typing import Any

from ._schema import FieldDef, Schema


def serve_added_fields(
    schema: Schema, fields: list[tuple[str, str, dict[str, Any], frozenset[str]]]
) -> list[str]:
    """Add each (object, field, contract schema, shapes) as an optional field; returns them."""
    added = []
    for obj_name, name, spec, _shapes in fields:
        obj = schema.get(obj_name)
        if obj is None or obj.field(name) is not None:
            continue
        kind = str(spec.get("x-vendor-type") or "string")
        obj.add_field(FieldDef(name, kind, label=name, length=int(spec.get("maxLength") or 0)))
        added.append(f"{obj.name}.{name}")
    return added
