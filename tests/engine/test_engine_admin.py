"""Engine services through the admin API, exercised on the CRM dialect over real HTTP."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.testing import SimHandle, start_simulator
from simulators.engine import SimulatorSettings
from simulators.salesforce import SalesforceSettings, create_simulator

from .._clients import crm_client

V = "/services/data/v68.0"


def create_account(api: httpx.Client, name: str, **extra: Any) -> str:
    r = api.post(f"{V}/sobjects/Account/", json={"Name": name, **extra})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


# -- tenants ---------------------------------------------------------------------------


def test_tenants_are_isolated_by_their_credentials(crm: SimHandle) -> None:
    r = crm.admin.post("/tenants", json={"name": "iso-a"})
    assert r.status_code == 201
    creds_a = r.json()["credentials"]
    assert (
        creds_a["client_id"] != crm.admin.get("/tenants/default").json()["credentials"]["client_id"]
    )
    a, d = crm_client(crm, "iso-a"), crm_client(crm, "default")
    create_account(a, "Only in A")
    q = "SELECT Id FROM Account WHERE Name = 'Only in A'"
    assert a.get(f"{V}/query/", params={"q": q}).json()["totalSize"] == 1
    assert d.get(f"{V}/query/", params={"q": q}).json()["totalSize"] == 0
    assert crm.admin.get("/tenants/iso-a").json()["records"]["Account"] == 1
    assert crm.admin.delete("/tenants/iso-a").status_code == 204
    assert a.get(f"{V}/query/", params={"q": q}).status_code == 401


def test_invalid_tenant_name_is_a_clear_400(crm: SimHandle) -> None:
    r = crm.admin.post("/tenants", json={"name": "no spaces allowed"})
    assert r.status_code == 400
    assert "invalid tenant name" in r.json()["error"]["message"]


def test_snapshot_and_restore(crm: SimHandle) -> None:
    api = crm_client(crm)
    keep = create_account(api, "Before snapshot")
    assert crm.admin.post("/tenants/default/snapshots", json={"name": "base"}).status_code == 201
    later = create_account(api, "After snapshot")
    api.patch(f"{V}/sobjects/Account/{keep}", json={"Name": "Renamed"})
    r = crm.admin.post("/tenants/default/snapshots/base/restore")
    assert r.status_code == 200
    assert api.get(f"{V}/sobjects/Account/{keep}").json()["Name"] == "Before snapshot"
    assert api.get(f"{V}/sobjects/Account/{later}").status_code == 404
    assert "base" in crm.admin.get("/tenants/default/snapshots").json()["snapshots"]


def test_persistence_survives_a_restart(tmp_path: Path) -> None:
    settings = SimulatorSettings(data_dir=tmp_path)
    first = start_simulator(create_simulator(None, settings))
    try:
        api = crm_client(first)
        acc = create_account(api, "Durable Ltd")
        first.admin.post("/tenants", json={"name": "second"})
        create_account(crm_client(first, "second"), "Second tenant record")
    finally:
        first.close()
    again = start_simulator(create_simulator(None, SimulatorSettings(data_dir=tmp_path)))
    try:
        api = crm_client(again)
        assert api.get(f"{V}/sobjects/Account/{acc}").json()["Name"] == "Durable Ltd"
        assert "second" in [t["name"] for t in again.admin.get("/tenants").json()["tenants"]]
        new_id = create_account(api, "After restart")
        assert new_id != acc  # id sequence continues
    finally:
        again.close()


# -- clock -----------------------------------------------------------------------------


def test_frozen_and_advanced_clock_drives_timestamps(crm: SimHandle) -> None:
    r = crm.admin.post(
        "/tenants/default/clock", json={"freeze": True, "at": "2026-03-31T23:59:00Z"}
    )
    assert r.json()["frozen"] is True
    api = crm_client(crm)
    acc = create_account(api, "Period close")
    assert (
        api.get(f"{V}/sobjects/Account/{acc}").json()["CreatedDate"]
        == "2026-03-31T23:59:00.000+0000"
    )
    crm.admin.post("/tenants/default/clock", json={"advance_seconds": 120})
    api.patch(f"{V}/sobjects/Account/{acc}", json={"Name": "Next quarter"})
    rec = api.get(f"{V}/sobjects/Account/{acc}").json()
    assert rec["LastModifiedDate"] == "2026-04-01T00:01:00.000+0000"
    bad = crm.admin.post("/tenants/default/clock", json={"at": "yesterday"})
    assert bad.status_code == 400


def test_token_expires_with_the_clock(crm: SimHandle) -> None:
    api = crm_client(crm)
    assert api.get(f"{V}/limits/").status_code == 200
    crm.admin.post("/tenants/default/clock", json={"advance_seconds": 7201})
    r = api.get(f"{V}/limits/")
    assert r.status_code == 401 and r.json()[0]["errorCode"] == "INVALID_SESSION_ID"


# -- journal ---------------------------------------------------------------------------


def test_journal_records_requests_with_correlation_ids(crm: SimHandle) -> None:
    api = crm_client(crm)
    r = api.post(
        f"{V}/sobjects/Account/",
        json={"Name": "Journaled"},
        headers={"X-Correlation-Id": "corr-123"},
    )
    assert r.headers["x-correlation-id"] == "corr-123"
    generated = api.get(f"{V}/limits/").headers["x-correlation-id"]
    assert len(generated) == 32
    entries = crm.admin.get("/journal", params={"correlation_id": "corr-123"}).json()["entries"]
    assert len(entries) == 1
    e = entries[0]
    assert (e["method"], e["status"], e["tenant"], e["route"]) == (
        "POST",
        201,
        "default",
        "sobject.create",
    )
    assert '"Name":"Journaled"' in e["request_body"].replace(" ", "")
    assert e["request_headers"]["authorization"].endswith("...")
    assert e["duration_ms"] > 0
    export = crm.admin.get("/journal/export", params={"method": "POST"})
    lines = [line for line in export.text.splitlines() if line]
    assert export.headers["content-type"] == "application/x-ndjson"
    assert any("corr-123" in line for line in lines)
    assert crm.admin.delete("/journal").status_code == 204
    assert crm.admin.get("/journal").json()["count"] == 0


def test_journal_is_bounded() -> None:
    sim = start_simulator(create_simulator(None, SimulatorSettings(journal_size=5)))
    try:
        api = crm_client(sim)
        for _ in range(12):
            api.get(f"{V}/limits/")
        body = sim.admin.get("/journal").json()
        assert body["count"] == 5
        assert body["last_seq"] == 13  # token call + 12 reads
        assert [e["seq"] for e in body["entries"]] == list(range(9, 14))
    finally:
        sim.close()


# -- faults ----------------------------------------------------------------------------


def test_error_fault_answers_in_vendor_format(crm: SimHandle) -> None:
    api = crm_client(crm)
    r = crm.admin.post(
        "/faults",
        json={
            "path": f"{V}/sobjects/Account*",
            "method": "POST",
            "fault": {"kind": "error", "status": 503},
            "times": 2,
        },
    )
    assert r.status_code == 201
    first = api.post(f"{V}/sobjects/Account/", json={"Name": "x"})
    assert first.status_code == 503
    assert first.json() == [
        {
            "message": "Server is temporarily unavailable. Please try again later.",
            "errorCode": "SERVER_UNAVAILABLE",
        }
    ]
    assert api.post(f"{V}/sobjects/Account/", json={"Name": "x"}).status_code == 503
    assert api.post(f"{V}/sobjects/Account/", json={"Name": "x"}).status_code == 201
    assert api.get(f"{V}/limits/").status_code == 200  # other routes untouched
    fault = crm.admin.get("/faults").json()["faults"][0]
    assert fault["fired"] == 2 and fault["calls"] == 3
    entries = crm.admin.get("/journal", params={"status": 503}).json()["entries"]
    assert all(e["fault"] == fault["id"] for e in entries) and len(entries) == 2


def test_after_calls_and_percentage_are_seeded(crm: SimHandle) -> None:
    api = crm_client(crm)
    crm.admin.post(
        "/faults",
        json={"path": f"{V}/limits*", "after_calls": 2, "fault": {"kind": "error", "status": 500}},
    )
    codes = [api.get(f"{V}/limits/").status_code for _ in range(4)]
    assert codes == [200, 200, 500, 500]
    crm.admin.delete("/faults")

    def pattern() -> list[int]:
        crm.admin.delete("/faults")
        crm.admin.post(
            "/faults",
            json={
                "path": f"{V}/limits*",
                "percentage": 50,
                "seed": 42,
                "fault": {"kind": "error", "status": 502},
            },
        )
        return [api.get(f"{V}/limits/").status_code for _ in range(20)]

    one, two = pattern(), pattern()
    assert one == two and 502 in one and 200 in one


def test_latency_and_hang_faults(crm: SimHandle) -> None:
    api = crm_client(crm)
    crm.admin.post(
        "/faults",
        json={"path": f"{V}/limits*", "fault": {"kind": "latency", "ms": 300}, "times": 1},
    )
    t0 = time.perf_counter()
    assert api.get(f"{V}/limits/").status_code == 200
    assert time.perf_counter() - t0 >= 0.29
    crm.admin.post(
        "/faults",
        json={"path": f"{V}/sobjects", "fault": {"kind": "hang", "seconds": 5}, "times": 1},
    )
    with pytest.raises(httpx.ReadTimeout):
        api.get(f"{V}/sobjects", timeout=0.5)


def test_reset_fault_drops_the_connection(crm: SimHandle) -> None:
    api = crm_client(crm)
    crm.admin.post("/faults", json={"path": f"{V}/limits*", "fault": {"kind": "reset"}, "times": 1})
    with pytest.raises(httpx.HTTPError) as exc:
        api.get(f"{V}/limits/")
    assert isinstance(exc.value, (httpx.RemoteProtocolError, httpx.ReadError))
    assert api.get(f"{V}/limits/").status_code == 200


def test_window_fault_on_the_tenant_clock(crm: SimHandle) -> None:
    api = crm_client(crm)
    crm.admin.post("/tenants/default/clock", json={"freeze": True, "at": "2026-06-01T10:00:00Z"})
    crm.admin.post(
        "/faults",
        json={
            "path": "*",
            "fault": {"kind": "error", "status": 503},
            "window": {"start": "2026-06-01T11:00:00Z", "end": "2026-06-01T12:00:00Z"},
        },
    )
    assert api.get(f"{V}/limits/").status_code == 200
    crm.admin.post("/tenants/default/clock", json={"advance_seconds": 3600})
    assert api.get(f"{V}/limits/").status_code == 503
    crm.admin.post("/tenants/default/clock", json={"advance_seconds": 3600})
    assert api.get(f"{V}/limits/").status_code == 200


def test_bad_fault_rules_are_refused_with_a_hint(crm: SimHandle) -> None:
    r = crm.admin.post("/faults", json={"fault": {"kind": "explode"}})
    assert r.status_code == 400
    assert r.json()["error"]["hint"] == "latency, error, hang or reset"
    r = crm.admin.post("/faults", json={"fault": {"kind": "error", "status": 200}})
    assert r.status_code == 400


# -- limits ----------------------------------------------------------------------------


def test_daily_request_quota_is_403_request_limit_exceeded() -> None:
    sim = start_simulator(create_simulator(SalesforceSettings(daily_api_requests=3)))
    try:
        api = crm_client(sim)
        statuses = [api.get(f"{V}/limits/") for _ in range(4)]
        assert [r.status_code for r in statuses] == [200, 200, 200, 403]
        assert statuses[2].headers["sforce-limit-info"] == "api-usage=3/3"
        assert statuses[3].json() == [
            {"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}
        ]
        sim.admin.put("/tenants/default/limits", json={"daily_api_requests": 10})
        assert api.get(f"{V}/limits/").json()["DailyApiRequests"] == {"Max": 10, "Remaining": 6}
        # the rolling window frees the quota a day later on the tenant clock
        sim.admin.post("/tenants/default/clock", json={"advance_seconds": 86400 + 3600})
        assert crm_client(sim).get(f"{V}/limits/").status_code == 200
    finally:
        sim.close()


# -- wait-for --------------------------------------------------------------------------


def test_wait_for_returns_when_the_record_appears(crm: SimHandle) -> None:
    api = crm_client(crm)

    def later() -> None:
        time.sleep(0.3)
        create_account(api, "Arrives later", External_Id__c="LATE-1")

    writer = threading.Thread(target=later)
    writer.start()
    t0 = time.perf_counter()
    r = crm.admin.post(
        "/wait-for",
        json={"record": {"type": "Account", "match": {"External_Id__c": "LATE-1"}}, "timeout": 10},
    )
    assert r.status_code == 200 and r.json()["matched"] is True
    assert r.json()["records"][0]["Name"] == "Arrives later"
    assert time.perf_counter() - t0 < 5
    # the wait can end before the writer has read its own answer: let it finish before the
    # reset after the test closes its client
    writer.join(30)


def test_wait_for_times_out_with_408(crm: SimHandle) -> None:
    r = crm.admin.post(
        "/wait-for",
        json={"record": {"type": "Account", "match": {"Name": "never"}}, "timeout": 0.3},
    )
    assert r.status_code == 408 and r.json()["matched"] is False


def test_wait_for_journal_entry(crm: SimHandle) -> None:
    api = crm_client(crm)
    reader = threading.Timer(0.2, lambda: api.get(f"{V}/sobjects/Account/describe"))
    reader.start()
    r = crm.admin.post("/wait-for", json={"journal": {"route": "sobject.describe"}, "timeout": 10})
    assert r.status_code == 200 and r.json()["entry"]["status"] == 200
    reader.join(30)  # its answer read before the reset closes its client


def test_mistyped_fault_rule_key_is_refused_not_ignored(crm: SimHandle) -> None:
    """A rule with ``pth`` instead of ``path`` would otherwise fire on every request."""
    r = crm.admin.post("/faults", json={"pth": "/nothing/*", "fault": {"kind": "reset"}})
    assert r.status_code == 400
    assert "unknown fault rule keys ['pth']" in r.json()["error"]["message"]
    assert crm.admin.get("/faults").json()["faults"] == []
