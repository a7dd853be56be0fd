"""Bodies inside bodies are held to the served release's contract: composite subrequests,
sObject Collections records, tree records and Bulk 2.0 CSV headers. A violation is answered
where Salesforce answers that part (the subrequest's response, the record's result, the
tree's result, the job's errorMessage) and recorded with the request in the journal."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from simple_salesforce import Salesforce

from harness.testing import SimHandle, TlsFiles, start_simulator
from simulators.engine import SimulatorSettings
from simulators.salesforce import create_simulator

from .._clients import simple_salesforce

V = "68.0"
BAD = {"Name": "Bad Ltd", "NumberOfEmployees": "many"}  # a string where the contract has int


@pytest.fixture(scope="module")
def crm(tls_files: TlsFiles) -> Iterator[SimHandle]:
    handle = start_simulator(
        create_simulator(engine=SimulatorSettings(contracts="strict")), tls_files
    )
    yield handle
    handle.close()


@pytest.fixture(scope="module")
def sf(crm: SimHandle) -> Iterator[Salesforce]:
    client = simple_salesforce(crm, V)
    yield client
    client.session.close()


def _violations(crm: SimHandle, path: str) -> list[dict[str, Any]]:
    entries = crm.admin.get("/journal", params={"path": path}).json()["entries"]
    return [v for e in entries for v in e.get("violations", [])]


def _contract_error(err: dict[str, Any], field: str) -> None:
    code = err.get("errorCode") or err.get("statusCode")
    assert code == "JSON_PARSER_ERROR", err
    assert field in err["message"] and "contract rule type" in err["message"]


def test_composite_subrequest_is_checked(sf: Salesforce, crm: SimHandle) -> None:
    out = sf.restful(
        "composite",
        method="POST",
        json={
            "allOrNone": False,
            "compositeRequest": [
                {"method": "POST", "url": f"/services/data/v{V}/sobjects/Account",
                 "referenceId": "bad", "body": BAD},
                {"method": "POST", "url": f"/services/data/v{V}/sobjects/Account",
                 "referenceId": "good", "body": {"Name": "Good Ltd"}},
            ],
        },
    )  # fmt: skip
    bad, good = out["compositeResponse"]
    assert bad["httpStatusCode"] == 400 and good["httpStatusCode"] == 201
    _contract_error(bad["body"][0], "NumberOfEmployees")
    v = _violations(crm, "/composite$")
    assert [(x["path"], x["rule"]) for x in v] == [
        ("$.compositeRequest[0].body.NumberOfEmployees", "type")
    ]


def test_collection_record_is_checked_and_answered_in_its_result(
    sf: Salesforce, crm: SimHandle
) -> None:
    out = sf.restful(
        "composite/sobjects",
        method="POST",
        json={
            "allOrNone": False,
            "records": [
                {"attributes": {"type": "Account"}, "Name": "Fine Ltd"},
                {"attributes": {"type": "Account"}, **BAD},
            ],
        },
    )
    assert out[0]["success"] is True and out[1]["success"] is False
    _contract_error(out[1]["errors"][0], "NumberOfEmployees")
    v = _violations(crm, "/composite/sobjects$")
    assert ("$.records[1].NumberOfEmployees", "type") in [(x["path"], x["rule"]) for x in v]


def test_tree_record_is_checked(sf: Salesforce) -> None:
    r = sf.session.post(
        f"{sf.base_url}composite/tree/Account",
        json={"records": [{"attributes": {"type": "Account", "referenceId": "ref1"}, **BAD}]},
        headers=sf.headers,
    )
    assert r.status_code == 400
    body = r.json()
    assert body["hasErrors"] is True and body["results"][0]["referenceId"] == "ref1"
    _contract_error(body["results"][0]["errors"][0], "NumberOfEmployees")


def test_bulk2_csv_header_is_checked_against_the_contract(sf: Salesforce, crm: SimHandle) -> None:
    base = f"{sf.base_url}jobs/ingest"
    job = sf.session.post(
        base,
        json={"object": "Account", "operation": "insert", "contentType": "CSV", "lineEnding": "LF"},
        headers=sf.headers,
    ).json()
    put = sf.session.put(
        f"{base}/{job['id']}/batches",
        data=b"Name,Colour\nAcme,red\n",
        headers={**sf.headers, "Content-Type": "text/csv"},
    )
    assert put.status_code == 201
    sf.session.patch(f"{base}/{job['id']}", json={"state": "UploadComplete"}, headers=sf.headers)
    info = sf.session.get(f"{base}/{job['id']}", headers=sf.headers).json()
    assert info["state"] == "Failed"
    assert info["errorMessage"] == "InvalidBatch : Field name not found : Colour"
    v = _violations(crm, f"/jobs/ingest/{job['id']}$")
    assert [(x["field"], x["rule"], x["path"]) for x in v] == [
        ("Colour", "additionalProperties", "$.header.Colour")
    ]
