"""Metadata catalog (link list, OpenAPI 3.0, JSON Schema) and governanceLimits, through the
TBA-signed httpx client and the stock `netsuite` package."""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

import httpx
import jsonschema
import pytest

from harness.testing import SimHandle

from ._stock import stock_rest_api

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from netsuite.exceptions import NetsuiteAPIRequestError

SWAGGER = {"Accept": "application/swagger+json"}
SCHEMA = {"Accept": "application/schema+json"}


def _validate_openapi(doc: dict[str, Any]) -> None:
    try:
        from openapi_spec_validator import validate
    except ImportError:  # structural check only
        assert doc["openapi"].startswith("3.0")
        assert isinstance(doc["paths"], dict) and isinstance(doc["components"]["schemas"], dict)
        return
    validate(doc)


def _check_schema(schema: dict[str, Any]) -> None:
    jsonschema.validators.validator_for(schema).check_schema(schema)


def test_stock_client_jsonschema_and_openapi(erp: SimHandle, creds: dict[str, Any]) -> None:
    ns = stock_rest_api(erp.base_url, creds)

    async def run() -> tuple[Any, Any, Any]:
        return (
            await ns.jsonschema("customer"),
            await ns.openapi(["customer"]),
            await ns.openapi(["customer", "invoice"]),
        )

    schema, doc, two = asyncio.run(run())
    _check_schema(schema)
    props = schema["properties"]
    assert schema["type"] == "object"
    assert props["companyName"]["type"] == "string"
    assert props["isPerson"]["type"] == "boolean"
    assert props["creditLimit"]["type"] == "number"
    assert props["lastModifiedDate"]["format"] == "date-time"
    assert props["lastModifiedDate"]["readOnly"] is True
    assert props["subsidiary"]["type"] == "object"
    assert props["subsidiary"]["x-ns-reference-types"] == ["subsidiary"]
    assert "subsidiary" in schema["x-ns-required-on-create"]

    _validate_openapi(doc)
    assert set(doc["paths"]) == {"/customer", "/customer/{id}"}
    assert set(doc["paths"]["/customer"]) == {"get", "post"}
    assert {"get", "patch", "put", "delete"} <= set(doc["paths"]["/customer/{id}"])
    assert doc["servers"][0]["url"] == f"{erp.base_url}/services/rest/record/v1"
    assert doc["components"]["schemas"]["customer"]["properties"]["email"]["type"] == "string"

    _validate_openapi(two)
    schemas = two["components"]["schemas"]
    assert {"/invoice", "/invoice/{id}"} <= set(two["paths"])
    inv = schemas["invoice"]["properties"]
    assert inv["item"] == {"$ref": "#/components/schemas/invoice-itemCollection"}
    line = schemas["invoice-itemElement"]["properties"]
    assert line["quantity"]["type"] == "number"
    # every invoice status of the 2026.1 record reference (A Open, B Paid In Full, D, E, V)
    assert inv["status"]["properties"]["id"]["enum"] == ["A", "B", "D", "E", "V"]


def test_catalog_list_and_select(api: httpx.Client) -> None:
    r = api.get("/record/v1/metadata-catalog")
    assert r.status_code == 200
    items = r.json()["items"]
    names = [i["name"] for i in items]
    assert {"customer", "invoice", "salesorder", "timebill"} <= set(names)
    cust = next(i for i in items if i["name"] == "customer")
    href = f"{str(api.base_url).rstrip('/')}/record/v1/metadata-catalog/customer"
    assert cust["links"] == [
        {"rel": "canonical", "href": href, "mediaType": "application/json"},
        {"rel": "alternate", "href": href, "mediaType": "application/swagger+json"},
        {"rel": "alternate", "href": href, "mediaType": "application/schema+json"},
    ]
    r = api.get("/record/v1/metadata-catalog", params={"select": "customer,SalesOrder"})
    assert [i["name"] for i in r.json()["items"]] == ["customer", "salesorder"]
    one = api.get("/record/v1/metadata-catalog/customer").json()
    assert one == cust


