"""Attributes a vendor release adds, served by the PSA simulator (from the release's contract)."""

from __future__ import annotations

from typing import Any

from ._model import Catalog, Kind


def _kind(spec: dict[str, Any]) -> Kind:
    vt = spec.get("x-vendor-type")
    if vt in ("str", "int", "bool", "date", "id", "ids", "num", "obj", "money"):
        return vt
    types = spec.get("type") or []
    types = [types] if isinstance(types, str) else types
    for t, k in (("boolean", "bool"), ("integer", "int"), ("number", "num"), ("array", "ids")):
        if t in types:
            return k  # type: ignore[return-value]
    return "str"


def serve_added_fields(
    catalog: Catalog, fields: list[tuple[str, str, dict[str, Any], frozenset[str]]]
) -> list[str]:
    """Add each (collection, attribute, contract schema, shapes it is in: record, create,
    update) as an optional attribute; returns what was added."""
    added = []
    for coll, name, spec, shapes in fields:
        res = catalog.get(coll)
        if res is None or name in res.stored:
            continue
        res.stored[name] = None
        if "create" in shapes:
            res.create[name] = _kind(spec)
        if "update" in shapes:
            res.update[name] = _kind(spec)
        added.append(f"{coll}.{name}")
    return added
