"""Small builders for the JSON Schema documents the generator writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DIALECT = "https://json-schema.org/draft/2020-12/schema"
BASE = "https://contracts.ps-integration-harness.invalid"


def schema_id(vendor: str, release: str, rel_path: str) -> str:
    return f"{BASE}/{vendor}/{release}/{rel_path}"


def prop(
    types: str | list[str],
    *,
    nullable: bool = False,
    fmt: str | None = None,
    max_length: int | None = None,
    enum: list[Any] | None = None,
    vendor_type: str | None = None,
    read_only: bool = False,
) -> dict[str, Any]:
    """One property schema; ``nullable`` adds JSON null to the types (and to an enum)."""
    ts = [types] if isinstance(types, str) else list(types)
    if nullable and "null" not in ts:
        ts.append("null")
    out: dict[str, Any] = {"type": ts[0] if len(ts) == 1 else ts}
    if fmt:
        out["format"] = fmt
    if max_length:
        out["maxLength"] = max_length
    if enum is not None:
        out["enum"] = [*enum, *([None] if nullable and None not in enum else [])]
    if vendor_type:
        out["x-vendor-type"] = vendor_type
    if read_only:
        out["readOnly"] = True
    return out


def write_json(path: Path, doc: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, sort_keys=False) + "\n", encoding="utf-8")


def object_doc(
    vendor: str,
    release: str,
    name: str,
    defs: dict[str, Any],
    source: str,
) -> dict[str, Any]:
    """The file of one object: its record (response), create and update request shapes."""
    return {
        "$schema": DIALECT,
        "$id": schema_id(vendor, release, f"objects/{name}.json"),
        "title": name,
        "x-source": source,
        "$defs": defs,
    }


def openapi_to_2020(node: Any, ref_prefix: str = "#/$defs/") -> Any:
    """OpenAPI 3.0 / Swagger 2.0 schema -> JSON Schema 2020-12 (refs, nullable, examples)."""
    if isinstance(node, list):
        return [openapi_to_2020(x, ref_prefix) for x in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for k, v in node.items():
        if k in ("example", "examples", "description", "xml", "discriminator") or k.startswith(
            "x-ballerina"
        ):
            continue
        if k == "$ref" and isinstance(v, str):
            out[k] = ref_prefix + v.rsplit("/", 1)[-1]
        elif k == "nullable":
            continue
        elif k == "format" and v in ("int32", "int64", "double", "float", "url", "JSONPath", "URI"):
            continue  # OpenAPI's numeric widths and free-text formats are not JSON Schema formats
        elif k == "properties" and isinstance(v, dict):
            out[k] = {pk: openapi_to_2020(pv, ref_prefix) for pk, pv in v.items()}
        else:
            out[k] = openapi_to_2020(v, ref_prefix)
    if node.get("nullable") and "type" in out:
        t = out["type"]
        out["type"] = [t, "null"] if isinstance(t, str) else [*t, "null"]
    return out
