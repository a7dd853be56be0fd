"""Credit memos: what saving or deleting a creditMemo does to the invoices it is applied to.

A credit memo (``CustCred``) decreases what a customer owes. Its ``item`` lines say how
much is credited (``total``); its ``apply`` lines name open invoices (``doc``) and the
amount of the credit applied to each. Saving it checks each line against the invoice's
amount due (plus what this credit applied before, on an edit), fills the line's
read-only columns and moves the difference onto the invoice the way a payment does
(``amountPaid`` up, ``amountRemaining`` down, Paid In Full once nothing is due), which
raises the invoice's afterSubmit notification. What is not applied stays on the credit
memo (``unapplied``, ``amountRemaining``): status Open (A) until all of it is applied,
then Fully Applied (B). Runs inside the credit memo's write transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulators.engine import Tenant

from ._payments import CENT, _user_error, applied_amounts
from ._values import money

if TYPE_CHECKING:
    from ._payments import PaymentRules
    from ._rules import BusinessRules


class CreditRules:
    def __init__(self, rules: BusinessRules, payments: PaymentRules) -> None:
        self.rules = rules
        self.payments = payments

    def save(self, tenant: Tenant, data: dict[str, Any], previous: dict[str, Any] | None) -> None:
        """After the transaction rules set the total: apply the credit to its invoices."""
        if data.get("entity") is None:
            return  # check_required reports it
        cust, _ = self.rules.customer_of(tenant, str(data["entity"]))
        allowed = {str(cust["id"])} | set(tenant.store.find_ids("job", "parent", cust["id"]))
        before = applied_amounts(previous)
        total = float(data.get("total") or 0.0)
        now: dict[str, float] = {}
        for i, line in enumerate(data.get("apply") or []):
            left = money(total - sum(now.values()))
            self.payments.apply_line(tenant, data, line, i, allowed, before, now, left)
        applied = money(sum(now.values()))
        if applied - total > CENT:
            raise _user_error(
                f"The total amount applied ({applied:.2f}) exceeds the credit amount "
                f"({total:.2f}).",
                "apply",
            )
        data["applied"] = applied
        data["unapplied"] = money(total - applied)
        data["amountRemaining"] = data["unapplied"]
        data["status"] = "B" if total > 0 and total - applied <= CENT else "A"
        for doc in sorted(set(before) | set(now)):
            delta = now.get(doc, 0.0) - before.get(doc, 0.0)
            if abs(delta) > CENT / 10:
                self.payments.pay_invoice(tenant, doc, delta)

    def release(self, tenant: Tenant, previous: dict[str, Any]) -> None:
        """A deleted credit memo no longer reduces its invoices."""
        for doc, amount in applied_amounts(previous).items():
            self.payments.pay_invoice(tenant, doc, -amount)
