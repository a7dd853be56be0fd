"""The credit journey: the customer disputes part of a fixed-fee invoice and is granted a
credit; what the customer owes afterwards is the invoice minus the credit.

The sales rep closes a fixed-fee deal, the project manager completes its milestone and
the stack invoices it. The customer disputes part of the deliverable; the account
manager grants a credit on the won opportunity in the CRM (amount and reason). The
stack must raise the credit in the ERP against the invoice, so the invoice's amount due
falls by the credit and the PSA and the CRM keep saying "Open" (the mapping spec's
wording) until the customer pays the rest, then "Paid In Full". The invariant holds the
ERP to the ledger: invoice total minus credit minus payments is what is still owed, and
the customer paid the deal minus the credit.
"""

from __future__ import annotations

from typing import Any

from ._actors import Customer, SalesRep
from ._journeys import (
    FIXED,
    Scene,
    complete,
    milestones,
    open_project,
    wait_crm_status,
    wait_invoices,
    wait_paid_everywhere,
)

#: the CRM fields the account manager fills in to grant a credit (the reference
#: integration's; a mapping spec may name others: [crm] credit_amount_field, credit_reason_field)
CREDIT_AMOUNT_FIELD = "Credit_Requested__c"
CREDIT_REASON_FIELD = "Credit_Reason__c"
_CENT = 0.005


# -- the ERP's credit memos come through the seam (``sc.erp.credits``) in NetSuite's view:
# ``tranId``, ``createdFrom`` and an ``apply`` sublist of {doc, apply, amount}


def _lines(sublist: Any) -> list[dict[str, Any]]:
    items = sublist.get("items", []) if isinstance(sublist, dict) else sublist or []
    return [x for x in items if isinstance(x, dict)]


def _credited(memo: dict[str, Any], invoice_id: str) -> float:
    return sum(
        float(ln.get("amount") or 0)
        for ln in _lines(memo.get("apply"))
        if ln.get("apply") and str(ln.get("doc")) == invoice_id
    )


# -- the journey ---------------------------------------------------------------------


def play_credit(sc: Scene) -> None:
    open_project(sc, FIXED, 21345.55)
    stones = milestones(sc)
    complete(sc, stones[0], 1, len(stones))
    wait_invoices(sc, 1)
    inv = sc.invoices[0]
    sc.ids["invoices"] = [str(inv["id"])]
    total = float(inv["total"])
    credit = round(total * 0.15 + 0.37, 2)  # an odd amount: the disputed part
    with sc.steps.step(f"account manager grants a credit of {credit:.2f} in the CRM", "crm"):
        SalesRep(sc.systems, sc.rng).grant_credit(
            str(sc.ids["opportunity"]),
            credit,
            f"Disputed deliverable on {inv['tranId']}",
            (
                sc.mapping.crm("credit_amount_field") or CREDIT_AMOUNT_FIELD,
                sc.mapping.crm("credit_reason_field") or CREDIT_REASON_FIELD,
            ),
        )
        sc.ledger.credits.setdefault(str(inv["id"]), []).append(credit)
    due = round(total - credit, 2)
    with sc.steps.step(
        f"the credit reaches the ERP: {inv['tranId']} owes {due:.2f}", "erp", "wait"
    ):
        sc.erp.wait_remaining(inv, due)
    with sc.steps.step(f"{inv['tranId']} still open in the PSA and the CRM", "crm", "wait"):
        wait_crm_status(sc, inv, sc.mapping.status_open)
    with sc.steps.step(f"customer pays the rest of {inv['tranId']} ({due:.2f})", "erp"):
        Customer(sc.systems).pay(str(inv["id"]), due)
        sc.ledger.payments.setdefault(str(inv["id"]), []).append(due)
    with sc.steps.step(
        f"payment of {inv['tranId']} flows back to the PSA and the CRM", "crm", "wait"
    ):
        wait_paid_everywhere(sc, inv)
        wait_crm_status(sc, inv, sc.mapping.status_paid)
    sc.marks["paid"] = sc.steps.now()


def owed_after_credit(f: Any) -> str | None:
    """Invoice minus credit minus payments is what the ERP says is still owed, the credit
    in the ERP is the one granted, and the customer paid the deal minus the credit."""
    granted = {k: round(sum(v), 2) for k, v in f.ledger.credits.items()}
    ids = {str(i["id"]) for i in f.invoices}
    memos = f.erp.credits(ids)
    for inv in f.invoices:
        iid = str(inv["id"])
        credited = round(sum(_credited(m, iid) for m in memos), 2)
        if abs(credited - granted.get(iid, 0.0)) > _CENT:
            return (
                f"{credited:.2f} of credit applied to {inv['tranId']} in the ERP; "
                f"the account manager granted {granted.get(iid, 0.0):.2f}"
            )
        paid = round(sum(f.ledger.payments.get(iid, [])), 2)
        owed = round(float(inv.get("total") or 0) - credited - paid, 2)
        if abs(float(inv.get("amountRemaining") or 0) - owed) > _CENT:
            return (
                f"{inv['tranId']} shows {inv.get('amountRemaining')} due; invoice "
                f"{inv.get('total')} minus credit {credited:.2f} minus payments {paid:.2f} is {owed:.2f}"
            )
    stray = [str(m.get("tranId")) for m in memos if str(m.get("createdFrom")) not in ids]
    if stray:
        return f"credit memos {stray} name none of the deal's invoices"
    paid_all = round(sum(sum(v) for v in f.ledger.payments.values()), 2)
    want = round(f.ledger.amount - sum(granted.values()), 2)
    if abs(paid_all - want) > _CENT:
        return f"the customer paid {paid_all:.2f}; the deal minus the credit is {want:.2f}"
    return None
