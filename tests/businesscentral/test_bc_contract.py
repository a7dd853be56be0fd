"""The Business Central contract (from an environment's API v2.0 $metadata) against the
simulator, both ways: every property the simulator defines is in its entity's contract with
the same type, and the reverse; every record the simulator serves validates against it."""

from __future__ import annotations

from typing import Any

import httpx

from contracts import current, load_contract
from simulators.businesscentral._edm import BY_SET, COMPANY_SETS, PROPERTIES

EDM_JSON = {
    "Edm.String": "string",
    "Edm.Guid": "string",
    "Edm.Int32": "integer",
    "Edm.Int64": "integer",
    "Edm.Decimal": "number",
    "Edm.Boolean": "boolean",
    "Edm.Date": "string",
    "Edm.DateTimeOffset": "string",
}


def _contract() -> Any:
    return load_contract("businesscentral", current("businesscentral").name)


def test_entity_properties_match_the_contract_both_ways() -> None:
    objs = _contract().objects()
    assert set(objs) == set(PROPERTIES)
    for entity, props in PROPERTIES.items():
        record = objs[entity]["record"]["properties"]
        assert {p.name for p in props} == set(record) - {"@odata.etag"}, entity
        for p in props:
            spec = record[p.name]
            types = {spec["type"]} if isinstance(spec["type"], str) else set(spec["type"])
            assert EDM_JSON.get(p.type, "string") in types, f"{entity}.{p.name}"
            assert ("null" in types) == p.nullable, f"{entity}.{p.name} nullability"
            assert spec.get("maxLength") == p.max_length, f"{entity}.{p.name} maxLength"
            if p.type.startswith("NAV."):
                assert spec["enum"], f"{entity}.{p.name}: enum members"


def test_served_records_validate_against_the_contract(api: httpx.Client) -> None:
    c = _contract()
    # a few records of the entity sets that start empty
    cust = api.post("/customers", json={"displayName": "Contoso", "email": "a@contoso.example"})
    assert cust.status_code == 201, cust.text
    emp = api.post("/employees", json={"givenName": "Ada", "surname": "Lovelace"})
    assert emp.status_code == 201, emp.text
    for set_name, body in (
        ("items", {"displayName": "Consulting hour", "type": "Service"}),
        ("projects", {"displayName": "Rollout"}),
        ("currencies", {"code": "EUR", "displayName": "Euro"}),
        ("timeRegistrationEntries", {"employeeId": emp.json()["id"], "date": "2026-11-02"}),
        ("salesInvoices", {"customerId": cust.json()["id"]}),
    ):
        r = api.post(f"/{set_name}", json=body)
        assert r.status_code == 201, (set_name, r.text)
    checked: dict[str, int] = {}
    for set_name in sorted(COMPANY_SETS):
        r = api.get(f"/{set_name}")
        if r.status_code != 200:
            continue
        entity = BY_SET[set_name].name
        validator = c.validator(f"objects/{entity}.json#/$defs/record")
        for rec in r.json()["value"]:
            found = validator.violations(rec)
            assert not found, f"{set_name}: {[v.to_dict() for v in found]}"
            checked[entity] = checked.get(entity, 0) + 1
    assert checked.get("customer", 0) >= 1 and len(checked) >= 7, checked


def test_a_record_that_breaks_the_contract_is_named() -> None:
    v = _contract().validator("objects/customer.json#/$defs/record")
    found = v.violations({"id": "not-a-guid", "displayName": "x" * 101, "blocked": "Maybe"})
    assert {(x.field, x.rule) for x in found} >= {
        ("id", "format"),
        ("displayName", "maxLength"),
        ("blocked", "enum"),
    }
