"""NetSuite REST record contracts from the REST API Browser extraction of release 2026.1.

Where the record is in the extraction, every body field of its ``schemas/<record>.md``
definition is in the contract (sublists, subrecords, links and nested ``x.id`` rows are
not body fields), each with its type, format, read-only flag, reference target and select
values; the browser has no ``required`` flags, so required-on-create and the records
missing from the extraction are written from the Help Center record pages named in
``netsuite.toml``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ._schema import DIALECT, object_doc, prop, schema_id

DOCS = "netsuite/wsjmnh-netsuite-record-rest-docs-2026.1/docs"
HELP = "https://system.netsuite.com/help/helpcenter/en_US/APIs/REST_API_Browser/record/v1/2026.1/index.html"
_ROW = re.compile(r"^\| `([^`]+)` \|([^|]*)\|([^|]*)\|([^|]*)\|([^|]*)\|([^|]*)\|([^|]*)\|")
CUSTOM = "^cust[a-z]*_[A-Za-z0-9_]+$"


def _table(specs: Path, record: str) -> dict[str, dict[str, Any]]:
    path = specs / DOCS / "schemas" / f"{record}.md"
    if not path.exists():
        return {}
    rows: dict[str, dict[str, Any]] = {}
    inside = False
    for line in path.read_text().splitlines():
        if line.startswith("## "):
            inside = line[3:].strip() == record
            continue
        m = _ROW.match(line) if inside else None
        if m:
            name, _label, typ, fmt, flags, ref, enum = (g.strip() for g in m.groups())
            rows[name] = {
                "type": typ,
                "format": fmt,
                "readonly": "read-only" in flags,
                "ref": ref,
                "enum": [e.strip(" `") for e in enum.split(",") if e.strip()],
            }
    return rows


_SCALAR_KIND = {"number": "float", "integer": "integer", "boolean": "boolean"}


def _row_kind(row: dict[str, Any]) -> str:
    """The selection kind a browser row stands for (non-scalar types are references)."""
    typ, fmt = row["type"], row["format"]
    if typ == "string":
        return {"date": "date", "date-time": "datetime"}.get(fmt, "string")
    return _SCALAR_KIND.get(typ, "ref")


def _body_fields(
    table: dict[str, dict[str, Any]], selected: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """The selection's fields (required flags, kinds, records the extraction lacks), then
    every other body field of the browser definition; a selected name that differs from
    the browser's only in case takes the browser's spelling."""
    body = {
        n: r
        for n, r in table.items()
        if "." not in n
        and n != "refName"
        and "-" not in r["type"]
        and not r["type"].endswith("Collection")
        and r["type"] != "nsLink[]"
    }
    spelled = {n.lower(): n for n in body}
    out = {spelled.get(n.lower(), n): sel for n, sel in selected.items()}
    for n, row in body.items():
        out.setdefault(n, {"kind": _row_kind(row)})
    return out


def _field(name: str, sel: dict[str, Any], row: dict[str, Any] | None) -> tuple[dict, dict, str]:
    """(response schema, request schema, vendor type) of one body field."""
    kind = sel["kind"]
    if row is not None:
        typ, fmt = row["type"], row["format"]
        sub = None
        if typ == "object":
            # a select: its id values are in the ".id" row
            sub = row.get("id_enum")
        if typ in ("string", "number", "integer", "boolean") and kind != "ref":
            js = {
                "string": "string",
                "number": "number",
                "integer": "integer",
                "boolean": "boolean",
            }[typ]
            f = fmt if fmt in ("date", "date-time") else None
            if kind == "duration":
                return (
                    prop(["string", "number"], nullable=True, vendor_type="duration"),
                    prop(["string", "number"], nullable=True, vendor_type="duration"),
                    "duration",
                )
            out = prop(js, nullable=True, fmt=f, vendor_type=typ)
            return out, out, typ
        enum = sub or sel.get("choices")
        return _ref(enum, row["type"])
    if kind == "ref":
        return _ref(sel.get("choices"), "ref")
    kind_js: Any
    kind_fmt: str | None
    kind_js, kind_fmt = {
        "string": ("string", None),
        "integer": ("integer", None),
        "float": ("number", None),
        "boolean": ("boolean", None),
        "date": ("string", "date"),
        "datetime": ("string", "date-time"),
        "duration": (["string", "number"], None),
    }[kind]
    out = prop(kind_js, nullable=True, fmt=kind_fmt, vendor_type=kind)
    return out, out, kind


def _ref(enum: list[str] | None, vendor: str) -> tuple[dict, dict, str]:
    if enum:
        req = {
            "type": ["object", "null"],
            "properties": {"id": prop("string", enum=list(enum)), "refName": prop("string")},
            "x-vendor-type": "select",
        }
        resp = {
            "type": ["object", "null"],
            "properties": {"id": prop("string", enum=list(enum)), "refName": prop("string")},
            "x-vendor-type": "select",
        }
        return resp, req, "select"
    return (
        {"$ref": "../common.json#/$defs/refOut", "x-vendor-type": vendor},
        {"$ref": "../common.json#/$defs/refIn", "x-vendor-type": vendor},
        vendor,
    )


def build(
    specs: Path, selection: dict[str, Any], release: str
) -> tuple[dict[str, Any], dict[str, str]]:
    files: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for name, rec in selection["records"].items():
        table = _table(specs, name)
        for fname, row in list(table.items()):
            if fname.endswith(".id") and row["enum"]:
                parent = table.get(fname[:-3])
                if parent is not None:
                    parent["id_enum"] = row["enum"]
        props: dict[str, Any] = {}
        create: dict[str, Any] = {}
        update: dict[str, Any] = {}
        required: list[str] = []
        for fname, sel in _body_fields(table, rec["fields"]).items():
            field_row = table.get(fname)
            resp, req, _vt = _field(fname, sel, field_row)
            ro = sel.get("readonly") or (field_row is not None and field_row["readonly"])
            if ro:
                resp = {**resp, "readOnly": True}
            props[fname] = resp
            if not ro:
                create[fname] = req
                update[fname] = req
            if sel.get("required"):
                required.append(fname)
        for sub, fields in (rec.get("sublists") or {}).items():
            line_props = {}
            line_req = []
            for fname, sel in fields.items():
                _resp, req, _vt = _field(fname, sel, None)
                line_props[fname] = req
                if sel.get("required"):
                    line_req.append(fname)
            line = {"type": "object", "properties": line_props, "required": line_req}
            sub_schema = {
                "type": "object",
                "properties": {
                    "items": {"type": "array", "items": line},
                    "links": {"type": "array"},
                },
            }
            create[sub] = sub_schema
            update[sub] = sub_schema
            props[sub] = {"type": ["object", "null"], "x-vendor-type": "sublist"}
        how = (
            f"REST API Browser extraction {DOCS}/schemas/{name}.md (types, read-only, selects); "
            f"required flags written from {HELP}"
            if table
            else f"written from the REST API Browser {HELP}#tag-{name}"
        )
        record = {
            "type": "object",
            "properties": {
                "links": {"type": "array", "items": {"$ref": "../common.json#/$defs/link"}},
                "refName": prop("string"),
                **props,
            },
            "additionalProperties": True,
        }
        request_extra = {"patternProperties": {CUSTOM: {}}, "additionalProperties": False}
        files[f"objects/{name}.json"] = object_doc(
            "netsuite",
            release,
            name,
            {
                "record": record,
                "create": {
                    "type": "object",
                    "properties": create,
                    "required": required,
                    **request_extra,
                },
                "update": {"type": "object", "properties": update, **request_extra},
                # PUT .../eid:{id} creates or updates: an update of an existing record
                # need not repeat what create requires (a create is held to "create",
                # endpoints.json "request_if_new")
                "upsert": {"type": "object", "properties": dict(create), **request_extra},
            },
            how,
        )
        sources[f"objects/{name}.json"] = how
    files["common.json"] = common(release)
    sources["common.json"] = (
        f"REST API Browser extraction {DOCS}/schemas/ns.md (nsError, nsLink, nsResource, nsResourceCollection); token response written from the OAuth 2.0 client credentials help page"
    )
    files["endpoints.json"] = endpoints(release)
    sources["endpoints.json"] = (
        f"REST API Browser extraction {DOCS}/records/timeBill.md (the operation template every record follows)"
    )
    return files, sources


def common(release: str) -> dict[str, Any]:
    s = prop("string")
    return {
        "$schema": DIALECT,
        "$id": schema_id("netsuite", release, "common.json"),
        "title": "NetSuite REST envelopes",
        "$defs": {
            "link": {"type": "object", "properties": {"href": s, "rel": s}},
            "refIn": {
                "type": ["object", "null"],
                "properties": {"id": prop(["string", "integer"]), "externalId": s, "refName": s},
            },
            "refOut": {
                "type": ["object", "null"],
                "properties": {
                    "id": s,
                    "refName": s,
                    "externalId": s,
                    "links": {"type": "array", "items": {"$ref": "#/$defs/link"}},
                },
            },
            "error": {
                "type": "object",
                "properties": {
                    "type": s,
                    "title": s,
                    "status": prop("integer"),
                    "o:errorDetails": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "detail": s,
                                "o:errorCode": s,
                                "o:errorPath": s,
                                "o:errorQueryParam": s,
                                "o:errorUrl": s,
                                "o:errorHeader": s,
                            },
                            "required": ["detail", "o:errorCode"],
                        },
                    },
                },
                "required": ["type", "title", "status", "o:errorDetails"],
            },
            "collection": {
                "type": "object",
                "properties": {
                    "links": {"type": "array", "items": {"$ref": "#/$defs/link"}},
                    "count": prop("integer"),
                    "hasMore": prop("boolean"),
                    "items": {"type": "array"},
                    "offset": prop("integer"),
                    "totalResults": prop("integer"),
                },
                "required": ["count", "hasMore", "items", "offset", "totalResults"],
            },
            "token": {
                "type": "object",
                "properties": {
                    "access_token": s,
                    "expires_in": prop(["integer", "string"]),
                    "token_type": s,
                },
                "required": ["access_token", "token_type"],
            },
        },
    }


def endpoints(release: str) -> dict[str, Any]:
    return {
        "$schema": DIALECT,
        "$id": schema_id("netsuite", release, "endpoints.json"),
        "title": "NetSuite REST record service endpoints the contracts cover",
        "x-object-param": "type",
        "x-endpoints": {
            "record.create": {
                "method": "POST",
                "path": "/services/rest/record/v1/{type}",
                "request": "objects/{object}.json#/$defs/create",
            },
            "record.update": {
                "method": "PATCH",
                "path": "/services/rest/record/v1/{type}/{id}",
                "request": "objects/{object}.json#/$defs/update",
            },
            "record.upsert": {
                "method": "PUT",
                "path": "/services/rest/record/v1/{type}/{id}",
                "request": "objects/{object}.json#/$defs/upsert",
                "request_if_new": "objects/{object}.json#/$defs/create",
            },
            "record.get": {
                "method": "GET",
                "path": "/services/rest/record/v1/{type}/{id}",
                "response": "objects/{object}.json#/$defs/record",
            },
            "record.list": {
                "method": "GET",
                "path": "/services/rest/record/v1/{type}",
                "response": "common.json#/$defs/collection",
            },
            "oauth2.token": {
                "method": "POST",
                "path": "/services/rest/auth/oauth2/v1/token",
                "response": "common.json#/$defs/token",
            },
        },
        "x-errors": "common.json#/$defs/error",
    }
