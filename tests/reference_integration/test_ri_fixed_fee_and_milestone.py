"""Fixed-fee and milestone deals: invoices raised when milestones complete in the PSA."""

from __future__ import annotations

from typing import Any


def _milestones(firm: Any, ws: str) -> list[dict[str, Any]]:
    stories = firm.records("psa", "stories", workspace_id=ws)
    return sorted(
        (s for s in stories if s["story_type"] == "milestone"), key=lambda s: int(s["id"])
    )


def test_fixed_fee_deal_invoiced_on_completion_and_paid(firm: Any) -> None:
    opp_id = firm.win_deal("Fixed Fee", 25000)
    opp = firm.wait_project(opp_id)
    ws = opp["PSA_Project_Id__c"]
    [ms] = _milestones(firm, ws)
    assert ms["budget_estimate_in_cents"] == 2_500_000
    # time on a fixed-fee project reaches the ERP but is not billable
    entries = firm.log_and_approve(ws, minutes=240)
    bills = firm.wait("erp", "record", {"type": "timeBill", "count": len(entries)})
    assert not any(b["isBillable"] for b in bills)
    firm.billing_run(opp["CloseDate"])
    assert firm.records("erp", "invoice") == []
    firm.complete(ms["id"])
    [inv] = firm.wait("erp", "record", {"type": "invoice", "count": 1})
    assert inv["total"] == 25000.0 and inv["externalId"] == f"ms-{ms['id']}"
    firm.wait(
        "crm",
        "record",
        {"type": "Opportunity", "match": {"Invoice_Status__c": f"{inv['tranId']} Open"}},
    )
    firm.pay(inv["id"])
    firm.wait(
        "crm",
        "record",
        {"type": "Opportunity", "match": {"Invoice_Status__c": f"{inv['tranId']} Paid In Full"}},
    )
    # the PSA reference follows the payment notification's own flow; the CRM may show the
    # payment first (the issuing flow reads the invoice's current status): wait for it as
    # the milestone test does
    firm.wait(
        "psa",
        "record",
        {
            "type": "external_references",
            "match": {"service_model_ref": str(inv["id"]), "external_status": "Paid In Full"},
        },
    )
    [psa_inv] = firm.records("psa", "invoices")
    refs = firm.records("psa", "external_references", subject_type="Invoice")
    assert [r["external_status"] for r in refs] == ["Paid In Full"]
    assert str(refs[0]["subject_id"]) == str(psa_inv["id"])
    assert firm.dead() == []


def test_milestone_deal_invoices_each_milestone_once(firm: Any) -> None:
    opp_id = firm.win_deal("Milestone", 10000)
    opp = firm.wait_project(opp_id)
    ws = opp["PSA_Project_Id__c"]
    stones = _milestones(firm, ws)
    assert [s["budget_estimate_in_cents"] for s in stones] == [300_000, 400_000, 300_000]
    for n, story in enumerate(stones, start=1):
        firm.complete(story["id"])
        invs = firm.wait("erp", "record", {"type": "invoice", "count": n})
        assert len(invs) == n
    # completing again (an edit of a completed milestone) raises nothing new
    firm.complete(stones[0]["id"])
    firm.billing_run(opp["CloseDate"])
    invoices = firm.records("erp", "invoice")
    assert sorted(i["total"] for i in invoices) == [3000.0, 3000.0, 4000.0]
    last = max(invoices, key=lambda i: int(i["id"]))
    firm.pay(last["id"])
    firm.wait(
        "crm",
        "record",
        {"type": "Opportunity", "match": {"Invoice_Status__c": f"{last['tranId']} Paid In Full"}},
    )
    assert len(firm.records("psa", "invoices")) == 3
    assert firm.dead() == []


def test_crm_keeps_the_newest_invoice_status_when_older_ones_are_paid_last(firm: Any) -> None:
    """Three milestone invoices paid back to back, newest first: the CRM ends on the
    newest invoice's status, not on the last notification's."""
    opp_id = firm.win_deal("Milestone", 9000.0)
    opp = firm.wait_project(opp_id)
    stories = [
        s
        for s in firm.records("psa", "stories", workspace_id=opp["PSA_Project_Id__c"])
        if s.get("story_type") == "milestone"
    ]
    for s in stories:
        firm.complete(str(s["id"]))
    invoices = sorted(
        firm.wait("erp", "record", {"type": "invoice", "count": 3}), key=lambda i: int(i["id"])
    )
    for inv in reversed(invoices):
        firm.pay(str(inv["id"]))
    for inv in invoices:
        firm.wait(
            "psa",
            "record",
            {
                "type": "external_references",
                "match": {"service_model_ref": str(inv["id"]), "external_status": "Paid In Full"},
            },
        )
    seq = 0
    for _ in invoices:  # one CRM status write per payment notification
        [entry] = firm.wait(
            "crm",
            "journal",
            {
                "method": "PATCH",
                "path": f"Opportunity/{opp_id}$",
                "body_contains": "Paid In Full",
                "since_seq": seq,
            },
        )
        seq = entry["seq"]
    assert firm.opportunity(opp_id)["Invoice_Status__c"] == f"{invoices[-1]['tranId']} Paid In Full"
