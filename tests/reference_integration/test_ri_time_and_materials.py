"""A time-and-materials deal from Closed Won to a paid invoice, across all four systems."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.parametrize("crm_intake", ["webhook", "cometd"])
def test_tm_deal_closed_won_to_paid_invoice(firm_factory: Any, crm_intake: str) -> None:
    firm = firm_factory(crm_intake=crm_intake)
    opp_id = firm.win_deal("Time and Materials", 48000)
    opp = firm.wait_project(opp_id)
    ws, job = opp["PSA_Project_Id__c"], opp["ERP_Project_Id__c"]
    assert ws and job
    # ERP customer and job, upserted by the CRM ids
    [cust] = firm.records("erp", "customer")
    assert cust["externalId"] == opp["AccountId"]
    [job_rec] = firm.records("erp", "job")
    assert job_rec["id"] == job and job_rec["externalId"] == opp_id
    # PSA workspace with its external reference, staffed from the HCM
    [wsrec] = firm.records("psa", "workspaces")
    assert wsrec["price_in_cents"] == 4_800_000
    res = firm.resources(ws)
    assert len(res) == 2
    assert len(firm.records("erp", "employee")) >= 2
    # consultants log a day each, approved; one billable expense
    entries = firm.log_and_approve(ws, minutes=480)
    firm.expense(ws, 12_500)
    firm.wait("erp", "record", {"type": "timeBill", "count": len(entries)})
    firm.wait("erp", "record", {"type": "expenseReport", "count": 1})
    # the billing run raises one invoice for the time and the expense
    firm.billing_run(opp["CloseDate"])
    [inv] = firm.wait("erp", "record", {"type": "invoice", "count": 1})
    expected = sum(8 * 150.0 for _ in entries) + 125.0
    assert abs(inv["total"] - expected) < 0.01, inv
    firm.wait(
        "psa",
        "record",
        {"type": "time_entries", "match": {"is_invoiced": True}, "count": len(entries)},
    )
    # paid in the ERP in two instalments: the first leaves the invoice open
    firm.pay(inv["id"], 1000.0)
    [part] = firm.records("erp", "invoice")
    assert part["status"] == "A" and abs(part["amountRemaining"] - (expected - 1000.0)) < 0.01
    firm.pay(inv["id"])
    # -> PSA reference and CRM status
    firm.wait(
        "crm",
        "record",
        {"type": "Opportunity", "match": {"Invoice_Status__c": f"{inv['tranId']} Paid In Full"}},
    )
    # a second billing run invoices nothing new
    firm.billing_run(opp["CloseDate"])
    assert len(firm.records("erp", "invoice")) == 1
    assert firm.dead() == []
    events = firm.api.get("/events").json()["events"]
    assert [e["type"] for e in events] == ["project.activated"]
