"""The served entity model against Business Central's own v2.0 $metadata.

The recorded document (a Business Central environment's standard API v2.0 $metadata,
shared/vendor-specs/business-central) is the reference for every property name, EDM
type, nullability and maximum length served here, for the enum members and for the
entity set names.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import httpx
import pytest

from simulators.businesscentral._edm import ENTITIES, ENUMS, PROPERTIES

_EDM = "{http://docs.oasis-open.org/odata/ns/edm}"
_NAME = "rebelpl-bc-api2-common-api-v2.0-metadata.xml"


def _recorded() -> ET.Element:
    root = Path(__file__).resolve().parents[2]
    for base in (root.parent, root.parent.parent, root.parent.parent.parent):
        path = base / "shared" / "vendor-specs" / "business-central" / _NAME
        if path.exists():
            schema = ET.parse(path).getroot().find(f".//{_EDM}Schema")
            assert schema is not None
            return schema
    pytest.skip(
        "the recorded Business Central $metadata (shared/vendor-specs) is not beside this checkout"
    )


def test_properties_match_the_recorded_metadata() -> None:
    schema = _recorded()
    types = {t.get("Name"): t for t in schema.findall(f"{_EDM}EntityType")}
    for name, props in PROPERTIES.items():
        recorded = [
            (p.get("Name"), p.get("Type"), p.get("Nullable") != "false", p.get("MaxLength"))
            for p in types[name].findall(f"{_EDM}Property")
        ]
        served = [
            (
                p.name,
                p.type.replace("NAV.", "Microsoft.NAV."),
                p.nullable,
                None if p.max_length is None else str(p.max_length),
            )
            for p in props
        ]
        assert served == recorded, name


def test_enums_and_entity_sets_match_the_recorded_metadata() -> None:
    schema = _recorded()
    enums = {e.get("Name"): e for e in schema.findall(f"{_EDM}EnumType")}
    for name, members in ENUMS.items():
        recorded = [
            (m.get("Name"), int(m.get("Value") or 0))
            for m in enums[name.split(".", 1)[1]].findall(f"{_EDM}Member")
        ]
        assert [(csdl, value) for _, csdl, value in members] == recorded, name
    container = schema.find(f"{_EDM}EntityContainer")
    assert container is not None
    sets = {s.get("Name"): s.get("EntityType") for s in container.findall(f"{_EDM}EntitySet")}
    for ent in ENTITIES.values():
        assert sets[ent.set_name] == f"Microsoft.NAV.{ent.name}"
    navs = {
        t.get("Name"): {n.get("Name") for n in t.findall(f"{_EDM}NavigationProperty")}
        for t in schema.findall(f"{_EDM}EntityType")
    }
    for ent in ENTITIES.values():
        assert set(ent.nav) <= navs[ent.name], ent.name


def test_metadata_document_is_served(api: httpx.Client, creds: dict[str, Any]) -> None:
    r = httpx.get(f"{creds['api_url']}/$metadata", headers=api.headers, trust_env=False)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/xml")
    schema = ET.fromstring(r.content).find(f".//{_EDM}Schema")
    assert schema is not None and schema.get("Namespace") == "Microsoft.NAV"
    sets = {s.get("Name") for s in schema.iter(f"{_EDM}EntitySet")}
    assert {
        "companies",
        "customers",
        "salesInvoices",
        "salesInvoiceLines",
        "timeRegistrationEntries",
        "subscriptions",
    } <= sets
    blocked = [
        m.get("Name")
        for e in schema.iter(f"{_EDM}EnumType")
        if e.get("Name") == "customerBlocked"
        for m in e
    ]
    assert blocked[0] == "_x0020_"  # the blank member, spelled as the service spells it
