"""A worker's history kept as event records, and tenants persisted with the history inside the
worker (the earlier layout) reopened: same reads, same notifications, and changes go on."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import httpx
import orjson

from harness.testing import SimHandle, start_simulator
from simulators.engine import SimulatorSettings
from simulators.workday import create_simulator

from .._clients import hcm_token
from .conftest import LoadFn


def _api(handle: SimHandle) -> tuple[httpx.Client, dict[str, Any]]:
    creds = handle.admin.get("/tenants/default").json()["credentials"]
    with handle.client() as c:
        token = hcm_token(c, creds)
    client = httpx.Client(
        base_url=creds["common_base_url"] + "/",
        headers={"authorization": f"Bearer {token}"},
        trust_env=False,
        timeout=30.0,
    )
    return client, creds


def _reads(handle: SimHandle, api: httpx.Client, wid: str) -> dict[str, Any]:
    """What a client and the admin API see of one worker (links without the server's port)."""
    seen = {
        "worker": api.get(f"workers/{wid}").json(),
        "history": api.get(f"workers/{wid}/history").json(),
        "workers": api.get("workers", params={"limit": 100}).json(),
        "timeline": handle.admin.get(f"/tenants/default/workday/workers/{wid}/timeline").json(),
    }
    text = orjson.dumps(seen).decode().replace(f"{api.base_url.host}:{api.base_url.port}", "HOST")
    return orjson.loads(text)


def _job_change(api: httpx.Client, wid: str, org: str, title: str) -> dict[str, Any]:
    reason = api.get("jobChangeReasons").json()["data"][0]["id"]
    r = api.post(
        f"workers/{wid}/jobChanges",
        json={
            "jobChangeReason": {"id": reason},
            "supervisoryOrganization": {"id": org},
            "businessTitle": title,
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


def _to_timeline_layout(db: Path) -> int:
    """Rewrite a tenant database to the earlier layout: each worker's events as its
    ``timeline`` list, in the order they were completed, and no event records."""
    conn = sqlite3.connect(db)
    with conn:
        events: dict[str, list[dict[str, Any]]] = {}
        for (data,) in conn.execute("SELECT data FROM records WHERE type = 'BusinessProcessEvent'"):
            e = orjson.loads(data)
            events.setdefault(e.pop("worker"), []).append(e)
        for wid, data in conn.execute("SELECT id, data FROM records WHERE type = 'Worker'"):
            rec = orjson.loads(data)
            rec["timeline"] = sorted(events.get(wid, []), key=lambda e: e["seq"])
            conn.execute(
                "UPDATE records SET data = ? WHERE type = 'Worker' AND id = ?",
                (orjson.dumps(rec).decode(), wid),
            )
        conn.execute("DELETE FROM records WHERE type = 'BusinessProcessEvent'")
        conn.execute("DELETE FROM meta WHERE key = 'workday.history_layout'")
    conn.close()
    return sum(len(v) for v in events.values())


def test_a_tenant_persisted_with_timelines_reads_the_same_and_changes_on(
    tmp_path: Path, load_firm: LoadFn
) -> None:
    first = start_simulator(create_simulator(None, SimulatorSettings(data_dir=tmp_path)))
    try:
        ids = load_firm(first)
        wid, org = ids["workers"][1], ids["supervisoryOrganizations"][2]
        api, _ = _api(first)
        _job_change(api, wid, org, "Director UK")
        # a future-dated change: kept in the history, invisible to today's reads
        r = first.admin.post(
            "/tenants/default/workday/change",
            json={"worker": wid, "effective": "2099-01-01", "businessTitle": "Later title"},
        )
        assert r.status_code == 200, r.text
        before = _reads(first, api, wid)
        api.close()
    finally:
        first.close()
    assert before["worker"]["businessTitle"] == "Director UK"
    assert [e["type"] for e in before["timeline"]["timeline"]] == [
        "Hire",
        "Job Change",
        "Job Change",
    ]

    moved = _to_timeline_layout(tmp_path / "tenants" / "default.sqlite3")
    assert moved == len(ids["workers"]) + 1 + 2  # a hire each, one termination, two changes

    again = start_simulator(create_simulator(None, SimulatorSettings(data_dir=tmp_path)))
    try:
        api, _ = _api(again)
        assert _reads(again, api, wid) == before
        workers = again.admin.get("/tenants/default/records/Worker", params={"limit": 100})
        assert all("timeline" not in w for w in workers.json()["records"])
        out = _job_change(api, wid, ids["supervisoryOrganizations"][1], "Director US again")
        after = _reads(again, api, wid)
        assert after["worker"]["businessTitle"] == "Director US again"
        assert after["history"]["total"] == before["history"]["total"] + 1
        assert after["timeline"]["timeline"][:3] == before["timeline"]["timeline"]
        assert after["timeline"]["timeline"][3]["eventId"] == out["id"]
        events = again.admin.get("/tenants/default/events", params={"type": "Worker"}).json()
        note = events["events"][-1]["payload"]
        assert (note["businessProcessType"], note["event"]["id"]) == ("Job Change", out["id"])
        assert note["changedFields"] == ["businessTitle", "supervisoryOrganization"]
        api.close()
    finally:
        again.close()
