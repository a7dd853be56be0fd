"""Bulk API 2.0: simple-salesforce's sf.bulk2, unchanged, plus the raw wire of job states."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceOperationError

from harness.testing import SimHandle

from .._clients import crm_client

V = "/services/data/v68.0"


@pytest.fixture
def api(crm: SimHandle) -> Iterator[httpx.Client]:
    http = crm_client(crm, headers={"connection": "close"})
    yield http
    http.close()


@pytest.fixture
def sf(crm: SimHandle, api: httpx.Client) -> Iterator[Any]:
    session = requests.Session()
    session.verify = crm.ca_bundle or True
    session.trust_env = False
    yield Salesforce(
        instance_url=crm.base_url,
        session_id=api.headers["Authorization"].removeprefix("Bearer "),
        session=session,
        version="68.0",
    )
    session.close()


def _bulk2(sf: Any) -> Any:
    """sf.bulk2, untyped: simple-salesforce types its dynamic attributes as a union."""
    return sf.bulk2


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_insert_reports_counts_and_failed_rows(sf: Any) -> None:
    records = [{"Name": f"Bulk {i}", "Industry": "Technology"} for i in range(5)]
    records.append({"Name": "", "Industry": "Energy"})
    res = _bulk2(sf).Account.insert(records=records, wait=0)
    assert len(res) == 1
    assert res[0]["numberRecordsProcessed"] == 6
    assert res[0]["numberRecordsFailed"] == 1
    assert res[0]["numberRecordsTotal"] == 6
    job_id = res[0]["job_id"]
    assert job_id.startswith("750") and len(job_id) == 18
    ok = _rows(_bulk2(sf).Account.get_successful_records(job_id))
    assert len(ok) == 5 and all(r["sf__Created"] == "true" for r in ok)
    assert all(r["sf__Id"].startswith("001") for r in ok)
    assert {r["Name"] for r in ok} == {f"Bulk {i}" for i in range(5)}
    failed = _rows(_bulk2(sf).Account.get_failed_records(job_id))
    assert len(failed) == 1
    assert (
        failed[0]["sf__Error"]
        == "REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --"
    )
    assert failed[0]["Industry"] == "Energy"
    got = sf.Account.get(ok[0]["sf__Id"])
    assert got["Industry"] == "Technology"
    everything = _bulk2(sf).Account.get_all_ingest_records(job_id)
    assert len(everything["successfulRecords"]) == 5 and everything["unprocessedRecords"] == []


def test_upsert_by_external_id_then_delete(sf: Any) -> None:
    first = [{"Name": f"Ext {i}", "External_Id__c": f"EXT-{i}"} for i in range(3)]
    res = _bulk2(sf).Account.upsert(records=first, external_id_field="External_Id__c", wait=0)
    assert res[0]["numberRecordsProcessed"] == 3 and res[0]["numberRecordsFailed"] == 0
    again = [{"Name": f"Ext {i} v2", "External_Id__c": f"EXT-{i}"} for i in range(2, 4)]
    res = _bulk2(sf).Account.upsert(records=again, external_id_field="External_Id__c", wait=0)
    assert res[0]["numberRecordsProcessed"] == 2 and res[0]["numberRecordsFailed"] == 0
    ok = _rows(_bulk2(sf).Account.get_successful_records(res[0]["job_id"]))
    assert sorted(r["sf__Created"] for r in ok) == ["false", "true"]
    found = sf.query("SELECT Id, Name FROM Account WHERE External_Id__c = 'EXT-2'")["records"]
    assert [r["Name"] for r in found] == ["Ext 2 v2"]
    ids = [r["Id"] for r in sf.query("SELECT Id FROM Account WHERE Name LIKE 'Ext%'")["records"]]
    assert len(ids) == 4
    bogus = "001RO0000zzzzzzzzz"
    res = _bulk2(sf).Account.delete(records=[{"Id": i} for i in [*ids, bogus]], wait=0)
    assert res[0]["numberRecordsProcessed"] == 5 and res[0]["numberRecordsFailed"] == 1
    assert sf.query("SELECT Id FROM Account WHERE Name LIKE 'Ext%'")["totalSize"] == 0
    deleted = sf.query_all(
        "SELECT Id FROM Account WHERE Name LIKE 'Ext%' AND IsDeleted = true", include_deleted=True
    )
    assert deleted["totalSize"] == 4


def test_unknown_column_fails_the_job(sf: Any) -> None:
    with pytest.raises(SalesforceOperationError, match="Field name not found : Nope__c"):
        _bulk2(sf).Account.insert(records=[{"Name": "x", "Nope__c": "y"}], wait=0)


def test_query_pages_csv_over_max_records(sf: Any, crm: SimHandle) -> None:
    crm.admin.post(
        "/tenants/default/records/Account",
        json={"records": [{"Name": f"Q {i:03d}", "NumberOfEmployees": i} for i in range(25)]},
    )
    pages = list(
        _bulk2(sf).Account.query(
            "SELECT Id, Name, NumberOfEmployees FROM Account WHERE Name LIKE 'Q %'",
            max_records=10,
            wait=0,
        )
    )
    assert len(pages) == 3
    rows = [r for p in pages for r in _rows(str(p))]
    assert len(rows) == 25
    assert list(rows[0]) == ["Id", "Name", "NumberOfEmployees"]
    assert {r["Name"] for r in rows} == {f"Q {i:03d}" for i in range(25)}


def test_query_flattens_parent_fields(sf: Any) -> None:
    acc = sf.Account.create({"Name": "Parent Co"})["id"]
    sf.Contact.create({"LastName": "Kid", "AccountId": acc})
    sf.Contact.create({"LastName": "Orphan"})
    pages = list(
        _bulk2(sf).Contact.query(
            "SELECT LastName, account.name FROM Contact ORDER BY LastName", wait=0
        )
    )
    rows = _rows(str(pages[0]))
    assert list(rows[0]) == ["LastName", "Account.Name"]
    assert [(r["LastName"], r["Account.Name"]) for r in rows] == [
        ("Kid", "Parent Co"),
        ("Orphan", ""),
    ]


def _job(api: httpx.Client, **body: Any) -> dict[str, Any]:
    r = api.post(f"{V}/jobs/ingest", json={"contentType": "CSV", **body})
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_wire_ingest_states_and_errors(api: httpx.Client) -> None:
    job = _job(api, object="Account", operation="insert", lineEnding="CRLF")
    assert job["state"] == "Open" and job["id"].startswith("750")
    assert job["contentUrl"] == f"services/data/v68.0/jobs/ingest/{job['id']}/batches"
    url = f"{V}/jobs/ingest/{job['id']}"
    r = api.put(
        f"{url}/batches",
        content=b'Name,Description\r\n"Wire, Inc.","two\r\nlines"\r\n',
        headers={"Content-Type": "text/csv"},
    )
    assert r.status_code == 201, r.text
    r = api.patch(url, json={"state": "JobComplete"})
    assert r.status_code == 400 and r.json()[0]["errorCode"] == "INVALIDJOBSTATE"
    r = api.delete(url)
    assert r.status_code == 400 and r.json()[0]["errorCode"] == "INVALIDJOBSTATE"
    r = api.patch(url, json={"state": "UploadComplete"})
    assert r.status_code == 200 and r.json()["state"] == "UploadComplete"
    info = api.get(url).json()
    assert info["state"] == "JobComplete" and info["jobType"] == "V2Ingest"
    assert info["numberRecordsProcessed"] == 1 and info["numberRecordsFailed"] == 0
    ok = api.get(f"{url}/successfulResults/")
    assert ok.headers["content-type"].startswith("text/csv")
    assert ok.text.startswith('"sf__Id","sf__Created","Name","Description"\r\n')
    assert '"Wire, Inc.","two\r\nlines"' in ok.text
    r = api.put(f"{url}/batches", content=b"Name\nx\n", headers={"Content-Type": "text/csv"})
    assert r.status_code == 400 and r.json()[0]["errorCode"] == "INVALIDJOBSTATE"
    r = api.patch(url, json={"state": "Aborted"})
    assert r.status_code == 400 and r.json()[0]["errorCode"] == "INVALIDJOBSTATE"
    listing = api.get(f"{V}/jobs/ingest").json()
    assert listing["done"] is True and listing["nextRecordsUrl"] is None
    assert job["id"] in [j["id"] for j in listing["records"]]
    assert api.delete(url).status_code == 204
    r = api.get(url)
    assert r.status_code == 404 and r.json() == [
        {"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}
    ]


def test_wire_abort_leaves_rows_unprocessed(api: httpx.Client) -> None:
    job = _job(api, object="Account", operation="insert")
    url = f"{V}/jobs/ingest/{job['id']}"
    api.put(f"{url}/batches", content=b"Name\na\nb\n", headers={"Content-Type": "text/csv"})
    r = api.patch(url, json={"state": "Aborted"})
    assert r.status_code == 200 and r.json()["state"] == "Aborted"
    assert api.get(url).json()["numberRecordsProcessed"] == 0
    assert api.get(f"{url}/unprocessedrecords/").text == '"Name"\n"a"\n"b"\n'
    r = api.patch(url, json={"state": "UploadComplete"})
    assert r.status_code == 400 and r.json()[0]["errorCode"] == "INVALIDJOBSTATE"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"object": "Nope", "operation": "insert"}, "INVALIDENTITY"),
        ({"object": "Account", "operation": "merge"}, "INVALIDJOB"),
        ({"object": "Account", "operation": "upsert"}, "INVALIDJOB"),
        ({"object": "Account", "operation": "upsert", "externalIdFieldName": "Name"}, "INVALIDJOB"),
        ({"object": "Account", "operation": "insert", "columnDelimiter": "X"}, "INVALIDJOB"),
    ],
)
def test_wire_bad_job_definitions(api: httpx.Client, body: dict[str, Any], code: str) -> None:
    r = api.post(f"{V}/jobs/ingest", json=body)
    assert r.status_code == 400 and r.json()[0]["errorCode"] == code


def test_wire_bad_bodies_never_500(api: httpx.Client) -> None:
    r = api.post(f"{V}/jobs/ingest", content=b"{nope", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()[0]["errorCode"] == "JSON_PARSER_ERROR"
    job = _job(api, object="Account", operation="update")
    url = f"{V}/jobs/ingest/{job['id']}"
    r = api.put(f"{url}/batches", content=b"\xff\xfe", headers={"Content-Type": "text/csv"})
    assert r.status_code == 400
    r = api.put(
        f"{url}/batches", content=b"Id,Name\nnot-an-id,x\n", headers={"Content-Type": "text/csv"}
    )
    assert r.status_code == 201
    assert api.patch(url, json={"state": "UploadComplete"}).status_code == 200
    failed = _rows(api.get(f"{url}/failedResults/").text)
    assert failed[0]["sf__Error"].startswith("MALFORMED_ID:")
    assert api.get(f"{V}/jobs/ingest/750RO0000000000zzz").status_code == 404
    assert api.get(f"{V}/jobs/query/{job['id']}").status_code == 404


def test_wire_query_job(api: httpx.Client, crm: SimHandle) -> None:
    crm.admin.post(
        "/tenants/default/records/Account", json={"records": [{"Name": f"W{i}"} for i in range(5)]}
    )
    r = api.post(
        f"{V}/jobs/query",
        json={"operation": "query", "query": "SELECT Name FROM Account WHERE Name LIKE 'W%'"},
    )
    assert r.status_code == 200, r.text
    job = r.json()
    assert job["state"] == "UploadComplete" and job["id"].startswith("750")
    url = f"{V}/jobs/query/{job['id']}"
    info = api.get(url).json()
    assert info["state"] == "JobComplete" and info["numberRecordsProcessed"] == 5
    first = api.get(f"{url}/results", params={"maxRecords": 3})
    assert first.headers["sforce-numberofrecords"] == "3"
    loc = first.headers["sforce-locator"]
    assert loc != "null" and first.text.count("\n") == 4
    rest = api.get(f"{url}/results", params={"maxRecords": 3, "locator": loc})
    assert rest.headers["sforce-numberofrecords"] == "2"
    assert rest.headers["sforce-locator"] == "null"
    r = api.get(f"{url}/results", params={"locator": "!!"})
    assert r.status_code == 400
    r = api.patch(url, json={"state": "Aborted"})
    assert r.status_code == 400 and r.json()[0]["errorCode"] == "INVALIDJOBSTATE"
    for bad in (
        "SELECT COUNT() FROM Account",
        "SELECT Name, (SELECT LastName FROM Contacts) FROM Account",
        "SELECT Nope FROM Account",
    ):
        r = api.post(f"{V}/jobs/query", json={"operation": "query", "query": bad})
        assert r.status_code == 400, bad
    abortable = api.post(f"{V}/jobs/query", json={"query": "SELECT Id FROM Account"}).json()
    r = api.patch(f"{V}/jobs/query/{abortable['id']}", json={"state": "Aborted"})
    assert r.status_code == 200 and r.json()["state"] == "Aborted"
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404
