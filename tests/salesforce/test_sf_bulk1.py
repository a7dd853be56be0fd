"""Bulk API 1.0: simple-salesforce's sf.bulk, unchanged, against the CRM simulator, plus the
raw wire (job and batch states, X-SFDC-Session, the exceptionCode error body).

Source for the shapes: Salesforce's Bulk API 1.0 developer guide (jobInfo / batchInfo, JSON
results ``{"success", "created", "id", "errors"}``, query results listed by result id);
simple-salesforce's bulk.py is the client that reads them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest

from harness.testing import SimHandle

from .._clients import crm_token

A = "/services/async/68.0"


@pytest.fixture
def sf(crm: SimHandle) -> Iterator[Any]:
    session = requests.Session()
    session.verify = crm.ca_bundle or True
    session.trust_env = False
    yield Salesforce(
        instance_url=crm.base_url, session_id=crm_token(crm), session=session, version="68.0"
    )
    session.close()


def test_insert_upsert_query_through_sf_bulk(sf: Any) -> None:
    bulk = sf.bulk
    rows = [{"Name": f"Bulk One {i}", "External_Id__c": f"B1-{i}"} for i in range(3)]
    rows.append({"Industry": "Media"})  # no Name: refused per record, the others go through
    res = bulk.Account.insert(rows, batch_size=2)
    assert [r["success"] for r in res] == [True, True, True, False]
    assert all(r["created"] for r in res[:3]) and res[0]["id"].startswith("001")
    assert res[3]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"

    up = bulk.Account.upsert(
        [
            {"External_Id__c": "B1-0", "Name": "Bulk One Renamed"},
            {"External_Id__c": "B1-9", "Name": "Bulk One New"},
        ],
        "External_Id__c",
    )
    assert [(r["success"], r["created"]) for r in up] == [(True, False), (True, True)]
    assert up[0]["id"] == res[0]["id"]

    got = bulk.Account.query(
        "SELECT Id, Name, CreatedDate FROM Account WHERE Name LIKE 'Bulk One%' ORDER BY Name"
    )
    records = list(got)  # flattened by simple-salesforce
    names = [r["Name"] for r in records]
    assert names == ["Bulk One 1", "Bulk One 2", "Bulk One New", "Bulk One Renamed"]
    assert records[0]["attributes"]["type"] == "Account"
    assert isinstance(records[0]["CreatedDate"], int)  # epoch milliseconds in Bulk 1.0 JSON

    gone = bulk.Account.delete([{"Id": res[1]["id"]}])
    assert gone[0]["success"] is True
    every = list(bulk.Account.query_all("SELECT Id FROM Account"))
    live = list(bulk.Account.query("SELECT Id FROM Account"))
    assert (len(every), len(live)) == (4, 3)  # queryAll still sees the deleted record


def test_job_and_batch_wire(crm: SimHandle) -> None:
    with crm.client(headers={"X-SFDC-Session": crm_token(crm)}) as c:
        job = c.post(
            f"{A}/job", json={"operation": "insert", "object": "Contact", "contentType": "JSON"}
        )
        assert job.status_code == 201, job.text
        info = job.json()
        assert info["id"].startswith("750") and info["state"] == "Open"
        assert info["concurrencyMode"] == "Parallel" and info["apiVersion"] == 68.0
        jid = info["id"]
        batch = c.post(f"{A}/job/{jid}/batch", json=[{"LastName": "Wire"}])
        assert batch.status_code == 201 and batch.json()["state"] == "Queued"
        bid = batch.json()["id"]
        assert bid.startswith("751")
        done = c.get(f"{A}/job/{jid}/batch/{bid}").json()
        assert done["state"] == "Completed" and done["numberRecordsProcessed"] == 1
        assert c.get(f"{A}/job/{jid}/batch/{bid}/request").json() == [{"LastName": "Wire"}]
        closed = c.post(f"{A}/job/{jid}", json={"state": "Closed"}).json()
        assert closed["state"] == "Closed" and closed["numberBatchesCompleted"] == 1
        late = c.post(f"{A}/job/{jid}/batch", json=[{"LastName": "Late"}])
        assert late.status_code == 400 and late.json()["exceptionCode"] == "InvalidJobState"
        missing = c.get(f"{A}/job/750000000000000AAA")
        assert missing.json()["exceptionCode"] == "InvalidJob"
        bad = c.post(f"{A}/job", json={"operation": "merge", "object": "Account"})
        assert bad.status_code == 400 and bad.json()["exceptionCode"] == "InvalidJob"
    with crm.client(headers={"X-SFDC-Session": "not-a-session"}) as c:
        r = c.post(f"{A}/job", json={"operation": "insert", "object": "Account"})
        assert r.status_code == 400
        assert r.json() == {
            "exceptionCode": "InvalidSessionId",
            "exceptionMessage": "Invalid session id",
        }


def test_bad_session_reaches_simple_salesforce_as_malformed_request(crm: SimHandle) -> None:
    session = requests.Session()
    session.verify = crm.ca_bundle or True
    session.trust_env = False
    sf: Any = Salesforce(
        instance_url=crm.base_url, session_id="expired", session=session, version="68.0"
    )
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.bulk.Account.insert([{"Name": "x"}])
    assert "InvalidSessionId" in str(exc.value)
    session.close()
