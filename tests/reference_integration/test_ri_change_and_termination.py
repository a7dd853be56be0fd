"""Change orders from the CRM, terminations from the HCM, and polling instead of webhooks."""

from __future__ import annotations

from typing import Any

API = "/services/data/v68.0"


def test_change_order_updates_budget_demand_and_schedule(firm: Any) -> None:
    opp_id = firm.win_deal("Milestone", 10000)
    opp = firm.wait_project(opp_id)
    ws = opp["PSA_Project_Id__c"]
    stones = sorted(
        (
            s
            for s in firm.records("psa", "stories", workspace_id=ws)
            if s["story_type"] == "milestone"
        ),
        key=lambda s: int(s["id"]),
    )
    firm.complete(stones[0]["id"])  # 3,000 invoiced
    firm.wait("erp", "record", {"type": "invoice", "count": 1})
    r = firm.crm.patch(f"{API}/sobjects/Opportunity/{opp_id}", json={"Amount": 17000})
    assert r.status_code == 204
    firm.wait("psa", "record", {"type": "workspaces", "match": {"price_in_cents": 1_700_000}})
    # the two open milestones share the 14,000 left in their 40:30 proportion
    firm.wait(
        "psa",
        "record",
        {"type": "stories", "match": {"id": stones[2]["id"], "budget_estimate_in_cents": 600_000}},
    )
    left = {
        s["id"]: s["budget_estimate_in_cents"]
        for s in firm.records("psa", "stories", workspace_id=ws)
    }
    assert left[stones[1]["id"]] == 800_000 and left[stones[0]["id"]] == 300_000
    # staffing demand follows the budget: 17,000 at 150/h over two consultants
    assignments = firm.records("psa", "assignments")
    assert {a["estimated_minutes"] for a in assignments} == {int(17000 / 150 * 60 / 2)}
    [job] = firm.records("erp", "job")
    assert job["comments"].startswith("Budget 17000.00")
    firm.complete(stones[1]["id"])
    invoices = firm.wait("erp", "record", {"type": "invoice", "count": 2})
    assert sorted(i["total"] for i in invoices) == [3000.0, 8000.0]
    events = [e["type"] for e in firm.api.get("/events").json()["events"]]
    assert events == ["project.activated", "project.changed"]


def test_termination_ends_future_assignments(firm: Any) -> None:
    opp_id = firm.win_deal("Time and Materials", 20000)
    opp = firm.wait_project(opp_id)
    ws = opp["PSA_Project_Id__c"]
    staffed = {str(r["user_id"]) for r in firm.resources(ws)}
    users = {u["email_address"]: str(u["id"]) for u in firm.records("psa", "users")}
    leaver = next(e for e, uid in users.items() if uid in staffed)
    emp = {"ada@firm.example": "E100", "grace@firm.example": "E101", "alan@firm.example": "E102"}[
        leaver
    ]
    r = firm.sims["hcm"].admin.post(
        "/tenants/default/workday/terminate",
        json={"worker": emp, "terminationDate": opp["CloseDate"]},
    )
    assert r.status_code < 300, r.text
    firm.wait(
        "psa",
        "record",
        {"type": "assignments", "match": {"assignee_id": users[leaver], "current": False}},
    )
    others = [
        x for x in firm.records("psa", "assignments") if str(x["assignee_id"]) != users[leaver]
    ]
    assert others and all(x["current"] for x in others)
    events = [e["type"] for e in firm.api.get("/events").json()["events"]]
    assert "consultant.terminated" in events


def test_polling_mode_runs_the_journey_without_webhooks(firm_factory: Any) -> None:
    firm = firm_factory(mode="poll", poll_seconds=0.2)
    assert firm.sims["crm"].admin.get("/subscriptions").json()["subscriptions"] == []
    opp_id = firm.win_deal("Time and Materials", 9000)
    opp = firm.wait_project(opp_id)
    entries = firm.log_and_approve(opp["PSA_Project_Id__c"], minutes=120)
    firm.wait("erp", "record", {"type": "timeBill", "count": len(entries)})
    firm.billing_run(opp["CloseDate"])
    [inv] = firm.wait("erp", "record", {"type": "invoice", "count": 1})
    firm.pay(inv["id"])
    firm.wait(
        "crm",
        "record",
        {"type": "Opportunity", "match": {"Invoice_Status__c": f"{inv['tranId']} Paid In Full"}},
    )
    assert len(firm.records("erp", "timeBill")) == len(entries)
