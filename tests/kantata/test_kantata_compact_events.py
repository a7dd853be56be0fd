"""Create events stored compact (the record in place of the payloads) read exactly as the
events stored whole did: through the API's list and single reads, the admin API, pushed
webhooks, and in a persisted tenant whose rows an earlier version wrote whole."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from harness.testing import SimHandle, WebhookRecorder, start_simulator
from simulators.engine import SimulatorSettings
from simulators.kantata import KantataSettings, create_simulator

from .conftest import TOKEN

EVENTS = "subscribed_events"
#: an event's keys as stored, in order (what the admin API shows)
STORED_KEYS = [
    "id",
    "event_type",
    "account_id",
    "user_id",
    "subject_id",
    "subject_type",
    "subject_changed_at",
    "current_payload",
    "previous_payload",
    "payload_changes",
    "created_at",
    "_created",
    "_key",
]


def _rows(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """The event rows as stored, by id."""
    return {
        rid: orjson.loads(data)
        for rid, data in conn.execute(
            "SELECT id, data FROM records WHERE type = ? ORDER BY rowid", (EVENTS,)
        )
    }


def _write_whole(conn: sqlite3.Connection, events: list[dict[str, Any]]) -> int:
    """Store ``events`` (as read) whole, the layout earlier versions wrote; how many rows."""
    for ev in events:
        conn.execute(
            "UPDATE records SET data = ? WHERE type = ? AND id = ?",
            (orjson.dumps(ev).decode(), EVENTS, ev["id"]),
        )
    return len(events)


def _make_changes(api: httpx.Client) -> dict[str, Any]:
    """A workspace (compact event), its member (whose shape reads other records: stored
    whole), a time entry (compact), a story (whole), an update (whole), a bulk create and a
    refused create."""
    ws = api.post(
        "/workspaces.json",
        json={"workspace": {"title": "Compact", "creator_role": "maven", "price": 1234}},
    )
    assert ws.status_code == 200, ws.text
    wid = ws.json()["results"][0]["id"]
    member = api.post(
        "/workspace_resources.json",
        json={"workspace_resource": {"workspace_id": wid, "user_id": "1"}},
    )
    assert member.status_code == 200, member.text
    te = api.post(
        "/time_entries.json",
        json={
            "time_entry": {
                "workspace_id": wid,
                "user_id": "1",
                "date_performed": "2024-05-06",
                "time_in_minutes": 30,
            }
        },
    )
    assert te.status_code == 200, te.text
    story = api.post(
        "/stories.json", json={"story": {"workspace_id": wid, "title": "T", "story_type": "task"}}
    )
    assert story.status_code == 200, story.text
    assert (
        api.put(f"/workspaces/{wid}.json", json={"workspace": {"title": "Renamed"}}).status_code
        == 200
    )
    bulk = api.post(
        "/workspaces.json",
        json={
            "workspaces": [
                {"title": "B1", "creator_role": "maven"},
                {"title": "B2", "creator_role": "maven"},
            ]
        },
    )
    assert bulk.status_code == 200, bulk.text
    assert api.post("/workspaces.json", json={"workspace": {"price": 1}}).status_code == 422
    return ws.json()["workspaces"][wid]


def _readers(api: httpx.Client, admin: httpx.Client, ids: list[str]) -> dict[str, bytes]:
    """Every reader's answer about the events, as bytes."""
    got = {
        "list": api.get(f"/{EVENTS}.json").content,
        "list paged": api.get(f"/{EVENTS}.json?per_page=2&page=2&order=id:asc").content,
        "list subject": api.get(f"/{EVENTS}.json?include=subject").content,
        "list filtered": api.get(f"/{EVENTS}.json?event_types=workspace:created").content,
        "admin records": admin.get(f"/tenants/default/records/{EVENTS}").content,
        "admin records matched": admin.get(
            f"/tenants/default/records/{EVENTS}?event_type=workspace:created"
        ).content,
        "admin events": admin.get("/tenants/default/events").content,
    }
    for i in ids:
        got[f"show {i}"] = api.get(f"/{EVENTS}/{i}.json").content
    return got


