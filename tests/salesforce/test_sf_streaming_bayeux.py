"""The CometD (Bayeux 1.0) endpoint on the wire: handshake, long-polling, errors, replay,
retention, delivery faults and GAP events, spoken with plain HTTP as any client would."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from harness.testing import SimHandle, start_simulator
from simulators.engine import TlsFiles
from simulators.salesforce import CustomObjectConfig, SalesforceSettings, create_simulator
from simulators.salesforce.streaming import StreamingSettings

from .._clients import crm_login, tenant_credentials
from ._bodies import collection, typed

V = "/cometd/45.0"


@pytest.fixture(scope="module")
def sim(tls_files: TlsFiles) -> Iterator[SimHandle]:
    settings = SalesforceSettings(
        custom_objects=[CustomObjectConfig("Engagement__c", "a0E", "Engagement")],
        streaming=StreamingSettings(
            connect_timeout_ms=800, reconnect_timeout_s=0.6, client_buffer=3
        ),
    )
    handle = start_simulator(create_simulator(settings), tls_files)
    yield handle
    handle.close()


@pytest.fixture
def crm(sim: SimHandle) -> Iterator[SimHandle]:
    yield sim
    sim.reset()


class Bayeux:
    """A minimal long-polling client: what goes on the wire, nothing hidden."""

    def __init__(self, crm: SimHandle, token: str | None = None) -> None:
        self.http = crm.client(headers={"connection": "close"})  # no idle TLS left at shutdown
        if token is None:
            token = crm_login(self.http, tenant_credentials(crm.admin))
        self.token = token
        self.http.headers["Authorization"] = f"Bearer {token}"
        self.client_id = ""
        self.n = 0

    def send(self, *messages: dict[str, Any], path: str = V) -> list[dict[str, Any]]:
        batch = []
        for m in messages:
            self.n += 1
            batch.append({"id": str(self.n), **m})
        r = self.http.post(path, json=batch)
        assert r.status_code == 200, r.text
        return r.json()

    def handshake(self) -> dict[str, Any]:
        reply = self.send(
            {
                "channel": "/meta/handshake",
                "version": "1.0",
                "supportedConnectionTypes": ["long-polling"],
            },
            path=f"{V}/handshake",
        )[0]
        self.client_id = reply.get("clientId", "")
        return reply

    def connect(self) -> list[dict[str, Any]]:
        return self.send(
            {
                "channel": "/meta/connect",
                "clientId": self.client_id,
                "connectionType": "long-polling",
            }
        )

    def subscribe(self, channel: str, replay: int | None = None) -> dict[str, Any]:
        m: dict[str, Any] = {
            "channel": "/meta/subscribe",
            "clientId": self.client_id,
            "subscription": channel,
        }
        if replay is not None:
            m["ext"] = {"replay": {channel: replay}}
        return self.send(m)[0]

    def open(self, *channels: str, replay: int | None = None) -> None:
        assert self.handshake()["successful"]
        assert self.connect()[-1]["successful"]  # the first connect answers at once
        for ch in channels:
            assert self.subscribe(ch, replay)["successful"]


def events(replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in replies if not m["channel"].startswith("/meta/")]


def api(crm: SimHandle) -> httpx.Client:
    c = Bayeux(crm)
    c.http.headers["Content-Type"] = "application/json"
    return c.http


def new_account(http: httpx.Client, name: str) -> str:
    r = http.post("/services/data/v68.0/sobjects/Account/", json={"Name": name})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def test_handshake_answers_as_salesforce(crm: SimHandle) -> None:
    c = Bayeux(crm)
    reply = c.handshake()
    assert reply["successful"] is True and reply["channel"] == "/meta/handshake"
    assert reply["supportedConnectionTypes"] == ["long-polling"]
    assert reply["advice"] == {"interval": 0, "timeout": 800, "reconnect": "retry"}
    assert reply["ext"] == {"replay": True, "payload.format": True}
    assert reply["version"] == "1.0" and reply["minimumVersion"] == "1.0"
    assert reply["clientId"].isalnum() and reply["id"] == "1"
    first = c.connect()[-1]
    assert first["successful"] is True and first["clientId"] == c.client_id
    bye = c.send({"channel": "/meta/disconnect", "clientId": c.client_id})[0]
    assert bye["successful"] is True
    gone = c.connect()[-1]
    assert gone["error"] == "403::Unknown client" and gone["advice"]["reconnect"] == "handshake"


def test_authentication_errors(crm: SimHandle) -> None:
    anon = crm.client(headers={"connection": "close"})
    r = anon.post(V, json=[{"channel": "/meta/handshake", "version": "1.0", "id": "1"}]).json()[0]
    assert r["successful"] is False and r["error"] == "403::Handshake denied"
    assert r["ext"]["sfdc"]["failureReason"] == "401::Request requires authentication"
    bad = Bayeux(crm, token="00D000000000001!bogus")
    r = bad.handshake()
    assert r["ext"]["sfdc"]["failureReason"] == "401::Authentication invalid"
    # jsforce src/api/streaming/extension.ts (AuthFailure): the real ext also carries these
    assert r["ext"]["replay"] is True and r["ext"]["payload.format"] is True
    assert r["advice"] == {"reconnect": "none"}
    good = Bayeux(crm)
    good.open()
    crm.admin.post("/tokens/revoke", json={"token": good.token})
    r = good.connect()[-1]
    assert r["error"] == "401::Authentication invalid" and r["advice"]["reconnect"] == "none"


def test_subscribe_errors(crm: SimHandle) -> None:
    c = Bayeux(crm)
    c.open()
    r = c.subscribe("/data/Foo")
    assert r["successful"] is False
    assert r["error"] == "400::The channel you requested to subscribe to does not exist {/data/Foo}"
    assert r["subscription"] == "/data/Foo"
    assert c.subscribe("/data/FooChangeEvent")["successful"] is False
    assert c.subscribe("/event/Nope__e")["successful"] is False
    assert c.subscribe("data/ChangeEvents")["error"] == (
        "400::Channel subscriptions must start with a leading '/'"
    )
    assert c.subscribe("/data/Engagement__ChangeEvent")["successful"] is True
    assert c.subscribe("/data/ChangeEvents")["successful"] is True
    r = c.subscribe("/data/AccountChangeEvent", replay=987654)
    assert r["successful"] is False
    assert r["error"] == (
        "400::The replayId {987654} you provided was invalid. Please provide a valid ID, "
        "-2 to replay all events, or -1 to replay only new events."
    )


def test_bad_requests_get_bayeux_errors(crm: SimHandle) -> None:
    http = Bayeux(crm).http
    r = http.post("/cometd/29.0", json=[{"channel": "/meta/handshake"}])
    assert r.status_code == 400 and r.json()[0]["error"].startswith("400::Unsupported API version")
    r = http.post(V, content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()[0]["successful"] is False
    assert http.get(V).status_code == 405


def test_long_poll_held_until_an_event_arrives(crm: SimHandle) -> None:
    c = Bayeux(crm)
    c.open("/data/AccountChangeEvent")
    started = time.monotonic()
    quiet = c.connect()
    assert time.monotonic() - started >= 0.7  # held for advice.timeout (800 ms)
    assert events(quiet) == [] and quiet[-1]["successful"] is True
    http = api(crm)
    timer = threading.Timer(0.2, new_account, (http, "Held Co"))
    timer.start()
    started = time.monotonic()
    got = c.connect()
    timer.join()
    assert time.monotonic() - started < 0.7
    (msg,) = events(got)
    assert msg["channel"] == "/data/AccountChangeEvent"
    assert msg["data"]["payload"]["Name"] == "Held Co"
    assert got[-1]["channel"] == "/meta/connect" and got[-1]["successful"] is True


def test_client_dropped_when_it_does_not_reconnect(crm: SimHandle) -> None:
    c = Bayeux(crm)
    c.open("/data/AccountChangeEvent")
    time.sleep(0.8)  # reconnect deadline is 0.6 s in this module
    r = c.connect()[-1]
    assert r == {
        "channel": "/meta/connect",
        "clientId": c.client_id,
        "id": r["id"],
        "error": "403::Unknown client",
        "successful": False,
        "advice": {"reconnect": "handshake", "interval": 0},
    }


def test_all_change_events_channel_and_custom_objects(crm: SimHandle) -> None:
    c = Bayeux(crm)
    c.open("/data/ChangeEvents")
    http = api(crm)
    new_account(http, "Any Co")
    r = http.post("/services/data/v68.0/sobjects/Engagement__c/", json={"Name": "E-1"})
    assert r.status_code == 201, r.text
    got = events(c.connect())
    assert [m["channel"] for m in got] == ["/data/ChangeEvents"] * 2
    names = [m["data"]["payload"]["ChangeEventHeader"]["entityName"] for m in got]
    assert names == ["Account", "Engagement__c"]


def test_replay_from_id_and_retention_window(crm: SimHandle) -> None:
    http = api(crm)
    new_account(http, "Old One")
    new_account(http, "Old Two")
    c = Bayeux(crm)
    c.open("/data/AccountChangeEvent", replay=-2)
    old = events(c.connect())
    assert [m["data"]["payload"]["Name"] for m in old] == ["Old One", "Old Two"]
    first_id = old[0]["data"]["event"]["replayId"]

    d = Bayeux(crm)
    d.open("/data/AccountChangeEvent", replay=first_id)
    after = events(d.connect())
    assert [m["data"]["payload"]["Name"] for m in after] == ["Old Two"]

    crm.admin.post("/tenants/default/clock", json={"advance_seconds": 73 * 3600})
    e = Bayeux(crm)
    e.open()
    r = e.subscribe("/data/AccountChangeEvent", replay=first_id)
    assert r["successful"] is False and f"{{{first_id}}}" in r["error"]
    assert e.subscribe("/data/AccountChangeEvent", replay=-2)["successful"] is True
    assert events(e.connect()) == []  # nothing left inside the 72 hour window


def test_duplicate_and_drop_faults_apply_to_cometd_clients(crm: SimHandle) -> None:
    r = crm.admin.put("/tenants/default/streaming/faults", json={"duplicate": 100})
    assert r.status_code == 200 and r.json()["faults"]["duplicate"] == 100
    c = Bayeux(crm)
    c.open("/data/AccountChangeEvent")
    http = api(crm)
    new_account(http, "Twice Co")
    got = events(c.connect())
    assert len(got) == 2 and got[0] == got[1]
    crm.admin.put("/tenants/default/streaming/faults", json={"drop": 100})
    new_account(http, "Lost Co")
    assert events(c.connect()) == []
    clients = crm.admin.get("/tenants/default/streaming").json()["clients"]
    assert clients[0]["stats"]["duplicated"] == 1 and clients[0]["stats"]["dropped"] == 1


def test_slow_client_overflow_becomes_gap_events(crm: SimHandle) -> None:
    c = Bayeux(crm)
    c.open("/data/AccountChangeEvent")
    http = api(crm)
    ids = [new_account(http, f"Burst {i}") for i in range(5)]  # buffer is 3 in this module
    got = events(c.connect())
    kinds = [m["data"]["payload"]["ChangeEventHeader"]["changeType"] for m in got]
    assert kinds == ["CREATE", "CREATE", "CREATE", "GAP_CREATE", "GAP_CREATE"]
    gap = got[3]["data"]["payload"]
    assert list(gap) == ["ChangeEventHeader"]  # no field values in a gap event
    assert gap["ChangeEventHeader"]["recordIds"] == [ids[3]]
    assert gap["ChangeEventHeader"]["changedFields"] == []
    replay_ids = [m["data"]["event"]["replayId"] for m in got]
    assert replay_ids == sorted(replay_ids)


def test_reorder_fault_swaps_consecutive_events(crm: SimHandle) -> None:
    crm.admin.put("/tenants/default/streaming/faults", json={"reorder": 100})
    c = Bayeux(crm)
    c.open("/data/AccountChangeEvent")
    r = api(crm).post(
        "/services/data/v68.0/composite/sobjects",
        json=collection(typed("Account", Name="First"), typed("Account", Name="Second")),
    )
    assert r.status_code == 200
    got = events(c.connect())
    if len(got) < 2:
        got += events(c.connect())
    assert [m["data"]["payload"]["Name"] for m in got] == ["Second", "First"]


def test_replay_ids_are_numbered_per_channel(crm: SimHandle) -> None:
    # Source: Streaming API guide, "Message Durability" (api_streaming, v202.0): "The ID is
    # unique for the org and the channel." Each channel counts on its own, and
    # /data/ChangeEvents separately from /data/{Object}ChangeEvent.
    http = api(crm)
    for i in range(3):
        new_account(http, f"Per Channel {i}")
    r = http.post("/services/data/v68.0/sobjects/Engagement__c/", json={"Name": "E-9"})
    assert r.status_code == 201, r.text

    accounts = Bayeux(crm)
    accounts.open("/data/AccountChangeEvent", replay=-2)
    ids = [m["data"]["event"]["replayId"] for m in events(accounts.connect())]
    assert ids == [1, 2, 3]

    eng = Bayeux(crm)
    eng.open("/data/Engagement__ChangeEvent", replay=-2)
    (only,) = events(eng.connect())
    assert only["data"]["event"]["replayId"] == 1  # not 4: the Account events count elsewhere

    every = Bayeux(crm)
    every.open("/data/ChangeEvents", replay=-2)
    assert [m["data"]["event"]["replayId"] for m in events(every.connect())] == [1, 2, 3, 4]

    # the webhook/admin view of the event carries its id on the object's own channel
    listed = crm.admin.get("/tenants/default/events", params={"type": "Engagement__c"}).json()
    assert listed["events"][0]["payload"]["data"]["event"]["replayId"] == 1


def test_replay_id_from_another_channel_is_refused(crm: SimHandle) -> None:
    # Salesforce refuses a replay id its channel never handed out with the Bayeux error
    # "400::The replayId {N} you provided was invalid..." (kept from the existing checks);
    # an id taken from a busier channel is such an id.
    http = api(crm)
    for i in range(3):
        new_account(http, f"Busy {i}")
    http.post("/services/data/v68.0/sobjects/Engagement__c/", json={"Name": "E-1"})
    c = Bayeux(crm)
    c.open()
    r = c.subscribe("/data/Engagement__ChangeEvent", replay=3)
    assert r["successful"] is False
    assert r["error"] == (
        "400::The replayId {3} you provided was invalid. Please provide a valid ID, "
        "-2 to replay all events, or -1 to replay only new events."
    )
    ok = c.subscribe("/data/AccountChangeEvent", replay=2)
    assert ok["successful"] is True
    (after,) = events(c.connect())
    assert after["data"]["payload"]["Name"] == "Busy 2" and after["data"]["event"]["replayId"] == 3


def test_replay_ids_with_gaps_still_replay_in_order(tls_files: TlsFiles) -> None:
    # Pub/Sub API docs: the replay id "refers to the position of the event in the event
    # stream"; ids are opaque, so replay_id_gaps leaves holes a client must not fill in itself.
    settings = SalesforceSettings(streaming=StreamingSettings(replay_id_gaps=True))
    handle = start_simulator(create_simulator(settings), tls_files)
    try:
        http = api(handle)
        for i in range(4):
            new_account(http, f"Gap {i}")
        c = Bayeux(handle)
        c.open("/data/AccountChangeEvent", replay=-2)
        ids = [m["data"]["event"]["replayId"] for m in events(c.connect())]
        assert ids == sorted(ids) and len(set(ids)) == 4
        assert any(b - a > 1 for a, b in itertools.pairwise(ids))
        d = Bayeux(handle)
        d.open("/data/AccountChangeEvent", replay=ids[1])
        after = [m["data"]["payload"]["Name"] for m in events(d.connect())]
        assert after == ["Gap 2", "Gap 3"]
    finally:
        handle.close()
