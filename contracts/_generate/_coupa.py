"""Coupa Core API contracts written from the resource pages of the Core API documentation.

Coupa publishes no machine-readable specification of the Core API; ``coupa.toml`` holds
the elements of each covered resource with the data type its documentation table gives,
and this module turns them into JSON Schema. Lines (order and invoice lines) are their own
objects, referenced from their document.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ._schema import DIALECT, object_doc, prop, schema_id

VENDOR = "coupa"
_SIMPLE: dict[str, tuple[str, str | None]] = {
    "integer": ("integer", None),
    "string": ("string", None),
    "decimal": ("number", None),
    "boolean": ("boolean", None),
    "date": ("string", "date"),
    "datetime": ("string", "date-time"),
}


def _one(t: str) -> dict[str, Any]:
    if t in _SIMPLE:
        jt, fmt = _SIMPLE[t]
        return prop(jt, fmt=fmt, vendor_type=t)
    if m := re.fullmatch(r"string\((\d+)\)", t):
        return prop("string", max_length=int(m.group(1)), vendor_type=t)
    kind, _, target = t.partition(":")
    ref = {"$ref": f"../common.json#/$defs/{target}"}
    if target in _SIMPLE:
        ref = _one(target)
    if target.endswith("_lines"):
        ref = {"$ref": f"{target}.json#/$defs/record"}
    if kind == "object":
        return ref
    if kind == "array":
        return {"type": "array", "items": ref}
    raise SystemExit(f"coupa.toml: unknown data type {t!r}")


def _field(t: str, key: bool) -> dict[str, Any]:
    options = [_one(x) for x in t.split("|")]
    if not key:
        options.append({"type": "null"})
    return options[0] if len(options) == 1 else {"anyOf": options, "x-vendor-type": t}


def build(
    specs: Path, selection: dict[str, Any], release: str
) -> tuple[dict[str, Any], dict[str, str]]:
    del specs  # no specification file: the selection is written from the documentation
    base = str(selection["docs"]["base"])
    files: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for name, spec in selection["objects"].items():
        fields = {f: _field(t, f == "id") for f, t in spec["fields"].items()}
        record = {"type": "object", "properties": fields, "required": ["id"]}
        files[f"objects/{name}.json"] = object_doc(
            VENDOR, release, name, {"record": record}, base + spec["doc"]
        )
        sources[f"objects/{name}.json"] = f"written from {base}{spec['doc']} (Elements table)"
    files["common.json"] = _common(release)
    sources["common.json"] = (
        "written from the Core API documentation (references, currency, error body): "
        "https://compass.coupa.com/en-us/products/product-documentation/integration-technical-documentation/the-coupa-core-api"
    )
    endpoints: dict[str, Any] = {}
    for coll in ("suppliers", "purchase_orders", "receiving_transactions", "invoices"):
        one = f"objects/{coll}.json#/$defs/record"
        for op in ("show", "create", "update"):
            endpoints[f"{coll}.{op}"] = {"response": one}
        endpoints[f"{coll}.query"] = {"response": f"common.json#/$defs/list_{coll}"}
    for coll, actions in (
        ("purchase_orders", ("issue", "cancel", "close")),
        ("invoices", ("submit", "void")),
    ):
        for a in actions:
            endpoints[f"{coll}.{a}"] = {"response": f"objects/{coll}.json#/$defs/record"}
    endpoints["oauth2.token"] = {"response": "common.json#/$defs/token"}
    files["endpoints.json"] = {
        "$schema": DIALECT,
        "$id": schema_id(VENDOR, release, "endpoints.json"),
        "title": "Coupa Core API endpoints the contracts cover (answers; requests not checked yet)",
        "x-endpoints": endpoints,
        "x-errors": "common.json#/$defs/error",
    }
    sources["endpoints.json"] = "written from the Core API resource pages (actions tables)"
    return files, sources


def _common(release: str) -> dict[str, Any]:
    s = prop("string")
    nullable_s = prop("string", nullable=True)
    lists = {
        f"list_{c}": {"type": "array", "items": {"$ref": f"objects/{c}.json#/$defs/record"}}
        for c in ("suppliers", "purchase_orders", "receiving_transactions", "invoices")
    }
    return {
        "$schema": DIALECT,
        "$id": schema_id(VENDOR, release, "common.json"),
        "title": "Coupa Core API envelopes and references",
        "$defs": {
            "ref": {"type": "object"},
            "currency": {
                "type": "object",
                "properties": {"code": s},
                "required": ["code"],
            },
            "supplierRef": {
                "type": "object",
                "properties": {"id": prop("integer"), "name": nullable_s, "number": nullable_s},
                "required": ["id"],
            },
            "error": {
                "type": "object",
                "properties": {
                    "errors": {
                        "type": "object",
                        "properties": {"error": {"type": "array", "items": s}},
                    }
                },
                "required": ["errors"],
            },
            "token": {
                "type": "object",
                "properties": {
                    "access_token": s,
                    "token_type": s,
                    "expires_in": prop("integer"),
                    "scope": nullable_s,
                },
                "required": ["access_token", "token_type"],
            },
            **lists,
        },
    }
