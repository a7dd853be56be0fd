"""The credit and acquisition journeys with Business Central as the ERP: a granted credit is
a posted sales credit memo applied to the invoice, and an acquired legal entity is a new
company that the reference integration finds after start (its company information names
the country and currency) and whose sales invoices it subscribes to."""

from __future__ import annotations

from typing import Any

import pytest

from harness.journeys import EventBus, Session, SessionOptions


@pytest.fixture(scope="module")
def played() -> Any:
    options = SessionOptions(seed=5, erp="businesscentral", step_timeout=20, peripherals=False)
    with Session(options, EventBus()) as session:
        results = [session.play(k) for k in ("credit", "acquisition")]
        assert session.systems is not None
        yield session, results, session.systems.admin["erp"]


def test_both_journeys_pass(played: Any) -> None:
    _, results, _ = played
    for r in results:
        problems = [f"{s.name}: {s.detail}" for s in r.steps if not s.ok]
        problems += [f"{i.name}: {i.detail}" for i in r.invariants if not i.ok]
        assert r.ok, f"{r.name} (seed 5): {problems}"


def test_the_credit_is_one_posted_credit_memo_on_the_invoice(played: Any) -> None:
    _, results, admin = played
    credit = results[0]
    inv_id = credit.ids["invoices"][0]
    memos = admin.records("salesCreditMemo", {"invoiceId": inv_id})
    assert len(memos) == 1, memos  # one memo for the one granted amount
    memo = memos[0]
    assert memo["status"] == "Paid" and str(memo["number"]).startswith("PS-CR")
    assert str(memo["externalDocumentNumber"]).startswith("credit-")
    lines = admin.records("salesCreditMemoLine", {"documentId": memo["id"]})
    assert [ln["amountIncludingTax"] for ln in lines] == [memo["totalAmountIncludingTax"]]
    inv = admin.records("salesInvoice", {"id": inv_id})[0]
    assert inv["status"] == "Paid" and inv["remainingAmount"] == 0


def test_the_acquired_entity_is_a_company_the_stack_found(played: Any) -> None:
    _, results, admin = played
    acquired = results[1].ids["acquired"]
    company = acquired["subsidiary"]
    infos = admin.records("companyInformation", {})
    mine = [i for i in infos if i.get("_companyId") == company]
    assert [(i["country"], i["currencyCode"]) for i in mine] == [
        (acquired["country"], acquired["currency"])
    ]
    customers = [c for c in admin.records("customer", {}) if c.get("_companyId") == company]
    assert len(customers) == 1  # the acquired company's first client, nobody else
    subs = admin.records("subscription", {})
    resources = {str(s.get("resource")) for s in subs}
    assert f"api/v2.0/companies({company})/salesInvoices" in resources, resources
