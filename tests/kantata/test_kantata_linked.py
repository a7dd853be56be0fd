"""A workspace created after records were loaded pointing at its id shows their roll-ups in
its answer and its event, as a read of it does."""

from __future__ import annotations

from typing import Any

import httpx

from harness.testing import SimHandle


def _create(api: httpx.Client, title: str) -> dict[str, Any]:
    r = api.post("/workspaces.json", json={"workspace": {"title": title, "creator_role": "maven"}})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def test_records_loaded_ahead_of_their_workspace_roll_up_into_its_create(
    psa: SimHandle, api: httpx.Client
) -> None:
    first = _create(api, "First")
    nxt = str(int(first["results"][0]["id"]) + 1)
    entry = {
        "workspace_id": nxt,
        "user_id": "1",
        "date_performed": "2026-03-30",
        "time_in_minutes": 90,
        "billable": True,
        "approved": True,
        "rate_in_cents": 10000,
    }
    r = psa.admin.post("/tenants/default/records/time_entries", json={"records": [entry]})
    assert r.status_code in (200, 201), r.text
    made = _create(api, "Second")
    assert made["results"][0]["id"] == nxt
    shown = made["workspaces"][nxt]
    assert shown["budget_used_in_cents"] == 15000
    assert made == api.get(f"/workspaces/{nxt}.json").json()
    events = api.get(
        "/subscribed_events.json",
        params={"subject_id": nxt, "optional_fields": "current_payload"},
    ).json()["subscribed_events"]
    assert [e["current_payload"] for e in events.values()] == [shown]
    # and one with nothing pointing at it, after them, shows none
    third = _create(api, "Third")
    tid = third["results"][0]["id"]
    assert third["workspaces"][tid]["budget_used_in_cents"] == 0
    assert third == api.get(f"/workspaces/{tid}.json").json()