@pytest.fixture
def recorder() -> Iterator[WebhookRecorder]:
    rec = WebhookRecorder()
    yield rec
    rec.close()


def test_a_create_event_is_stored_compact_and_read_as_the_create_showed_it(
    psa: SimHandle, api: httpx.Client
) -> None:
    created = _make_changes(api)
    store = psa.sim.tenants.get("default").store
    rows = _rows(store.conn)
    compact = [r for r in rows.values() if "_record" in r]
    whole = [r for r in rows.values() if "current_payload" in r]
    # workspaces and time entries compact; the member and the story (their shapes read
    # other records) and the update whole
    assert {r["event_type"] for r in compact} == {"workspace:created", "time_entry:created"}
    assert {r["event_type"] for r in whole} == {
        "workspace_resource:created",
        "story:created",
        "workspace:updated",
    }
    first = compact[0]
    assert list(first) == [*STORED_KEYS[:7], "_record", *STORED_KEYS[10:]]
    now = store.get("workspaces", created["id"])
    assert now is not None
    assert first["_record"] == now | {
        "title": "Compact",
        "updated_at": first["_record"]["updated_at"],
        "_updated": first["_record"]["_updated"],
    }
    shown = api.get(f"/{EVENTS}/{first['id']}.json").json()[EVENTS][first["id"]]
    assert list(shown) == [k for k in STORED_KEYS if not k.startswith("_")]
    assert shown["current_payload"] == created  # the create's answer, key order included
    assert list(shown["current_payload"]) == list(created)
    assert shown["previous_payload"] is None
    assert shown["payload_changes"]["title"] == [None, "Compact"]
    assert shown["payload_changes"]["price_in_cents"] == [None, 123400]
    assert "id" not in shown["payload_changes"]
    assert all(v[1] is not None for v in shown["payload_changes"].values())
    admin = psa.admin.get(f"/tenants/default/records/{EVENTS}").json()["records"]
    assert [list(r) for r in admin] == [STORED_KEYS] * len(rows)


def test_every_reader_answers_the_same_for_events_stored_whole(
    psa: SimHandle, api: httpx.Client, recorder: WebhookRecorder
) -> None:
    assert (
        psa.admin.post(
            "/subscriptions", json={"url": recorder.url, "tenant": "default"}
        ).status_code
        == 201
    )
    _make_changes(api)
    store = psa.sim.tenants.get("default").store
    ids = list(_rows(store.conn))
    pushed = recorder.wait_for(len(ids))
    assert len(pushed) == len(ids)
    before = _readers(api, psa.admin, ids)
    # compact rows are matched by their fields as read: the three workspaces' create events
    matched = orjson.loads(before["admin records matched"])["records"]
    assert [e["subject_type"] for e in matched] == ["Workspace"] * 3
    # a pushed event is the event the API shows
    for body in pushed:
        shown = api.get(f"/{EVENTS}/{body['id']}.json").json()[EVENTS][body["id"]]
        assert body == shown
    events = [store.get(EVENTS, i) for i in ids]
    compact = sum("_record" in r for r in _rows(store.conn).values())
    assert compact >= 4
    assert _write_whole(store.conn, [e for e in events if e is not None]) == len(ids)
    assert not any("_record" in r for r in _rows(store.conn).values())
    store.read_cache.clear()
    after = _readers(api, psa.admin, ids)
    assert after == before


