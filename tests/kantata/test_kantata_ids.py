"""Record ids counted in memory number on exactly where the store stands: after a refused
create, a rolled-back bulk create, a snapshot restore, a bulk load and a restart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from harness.testing import SimHandle, start_simulator
from simulators.engine import SimulatorSettings
from simulators.kantata import KantataSettings, create_simulator

from .conftest import TOKEN


def _ws(api: httpx.Client, title: str | None = "W") -> httpx.Response:
    attrs: dict[str, Any] = {"creator_role": "maven"}
    if title is not None:
        attrs["title"] = title
    return api.post("/workspaces.json", json={"workspace": attrs})


def _id(resp: httpx.Response) -> int:
    assert resp.status_code == 200, resp.text
    return int(resp.json()["results"][0]["id"])


def _event_ids(api: httpx.Client) -> list[int]:
    body = api.get("/subscribed_events.json", params={"per_page": 200}).json()
    return sorted(int(r["id"]) for r in body["results"])


def test_refusals_and_rollbacks_leave_no_gap(api: httpx.Client) -> None:
    first = _id(_ws(api))
    assert _ws(api, None).status_code == 422  # refused before anything is written
    bad = api.post(
        "/workspaces.json",
        json={"workspaces": [{"title": "A", "creator_role": "maven"}, {"creator_role": "maven"}]},
    )
    assert bad.status_code == 422  # the first of the two was written, then rolled back
    assert _id(_ws(api)) == first + 1
    events = _event_ids(api)
    assert events == list(range(events[0], events[0] + 2))


def test_restore_and_load_number_on_from_the_store(psa: SimHandle, api: httpx.Client) -> None:
    first = _id(_ws(api))
    assert psa.admin.post("/tenants/default/snapshots", json={"name": "s"}).status_code == 201
    assert _id(_ws(api)) == first + 1
    assert psa.admin.post("/tenants/default/snapshots/s/restore").status_code == 200
    assert _id(_ws(api)) == first + 1  # the restored store had not seen first + 1
    loaded = psa.admin.post(
        "/tenants/default/records/workspaces", json={"records": [{"id": "900", "title": "L"}]}
    )
    assert loaded.status_code in (200, 201), loaded.text
    assert _id(_ws(api)) == 901


def test_a_restarted_tenant_numbers_on(tmp_path: Path) -> None:
    def start() -> SimHandle:
        return start_simulator(
            create_simulator(KantataSettings(token=TOKEN), SimulatorSettings(data_dir=tmp_path))
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
            first = _id(_ws(api))
            _id(_ws(api))
            events = _event_ids(api)
    finally:
        handle.close()
    handle = start()
    try:
        with client(handle) as api:
            assert _id(_ws(api)) == first + 2
            assert _event_ids(api) == [*events, events[-1] + 1]
    finally:
        handle.close()


def test_a_new_workspace_shows_what_already_points_at_its_id(
    psa: SimHandle, api: httpx.Client
) -> None:
    nxt = _id(_ws(api)) + 1
    loaded = psa.admin.post(
        "/tenants/default/records/time_entries",
        json={
            "records": [
                {
                    "workspace_id": str(nxt),
                    "user_id": "1",
                    "date_performed": "2026-03-30",
                    "time_in_minutes": 60,
                    "billable": True,
                    "approved": True,
                    "rate_in_cents": 12000,
                }
            ]
        },
    )
    assert loaded.status_code in (200, 201), loaded.text
    created = _ws(api)
    assert _id(created) == nxt
    shown = created.json()["workspaces"][str(nxt)]
    assert shown["budget_used_in_cents"] == 12000
    assert api.get(f"/workspaces/{nxt}.json").json()["workspaces"][str(nxt)] == shown