def test_accept_variants(api: httpx.Client) -> None:
    everything = api.get("/record/v1/metadata-catalog", headers=SWAGGER).json()
    _validate_openapi(everything)
    assert "/customerpayment/{id}" in everything["paths"]
    r = api.get("/record/v1/metadata-catalog", params={"select": "salesorder"}, headers=SWAGGER)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/swagger+json")
    _validate_openapi(r.json())
    assert "/salesorder" in r.json()["paths"]

    r = api.get("/record/v1/metadata-catalog", params={"select": "customer,job"}, headers=SCHEMA)
    assert r.headers["content-type"].startswith("application/schema+json")
    doc = r.json()
    _check_schema(doc)
    assert set(doc["definitions"]) == {"customer", "job"}

    r = api.get("/record/v1/metadata-catalog/timebill", headers=SWAGGER)
    _validate_openapi(r.json())
    assert r.json()["components"]["schemas"]["timebill"]["properties"]["hours"]["type"] == "number"

    r = api.get(
        "/record/v1/metadata-catalog/customer",
        headers={"Accept": "text/html;q=0.5, application/schema+json"},
    )
    _check_schema(r.json())
    assert r.json()["$schema"].startswith("http://json-schema.org/")

    r = api.get("/record/v1/metadata-catalog/customer", headers={"Accept": "text/xml"})
    assert r.status_code == 406
    assert r.json()["o:errorDetails"][0]["o:errorHeader"] == "Accept"


def test_schema_describes_rendered_records(api: httpx.Client) -> None:
    r = api.post(
        "/record/v1/customer",
        json={"companyName": "Acme", "subsidiary": {"id": "1"}, "creditLimit": 5000},
    )
    assert r.status_code == 204
    rec = api.get(r.headers["location"].split("/services/rest", 1)[1]).json()
    schema = api.get("/record/v1/metadata-catalog/customer", headers=SCHEMA).json()
    jsonschema.validate(rec, schema)
    assert set(rec) - {"links"} <= set(schema["properties"])


def test_unknown_type_is_404(api: httpx.Client, erp: SimHandle, creds: dict[str, Any]) -> None:
    for path, params in (
        ("/record/v1/metadata-catalog/nosuchrecord", None),
        ("/record/v1/metadata-catalog", {"select": "customer,nosuchrecord"}),
    ):
        for headers in ({}, SWAGGER, SCHEMA):
            r = api.get(path, params=params, headers=headers)
            assert r.status_code == 404
            body = r.json()
            assert body["status"] == 404 and body["title"] == "Not Found"
            assert body["o:errorDetails"][0]["o:errorCode"] == "NONEXISTENT_ID"
    ns = stock_rest_api(erp.base_url, creds)
    with pytest.raises(NetsuiteAPIRequestError) as exc:
        asyncio.run(ns.jsonschema("nosuchrecord"))
    assert exc.value.status_code == 404


def test_governance_limits(api: httpx.Client, erp: SimHandle) -> None:
    from simulators.netsuite._dialect import NetSuiteDialect

    dialect = erp.sim.dialect
    assert isinstance(dialect, NetSuiteDialect)
    limit = dialect.settings.concurrency_limit
    r = api.get("/system/v1/governanceLimits")
    assert r.status_code == 200
    assert r.json() == {
        "accountConcurrencyLimit": limit,
        "accountUnallocatedConcurrencyLimit": limit,
        "integrationLimitType": "accountLimit",
    }
    assert r.headers["x-netsuite-concurrency-in-flight"] == "1"
    lim = dialect.limit(erp.sim.tenants.get("default"))
    lim.max = 7
    try:
        assert api.get("/system/v1/governanceLimits").json()["accountConcurrencyLimit"] == 7
    finally:
        lim.max = limit


def test_metadata_requires_auth(erp: SimHandle) -> None:
    with httpx.Client(base_url=f"{erp.base_url}/services/rest", trust_env=False) as raw:
        assert raw.get("/record/v1/metadata-catalog").status_code == 401
        assert raw.get("/system/v1/governanceLimits").status_code == 401
