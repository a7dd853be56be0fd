"""Reference-field indexes per collection, and a tenant persisted with the earlier indexes
over every row: reopened, it answers the same through the new ones."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx

from harness.testing import SimHandle, start_simulator
from simulators.engine import SimulatorSettings
from simulators.kantata import KantataSettings, create_simulator

from .conftest import TOKEN

_FIELDS = ("workspace_id", "user_id", "story_id", "subject_id")
_EARLIER = {f"ix_{f}" for f in _FIELDS}
_ROLL_UPS = ("time_entries", "expenses", "timesheet_submissions", "stories")
#: the roll-ups' earlier indexes, one per collection (now one over the four)
_PER_ROLL_UP = {f"kt_{c}__workspace_id" for c in _ROLL_UPS}


def _start(data_dir: Path) -> SimHandle:
    return start_simulator(
        create_simulator(KantataSettings(token=TOKEN), SimulatorSettings(data_dir=data_dir))
    )


def _client(handle: SimHandle) -> httpx.Client:
    return httpx.Client(
        base_url=f"{handle.base_url}/api/v1",
        headers={"Authorization": f"Bearer {TOKEN}"},
        trust_env=False,
        timeout=30.0,
    )


def _indexes(db: Path) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    finally:
        conn.close()


def test_a_tenant_with_the_earlier_indexes_reopens_on_per_collection_ones(tmp_path: Path) -> None:
    db = tmp_path / "tenants" / "default.sqlite3"
    first = _start(tmp_path)
    try:
        with _client(first) as api:
            ws = api.post(
                "/workspaces.json", json={"workspace": {"title": "Kept", "creator_role": "maven"}}
            )
            wid = ws.json()["results"][0]["id"]
            story = api.post(
                "/stories.json",
                json={"story": {"title": "Task", "workspace_id": wid, "story_type": "task"}},
            )
            assert story.status_code == 200, story.text
            before = api.get("/stories.json", params={"workspace_id": wid}).json()
            assert before["count"] == 1
            shown = api.get(f"/workspaces/{wid}.json").json()  # its roll-ups read the stories
    finally:
        first.close()
    names = _indexes(db)
    assert "kt_rollups__workspace_id" in names and not names & (_EARLIER | _PER_ROLL_UP)
    conn = sqlite3.connect(db)
    with conn:  # the earlier layouts: one index over every row per reference field, and one
        # per roll-up collection
        conn.execute("DROP INDEX kt_rollups__workspace_id")
        for f in _FIELDS:
            conn.execute(f"CREATE INDEX ix_{f} ON records(type, json_extract(data, '$.{f}'))")
        for c in _ROLL_UPS:
            conn.execute(
                f"CREATE INDEX kt_{c}__workspace_id ON records(type, json_extract(data,"
                f" '$.workspace_id')) WHERE type = '{c}'"
            )
    conn.close()

    again = _start(tmp_path)
    try:
        with _client(again) as api:
            assert api.get("/stories.json", params={"workspace_id": wid}).json() == before
            assert api.get(f"/workspaces/{wid}.json").json() == shown
        names = _indexes(db)
        assert "kt_rollups__workspace_id" in names and not names & (_EARLIER | _PER_ROLL_UP)
    finally:
        again.close()


def test_events_saved_with_json_indexes_reopen_on_their_fields_text(tmp_path: Path) -> None:
    """Event filters by subject and user answer the same through the indexes over the text of
    each event's own fields (made when first asked for) as through the earlier ones over its
    whole JSON or its head, on a tenant saved with those; the earlier index on each event's key
    is dropped too."""
    db = tmp_path / "tenants" / "default.sqlite3"
    first = _start(tmp_path)
    try:
        with _client(first) as api:
            wids = [
                api.post(
                    "/workspaces.json",
                    json={"workspace": {"title": f"W{n}", "creator_role": "maven"}},
                ).json()["results"][0]["id"]
                for n in range(3)
            ]
            api.put(f"/workspaces/{wids[1]}.json", json={"workspace": {"title": "W1b"}})
            asks = [{"subject_id": wids[1]}, {"subject_id": ",".join(wids[:2])}, {"user_ids": "1"}]
            before = [api.get("/subscribed_events.json", params=q).json() for q in asks]
            assert [b["count"] for b in before] == [2, 3, 4]
    finally:
        first.close()
    names = _indexes(db)
    assert {
        "kt_subscribed_events__subject_id__text",
        "kt_subscribed_events__user_id__text",
    } <= names
    earlier = {"ix_subscribed_events___key"}
    conn = sqlite3.connect(db)
    with conn:  # the earlier layouts: the events' fields read from their whole JSON, or head
        for f in ("user_id", "subject_id"):
            conn.execute(f"DROP INDEX kt_subscribed_events__{f}__text")
            for name in (f"kt_subscribed_events__{f}", f"kt_subscribed_events__{f}__head"):
                earlier.add(name)
                conn.execute(
                    f"CREATE INDEX {name} ON records(type, "
                    f"json_extract(data, '$.{f}')) WHERE type = 'subscribed_events'"
                )
        conn.execute(
            "CREATE INDEX ix_subscribed_events___key ON records(json_extract(data, '$._key'))"
            " WHERE type = 'subscribed_events'"
        )
    conn.close()

    again = _start(tmp_path)
    try:
        with _client(again) as api:
            assert [api.get("/subscribed_events.json", params=q).json() for q in asks] == before
        names = _indexes(db)
        assert not names & earlier
        assert "kt_subscribed_events__subject_id__text" in names
    finally:
        again.close()


def test_pushed_events_are_the_kept_ones(tmp_path: Path) -> None:
    """The events pushed to subscribers are the subscribed events kept by the writes (found
    through their subject's index), not ones made again (in a second tenant, whose event ids
    are not the engine's event numbers)."""
    handle = _start(tmp_path)
    try:
        creds = handle.admin.post("/tenants", json={"name": "other"}).json()["credentials"]
        with httpx.Client(
            base_url=creds["api_base"],
            headers={"Authorization": f"Bearer {creds['token']}"},
            trust_env=False,
            timeout=30.0,
        ) as api:
            wid = api.post(
                "/workspaces.json", json={"workspace": {"title": "W", "creator_role": "maven"}}
            ).json()["results"][0]["id"]
            api.put(f"/workspaces/{wid}.json", json={"workspace": {"title": "W2"}})
            api.post("/roles.json", json={"role": {"name": "R"}})
            kept = api.get(
                "/subscribed_events.json",
                params={"optional_fields": "current_payload,previous_payload,payload_changes"},
            ).json()["subscribed_events"]
        pushed = handle.admin.get("/tenants/other/events").json()
        items = pushed if isinstance(pushed, list) else pushed["events"]
        payloads = {e["payload"]["id"]: e["payload"] for e in items}
        assert len(kept) == 3 and set(payloads) == set(kept)
        for eid, ev in kept.items():
            assert {k: payloads[eid].get(k) for k in ev} == ev
    finally:
        handle.close()


def test_event_indexes_are_made_when_first_asked_for() -> None:
    """Creates alone (no filter on events, no event pushed) make no event index."""
    handle = start_simulator(create_simulator(KantataSettings(token=TOKEN)))
    try:
        conn = handle.sim.tenants.get("default").store.conn

        def event_indexes() -> set[str]:
            rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
            return {r[0] for r in rows if r[0].startswith("kt_subscribed_events")}

        with _client(handle) as api:
            ws = {"workspace": {"title": "W", "creator_role": "maven"}}
            wid = api.post("/workspaces.json", json=ws).json()["results"][0]["id"]
            assert event_indexes() == set()
            got = api.get("/subscribed_events.json", params={"subject_id": wid}).json()
            assert got["count"] == 1
            assert event_indexes() == {"kt_subscribed_events__subject_id__text"}
            assert api.get("/subscribed_events.json", params={"user_ids": "1"}).json()["count"]
            assert len(event_indexes()) == 2
    finally:
        handle.close()


def test_a_reference_field_is_indexed_by_the_first_read_that_compares_it(tmp_path: Path) -> None:
    """Only the roll-ups' indexes are made with the tenant; a filter and an include on a
    field whose index does not exist yet answer from a scan and make it; a tenant saved with
    every index made at once reopens without the unused ones and answers the same."""
    db = tmp_path / "tenants" / "default.sqlite3"
    first = _start(tmp_path)
    try:
        with _client(first) as api:
            wid = api.post(
                "/workspaces.json", json={"workspace": {"title": "Ref", "creator_role": "maven"}}
            ).json()["results"][0]["id"]
            api.post("/workspaces.json", json={"workspace": {"title": "Other"}})
            ref = api.post(
                "/external_references/create_or_update.json",
                json={
                    "external_reference": {
                        "subject_type": "Workspace",
                        "subject_id": wid,
                        "service_name": "netsuite",
                        "service_model": "job",
                        "service_model_ref": "J-7",
                    }
                },
            )
            assert ref.status_code == 200, ref.text
            rid = ref.json()["results"][0]["id"]
            names = _indexes(db)
            assert "kt_rollups__workspace_id" in names  # the roll-ups', made with the tenant
            assert not {n for n in names if "external_references__subject_id" in n}
            ask = {"external_reference_service_model_ref": "J-7", "include": "external_references"}
            body = api.get("/workspaces.json", params=ask).json()
            assert body["count"] == 1 and body["workspaces"][wid]["external_reference_ids"] == [rid]
            assert "ix_external_references__subject_id" in _indexes(db)
    finally:
        first.close()
    conn = sqlite3.connect(db)
    with conn:  # the earlier layout: every reference field's index made with the tenant
        conn.execute("DROP INDEX ix_external_references__subject_id")
        conn.execute(
            "CREATE INDEX kt_external_references__subject_id ON records(type, json_extract(data,"
            " '$.subject_id')) WHERE type = 'external_references'"
        )
    conn.close()

    again = _start(tmp_path)
    try:
        assert "kt_external_references__subject_id" not in _indexes(db)
        with _client(again) as api:
            assert api.get("/workspaces.json", params=ask).json() == body
        assert "ix_external_references__subject_id" in _indexes(db)
    finally:
        again.close()
