"""Under faults the simulators inject, nothing is lost and nothing is done twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from reference_integration.cli import main
from reference_integration.settings import RetrySettings

FAST = RetrySettings(
    attempts=4,
    base_seconds=0.05,
    cap_seconds=0.4,
    task_attempts=10,
    task_base_seconds=0.1,
    task_cap_seconds=1.0,
)


def journey(firm: Any, *, before_time: Any = None) -> dict[str, int]:
    """A T&M deal through its first invoice; returns what each system holds."""
    opp_id = firm.win_deal("Time and Materials", 30000)
    opp = firm.wait_project(opp_id)
    if before_time is not None:
        before_time()
    ws = opp["PSA_Project_Id__c"]
    entries = firm.log_and_approve(ws, minutes=300)
    firm.wait("erp", "record", {"type": "timeBill", "count": len(entries)}, 40)
    firm.billing_run(opp["CloseDate"])
    [inv] = firm.wait("erp", "record", {"type": "invoice", "count": 1}, 40)
    assert abs(inv["total"] - len(entries) * 5 * 150.0) < 0.01
    firm.wait(
        "psa",
        "record",
        {"type": "time_entries", "match": {"is_invoiced": True}, "count": len(entries)},
    )
    firm.wait(
        "crm",
        "record",
        {"type": "Opportunity", "match": {"Invoice_Status__c": f"{inv['tranId']} Open"}},
    )
    firm.billing_run(opp["CloseDate"])
    return {
        "entries": len(entries),
        "customers": len(firm.records("erp", "customer")),
        "jobs": len(firm.records("erp", "job")),
        "workspaces": len(firm.records("psa", "workspaces")),
        "timebills": len(firm.records("erp", "timeBill")),
        "invoices": len(firm.records("erp", "invoice")),
        "psa_invoices": len(firm.records("psa", "invoices")),
        "activations": len(firm.api.get("/events").json()["events"]),
    }


def assert_once(counts: dict[str, int]) -> None:
    assert counts == {
        "entries": counts["entries"],
        "customers": 1,
        "jobs": 1,
        "workspaces": 1,
        "timebills": counts["entries"],
        "invoices": 1,
        "psa_invoices": 1,
        "activations": 1,
    }


def test_erp_429_storm(firm_factory: Any) -> None:
    firm = firm_factory(retry=FAST)
    r = firm.sims["erp"].admin.post(
        "/faults",
        json={
            "path": "/services/rest/*",
            "percentage": 50,
            "seed": 7,
            "fault": {
                "kind": "error",
                "status": 429,
                "code": "CONCURRENCY_LIMIT_EXCEEDED",
                "message": "Concurrent request limit exceeded. Request blocked.",
            },
        },
    )
    assert r.status_code == 201
    assert_once(journey(firm))
    fired = firm.sims["erp"].admin.get("/faults").json()["faults"][0]["fired"]
    assert fired > 5
    assert firm.dead() == []


def test_erp_outage_window(firm_factory: Any) -> None:
    firm = firm_factory(retry=FAST)

    def outage() -> None:
        now = datetime.now(UTC)
        firm.sims["erp"].admin.post(
            "/faults",
            json={
                "path": "/services/rest/*",
                "window": {
                    "start": now.isoformat(),
                    "end": (now + timedelta(seconds=3)).isoformat(),
                },
                "fault": {
                    "kind": "error",
                    "status": 503,
                    "code": "SERVICE_UNAVAILABLE",
                    "message": "Service unavailable",
                },
            },
        )

    assert_once(journey(firm, before_time=outage))
    assert firm.sims["erp"].admin.get("/faults").json()["faults"][0]["fired"] > 0
    assert firm.dead() == []


@pytest.mark.parametrize("fault", [{"duplicate": 100}, {"reorder": 100, "seed": 3}])
def test_duplicated_and_reordered_events(firm_factory: Any, fault: dict[str, Any]) -> None:
    firm = firm_factory()
    for system in ("crm", "psa", "erp"):
        r = firm.sims[system].admin.put(
            f"/subscriptions/reference-integration-{system}/faults", json=fault
        )
        assert r.status_code == 200, r.text
    assert_once(journey(firm))
    stats = firm.sims["crm"].admin.get("/subscriptions").json()["subscriptions"][0]["stats"]
    assert stats["duplicated" if "duplicate" in fault else "reordered"] > 0
    assert firm.dead() == []


def test_tokens_expire_mid_journey(firm_factory: Any) -> None:
    firm = firm_factory()

    def expire() -> None:
        for system in ("crm", "hcm"):
            r = firm.sims[system].admin.post("/tokens/expire", json={})
            assert r.status_code == 200 and r.json()["expired"] >= 1, (system, r.text)

    assert_once(journey(firm, before_time=expire))
    # the CRM status update after the invoice needed a new session
    tokens = firm.sims["crm"].admin.post(
        "/wait-for", json={"journal": {"path": "oauth2/token", "since_seq": 0}, "timeout": 1}
    )
    assert tokens.status_code == 200
    assert firm.dead() == []


def test_dead_letter_and_replay(firm_factory: Any) -> None:
    few = RetrySettings(
        attempts=2,
        base_seconds=0.02,
        cap_seconds=0.05,
        task_attempts=2,
        task_base_seconds=0.05,
        task_cap_seconds=0.1,
    )
    firm = firm_factory(retry=few)
    rule = (
        firm.sims["erp"]
        .admin.post(
            "/faults",
            json={
                "path": "/services/rest/*",
                "fault": {
                    "kind": "error",
                    "status": 503,
                    "code": "SERVICE_UNAVAILABLE",
                    "message": "down",
                },
            },
        )
        .json()
    )
    opp_id = firm.win_deal("Time and Materials", 1000)
    firm.wait("erp", "journal", {"path": "/services/rest/", "status": 503})
    # the Closed Won tasks (CDC create and update) fail for good and wait as dead letters
    first = firm.api.get("/tasks/1", params={"wait": 20}).json()
    second = firm.api.get("/tasks/2", params={"wait": 20}).json()
    assert first["status"] == second["status"] == "dead", (first, second)
    assert [d["id"] for d in firm.dead()] == [1, 2]
    firm.sims["erp"].admin.delete(f"/faults/{rule['id']}")
    # one replayed through the API, the rest through the command line
    r = firm.api.post("/dead-letters/1/replay")
    assert r.status_code == 200 and r.json() == {"replayed": [1]}
    assert main(["replay", "--db", firm.ri.settings.db_path]) == 0
    opp = firm.wait_project(opp_id)
    assert opp["ERP_Project_Id__c"]
    assert firm.api.get("/tasks/2", params={"wait": 20}).json()["status"] == "done"
    assert firm.api.get("/tasks/1", params={"wait": 20}).json()["status"] == "done"
    assert len(firm.records("erp", "job")) == 1 and len(firm.records("psa", "workspaces")) == 1
    assert firm.dead() == []