def test_a_restarted_tenant_reads_events_an_earlier_version_stored_whole(tmp_path: Path) -> None:
    def start() -> SimHandle:
        return start_simulator(
            create_simulator(
                KantataSettings(token=TOKEN, endpoint_limits="off"),
                SimulatorSettings(data_dir=tmp_path),
            )
        )

    def client(h: SimHandle) -> httpx.Client:
        return httpx.Client(
            base_url=f"{h.base_url}/api/v1",
            headers={"Authorization": f"Bearer {TOKEN}"},
            trust_env=False,
            timeout=30.0,
        )

    handle = start()
    try:
        with client(handle) as api:
            _make_changes(api)
            ids = list(_rows(handle.sim.tenants.get("default").store.conn))
            before = _readers(api, handle.admin, ids)
            events = [handle.sim.tenants.get("default").store.get(EVENTS, i) for i in ids]
    finally:
        handle.close()
    files = [p for p in tmp_path.rglob("*.sqlite3") if "default" in p.name]
    assert len(files) == 1, files
    with sqlite3.connect(files[0]) as conn:  # the rows as an earlier version wrote them
        _write_whole(conn, [e for e in events if e is not None])
        assert not any("_record" in r for r in _rows(conn).values())
    handle = start()
    try:
        with client(handle) as api:
            after = _readers(api, handle.admin, ids)
            # written on: new events compact beside the whole ones, every one read
            assert (
                api.post(
                    "/workspaces.json",
                    json={"workspace": {"title": "Late", "creator_role": "maven"}},
                ).status_code
                == 200
            )
            listed = api.get(f"/{EVENTS}.json?order=id:asc&per_page=200").json()
    finally:
        handle.close()
    # the admin events list is per process (not kept across a restart): compared apart
    assert {k: v for k, v in after.items() if k != "admin events"} == {
        k: v for k, v in before.items() if k != "admin events"
    }
    assert listed["count"] == len(ids) + 1
    last = listed[EVENTS][listed["results"][-1]["id"]]
    assert last["current_payload"]["title"] == "Late"
    assert last["payload_changes"]["title"] == [None, "Late"]


def test_an_event_key_writes_its_time_as_repr_does() -> None:
    import random

    from simulators.kantata._feed import float_text

    rng = random.Random(17)
    values = [rng.uniform(1e9, 1e11) for _ in range(20_000)]
    values += [round(v, rng.randint(0, 6)) for v in values[:5000]]
    values += [float(int(v)) for v in values[:1000]]
    values += [0.0, 1.5, 1e16, 123456789.125, 1e11, 99999999999.99998, float("inf")]
    mismatched = [v for v in values if float_text(v) != repr(v)]
    assert mismatched == [], f"seed 17: {mismatched[:5]}"


def test_a_compact_event_written_around_its_record_is_the_event_serialised_whole() -> None:
    from simulators.kantata._feed import RECORD, compact_json

    first = {"id": "7", "event_type": "workspace:created", "user_id": None, "subject_id": 12}
    last = {"created_at": "2026-03-31T09:00:00+00:00", "_created": 1774947600.25, "_key": "k"}
    records: list[dict[str, Any]] = [
        {"title": "Café ☕ 𝄞", "price_in_cents": None, "archived": False, "id": "12"},
        {"description": 'q " and ,"_record":"x"', "status": {"key": 305, "message": "ok"}},
        {"tags": [1, 2.5, None, "é"], "nested": {"a": [{"b": True}]}},
        {},
    ]
    for rec in records:
        stored = orjson.dumps(rec).decode()
        whole = orjson.dumps({**first, RECORD: rec, **last}).decode()
        assert compact_json(first, last, stored) == whole


def test_a_create_answers_the_bytes_a_read_of_the_record_answers(api: httpx.Client) -> None:
    for body in (
        {"workspace": {"title": "Bytes", "creator_role": "maven"}},
        {"workspace": {"title": 'Q "x" \u00e9', "creator_role": "maven", "price": 5}},
    ):
        created = api.post("/workspaces.json", json=body)
        assert created.status_code == 200, created.text
        wid = created.json()["results"][0]["id"]
        assert created.content == api.get(f"/workspaces/{wid}.json").content
        assert created.content == orjson.dumps(created.json())
