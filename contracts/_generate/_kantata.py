"""Kantata OX API v1 contracts from the vendor's OpenAPI (split per resource) and gem spec.

Record properties and their types come from the component schema of the resource
(``mavenlink-<resource>-api-openapi.yml``): every property it lists, those returned only on
request marked ``x-returned`` (``optional``: through ``optional_fields``;
``include:<association>``: when that association is included); create attributes and
required ones from the
``POST /<collection>`` request body; resources without an OpenAPI file here take their
attribute names and writability from ``mavenlink_gem-specification.yml`` and their
types from the developer documentation (https://developer.kantata.com/).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ._schema import DIALECT, object_doc, openapi_to_2020, prop, schema_id

OPENAPI = {
    "workspaces": ("mavenlink-workspaces-api-openapi.yml", "Workspace"),
    "stories": ("mavenlink-stories-api-openapi.yml", "Story"),
    "time_entries": ("mavenlink-time-entries-api-openapi.yml", "TimeEntry"),
    "assignments": ("mavenlink-assignments-api-openapi.yml", "Assignment"),
    "workspace_resources": ("mavenlink-workspace-resources-api-openapi.yml", "WorkspaceResource"),
    "external_references": ("mavenlink-external-references-api-openapi.yml", "ExternalReference"),
}
DOCS = "https://developer.kantata.com/kantata/specification"
_INCLUDE = re.compile(r"only be included in the response if `([a-z_]+)` is in the list")


def returned(description: str) -> str:
    """When a record carries a property, in the OpenAPI description's own words."""
    m = _INCLUDE.search(description)
    if m:
        return f"include:{m.group(1)}"
    return "optional" if "optional_fields param" in description else "always"


ID_IN = {
    "anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^[0-9]+$"}, {"type": "null"}]
}


def _kind(kind: str) -> dict[str, Any]:
    return {
        "str": prop("string", nullable=True, vendor_type="str"),
        "int": prop("integer", nullable=True, vendor_type="int"),
        "bool": prop("boolean", nullable=True, vendor_type="bool"),
        "date": prop("string", nullable=True, fmt="date", vendor_type="date"),
        "id": {**ID_IN, "x-vendor-type": "id"},
        "ids": {"type": ["array", "null"], "x-vendor-type": "ids"},
        "num": prop(["number", "string"], nullable=True, vendor_type="num"),
        "obj": {"type": ["object", "null"], "x-vendor-type": "obj"},
        "money": prop(["number", "string"], nullable=True, vendor_type="money"),
        "null": prop("string", nullable=True, vendor_type="str"),
    }[kind]


def _nullable(s: dict[str, Any]) -> dict[str, Any]:
    s = dict(s)
    t = s.get("type")
    if isinstance(t, str):
        s["type"] = [t, "null"]
    elif isinstance(t, list) and "null" not in t:
        s["type"] = [*t, "null"]
    if "enum" in s and None not in s["enum"]:
        s["enum"] = [*s["enum"], None]
    return s


def _request_in(s: dict[str, Any], name: str) -> dict[str, Any]:
    """Request attribute: ids may come as digit strings (Rails parses them), all may be null."""
    if name == "id" or name.endswith("_id"):
        return {**ID_IN, "x-vendor-type": "id"}
    return _nullable(s)


def _attrs(
    kinds: dict[str, str], create_spec: dict[str, Any], comp: dict[str, Any]
) -> dict[str, Any]:
    """Request attributes: the OpenAPI's schema where it has one, else the documented kind."""
    out = {}
    for attr, kind in kinds.items():
        s = create_spec.get(attr) or comp.get(attr)
        out[attr] = _request_in(s, attr) if s else _kind(kind)
    return out


def _wrapper(single: str, coll: str, inner: dict[str, Any]) -> dict[str, Any]:
    """Kantata's request envelope: one record under the singular key, or up to 100 in a list."""
    return {
        "type": "object",
        "properties": {single: inner, coll: {"type": "array", "items": inner, "maxItems": 100}},
        "minProperties": 1,
    }


