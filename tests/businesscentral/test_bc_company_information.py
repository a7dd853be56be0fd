"""Company information: one record per company, with its country and local currency.

learn.microsoft.com, Business Central API v2.0, "companyInformation resource type":
GET companies({id})/companyInformation answers a collection holding the company's one
record (country, currencyCode, ...). A company itself is made outside the API, so a new
legal entity arrives here through the bulk load, its company information with it.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from harness.testing import SimHandle


def _bulk_load(bc: SimHandle, record_type: str, record: dict[str, Any]) -> httpx.Response:
    """One record through the admin API's bulk load into the default tenant."""
    return bc.admin.post(f"/tenants/default/records/{record_type}", json={"records": [record]})


def test_every_company_has_its_company_information(api: httpx.Client) -> None:
    r = api.get("/companyInformation")
    assert r.status_code == 200, r.text
    rows = r.json()["value"]
    assert len(rows) == 1 and rows[0]["country"] == "" and rows[0]["currencyCode"] == ""
    refused = api.post("/companyInformation", json={"displayName": "x"})
    assert refused.status_code == 405 and refused.json()["error"]["code"]


def test_a_bulk_loaded_company_reads_its_country_and_currency(
    bc: SimHandle, creds: dict[str, Any], api: httpx.Client
) -> None:
    cid = str(uuid.uuid4())
    company = {"id": cid, "name": "MHC DE", "displayName": "Meridian Hale Consulting GmbH"}
    r = _bulk_load(bc, "company", company)
    assert r.status_code == 201, r.text
    info = {"companyId": cid, "country": "DE", "currencyCode": "EUR"}
    r = _bulk_load(bc, "companyInformation", info)
    assert r.status_code == 201, r.text
    url = f"{creds['api_url']}/companies({cid})/companyInformation"
    rows = httpx.get(url, headers=api.headers, trust_env=False).json()["value"]
    assert [(x["country"], x["currencyCode"], x["displayName"]) for x in rows] == [
        ("DE", "EUR", "Meridian Hale Consulting GmbH")
    ]
    again = _bulk_load(bc, "companyInformation", info)
    assert again.status_code == 201, again.text
    rows = httpx.get(url, headers=api.headers, trust_env=False).json()["value"]
    assert len(rows) == 1  # the company's one record, updated, not a second one
