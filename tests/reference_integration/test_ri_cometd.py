"""CRM intake over the Streaming API: the integration subscribes to the CDC channel with
CometD instead of receiving webhooks, and resumes from its stored replayId after a restart."""

from __future__ import annotations

import json
import time
from typing import Any

Firm = Any  # conftest.Firm (the firm's people and checks)
CHANNEL = "/data/OpportunityChangeEvent"


def stored_replay_id(firm: Firm) -> int | None:
    raw = firm.ri.integration.store.cursor(f"cometd:{CHANNEL}")
    return int(json.loads(raw)["replayId"]) if raw else None


def opportunity_events(firm: Firm) -> list[int]:
    """The replayIds of every Opportunity change event the CRM published."""
    r = firm.sims["crm"].admin.get(
        "/tenants/default/events", params={"type": "Opportunity", "limit": 1000}
    )
    return [
        int(e["payload"]["data"]["event"]["replayId"])
        for e in r.json()["events"]
        if e["channel"] == CHANNEL
    ]


def crm_inbox(firm: Firm) -> list[tuple[int, str]]:
    """(replayId, opportunity id) of each CRM task in the integration's inbox."""
    rows = firm.ri.integration.store.conn.execute(
        "SELECT key FROM inbox WHERE source = 'crm' ORDER BY id"
    )
    out = []
    for (key,) in rows:
        _, replay, rid = str(key).split(":")
        out.append((int(replay), rid))
    return out


def settle(firm: Firm, timeout: float = 15.0) -> None:
    """Until every CRM event is stored as consumed and the inbox has nothing pending."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events = opportunity_events(firm)
        counts = firm.ri.integration.store.counts()
        if events and stored_replay_id(firm) == max(events) and not counts.get("pending"):
            return
        time.sleep(0.05)
    raise AssertionError(f"not settled: cursor={stored_replay_id(firm)} {counts}")


def crm_calls(firm: Firm, path: str, since_seq: int = 0) -> int:
    r = firm.sims["crm"].admin.get("/journal", params={"path": path, "limit": 1000})
    return sum(1 for e in r.json()["entries"] if e["seq"] > since_seq)


def test_cometd_intake_subscribes_with_the_oauth_token(firm_factory: Any) -> None:
    firm = firm_factory(crm_intake="cometd")
    assert firm.api.get("/health").json()["crm_intake"] == "cometd"
    streaming = firm.sims["crm"].admin.get("/tenants/default/streaming").json()
    [client] = streaming["clients"]
    assert CHANNEL in json.dumps(client)

    # no CRM webhook was registered; the other systems' were
    def subscribed(system: str) -> list[str]:
        subs = firm.sims[system].admin.get("/subscriptions").json()["subscriptions"]
        return [s["id"] for s in subs]

    assert subscribed("crm") == []
    assert subscribed("erp") == ["reference-integration-erp"]


def test_restart_resumes_from_the_stored_replay_id(firm_factory: Any) -> None:
    firm = firm_factory(crm_intake="cometd")
    a = firm.win_deal("Time and Materials", 24000, "Acme")
    firm.wait_project(a)
    settle(firm)
    before = stored_replay_id(firm)
    assert before is not None
    seen_before = crm_inbox(firm)

    firm_factory.stop(firm)  # the integration is down ...
    b = firm.win_deal("Fixed Fee", 36000, "Globex")  # ... while a deal is won
    down_events = [e for e in opportunity_events(firm) if e > before]
    assert down_events, "the CRM published change events while the integration was down"
    mark = max(e["seq"] for e in firm.sims["crm"].admin.get("/journal").json()["entries"])

    again = firm_factory.restart(firm)
    again.wait_project(b)
    settle(again)
    # the new subscription asked for what came after the stored replayId
    firm.wait(
        "crm",
        "journal",
        {"path": "/cometd/", "body_contains": f'"{CHANNEL}": {before}', "since_seq": mark},
    )
    # nothing missed: every Opportunity event is in the inbox, each once
    inbox = crm_inbox(again)
    assert inbox[: len(seen_before)] == seen_before
    assert sorted({r for r, _ in inbox}) == opportunity_events(again)
    assert len(inbox) == len(set(inbox))
    assert all(r > before for r, _ in inbox[len(seen_before) :])
    # nothing duplicated: the first deal was not touched again, one of everything per deal
    assert crm_calls(again, f"Opportunity/{a}$", since_seq=mark) == 0
    assert len(again.records("erp", "customer")) == 2
    assert sorted(j["externalId"] for j in again.records("erp", "job")) == sorted([a, b])
    assert len(again.records("psa", "workspaces")) == 2
    assert again.dead() == []
