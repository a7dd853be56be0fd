"""The journeys with Business Central as the ERP (``harness run --erp businesscentral``):
the reference integration, configured by the endpoints file alone, books the deal in
Business Central through its API v2.0 and learns of payments from Business Central's own
webhook notifications; the journeys and invariants judge it through the Business Central
reader and mapping spec."""

from __future__ import annotations

from typing import Any

import pytest

from harness.journeys import EventBus, Session, SessionOptions, erp_reader


@pytest.fixture(scope="module")
def played() -> Any:
    """tm (time billed on a posted sales invoice, paid through a payment journal),
    instalments (three milestone invoices, partial payments, newest paid first) and
    subcontract (a supplier invoice booked as a posted purchase invoice on the project)."""
    options = SessionOptions(seed=3, erp="businesscentral", step_timeout=20, peripherals=False)
    with Session(options, EventBus()) as session:
        results = [session.play(k) for k in ("tm", "instalments", "subcontract")]
        assert session.systems is not None
        admin = session.systems.admin["erp"]
        notes = admin.wire.call("GET", "/businesscentral/notifications", expect=(200,)).json()
        subs = admin.records("subscription", {})
        yield session, results, notes, subs


def test_journeys_pass_on_business_central(played: Any) -> None:
    session, results, _, _ = played
    assert session.endpoints["erp"]["vendor"] == "businesscentral"
    assert session.mapping.source.endswith("reference-businesscentral.toml")
    for r in results:
        problems = [f"{s.name}: {s.detail}" for s in r.steps if not s.ok]
        problems += [f"{i.name}: {i.detail}" for i in r.invariants if not i.ok]
        assert r.ok, f"{r.name} (seed 3): {problems}"
        assert len(r.invariants) >= 14  # every shared invariant was judged


def test_invoices_are_posted_business_central_invoices(played: Any) -> None:
    session, results, _, _ = played
    admin = session.systems.admin["erp"]
    invoices = [
        inv
        for r in results[:2]
        for inv in admin.records("salesInvoice", {"externalDocumentNumber": r.ids["opportunity"]})
    ]
    assert len(invoices) == 4  # tm's one and instalments' three
    assert all(i["status"] == session.mapping.status_paid for i in invoices)
    assert all(str(i["number"]).startswith("PS-INV") for i in invoices)
    assert all(i["remainingAmount"] == 0 for i in invoices)


def test_payments_arrive_through_business_central_webhooks(played: Any) -> None:
    _, _, notes, subs = played
    delivered = [d for d in notes["deliveries"] if d["status"] == "delivered"]
    assert delivered, notes
    assert all(d["url"].endswith("/webhooks/erp") for d in delivered)
    resources = {str(s.get("resource")) for s in subs}
    assert any(r.endswith("/salesInvoices") for r in resources), resources


def test_subcontract_spend_is_a_posted_purchase_invoice_on_the_project(played: Any) -> None:
    """The supplier invoice is a posted purchase invoice of the supplier's vendor; its line
    names the project's number in description2 (v2.0 purchase lines have no job field) and
    carries the spend Coupa approved, which the journey's check read back to the cent."""
    session, results, _, _ = played
    sub = results[2]
    admin = session.systems.admin["erp"]
    project = admin.records("project", {"id": sub.ids["job"]})[0]
    lines = admin.records("purchaseInvoiceLine", {"description2": project["number"]})
    assert len(lines) == 1, lines
    inv = admin.records("purchaseInvoice", {"id": lines[0]["documentId"]})[0]
    assert inv["status"] == "Open" and str(inv["number"]).startswith("PP-INV")
    assert str(inv["vendorNumber"]).startswith("COUPA-")
    assert lines[0]["amountExcludingTax"] == round(sub.ids["subcontractor_spend"], 2) > 0
    # the reader attributes spend by the project named on the line: another job has none
    systems = session.systems
    reader = erp_reader(systems.admin["erp"], systems.erp, session.mapping, systems.erp_endpoint)
    coupa_invoice = {"invoice-number": inv["vendorInvoiceNumber"]}
    assert reader.wait_job_spend(sub.ids["job"], coupa_invoice) == lines[0]["amountExcludingTax"]
    assert reader.wait_job_spend(results[0].ids["job"], coupa_invoice) == 0
