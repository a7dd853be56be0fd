"""Fields a vendor release adds, served by the CRM simulator (from the release's contract)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..engine import Request, RequestContracts
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


# -- contract checks inside composite, collection, tree and Bulk 2.0 bodies -------------
# The engine checks a request's own body; these hand it the bodies nested in one (each
# subrequest, each record, each CSV header) so they are held to the served release too.


def check_record(
    rc: RequestContracts | None, req: Request, obj: str, kind: str, rec: Any, where: str
) -> None:
    """One record of an sObject Collection or tree body (strict: raises the record's error,
    which the caller reports in that record's result as Salesforce does)."""
    if rc is None or not isinstance(rec, dict):
        return
    skip = {"attributes", "id"} if kind == "update" else {"attributes"}
    body = {k: v for k, v in rec.items() if k.lower() not in skip}
    err = rc.check_record(req, obj, kind, body, where)
    if err is not None:
        raise err


def check_bulk_columns(
    rc: RequestContracts | None, req: Request, obj: str, operation: str, header: list[str]
) -> str | None:
    """A Bulk 2.0 job's CSV header against the release's sObject contract; in strict mode
    the job's ``errorMessage`` (``InvalidBatch : ...``), else None."""
    kind = {"insert": "create", "update": "update", "upsert": "upsert"}.get(operation)
    if rc is None or kind is None:
        return None
    cols = [c for c in header if "." not in c and c.lower() != "id"]
    found = rc.check_columns(req, obj, kind, cols, "$.header")
    for v in found:  # a missing required column fails each row, as the simulator does
        if v.rule == "additionalProperties":
            return f"InvalidBatch : Field name not found : {v.field}"
    return None
