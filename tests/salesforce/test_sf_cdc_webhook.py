"""Change Data Capture events delivered to a webhook subscriber, with delivery faults."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from harness.testing import SimHandle, WebhookRecorder

from .._clients import crm_client
from ._bodies import collection, typed


@pytest.fixture
def hook() -> Iterator[WebhookRecorder]:
    rec = WebhookRecorder()
    yield rec
    rec.close()


def _api(crm: SimHandle) -> httpx.Client:
    c = crm_client(crm)
    c.headers["Sforce-Call-Options"] = "client=harness-tests"
    return c


def _close_won(api: httpx.Client) -> str:
    acc = api.post(
        "/services/data/v68.0/sobjects/Account/", json={"Name": "Wayne Enterprises"}
    ).json()["id"]
    opp = api.post(
        "/services/data/v68.0/sobjects/Opportunity/",
        json={
            "Name": "Wayne PMO",
            "StageName": "Negotiation/Review",
            "CloseDate": "2026-12-31",
            "AccountId": acc,
            "Amount": 250000,
        },
    ).json()["id"]
    r = api.patch(
        f"/services/data/v68.0/sobjects/Opportunity/{opp}", json={"StageName": "Closed Won"}
    )
    assert r.status_code == 204
    return opp


def _closed_won_events(bodies: list[Any], opp: str) -> list[dict[str, Any]]:
    return [
        b
        for b in bodies
        if b["data"]["payload"]["ChangeEventHeader"]["recordIds"] == [opp]
        and b["data"]["payload"]["ChangeEventHeader"]["changeType"] == "UPDATE"
    ]


def test_subscriber_receives_closed_won_change_event(crm: SimHandle, hook: WebhookRecorder) -> None:
    r = crm.admin.post("/subscriptions", json={"url": hook.url, "types": ["Opportunity"]})
    assert r.status_code == 201
    api = _api(crm)
    opp = _close_won(api)
    bodies = hook.wait_for(2)  # CREATE then UPDATE
    assert len(bodies) == 2
    create, update = bodies
    assert create["channel"] == "/data/OpportunityChangeEvent"
    assert create["data"]["payload"]["ChangeEventHeader"]["changeType"] == "CREATE"
    header = update["data"]["payload"]["ChangeEventHeader"]
    assert header["entityName"] == "Opportunity"
    assert header["recordIds"] == [opp]
    assert header["changeType"] == "UPDATE"
    assert header["changeOrigin"] == "com/salesforce/api/rest/68.0;client=harness-tests"
    assert header["commitUser"].startswith("005")
    assert isinstance(header["commitTimestamp"], int) and isinstance(header["commitNumber"], int)
    assert header["sequenceNumber"] == 1 and len(header["transactionKey"]) == 36
    assert {"StageName", "IsClosed", "IsWon", "Probability", "LastModifiedDate"} <= set(
        header["changedFields"]
    )
    payload = update["data"]["payload"]
    assert payload["StageName"] == "Closed Won" and payload["IsWon"] is True
    assert "Name" not in payload  # UPDATE events carry only changed fields
    assert update["data"]["event"]["replayId"] > create["data"]["event"]["replayId"]


def test_duplicate_delivery_fault_delivers_twice(crm: SimHandle, hook: WebhookRecorder) -> None:
    r = crm.admin.post(
        "/subscriptions",
        json={"url": hook.url, "types": ["Opportunity"], "faults": {"duplicate": 100, "seed": 7}},
    )
    assert r.status_code == 201
    opp = _close_won(_api(crm))
    bodies = hook.wait_for(4)
    won = _closed_won_events(bodies, opp)
    assert len(won) == 2 and won[0] == won[1]
    deliveries = crm.admin.get("/deliveries").json()["deliveries"]
    assert sum(1 for d in deliveries if d["duplicate"]) == 2


def test_failed_deliveries_are_retried_until_accepted(
    crm: SimHandle, hook: WebhookRecorder
) -> None:
    hook.status = 503
    crm.admin.post(
        "/subscriptions", json={"url": hook.url, "types": ["Account"], "backoff_base": 0.05}
    )
    api = _api(crm)
    api.post("/services/data/v68.0/sobjects/Account/", json={"Name": "Retry Co"})
    entry = crm.admin.get("/deliveries").json()
    assert entry["count"] >= 1
    time.sleep(0.3)
    hook.status = 200
    bodies = hook.wait_for(1)
    assert len(bodies) == 1 and bodies[0]["data"]["payload"]["Name"] == "Retry Co"
    deadline = time.monotonic() + 5
    d = crm.admin.get("/deliveries").json()["deliveries"][0]
    while d["status"] != "delivered" and time.monotonic() < deadline:
        time.sleep(0.02)
        d = crm.admin.get("/deliveries").json()["deliveries"][0]
    assert d["status"] == "delivered" and d["attempts"] >= 2


def test_drop_fault_loses_events_and_says_so(crm: SimHandle, hook: WebhookRecorder) -> None:
    crm.admin.post(
        "/subscriptions",
        json={"id": "lossy", "url": hook.url, "types": ["Account"], "faults": {"drop": 100}},
    )
    api = _api(crm)
    api.post("/services/data/v68.0/sobjects/Account/", json={"Name": "Dropped Inc"})
    r = crm.admin.post("/wait-for", json={"event": {"type": "Account"}, "timeout": 5})
    assert r.json()["matched"] is True
    assert hook.wait_for(1, timeout=0.5) == []
    subs = crm.admin.get("/subscriptions").json()["subscriptions"]
    assert subs[0]["stats"]["dropped"] == 1


def test_reorder_fault_swaps_consecutive_events(crm: SimHandle, hook: WebhookRecorder) -> None:
    crm.admin.post(
        "/subscriptions", json={"url": hook.url, "types": ["Account"], "faults": {"reorder": 100}}
    )
    api = _api(crm)
    res = api.post(
        "/services/data/v68.0/composite/sobjects",
        json=collection(typed("Account", Name="First"), typed("Account", Name="Second")),
    )
    assert res.status_code == 200
    bodies = hook.wait_for(2)
    assert [b["data"]["payload"]["Name"] for b in bodies] == ["Second", "First"]


def test_polling_on_system_modstamp(crm: SimHandle) -> None:
    api = _api(crm)
    before = api.get(
        "/services/data/v68.0/query/",
        params={"q": "SELECT Id FROM Account WHERE SystemModstamp > 2020-01-01T00:00:00Z"},
    ).json()["totalSize"]
    api.post("/services/data/v68.0/sobjects/Account/", json={"Name": "Polled"})
    after = api.get(
        "/services/data/v68.0/query/",
        params={"q": "SELECT Id, Name FROM Account WHERE SystemModstamp > 2020-01-01T00:00:00Z"},
    ).json()
    assert after["totalSize"] == before + 1
