"""kill -9 durability: a simulator process killed without warning and restarted on its
``--data-dir`` keeps every acknowledged write, its change events (replay ids), its webhook
subscriptions, the events it still owes them, its dead letters and NetSuite's async jobs
and idempotency keys."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from harness.testing import SimProcess, WebhookRecorder

from .._clients import crm_login

# a pooled client connection to a simulator process this module kills and restarts is
# left to the garbage collector by httpcore; the leak is the test client's, not a product's
pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")

V = "/services/data/v68.0"


@pytest.fixture
def hook() -> Iterator[WebhookRecorder]:
    h = WebhookRecorder()
    yield h
    h.close()


def _crm_api(p: SimProcess) -> httpx.Client:
    with p.admin() as a:
        creds = a.get("/tenants/default").json()["credentials"]
    c = p.client()
    crm_login(c, creds)
    return c


def _record_id(body: dict[str, object]) -> str:
    payload = body["data"]["payload"]  # type: ignore[index]
    return str(payload["ChangeEventHeader"]["recordIds"][0])


def _cometd_replay(api: httpx.Client, channel: str, replay: int) -> list[dict[str, Any]]:
    """Handshake, subscribe with a replay id, one connect: the events replayed after it."""
    path = "/cometd/45.0"
    hs = api.post(
        f"{path}/handshake",
        json=[
            {
                "channel": "/meta/handshake",
                "version": "1.0",
                "supportedConnectionTypes": ["long-polling"],
            }
        ],
    ).json()[0]
    cid = hs["clientId"]
    connect = {"channel": "/meta/connect", "clientId": cid, "connectionType": "long-polling"}
    api.post(path, json=[connect])
    sub = {
        "channel": "/meta/subscribe",
        "clientId": cid,
        "subscription": channel,
        "ext": {"replay": {channel: replay}},
    }
    assert api.post(path, json=[sub]).json()[0]["successful"]
    replies = api.post(path, json=[connect]).json()
    return [m for m in replies if m["channel"] == channel]


def _dead(p: SimProcess, sub: str, count: int) -> list[dict[str, object]]:
    """Long-poll-free wait: the dead letters appear within the subscription's short window."""
    with p.admin() as a:
        for _ in range(400):
            dead = a.get("/deliveries", params={"status": "dead", "subscription": sub}).json()
            if dead["count"] >= count:
                return list(dead["deliveries"])
            a.post("/wait-for", json={"journal": {"method": "NOOP"}, "timeout": 0.05})
    raise AssertionError(f"{sub}: fewer than {count} dead letters")


def test_kill9_keeps_writes_events_subscriptions_and_owed_events(
    tmp_path: Path, hook: WebhookRecorder
) -> None:
    hook.status = 503  # the subscriber is down for the whole first life
    with SimProcess("salesforce", tmp_path / "crm") as p:
        with p.admin() as a:
            live = {"id": "live", "url": hook.url, "types": ["Account"]}
            assert a.post("/subscriptions", json=live).status_code == 201
        api = _crm_api(p)
        ids = []
        for i in range(20):
            r = api.post(f"{V}/sobjects/Account/", json={"Name": f"Durable {i}"})
            assert r.status_code == 201
            ids.append(r.json()["id"])
        api.close()
        with p.admin() as a:
            before = a.get("/tenants/default/events", params={"type": "Account"}).json()
        assert before["count"] == 20

        p.kill()  # SIGKILL: nothing is flushed or closed
        hook.status = 200
        p.start()

        api = _crm_api(p)
        q = api.get(
            f"{V}/query/", params={"q": "SELECT Id FROM Account WHERE Name LIKE 'Durable%'"}
        )
        assert {r["Id"] for r in q.json()["records"]} == set(ids)
        with p.admin() as a:
            subs = [s["id"] for s in a.get("/subscriptions").json()["subscriptions"]]
            assert subs == ["live"]
            after = a.get("/tenants/default/events", params={"type": "Account"}).json()
            assert [e["seq"] for e in after["events"]] == [e["seq"] for e in before["events"]]
        # the owed events reach the subscriber that was down, without any admin call
        bodies = hook.wait_for(20, timeout=30)
        assert sorted(_record_id(b) for b in bodies) == sorted(ids)
        # a CometD client resumes from a replay id it saw before the crash
        tenth = before["events"][9]["seq"]
        replayed = _cometd_replay(api, "/data/AccountChangeEvent", tenth)
        assert [m["data"]["event"]["replayId"] for m in replayed] == [
            e["seq"] for e in before["events"][10:]
        ]
        # replay ids continue after the restart: the next event is newer than every old one
        r = api.post(f"{V}/sobjects/Account/", json={"Name": "After restart"})
        assert r.status_code == 201
        api.close()
        with p.admin() as a:
            newest = a.get(
                "/tenants/default/events",
                params={"type": "Account", "after_seq": after["events"][-1]["seq"]},
            ).json()
        assert newest["count"] == 1


def test_kill9_keeps_dead_letters_for_redelivery(tmp_path: Path, hook: WebhookRecorder) -> None:
    hook.status = 503
    with SimProcess("salesforce", tmp_path / "crm") as p:
        with p.admin() as a:
            short = {"id": "short", "url": hook.url, "types": ["Account"], "max_attempts": 1}
            assert a.post("/subscriptions", json=short).status_code == 201
        api = _crm_api(p)
        ids = [
            api.post(f"{V}/sobjects/Account/", json={"Name": f"Dead {i}"}).json()["id"]
            for i in range(5)
        ]
        api.close()
        _dead(p, "short", 5)
        p.kill()
        hook.status = 200
        p.start()
        with p.admin() as a:
            dead = a.get("/deliveries", params={"status": "dead", "subscription": "short"}).json()
            assert dead["count"] == 5
            assert hook.wait_for(1, timeout=0.3) == []  # dead letters wait for a redelivery
            assert a.post("/deliveries/redeliver", json={}).json() == {"redelivered": 5}
        assert sorted(_record_id(b) for b in hook.wait_for(5, timeout=30)) == sorted(ids)


def test_kill9_keeps_netsuite_idempotency_keys_and_async_jobs(tmp_path: Path) -> None:
    with SimProcess("netsuite", tmp_path / "erp") as p:

        def api() -> httpx.Client:
            with p.admin() as a:
                tok = a.post("/tenants/default/tokens", json={}).json()["token"]
            return p.client(
                base_url=f"{p.base_url}/services/rest", headers={"Authorization": f"Bearer {tok}"}
            )

        headers = {"Prefer": "respond-async", "X-NetSuite-Idempotency-Key": "key-123"}
        body = {"companyName": "Idempotent Co", "subsidiary": {"id": "1"}}
        with api() as c:
            first = c.post("/record/v1/customer", json=body, headers=headers)
            assert first.status_code == 202
            job = first.headers["location"]
        p.kill()
        p.start()
        with api() as c:
            again = c.post("/record/v1/customer", json=body, headers=headers)
            assert again.status_code == 400, again.text
            assert again.json()["o:errorDetails"][0]["o:errorCode"] == "IDEMPOTENCY_ERROR"
            # the job's Location still answers (on whatever port the new process has)
            assert c.get(urlsplit(job).path.removeprefix("/services/rest")).json()["progress"] == (
                "succeeded"
            )
            q = c.post(
                "/query/v1/suiteql",
                json={"q": "SELECT id FROM customer WHERE companyName = 'Idempotent Co'"},
                headers={"Prefer": "transient"},
            )
            assert q.json()["count"] == 1
