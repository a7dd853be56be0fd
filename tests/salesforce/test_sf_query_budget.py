"""SOQL and SOSL under the engine's query budget, and odd numbers that used to be 500s."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing

import pytest

from harness.testing import SimHandle, start_simulator
from simulators.engine import QueryBudget, SimulatorSettings
from simulators.salesforce import create_simulator

from .._clients import crm_client

V = "/services/data/v68.0"


def _start(budget: QueryBudget) -> SimHandle:
    handle = start_simulator(create_simulator(None, SimulatorSettings(query_budget=budget)))
    accounts = [{"Name": f"Account {i:05d}", "Description": "x" * 200} for i in range(3000)]
    r = handle.admin.post("/tenants/default/records/Account", json={"records": accounts})
    assert r.status_code == 201, r.text
    return handle


@pytest.fixture(scope="module")
def tight() -> Iterator[SimHandle]:
    """A CRM whose queries have no time at all: any scan of 3,000 rows runs out."""
    handle = _start(QueryBudget(seconds=0.0, inline_seconds=0.0))
    yield handle
    handle.close()


@pytest.fixture(scope="module")
def roomy() -> Iterator[SimHandle]:
    """The same data with a budget no query here reaches, inline slice kept tiny."""
    handle = _start(QueryBudget(seconds=60.0, inline_seconds=0.0))
    yield handle
    handle.close()


SCAN = "SELECT Id, Name FROM Account WHERE Name LIKE '%y%' OR Name LIKE '%9'"


def test_soql_past_its_budget_is_query_timeout(tight: SimHandle) -> None:
    with closing(crm_client(tight)) as api:
        r = api.get(f"{V}/query/", params={"q": SCAN})
        assert r.status_code == 400, r.text
        assert r.json() == [
            {
                "message": "Your query request was running for too long.",
                "errorCode": "QUERY_TIMEOUT",
            }
        ]
        r = api.get(f"{V}/query/", params={"q": "SELECT COUNT() FROM Account WHERE Name LIKE '%9'"})
        assert r.status_code == 400 and r.json()[0]["errorCode"] == "QUERY_TIMEOUT"


def test_sosl_past_its_budget_is_query_timeout(tight: SimHandle) -> None:
    with closing(crm_client(tight)) as api:
        r = api.get(
            f"{V}/search/", params={"q": "FIND {Account} IN ALL FIELDS RETURNING Account(Id)"}
        )
        assert r.status_code == 400, r.text
        assert r.json()[0]["errorCode"] == "QUERY_TIMEOUT"


def test_queries_that_leave_the_loop_still_answer_and_page(roomy: SimHandle) -> None:
    with closing(crm_client(roomy)) as api:
        r = api.get(f"{V}/query/", params={"q": SCAN})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["totalSize"] == 300 and len(body["records"]) == 300 and body["done"]
        q = "SELECT Id, Name FROM Account ORDER BY Name"
        first = api.get(f"{V}/query/", params={"q": q}).json()
        assert first["totalSize"] == 3000 and not first["done"]
        second = api.get(first["nextRecordsUrl"]).json()
        assert second["records"][0]["Name"] == "Account 02000"
        assert (
            api.get(f"{V}/query/", params={"q": "SELECT COUNT() FROM Account"}).json()["totalSize"]
            == 3000
        )
        r = api.get(f"{V}/search/", params={"q": "FIND {Account} RETURNING Account(Name)"})
        assert r.status_code == 200 and len(r.json()["searchRecords"]) == 2000


@pytest.mark.parametrize(
    "q",
    [
        "SELECT Id FROM Account LIMIT 999999999999999999999",
        "SELECT Id FROM Account OFFSET 999999999999999999999",
        "SELECT Id FROM Account ORDER BY " + ", ".join(["Name"] * 3000),
        "SELECT Id FROM Account WHERE NumberOfEmployees = 999999999999999999999",
    ],
    ids=["limit", "offset", "order-by-3000", "huge-literal"],
)
def test_odd_numbers_and_sizes_are_malformed_query_not_500(roomy: SimHandle, q: str) -> None:
    with closing(crm_client(roomy)) as api:
        for kind in ("query", "queryAll"):
            r = api.get(f"{V}/{kind}/", params={"q": q})
            assert r.status_code == 400, r.text
            assert r.json()[0]["errorCode"] in ("MALFORMED_QUERY", "NUMBER_OUTSIDE_VALID_RANGE")


def test_bulk_query_job_past_its_budget_fails(tight: SimHandle) -> None:
    with closing(crm_client(tight)) as api:
        r = api.post(f"{V}/jobs/query", json={"operation": "query", "query": SCAN})
        assert r.status_code == 200, r.text
        job = api.get(f"{V}/jobs/query/{r.json()['id']}").json()
        assert job["state"] == "Failed"
        assert job["errorMessage"].startswith("QUERY_TIMEOUT")


def test_bulk_query_job_off_the_loop_captures_every_row(roomy: SimHandle) -> None:
    with closing(crm_client(roomy)) as api:
        r = api.post(f"{V}/jobs/query", json={"operation": "query", "query": SCAN})
        assert r.status_code == 200, r.text
        job = api.get(f"{V}/jobs/query/{r.json()['id']}").json()
        assert job["state"] == "JobComplete" and job["numberRecordsProcessed"] == 300
