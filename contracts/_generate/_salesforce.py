"""Salesforce sObject contracts from the recorded describe output and the enterprise WSDL.

Per field: type, nillable, createable, updateable, defaultedOnCreate, length and
picklist values come from ``cumulusci-<Object>-describe.json`` where the object was
recorded; OpportunityLineItem's types come from the v51.0 enterprise WSDL excerpt; the
remaining objects and attributes are written from the object reference page named in
``salesforce.toml``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as ET

from .._salesforce import SALESFORCE_TEXT_TYPES
from ._schema import DIALECT, object_doc, prop, schema_id

TEXT = {"id", "reference", *SALESFORCE_TEXT_TYPES}
XSD = {
    "xsd:string": "string",
    "tns:ID": "reference",
    "xsd:double": "double",
    "xsd:int": "int",
    "xsd:boolean": "boolean",
    "xsd:date": "date",
    "xsd:dateTime": "datetime",
}
CUSTOM = "^[A-Za-z][A-Za-z0-9_]*__c$"
DESCRIBED = ("Account", "Contact", "Opportunity")
WSDL = "salesforce/thimotyb-salesforce-springboot-demo-enterprise-wsdl-v51.0-excerpt-Account-Contact-Opportunity-OpportunityLineItem.wsdl"


def json_schema(f: dict[str, Any]) -> dict[str, Any]:
    t = f["type"]
    nullable = f.get("nillable", True)
    length = f.get("length") or None
    if t in TEXT:
        return prop("string", nullable=nullable, max_length=length, vendor_type=t)
    if t == "boolean":
        return prop("boolean", vendor_type=t)
    if t in ("int", "long"):
        return prop("integer", nullable=nullable, vendor_type=t)
    if t in ("double", "currency", "percent"):
        return prop("number", nullable=nullable, vendor_type=t)
    if t == "date":
        return prop("string", nullable=nullable, fmt="date", vendor_type=t)
    if t == "datetime":
        return prop("string", nullable=nullable, fmt="date-time", vendor_type=t)
    return prop(["object", "string"], nullable=True, vendor_type=t)


def _describe_fields(specs: Path, obj: str) -> dict[str, dict[str, Any]]:
    doc = json.loads((specs / f"salesforce/cumulusci-{obj}-describe.json").read_text())
    out = {}
    for f in doc["fields"]:
        out[f["name"]] = {
            "type": f["type"],
            "nillable": f["nillable"],
            "createable": f["createable"],
            "updateable": f["updateable"],
            "defaulted": f["defaultedOnCreate"],
            "length": f.get("length") or 0,
            "picklist": [p["value"] for p in f.get("picklistValues") or [] if p.get("active")],
            "restricted": bool(f.get("restrictedPicklist")),
        }
    return out


def _wsdl_types(specs: Path, obj: str) -> dict[str, str]:
    root = ET.parse(specs / WSDL).getroot()
    out = {}
    for ct in root.iter("{http://www.w3.org/2001/XMLSchema}complexType"):
        if ct.get("name") != obj:
            continue
        for el in ct.iter("{http://www.w3.org/2001/XMLSchema}element"):
            t = XSD.get(el.get("type", ""))
            if t:
                out[el.get("name", "")] = t
    return out


def build(
    specs: Path, selection: dict[str, Any], release: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """{relative path: document} and {relative path: source} for the first release."""
    files: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for name, obj in selection["objects"].items():
        recorded = _describe_fields(specs, name) if name in DESCRIBED else {}
        wsdl = _wsdl_types(specs, name) if name == "OpportunityLineItem" else {}
        props: dict[str, Any] = {}
        create: dict[str, Any] = {}
        update: dict[str, Any] = {}
        required: list[str] = []
        # every standard field of a recorded describe (the recording org's own custom
        # fields are not Salesforce's), then the fields the selection adds
        chosen = {n: {"type": r["type"]} for n, r in recorded.items() if not n.endswith("__c")}
        chosen.update(obj["fields"])
        for fname, sel in chosen.items():
            f = {"nillable": True, "createable": True, "updateable": True, **sel}
            if fname in recorded:
                f = {**f, **recorded[fname]}
            elif fname in wsdl:
                f["type"] = (
                    wsdl[fname] if sel["type"] not in ("currency", "percent") else sel["type"]
                )
            s = json_schema(f)
            if f.get("picklist"):
                if f.get("restricted"):
                    s["enum"] = [*f["picklist"], *([None] if f["nillable"] else [])]
                else:
                    s["x-picklist-values"] = list(f["picklist"])
            props[fname] = s
            if f["createable"]:
                create[fname] = s
                if not f["nillable"] and not f.get("defaulted") and f["type"] != "boolean":
                    required.append(fname)
            if f["updateable"]:
                update[fname] = s
        how = (
            f"describe recording salesforce/cumulusci-{name}-describe.json"
            if recorded
            else (f"enterprise WSDL {WSDL} (types); " if wsdl else "")
            + f"written from the object reference {obj['docs']}"
        )
        attrs = {"attributes": {"$ref": "../common.json#/$defs/attributes"}}
        record = {
            "type": "object",
            "properties": {**attrs, **props},
            "additionalProperties": True,
        }
        files[f"objects/{name}.json"] = object_doc(
            "salesforce",
            release,
            name,
            {
                "record": record,
                "create": {
                    "type": "object",
                    "properties": {**attrs, **create},
                    "required": required,
                    "patternProperties": {CUSTOM: {}},
                    "additionalProperties": False,
                },
                "update": {
                    "type": "object",
                    "properties": {**attrs, **update},
                    "patternProperties": {CUSTOM: {}},
                    "additionalProperties": False,
                },
                "upsert": {
                    "type": "object",
                    "properties": {**attrs, **create, **update},
                    "patternProperties": {CUSTOM: {}},
                    "additionalProperties": False,
                },
            },
            how,
        )
        sources[f"objects/{name}.json"] = how
    files["common.json"] = common(release)
    sources["common.json"] = (
        "written from the REST API Developer Guide "
        "(https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm, "
        "resources_query.htm, intro_oauth_and_connected_apps.htm); ChangeEventHeader from "
        f"{WSDL}"
    )
    files["endpoints.json"] = endpoints(release)
    sources["endpoints.json"] = "written from the REST API Developer Guide resource list"
    return files, sources


def common(release: str) -> dict[str, Any]:
    s = prop("string")
    return {
        "$schema": DIALECT,
        "$id": schema_id("salesforce", release, "common.json"),
        "title": "Salesforce REST envelopes",
        "$defs": {
            "attributes": {
                "type": "object",
                "properties": {"type": s, "url": s, "referenceId": s},
            },
            "error": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "message": s,
                        "errorCode": s,
                        "fields": {"type": "array", "items": s},
                    },
                    "required": ["message", "errorCode"],
                },
            },
            "saveResult": {
                "type": "object",
                "properties": {
                    "id": s,
                    "success": prop("boolean"),
                    "errors": {"type": "array"},
                    "created": prop("boolean"),
                },
                "required": ["id", "success", "errors"],
            },
            "queryResult": {
                "type": "object",
                "properties": {
                    "totalSize": prop("integer"),
                    "done": prop("boolean"),
                    "nextRecordsUrl": s,
                    "records": {"type": "array", "items": {"type": "object"}},
                },
                "required": ["totalSize", "done", "records"],
            },
            "token": {
                "type": "object",
                "properties": {
                    "access_token": s,
                    "instance_url": prop("string", fmt="uri"),
                    "id": s,
                    "token_type": s,
                    "issued_at": s,
                    "signature": s,
                    "scope": s,
                },
                "required": ["access_token", "instance_url", "token_type"],
            },
            "changeEventHeader": {
                "type": "object",
                "properties": {
                    "entityName": s,
                    "recordIds": {"type": "array", "items": s},
                    "changeType": prop(
                        "string",
                        enum=[
                            "CREATE",
                            "UPDATE",
                            "DELETE",
                            "UNDELETE",
                            "GAP_CREATE",
                            "GAP_UPDATE",
                            "GAP_DELETE",
                            "GAP_UNDELETE",
                            "GAP_OVERFLOW",
                        ],
                    ),
                    "changeOrigin": s,
                    "transactionKey": s,
                    "sequenceNumber": prop("integer"),
                    "commitTimestamp": prop("integer"),
                    "commitNumber": prop("integer"),
                    "commitUser": s,
                    "nulledFields": {"type": "array", "items": s},
                    "diffFields": {"type": "array", "items": s},
                    "changedFields": {"type": "array", "items": s},
                },
                "required": ["entityName", "recordIds", "changeType", "commitTimestamp"],
            },
        },
    }


def endpoints(release: str) -> dict[str, Any]:
    """Route name -> request and response schema; ``{object}`` is the sObject in the path."""
    return {
        "$schema": DIALECT,
        "$id": schema_id("salesforce", release, "endpoints.json"),
        "title": "Salesforce REST endpoints the contracts cover",
        "x-object-param": "sobject",
        "x-endpoints": {
            "sobject.create": {
                "method": "POST",
                "path": "/services/data/v{version}/sobjects/{sobject}",
                "request": "objects/{object}.json#/$defs/create",
                "response": "common.json#/$defs/saveResult",
            },
            "sobject.update": {
                "method": "PATCH",
                "path": "/services/data/v{version}/sobjects/{sobject}/{id}",
                "request": "objects/{object}.json#/$defs/update",
            },
            "sobject.upsert": {
                "method": "PATCH",
                "path": "/services/data/v{version}/sobjects/{sobject}/{field}/{value}",
                "request": "objects/{object}.json#/$defs/upsert",
            },
            "sobject.get": {
                "method": "GET",
                "path": "/services/data/v{version}/sobjects/{sobject}/{id}",
                "response": "objects/{object}.json#/$defs/record",
            },
            "query": {
                "method": "GET",
                "path": "/services/data/v{version}/query",
                "response": "common.json#/$defs/queryResult",
            },
            "oauth2.token": {
                "method": "POST",
                "path": "/services/oauth2/token",
                "response": "common.json#/$defs/token",
            },
        },
        "x-errors": "common.json#/$defs/error",
    }
