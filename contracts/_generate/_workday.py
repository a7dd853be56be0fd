"""Workday Common v1 contracts from the vendor's OpenAPI (as held by Ballerina's connector).

All component schemas are converted once into ``common.json``; each object file flattens
its ``allOf`` into one property list so diffs and drift checks see fields, not refs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from ._schema import DIALECT, object_doc, openapi_to_2020, prop, schema_id

SPEC = "workday/ballerina-workday.common-openapi.yml"
STAFFING = "workday/denhamd2-pm-agent-mirror-staffing_v7_20260418_oas2.json"
WORKER_DATA = "workerData_c2466b0778c610000d1936006720000e"
OBJECTS = {
    "workers": "WorkerSummary",
    "workerProfile": "WorkerProfile",
    "supervisoryOrganizations": "SupervisoryOrganizationSummary",
    "jobChangeReasons": "JobChangeReasonSummary",
    "organizations": "OrganizationSummary",
}


def _flatten(comps: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = {}
    required: list[str] = []
    parts = schema.get("allOf") or [schema]
    for part in parts:
        if "$ref" in part:
            target = _flatten(comps, comps[part["$ref"].rsplit("/", 1)[-1]])
            props.update(target["properties"])
            required += target.get("required", [])
        else:
            props.update(part.get("properties", {}))
            required += part.get("required", [])
    return {"type": "object", "properties": props, "required": required}


def _shallow(schema: dict[str, Any]) -> dict[str, Any]:
    """Swagger 2.0 properties with their references typed as objects (one level deep)."""
    props = {}
    for k, v in schema["properties"].items():
        v = openapi_to_2020(v)
        if "$ref" in v:
            v = {"type": "object"}
        elif v.get("type") == "array" and "$ref" in v.get("items", {}):
            v = {**v, "items": {"type": "object"}}
        props[k] = v
    return {**schema, "properties": props}


def _relink(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: ("../common.json" + v if k == "$ref" and v.startswith("#/") else _relink(v))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_relink(x) for x in node]
    return node


def _nullable_props(schema: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in schema["properties"].items():
        v = dict(v)
        t = v.get("type")
        if isinstance(t, str):
            v["type"] = [t, "null"]
        out[k] = v
    return {**schema, "properties": out}


def build(
    specs: Path, selection: dict[str, Any], release: str
) -> tuple[dict[str, Any], dict[str, str]]:
    doc = yaml.safe_load((specs / SPEC).read_text())
    comps = {k: openapi_to_2020(v) for k, v in doc["components"]["schemas"].items()}
    files: dict[str, Any] = {}
    sources: dict[str, str] = {}
    extra = selection.get("extra_fields", {})
    staffing = json.loads((specs / STAFFING).read_text())["definitions"]
    worker_data = _shallow(_flatten(staffing, staffing[WORKER_DATA]))
    for name, comp in OBJECTS.items():
        flat = _flatten(comps, comps[comp])
        if name in ("workers", "workerProfile"):
            # a Common v1 worker also carries the Staffing workerData shape clients read
            for k, v in worker_data["properties"].items():
                flat["properties"].setdefault(k, v)
        for fname, typ in (extra.get(name) or {}).items():
            flat["properties"].setdefault(fname, {"type": typ, "x-source": "docs"})
        record = _relink(_nullable_props(flat))
        record["additionalProperties"] = True
        record["required"] = [r for r in ("id", "descriptor") if r in record["properties"]]
        how = (
            f"vendor OpenAPI {SPEC} ({comp}, allOf flattened)"
            + (
                f"; Staffing v7 {STAFFING} ({WORKER_DATA})"
                if name in ("workers", "workerProfile")
                else ""
            )
            + (
                "; extra fields written from the Workday REST directory (https://community.workday.com/sites/default/files/file-hosting/restapi/index.html)"
                if extra.get(name)
                else ""
            )
        )
        files[f"objects/{name}.json"] = object_doc(
            "workday", release, name, {"record": record}, how
        )
        sources[f"objects/{name}.json"] = how
    jc = _relink(_flatten(comps, comps["ChangeJobInput"]))
    jc["required"] = list(selection.get("jobChange_required", []))
    jc["additionalProperties"] = False
    files["objects/jobChanges.json"] = object_doc(
        "workday", release, "jobChanges", {"create": jc}, f"vendor OpenAPI {SPEC} (ChangeJobInput)"
    )
    sources["objects/jobChanges.json"] = (
        f"vendor OpenAPI {SPEC} (ChangeJobInput); required fields written from https://community.workday.com/sites/default/files/file-hosting/restapi/index.html (Common v1, POST /workers/{{ID}}/jobChanges)"
    )
    s = prop("string")
    files["common.json"] = {
        "$schema": DIALECT,
        "$id": schema_id("workday", release, "common.json"),
        "title": "Workday Common v1 components and envelopes",
        "$defs": {
            **comps,
            "collection": {
                "type": "object",
                "properties": {"data": {"type": "array"}, "total": prop("integer")},
                "required": ["data", "total"],
            },
            "error": {
                "type": "object",
                "properties": {
                    "error": s,
                    "code": s,
                    "field": s,
                    "path": s,
                    "errors": {"type": "array"},
                },
                "required": ["error"],
            },
            "token": {
                "type": "object",
                "properties": {
                    "access_token": s,
                    "token_type": s,
                    "refresh_token": s,
                    "expires_in": prop(["integer", "string"]),
                },
                "required": ["access_token", "token_type"],
            },
        },
    }
    sources["common.json"] = (
        f"vendor OpenAPI {SPEC} (components; ERROR_MODEL_REFERENCE); collection envelope and token from the Staffing v7 spec (workday/denhamd2-pm-agent-mirror-staffing_v7_20260418_oas2.json) and Workday's OAuth docs"
    )
    c = "/ccx/api/common/v1/{tenant}"
    files["endpoints.json"] = {
        "$schema": DIALECT,
        "$id": schema_id("workday", release, "endpoints.json"),
        "title": "Workday Common v1 endpoints the contracts cover",
        "x-endpoints": {
            "common.jobChanges": {
                "method": "POST",
                "path": f"{c}/workers/{{id}}/jobChanges",
                "object": "jobChanges",
                "request": "objects/jobChanges.json#/$defs/create",
            },
            "common.workers": {
                "method": "GET",
                "path": f"{c}/workers",
                "object": "workers",
                "response": "common.json#/$defs/collection",
            },
            "common.worker": {
                "method": "GET",
                "path": f"{c}/workers/{{id}}",
                "object": "workers",
                "response": "objects/workers.json#/$defs/record",
            },
            "common.supervisoryOrganizations": {
                "method": "GET",
                "path": f"{c}/supervisoryOrganizations",
                "object": "supervisoryOrganizations",
                "response": "common.json#/$defs/collection",
            },
            "common.supervisoryOrganization": {
                "method": "GET",
                "path": f"{c}/supervisoryOrganizations/{{id}}",
                "object": "supervisoryOrganizations",
                "response": "objects/supervisoryOrganizations.json#/$defs/record",
            },
            "common.jobChangeReasons": {
                "method": "GET",
                "path": f"{c}/jobChangeReasons",
                "object": "jobChangeReasons",
                "response": "common.json#/$defs/collection",
            },
            "oauth2.token": {
                "method": "POST",
                "path": "/ccx/oauth2/{tenant}/token",
                "response": "common.json#/$defs/token",
            },
        },
        "x-errors": "common.json#/$defs/error",
    }
    sources["endpoints.json"] = f"vendor OpenAPI {SPEC} (paths)"
    return files, sources
