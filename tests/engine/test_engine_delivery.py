"""Webhook delivery under subscriber faults: dead letters, redelivery, no head-of-line hostage."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from harness.testing import SimHandle, WebhookRecorder

from .._clients import crm_client

V = "/services/data/v68.0"


def _name(body: dict[str, Any]) -> str:
    return str(body["data"]["payload"].get("Name", ""))


class PickyHook:
    """A subscriber that refuses (500) every event whose body holds ``refuse``, while set."""

    def __init__(self) -> None:
        hook = self
        self.refuse: str | None = None
        self.received: list[dict[str, Any]] = []
        self.cond = threading.Condition()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                ok = hook.refuse is None or hook.refuse.encode() not in raw
                if ok:
                    with hook.cond:
                        hook.received.append(json.loads(raw))
                        hook.cond.notify_all()
                self.send_response(200 if ok else 500)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def wait(self, pred: Any, timeout: float = 10.0) -> list[dict[str, Any]]:
        with self.cond:
            self.cond.wait_for(lambda: pred(self.received), timeout)
            return list(self.received)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def picky() -> Iterator[PickyHook]:
    h = PickyHook()
    yield h
    h.close()


@pytest.fixture
def hook() -> Iterator[WebhookRecorder]:
    h = WebhookRecorder()
    yield h
    h.close()


def _wait_dead(crm: SimHandle, count: int, sub: str | None = None) -> list[dict[str, Any]]:
    for _ in range(500):
        params = {"status": "dead", **({"subscription": sub} if sub else {})}
        body = crm.admin.get("/deliveries", params=params).json()
        if body["count"] >= count:
            return list(body["deliveries"])
        crm.admin.post("/wait-for", json={"journal": {"method": "NOOP"}, "timeout": 0.02})
    raise AssertionError(f"fewer than {count} dead letters")


def test_outage_longer_than_the_retry_window_ends_in_dead_letters_that_redeliver(
    crm: SimHandle, hook: WebhookRecorder
) -> None:
    hook.status = 503  # the subscriber is down
    sub = {
        "id": "short",
        "url": hook.url,
        "types": ["Account"],
        "max_attempts": 3,
        "backoff_base": 0.01,
    }
    assert crm.admin.post("/subscriptions", json=sub).status_code == 201
    api = crm_client(crm)
    names = [f"Outage {i}" for i in range(10)]
    for n in names:
        assert api.post(f"{V}/sobjects/Account/", json={"Name": n}).status_code == 201
    dead = _wait_dead(crm, 10, "short")
    assert {d["status"] for d in dead} == {"dead"} and all(d["attempts"] == 3 for d in dead)
    assert crm.admin.get("/health").json()["pending_deliveries"] == 0
    stats = crm.admin.get("/subscriptions").json()["subscriptions"][0]["stats"]
    # a subscriber answering 503 is unavailable: tries are held behind one probe, not sent
    assert stats["attempts"] == 30 and 0 < stats["held"] < 30
    hook.status = 200  # the subscriber is back: nothing arrives on its own ...
    assert hook.wait_for(1, timeout=0.3) == []
    # ... until the dead letters are redelivered, one by id and the rest together
    one = crm.admin.post(f"/deliveries/{dead[0]['id']}/redeliver")
    assert one.json() == {"redelivered": 1}
    assert crm.admin.post("/deliveries/redeliver", json={"subscription": "short"}).json() == {
        "redelivered": 9
    }
    bodies = hook.wait_for(10)
    assert sorted(_name(b) for b in bodies) == sorted(names)
    assert crm.admin.get("/deliveries", params={"status": "dead"}).json()["count"] == 0
    bad = crm.admin.get("/deliveries", params={"status": "lost"})
    assert bad.status_code == 400 and "dead" in bad.json()["error"]["hint"]
    assert crm.admin.post("/deliveries/nope/redeliver").status_code == 404


def test_a_refused_event_does_not_hold_other_records_events(
    crm: SimHandle, picky: PickyHook
) -> None:
    picky.refuse = "Poison"
    sub = {"url": picky.url, "types": ["Account"], "backoff_base": 0.05, "backoff_max": 1.0}
    assert crm.admin.post("/subscriptions", json=sub).status_code == 201
    api = crm_client(crm)
    poison = api.post(f"{V}/sobjects/Account/", json={"Name": "Poison Ltd"}).json()["id"]
    api.patch(f"{V}/sobjects/Account/{poison}", json={"Phone": "555-0100"})
    for i in range(3):
        api.post(f"{V}/sobjects/Account/", json={"Name": f"Healthy {i}"})
    got = picky.wait(lambda r: len(r) >= 3, timeout=3)  # not after the poison's retries
    assert sorted(_name(b) for b in got) == ["Healthy 0", "Healthy 1", "Healthy 2"]
    # the hook has the third body before the simulator has settled its delivery: until then
    # that one is still in flight (pending); read the subscription once it has settled
    deadline = time.monotonic() + 3
    while True:
        subs = crm.admin.get("/subscriptions").json()["subscriptions"]
        if subs[0]["pending"] <= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert subs[0]["retrying"] == 1 and subs[0]["pending"] == 2, subs  # the poison's two events
    picky.refuse = None
    got = picky.wait(lambda r: len(r) >= 5)
    mine = [b for b in got if b["data"]["payload"]["ChangeEventHeader"]["recordIds"] == [poison]]
    # the record's events arrive in order: its update never overtakes its create
    assert [b["data"]["payload"]["ChangeEventHeader"]["changeType"] for b in mine] == [
        "CREATE",
        "UPDATE",
    ]


def test_subscription_settings_are_checked(crm: SimHandle, hook: WebhookRecorder) -> None:
    r = crm.admin.post("/subscriptions", json={"url": hook.url, "max_attempts": 0})
    assert r.status_code == 400 and "max_attempts" in r.json()["error"]["message"]
    r = crm.admin.post("/subscriptions", json={"url": hook.url, "retries": 3})
    assert r.status_code == 400 and "unknown subscription settings" in r.json()["error"]["message"]
    r = crm.admin.post("/subscriptions", json={"url": hook.url})
    retry = r.json()["retry"]
    # the CRM's default: an event is retried while Salesforce would keep it (72 hours)
    assert retry["max_age_seconds"] == 72 * 3600 and retry["backoff_max"] == 7200


def test_registering_again_keeps_what_the_subscriber_is_owed(
    crm: SimHandle, hook: WebhookRecorder
) -> None:
    hook.status = 503
    sub = {"id": "again", "url": hook.url, "types": ["Account"], "backoff_base": 0.05}
    crm.admin.post("/subscriptions", json=sub)
    api = crm_client(crm)
    api.post(f"{V}/sobjects/Account/", json={"Name": "Owed Co"})
    crm.admin.post("/wait-for", json={"event": {"type": "Account"}, "timeout": 5})
    # the subscriber restarts and registers the same subscription again
    assert crm.admin.post("/subscriptions", json=sub).status_code == 201
    assert crm.admin.get("/subscriptions").json()["subscriptions"][0]["pending"] == 1
    hook.status = 200
    assert [_name(b) for b in hook.wait_for(1)] == ["Owed Co"]
    moved = {**sub, "url": hook.url.replace("/hook", "/other")}
    crm.admin.post("/subscriptions", json=moved)  # a different subscriber: a fresh start
    assert crm.admin.get("/subscriptions").json()["subscriptions"][0]["pending"] == 0
