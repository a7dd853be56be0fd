"""simple-salesforce, unchanged, against the CRM simulator over HTTPS with the generated CA."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceMalformedRequest,
    SalesforceResourceNotFound,
)

from harness.testing import SimHandle


def _session(crm: SimHandle) -> requests.Session:
    s = requests.Session()
    s.verify = crm.ca_bundle
    s.trust_env = False  # a REQUESTS_CA_BUNDLE in the environment must not override verify
    return s


def _token(crm: SimHandle, session: requests.Session) -> dict[str, Any]:
    creds = crm.admin.get("/tenants/default").json()["credentials"]
    r = session.post(
        creds["token_url"],
        data={
            "grant_type": "client_credentials",
            "client_id": creds["client_id"],
            "client_secret": creds["client_secret"],
        },
    )
    assert r.status_code == 200, r.text
    return r.json()


@pytest.fixture
def sf(crm: SimHandle) -> Iterator[Salesforce]:
    session = _session(crm)
    tok = _token(crm, session)
    yield Salesforce(
        instance_url=tok["instance_url"],
        session_id=tok["access_token"],
        session=session,
        version="68.0",
    )
    session.close()


def test_token_response_has_salesforce_shape(crm: SimHandle) -> None:
    tok = _token(crm, _session(crm))
    assert tok["token_type"] == "Bearer"
    assert tok["instance_url"] == crm.base_url
    assert tok["id"].startswith(f"{crm.base_url}/id/00D")
    assert tok["issued_at"].isdigit() and len(tok["issued_at"]) == 13
    assert tok["signature"] and "expires_in" not in tok


def test_create_get_update_delete(sf: Salesforce) -> None:
    res = sf.Account.create({"Name": "Acme Consulting", "Industry": "Technology"})
    assert res["success"] is True and res["errors"] == []
    acc_id = res["id"]
    assert len(acc_id) == 18 and acc_id.startswith("001")
    got = sf.Account.get(acc_id)
    assert got["Name"] == "Acme Consulting"
    assert got["attributes"] == {
        "type": "Account",
        "url": f"/services/data/v68.0/sobjects/Account/{acc_id}",
    }
    assert got["CreatedDate"].endswith("+0000") and got["SystemModstamp"] == got["LastModifiedDate"]
    assert sf.Account.update(acc_id, {"Industry": "Consulting"}) == 204
    assert sf.Account.get(acc_id)["Industry"] == "Consulting"
    assert sf.Account.delete(acc_id) == 204
    with pytest.raises(SalesforceResourceNotFound) as exc:
        sf.Account.get(acc_id)
    assert exc.value.content[0]["errorCode"] == "ENTITY_IS_DELETED"


def test_upsert_new_then_existing(sf: Salesforce) -> None:
    assert sf.Account.upsert("External_Id__c/CUST-1", {"Name": "Globex"}) == 201
    assert sf.Account.upsert("External_Id__c/CUST-1", {"Name": "Globex Corp"}) == 200
    rec = sf.Account.get_by_custom_id("External_Id__c", "CUST-1")
    assert rec["Name"] == "Globex Corp"
    raw = sf.restful(
        "sobjects/Account/External_Id__c/CUST-2", method="PATCH", data='{"Name": "Initech"}'
    )
    assert raw == {"id": raw["id"], "success": True, "errors": [], "created": True}


def test_upsert_unknown_external_id_field_is_404(sf: Salesforce) -> None:
    with pytest.raises(SalesforceResourceNotFound) as exc:
        sf.Account.upsert("Nope__c/1", {"Name": "x"})
    assert exc.value.content[0]["errorCode"] == "NOT_FOUND"


def test_query_and_query_all_over_two_thousand_records(crm: SimHandle, sf: Salesforce) -> None:
    records = [{"Name": f"Account {i:05d}", "External_Id__c": f"BULK-{i:05d}"} for i in range(2150)]
    r = crm.admin.post("/tenants/default/records/Account", json={"records": records})
    assert r.status_code == 201 and r.json()["count"] == 2150
    first = sf.query("SELECT Id, Name FROM Account WHERE Name LIKE 'Account %' ORDER BY Name")
    assert first["totalSize"] == 2150 and first["done"] is False
    assert len(first["records"]) == 2000
    assert first["nextRecordsUrl"].startswith("/services/data/v68.0/query/")
    everything = sf.query_all(
        "SELECT Id, Name FROM Account WHERE Name LIKE 'Account %' ORDER BY Name"
    )
    assert everything["totalSize"] == 2150 and everything["done"] is True
    names = [rec["Name"] for rec in everything["records"]]
    assert names == sorted(names) and len(set(names)) == 2150


def test_query_all_includes_deleted(sf: Salesforce) -> None:
    acc = sf.Account.create({"Name": "Soon Gone"})["id"]
    sf.Account.delete(acc)
    assert sf.query("SELECT Id FROM Account WHERE Id = '" + acc + "'")["totalSize"] == 0
    res = sf.query_all(
        "SELECT Id, IsDeleted FROM Account WHERE Id = '" + acc + "'", include_deleted=True
    )
    assert res["totalSize"] == 1 and res["records"][0]["IsDeleted"] is True


def test_describe(sf: Salesforce) -> None:
    d = sf.Opportunity.describe()
    assert d["name"] == "Opportunity" and d["keyPrefix"] == "006"
    fields = {f["name"]: f for f in d["fields"]}
    assert fields["StageName"]["nillable"] is False and fields["StageName"]["type"] == "picklist"
    assert fields["IsWon"]["createable"] is False and fields["IsWon"]["updateable"] is False
    assert (
        fields["External_Id__c"]["externalId"] is True
        and fields["External_Id__c"]["custom"] is True
    )
    g = sf.describe()
    assert g["encoding"] == "UTF-8" and g["maxBatchSize"] == 200
    assert {"Account", "Contact", "Opportunity", "OpportunityLineItem"} <= {
        o["name"] for o in g["sobjects"]
    }


def test_missing_required_field_raises_malformed_request(sf: Salesforce) -> None:
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.Opportunity.create({"Name": "No stage"})
    err = exc.value.content[0]
    assert err["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert err["fields"] == ["StageName", "CloseDate"]
    assert err["message"] == "Required fields are missing: [StageName, CloseDate]"


def test_expired_token_raises_expired_session(crm: SimHandle, sf: Salesforce) -> None:
    sf.Account.create({"Name": "Before expiry"})
    r = crm.admin.post("/tokens/expire", json={"tenant": "default"})
    assert r.json()["expired"] >= 1
    with pytest.raises(SalesforceExpiredSession) as exc:
        sf.Account.create({"Name": "After expiry"})
    assert exc.value.content[0] == {
        "message": "Session expired or invalid",
        "errorCode": "INVALID_SESSION_ID",
    }


def test_api_usage_from_limit_info_header(sf: Salesforce) -> None:
    sf.query("SELECT Id FROM Account")
    first = sf.api_usage["api-usage"]
    sf.query("SELECT Id FROM Account")
    second = sf.api_usage["api-usage"]
    assert first.total == 100_000
    assert second.used == first.used + 1


def test_opportunity_stage_drives_closed_won_flags(sf: Salesforce) -> None:
    acc = sf.Account.create({"Name": "Umbrella"})["id"]
    opp = sf.Opportunity.create(
        {
            "Name": "Umbrella rollout",
            "StageName": "Prospecting",
            "CloseDate": "2026-12-15",
            "AccountId": acc,
            "Amount": 120000,
        }
    )["id"]
    o = sf.Opportunity.get(opp)
    assert (o["IsClosed"], o["IsWon"], o["Probability"]) == (False, False, 10.0)
    sf.Opportunity.update(opp, {"StageName": "Closed Won"})
    o = sf.Opportunity.get(opp)
    assert (o["IsClosed"], o["IsWon"], o["Probability"], o["ForecastCategoryName"]) == (
        True,
        True,
        100.0,
        "Closed",
    )
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.Opportunity.update(opp, {"IsWon": False})
    assert exc.value.content[0]["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"


def test_sosl_search(sf: Salesforce) -> None:
    acc = sf.Account.create({"Name": "Northwind Traders"})["id"]
    sf.Contact.create({"LastName": "Fuller", "Email": "andrew@northwind.example", "AccountId": acc})
    found = sf.search(
        "FIND {northwind} IN ALL FIELDS RETURNING Account(Id, Name), Contact(Id, Email)"
    )
    records = found["searchRecords"]
    assert {r["attributes"]["type"] for r in records} == {"Account", "Contact"}
    assert (
        next(r for r in records if r["attributes"]["type"] == "Account")["Name"]
        == "Northwind Traders"
    )
    by_email = sf.search(
        "FIND {andrew@northwind.example} IN EMAIL FIELDS RETURNING Contact(LastName)"
    )
    assert [r["LastName"] for r in by_email["searchRecords"]] == ["Fuller"]
    assert sf.quick_search("Northw*")["searchRecords"]
    with pytest.raises(SalesforceMalformedRequest):
        sf.search("FIND northwind")


def test_organization_and_is_sandbox(sf: Salesforce) -> None:
    assert sf.is_sandbox() is True
    org = sf.query("SELECT Id, Name, OrganizationType FROM Organization")["records"][0]
    assert org["Id"].startswith("00D") and org["OrganizationType"] == "Developer Edition"
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.restful("sobjects/Organization/", method="POST", data='{"Name": "x"}')
    assert exc.value.content[0]["errorCode"] == "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY"