def build(
    specs: Path, selection: dict[str, Any], release: str
) -> tuple[dict[str, Any], dict[str, str]]:
    files: dict[str, Any] = {}
    sources: dict[str, str] = {}
    endpoints: dict[str, Any] = {}
    for coll, res in selection["resources"].items():
        comp: dict[str, Any] = {}
        when: dict[str, str] = {}  # property -> when a record carries it
        create_spec: dict[str, Any] = {}
        required = list(res.get("required", []))
        source = f"written from {DOCS} (attribute names from the gem specification mavenlink_gem-specification.yml)"
        if coll in OPENAPI:
            fname, comp_name = OPENAPI[coll]
            doc = yaml.safe_load((specs / "kantata" / fname).read_text())
            raw = doc["components"]["schemas"][comp_name].get("properties", {})
            comp = openapi_to_2020(doc["components"]["schemas"][comp_name]).get("properties", {})
            when = {n: returned(str(p.get("description", ""))) for n, p in raw.items()}
            post = (doc["paths"].get(f"/{coll}") or {}).get("post")
            if post:
                body = post["requestBody"]["content"]["application/json"]["schema"]
                inner = body["properties"].get(res["singular"], {})
                create_spec = openapi_to_2020(inner).get("properties", {})
                required = list(inner.get("required", required))
            source = f"vendor OpenAPI kantata/{fname} ({comp_name}, POST /{coll})"
        props: dict[str, Any] = {"id": prop("string", vendor_type="id")}
        # the selection's attributes, then every other property of the OpenAPI component
        every = {**res["attributes"], **{n: "" for n in comp if n not in res["attributes"]}}
        every.pop("id", None)
        for attr, kind in every.items():
            if attr in comp:
                props[attr] = _nullable({**comp[attr], "x-vendor-type": comp[attr].get("type")})
                if when.get(attr, "always") != "always":
                    props[attr]["x-returned"] = when[attr]
            else:
                k = res["create"].get(attr) or res["update"].get(attr) or kind
                # answers carry ids as digit strings (the vendor's JSON), requests may send numbers
                props[attr] = (
                    prop("string", nullable=True, vendor_type="id") if k == "id" else _kind(k)
                )

        create_attrs = _attrs(res["create"], create_spec, comp)
        update_attrs = _attrs(res["update"], create_spec, comp)
        for attr, values in (res.get("enum_overrides") or {}).items():
            for shape in (create_attrs, update_attrs):
                if attr in shape:
                    shape[attr] = {**shape[attr], "enum": [*values, None]}
        single = res["singular"]

        create = {
            "type": "object",
            "properties": create_attrs,
            "required": [r for r in required if r in create_attrs],
            "additionalProperties": False,
        }
        update = {"type": "object", "properties": update_attrs, "additionalProperties": False}
        defs = {
            "record": {"type": "object", "properties": props, "additionalProperties": True},
            "create": create,
            "update": update,
            "createRequest": _wrapper(single, coll, {"$ref": "#/$defs/create"}),
            "updateRequest": _wrapper(single, coll, {"$ref": "#/$defs/update"}),
        }
        files[f"objects/{coll}.json"] = object_doc("kantata", release, coll, defs, source)
        sources[f"objects/{coll}.json"] = source
        ops = set(res["ops"])
        if "create" in ops:
            endpoints[f"{coll}.create"] = {
                "method": "POST",
                "path": f"/api/v1/{coll}",
                "object": coll,
                "request": "objects/{object}.json#/$defs/createRequest",
                "response": "common.json#/$defs/envelope",
            }
        if "update" in ops:
            endpoints[f"{coll}.update"] = {
                "method": "PUT",
                "path": f"/api/v1/{coll}/{{id}}",
                "object": coll,
                "request": "objects/{object}.json#/$defs/updateRequest",
                "response": "common.json#/$defs/envelope",
            }
        if "list" in ops:
            endpoints[f"{coll}.list"] = {
                "method": "GET",
                "path": f"/api/v1/{coll}",
                "object": coll,
                "response": "common.json#/$defs/envelope",
            }
        if "get" in ops:
            endpoints[f"{coll}.show"] = {
                "method": "GET",
                "path": f"/api/v1/{coll}/{{id}}",
                "object": coll,
                "response": "common.json#/$defs/envelope",
            }
    endpoints["oauth.token"] = {
        "method": "POST",
        "path": "/oauth/token",
        "response": "common.json#/$defs/token",
    }
    files["common.json"] = common(release)
    sources["common.json"] = (
        "vendor OpenAPI kantata/mavenlink-time-entries-api-openapi.yml (Errors, list response envelope); token response written from https://developer.kantata.com/kantata/specification#section/Authentication"
    )
    files["endpoints.json"] = {
        "$schema": DIALECT,
        "$id": schema_id("kantata", release, "endpoints.json"),
        "title": "Kantata OX API v1 endpoints the contracts cover",
        "x-endpoints": endpoints,
        "x-errors": "common.json#/$defs/error",
    }
    sources["endpoints.json"] = "vendor OpenAPI files (paths), gem specification (collections)"
    return files, sources


def common(release: str) -> dict[str, Any]:
    s = prop("string")
    return {
        "$schema": DIALECT,
        "$id": schema_id("kantata", release, "common.json"),
        "title": "Kantata OX API v1 envelopes",
        "$defs": {
            "error": {
                "type": "object",
                "properties": {
                    "errors": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"type": s, "message": s, "field": s},
                            "required": ["type", "message"],
                        },
                    }
                },
                "required": ["errors"],
            },
            "envelope": {
                "type": "object",
                "properties": {
                    "count": prop("integer"),
                    "meta": {
                        "type": "object",
                        "properties": {
                            "count": prop("integer"),
                            "page_count": prop("integer"),
                            "page_number": prop("integer"),
                            "page_size": prop("integer"),
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"key": s, "id": s},
                            "required": ["key", "id"],
                        },
                    },
                },
                "required": ["count", "results"],
            },
            "token": {
                "type": "object",
                "properties": {
                    "access_token": s,
                    "token_type": s,
                    "expires_in": prop(["integer", "null"]),
                    "refresh_token": prop(["string", "null"]),
                },
                "required": ["access_token", "token_type"],
            },
        },
    }
