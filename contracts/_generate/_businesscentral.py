"""Business Central API v2.0 contracts from an environment's OData ``$metadata`` (CSDL).

Every structural property of the selected entity types, with its EDM type, nullability and
maximum length; NAV enum types become JSON Schema enums of their member names as the wire carries them
(XML-encoded names decoded: ``_x0020_`` is ``" "``). The
``$metadata`` states no read-only facet, so create and update accept every property but
the key.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from ._schema import DIALECT, object_doc, prop, schema_id

VENDOR = "businesscentral"
SPEC = "business-central/rebelpl-bc-api2-common-api-v2.0-metadata.xml"
_NS = {"e": "http://docs.oasis-open.org/odata/ns/edm"}
_DOCS = (
    "https://learn.microsoft.com/en-us/dynamics365/business-central/dev-itpro/api-reference/v2.0/"
)
_SIMPLE: dict[str, tuple[str, str | None]] = {
    "Edm.String": ("string", None),
    "Edm.Guid": ("string", "uuid"),
    "Edm.Int32": ("integer", None),
    "Edm.Int64": ("integer", None),
    "Edm.Decimal": ("number", None),
    "Edm.Double": ("number", None),
    "Edm.Boolean": ("boolean", None),
    "Edm.Date": ("string", "date"),
    "Edm.DateTimeOffset": ("string", "date-time"),
    # a stream (companyInformation.picture) is read at its own URL; typed as text here
    "Edm.Stream": ("string", None),
}


def _decode(name: str) -> str:
    """An XML-encoded member name as it goes on the wire (``_x0020_`` is the blank value)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), name)


def _property(el: ET.Element, enums: dict[str, list[str]]) -> dict[str, Any]:
    edm = str(el.get("Type"))
    nullable = el.get("Nullable", "true") != "false"
    max_length = el.get("MaxLength") or ""
    length = int(max_length) if max_length.isdigit() else None
    if edm in _SIMPLE:
        t, fmt = _SIMPLE[edm]
        return prop(t, nullable=nullable, fmt=fmt, max_length=length, vendor_type=edm)
    name = edm.removeprefix("Microsoft.NAV.")
    if name in enums:
        return prop("string", nullable=nullable, enum=enums[name], vendor_type=f"NAV.{name}")
    raise SystemExit(f"{SPEC}: property {el.get('Name')} has unsupported type {edm}")


def build(
    specs: Path, selection: dict[str, Any], release: str
) -> tuple[dict[str, Any], dict[str, str]]:
    root = ET.parse(specs / SPEC).getroot()
    schema = root.find(".//e:Schema", _NS)
    if schema is None:
        raise SystemExit(f"{SPEC}: no Schema element")
    enums = {
        str(e.get("Name")): [_decode(str(m.get("Name"))) for m in e.findall("e:Member", _NS)]
        for e in schema.findall("e:EnumType", _NS)
    }
    types = {str(e.get("Name")): e for e in schema.findall("e:EntityType", _NS)}
    files: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for name in selection["entities"]:
        et = types.get(name)
        if et is None:
            raise SystemExit(f"{SPEC}: no entity type {name!r}")
        props = {str(p.get("Name")): _property(p, enums) for p in et.findall("e:Property", _NS)}
        record: dict[str, Any] = {
            "type": "object",
            "properties": {"@odata.etag": prop("string"), **props},
            "required": [str(k.get("Name")) for k in et.findall("e:Key/e:PropertyRef", _NS)],
        }
        writable = {k: v for k, v in props.items() if k not in record["required"]}
        write = {"type": "object", "properties": writable, "additionalProperties": False}
        files[f"objects/{name}.json"] = object_doc(
            VENDOR,
            release,
            name,
            {"record": record, "create": write, "update": dict(write)},
            f"vendor-specs/{SPEC}",
        )
        sources[f"objects/{name}.json"] = (
            f"{SPEC} (an environment's API v2.0 $metadata: types, nullability, maximum "
            f"lengths, enum members); entity reference {_DOCS}resources/dynamics_{name.lower()}"
        )
    files["common.json"] = _common(release)
    sources["common.json"] = (
        "written from the API v2.0 documentation: error body and collection envelope "
        f"({_DOCS}); token response of the Microsoft identity platform "
        "(https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow)"
    )
    files["endpoints.json"] = {
        "$schema": DIALECT,
        "$id": schema_id(VENDOR, release, "endpoints.json"),
        "title": "Business Central API v2.0 endpoints the contracts cover",
        "x-endpoints": {},  # records are held to the contract; requests are not checked yet
        "x-errors": "common.json#/$defs/error",
    }
    sources["endpoints.json"] = "written from the API v2.0 documentation"
    return files, sources


def _common(release: str) -> dict[str, Any]:
    s = prop("string")
    return {
        "$schema": DIALECT,
        "$id": schema_id(VENDOR, release, "common.json"),
        "title": "Business Central API v2.0 envelopes",
        "$defs": {
            "error": {
                "type": "object",
                "properties": {
                    "error": {
                        "type": "object",
                        "properties": {"code": s, "message": s},
                        "required": ["code", "message"],
                    }
                },
                "required": ["error"],
            },
            "collection": {
                "type": "object",
                "properties": {
                    "@odata.context": s,
                    "@odata.nextLink": s,
                    "value": {"type": "array", "items": {"type": "object"}},
                },
                "required": ["value"],
            },
            "token": {
                "type": "object",
                "properties": {
                    "token_type": s,
                    "expires_in": prop("integer"),
                    "ext_expires_in": prop("integer"),
                    "access_token": s,
                },
                "required": ["token_type", "access_token"],
            },
        },
    }
