"""Async requests and idempotency, concurrency governance (429), change notifications, bulk load."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from harness.testing import SimHandle, start_simulator

ASYNC = {"Prefer": "respond-async"}


def test_respond_async_job_task_and_result(api: httpx.Client, erp: SimHandle) -> None:
    key = str(uuid.uuid4())
    headers = {**ASYNC, "X-NetSuite-Idempotency-Key": key}
    r = api.post(
        "/record/v1/customer",
        json={"companyName": "Async Co", "subsidiary": {"id": "1"}},
        headers=headers,
    )
    assert r.status_code == 202 and r.headers["preference-applied"] == "respond-async"
    job_url = r.headers["location"]
    assert job_url.startswith(f"{erp.base_url}/services/rest/async/v1/job/")
    job = api.get(job_url).json()
    assert job["completed"] is True and job["progress"] == "succeeded"
    tasks = api.get(job["task"]["links"][0]["href"]).json()
    task = api.get(tasks["items"][0]["links"][0]["href"]).json()
    result = api.get(task["result"]["links"][0]["href"])
    assert result.status_code == 204 and "/record/v1/customer/" in result.headers["location"]
    dup = api.post(
        "/record/v1/customer",
        json={"companyName": "Async Co", "subsidiary": {"id": "1"}},
        headers=headers,
    )
    assert dup.status_code == 400
    assert dup.json()["o:errorDetails"][0]["o:errorCode"] == "IDEMPOTENCY_ERROR"
    assert dup.headers["location"] == job_url
    # Oracle's example (ns-online-help subsect_164494900632): "HTTP 400 Conflict",
    # Preference-Applied: respond-async, title "Conflict", type #sec10.4.10
    assert dup.headers["preference-applied"] == "respond-async"
    assert dup.json()["title"] == "Conflict" and dup.json()["type"].endswith("#sec10.4.10")
    assert api.get("/record/v1/customer").json()["totalResults"] == 1
    failed = api.post("/record/v1/customer", json={"companyName": "No subsidiary"}, headers=ASYNC)
    fjob = api.get(failed.headers["location"]).json()
    assert fjob["progress"] == "failed"
    assert api.get("/async/v1/job/99999").status_code == 404


def test_concurrency_slots_exhausted_gives_429(api: httpx.Client, erp: SimHandle) -> None:
    assert erp.admin.get("/tenants/default/netsuite/limits").json()["concurrency"] == 5
    erp.admin.put("/tenants/default/netsuite/limits", json={"in_flight": 5})
    r = api.get("/record/v1/customer")
    assert r.status_code == 429
    body = r.json()
    assert body["status"] == 429 and body["title"] == "Too Many Requests"
    assert body["o:errorDetails"][0]["o:errorCode"] == "CONCURRENCY_LIMIT_EXCEEDED"
    erp.admin.put("/tenants/default/netsuite/limits", json={"in_flight": 0})
    assert api.get("/record/v1/customer").status_code == 200


@pytest.fixture(scope="module")
def slow_erp() -> Iterator[SimHandle]:
    from simulators.netsuite import NetSuiteSettings, create_simulator

    handle = start_simulator(
        create_simulator(NetSuiteSettings(concurrency_limit=2, processing_delay_ms=300))
    )
    yield handle
    handle.close()


def test_real_parallel_requests_over_the_limit(slow_erp: SimHandle, tba: Any) -> None:
    creds = slow_erp.sim.dialect.credentials(slow_erp.sim.tenants.get("default"), slow_erp.base_url)

    def call(_: int) -> int:
        with httpx.Client(trust_env=False, timeout=10) as c:
            return c.get(f"{creds['rest_url']}/record/v1/customer", auth=tba(creds)).status_code

    with ThreadPoolExecutor(6) as pool:
        codes = sorted(pool.map(call, range(6)))
    assert codes.count(200) == 2 and codes.count(429) == 4


def test_after_submit_notifications(
    api: httpx.Client, erp: SimHandle, creds: dict[str, Any]
) -> None:
    r = api.post("/record/v1/customer", json={"companyName": "Evented", "subsidiary": {"id": "1"}})
    cid = r.headers["location"].rsplit("/", 1)[-1]
    api.patch(f"/record/v1/customer/{cid}", json={"phone": "1"})
    api.delete(f"/record/v1/customer/{cid}")
    events = erp.admin.get("/tenants/default/events").json()["events"]
    payloads = [e["payload"] for e in events if e["record_id"] == cid]
    assert [p["operation"] for p in payloads] == ["create", "edit", "delete"]
    assert payloads[0]["recordType"] == "customer" and payloads[0]["accountId"] == creds["account"]
    assert payloads[0]["id"] == cid and payloads[0]["lastModifiedDate"].endswith("Z")


def test_bulk_load_in_rest_shape(api: httpx.Client, erp: SimHandle) -> None:
    r = erp.admin.post(
        "/tenants/default/records/customer",
        json={
            "records": [
                {
                    "id": "5000",
                    "companyName": "Loaded",
                    "subsidiary": {"id": "1"},
                    "externalId": "L-1",
                },
                {"companyName": "Loaded 2", "subsidiary": {"id": "1"}},
            ]
        },
    )
    assert r.status_code == 201, r.text
    ids = r.json()["ids"]
    assert ids[0] == "5000" and int(ids[1]) > 5000
    assert api.get("/record/v1/customer/eid:L-1").json()["companyName"] == "Loaded"
    r = erp.admin.post(
        "/tenants/default/records/salesOrder",
        json={
            "records": [
                {
                    "entity": {"id": "5000"},
                    "item": {"items": [{"item": {"id": "10"}, "quantity": 2}]},
                }
            ]
        },
    )
    so = r.json()["ids"][0]
    assert api.get(f"/record/v1/salesOrder/{so}").json()["total"] == 300.0
    assert (
        erp.admin.post("/tenants/default/records/nosuchtype", json={"records": [{}]}).status_code
        >= 400
    )
    new = api.post("/record/v1/customer", json={"companyName": "After", "subsidiary": {"id": "1"}})
    assert int(new.headers["location"].rsplit("/", 1)[-1]) > int(ids[1])
