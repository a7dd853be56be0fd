"""An expensive SuiteQL query runs off the event loop under a budget and ends in NetSuite's error.

While it runs, the same simulator keeps answering its admin API and its record service.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from harness.testing import SimHandle, start_simulator
from simulators.engine import QueryBudget, SimulatorSettings
from simulators.netsuite import NetSuiteSettings, create_simulator

CROSS_JOIN = (
    "SELECT a.id FROM customer a, customer b, customer c, customer d, customer e, customer f"
)


@pytest.fixture(params=["memory", "data-dir"])
def erp_budget(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SimHandle]:
    data_dir = tmp_path if request.param == "data-dir" else None
    engine = SimulatorSettings(query_budget=QueryBudget(seconds=2.0), data_dir=data_dir)
    handle = start_simulator(create_simulator(NetSuiteSettings(), engine))
    customers = [{"companyName": f"Cust {i}", "subsidiary": {"id": "1"}} for i in range(40)]
    r = handle.admin.post("/tenants/default/records/customer", json={"records": customers})
    assert r.status_code == 201, r.text
    yield handle
    handle.close()


def test_expensive_suiteql_times_out_while_the_simulator_keeps_answering(
    erp_budget: SimHandle,
) -> None:
    token = erp_budget.admin.post("/tenants/default/tokens", json={}).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    first_id = erp_budget.admin.get("/tenants/default/records/customer?limit=1").json()["records"][
        0
    ]["id"]
    outcome: dict[str, httpx.Response] = {}

    def expensive() -> None:
        with erp_budget.client() as c:
            outcome["query"] = c.post(
                "/services/rest/query/v1/suiteql",
                json={"q": CROSS_JOIN},
                headers={**auth, "Prefer": "transient"},
            )

    worker = threading.Thread(target=expensive)
    worker.start()
    answered_meanwhile = 0
    record_reads_meanwhile = 0
    with erp_budget.client() as c:
        while worker.is_alive():
            health = erp_budget.admin.get("/health")
            got = c.get(f"/services/rest/record/v1/customer/{first_id}", headers=auth)
            if worker.is_alive():  # both answered while the query was still running
                assert health.status_code == 200
                assert got.status_code == 200, got.text
                answered_meanwhile += 1
                record_reads_meanwhile += 1
    worker.join()
    # a stalled loop answers nothing until the query ends; a free one answers many times
    assert answered_meanwhile >= 10, answered_meanwhile
    assert record_reads_meanwhile >= 10
    r = outcome["query"]
    assert r.status_code == 400, r.text
    detail = r.json()["o:errorDetails"][0]
    assert detail["o:errorCode"] == "INVALID_PARAMETER"
    assert "time limit" in detail["detail"]


def test_cheap_suiteql_still_answers_on_the_loop(erp_budget: SimHandle) -> None:
    token = erp_budget.admin.post("/tenants/default/tokens", json={}).json()["token"]
    with erp_budget.client() as c:
        r = c.post(
            "/services/rest/query/v1/suiteql?limit=5",
            json={"q": "SELECT id, companyname FROM customer ORDER BY id"},
            headers={"Authorization": f"Bearer {token}", "Prefer": "transient"},
        )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["totalResults"] >= 40 and body["count"] == 5


def test_record_list_filter_past_its_budget_is_a_netsuite_error() -> None:
    engine = SimulatorSettings(query_budget=QueryBudget(seconds=0.0, inline_seconds=0.0))
    handle = start_simulator(create_simulator(NetSuiteSettings(), engine))
    try:
        customers = [{"companyName": f"Cust {i}", "subsidiary": {"id": "1"}} for i in range(3000)]
        r = handle.admin.post("/tenants/default/records/customer", json={"records": customers})
        assert r.status_code == 201, r.text
        token = handle.admin.post("/tenants/default/tokens", json={}).json()["token"]
        with handle.client() as c:
            r = c.get(
                "/services/rest/record/v1/customer",
                params={"q": 'companyName CONTAIN "9"'},
                headers={"Authorization": f"Bearer {token}"},
            )
        assert r.status_code == 400, r.text
        detail = r.json()["o:errorDetails"][0]
        assert detail["o:errorCode"] == "INVALID_PARAMETER"
        assert "time limit" in detail["detail"]
    finally:
        handle.close()
