"""Fields a vendor release adds, served by the CRM simulator (from the release's contract)."""

from __future__ import annotations

from dataclasses import replace
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


def serve_renamed_fields(schema: Schema, renames: list[tuple[str, str, str]]) -> list[str]:
    """Serve each (object, old name, new name) under its new name only: describe, records and
    SOQL know the new name, and a request naming the old one gets ``INVALID_FIELD`` as for
    any field the object does not have."""
    done = []
    for obj_name, old, new in renames:
        obj = schema.get(obj_name)
        f = obj.field(old) if obj is not None else None
        if obj is None or f is None or obj.field(new) is not None:
            continue
        del obj.fields[old.lower()]
        obj.add_field(replace(f, name=new))
        done.append(f"{obj.name}.{old} -> {new}")
    return done
