"""Apply a release's documented changes to the previous release's files."""

from __future__ import annotations

import copy
from typing import Any

from ._schema import schema_id


class ChangeError(ValueError):
    """A change in releases.toml that does not apply to the previous release."""


def _defs(files: dict[str, Any], obj: str) -> dict[str, Any]:
    doc = files.get(f"objects/{obj}.json")
    if doc is None:
        raise ChangeError(f"no object {obj!r} in the previous release")
    return doc["$defs"]


def _field(defs: dict[str, Any], kind: str, obj: str, field: str) -> dict[str, Any]:
    props = defs.get(kind, {}).get("properties", {})
    if field not in props:
        raise ChangeError(f"{obj}.{field} is not in the {kind} schema")
    return props[field]


def apply(files: dict[str, Any], changes: list[dict[str, Any]]) -> dict[str, Any]:
    out = copy.deepcopy(files)
    ep = out["endpoints.json"]
    for ch in changes:
        op = ch["op"]
        obj = ch.get("object", "")
        fld = ch.get("field", "")
        if op == "add_field":
            defs = _defs(out, obj)
            for kind in ch.get("in", ["record"]):
                defs[kind]["properties"][fld] = dict(ch["schema"])
        elif op == "remove_field":
            defs = _defs(out, obj)
            for kind in ("record", "create", "update", "upsert"):
                if kind in defs:
                    defs[kind].get("properties", {}).pop(fld, None)
                    if fld in defs[kind].get("required", []):
                        defs[kind]["required"].remove(fld)
        elif op == "rename":
            defs = _defs(out, obj)
            for kind in ("record", "create", "update", "upsert"):
                props = defs.get(kind, {}).get("properties", {})
                if fld in props:
                    props[ch["to"]] = {**props.pop(fld), "x-renamed-from": fld}
                    req = defs[kind].get("required", [])
                    if fld in req:
                        req[req.index(fld)] = ch["to"]
        elif op == "require":
            defs = _defs(out, obj)
            _field(defs, "create", obj, fld)
            req = defs["create"].setdefault("required", [])
            if fld not in req:
                req.append(fld)
        elif op in ("add_value", "remove_value"):
            defs = _defs(out, obj)
            found = False
            for kind in ("record", "create", "update", "upsert"):
                props = defs.get(kind, {}).get("properties", {})
                if fld not in props:
                    continue
                s = props[fld]
                key = "enum" if "enum" in s else "x-picklist-values"
                values = list(s.get(key, []))
                if op == "add_value" and ch["value"] not in values:
                    values.append(ch["value"])
                elif op == "remove_value" and ch["value"] in values:
                    found = True
                    values.remove(ch["value"])
                if values or key in s:
                    s[key] = values
            if op == "remove_value" and not found:
                raise ChangeError(f"{obj}.{fld} has no value {ch['value']!r}")
        elif op == "max_length":
            defs = _defs(out, obj)
            for kind in ("record", "create", "update", "upsert"):
                props = defs.get(kind, {}).get("properties", {})
                if fld in props:
                    props[fld]["maxLength"] = int(ch["value"])
        elif op == "violation_code":
            ep["x-violation"]["codes"][ch["rule"]] = ch["value"]
        elif op == "retire_below":
            ep.setdefault("x-api", {})["retired_below"] = ch["value"]
        elif op == "page_size_max":
            ep.setdefault("x-limits", {})["page_size_max"] = int(ch["value"])
        else:
            raise ChangeError(f"unknown change op {op!r}")
    return out


def relabel(files: dict[str, Any], vendor: str, release: str) -> dict[str, Any]:
    """Give every document the $id of its new release folder."""
    for path, doc in files.items():
        if isinstance(doc, dict) and "$id" in doc:
            doc["$id"] = schema_id(vendor, release, path)
    return files
