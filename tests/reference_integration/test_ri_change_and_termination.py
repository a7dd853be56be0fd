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


def test_workday_soap_notification_credentials_are_checked(firm: Any) -> None:
    """Workday posts Receive_Notification with a WS-Security UsernameToken (the subscription's
    Notification User Name and Password); the listener refuses a wrong or missing token with a
    SOAP fault (wsse:FailedAuthentication, OASIS WSS 1.0) and enqueues nothing."""
    from simulators.workday._soap_notify import soap_notification

    creds = firm.sims["hcm"].admin.get("/tenants/default").json()["credentials"]
    note = {
        "businessProcessType": "Job Change",
        "event": {"id": "e" * 32, "descriptor": "Job Change: Someone"},
        "worker": {"id": "f" * 32, "descriptor": "Someone"},
        "employeeId": "E999",
        "effectiveDate": "2026-05-01",
    }
    xml = {"content-type": "text/xml; charset=utf-8"}
    bad = soap_notification(note, creds["notification_username"], "wrong-password")
    r = firm.api.post("/webhooks/hcm", content=bad, headers=xml)
    assert r.status_code == 500 and b"wsse:FailedAuthentication" in r.content
    missing = bad.replace(b"wsse:Security", b"wsse:NotSecurity")
    r = firm.api.post("/webhooks/hcm", content=missing, headers=xml)
    assert r.status_code == 500 and b"no WS-Security UsernameToken" in r.content
    tasks = firm.ri.integration.store.conn.execute(
        "SELECT COUNT(*) FROM inbox WHERE source = 'hcm'"
    ).fetchone()[0]
    assert tasks == 0
    good = soap_notification(note, creds["notification_username"], creds["notification_password"])
    r = firm.api.post("/webhooks/hcm", content=good, headers=xml)
    assert r.status_code == 200 and b"Envelope" in r.content
    keys = [
        k
        for (k,) in firm.ri.integration.store.conn.execute(
            "SELECT key FROM inbox WHERE source = 'hcm'"
        )
    ]
    assert keys == ["hcm:" + "e" * 32]
    r = firm.api.post("/webhooks/hcm", content=b"<not-xml", headers=xml)
    assert r.status_code == 500 and b"env:Client" in r.content
