"""Customer payments: what saving or deleting a customerPayment does to the invoices it pays.

A payment's ``apply`` lines name invoices (``doc``) and amounts. Saving it checks each
line against the invoice's amount due (plus what this payment applied before, on an
edit), fills the line's read-only columns, and moves the difference onto the invoice:
``amountPaid`` up, ``amountRemaining`` down, status Paid In Full (B) once nothing is
due, Open (A) otherwise. Each invoice write is a normal update, so it raises the
invoice's afterSubmit notification. Runs inside the payment's write transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulators.engine import HttpError, Tenant

from ._errors import invalid_content, user_error
from ._records import stamp
from ._values import money

if TYPE_CHECKING:
    from ._rules import BusinessRules

CENT = 0.005


def invoice_status(total: float, paid: float) -> str:
    """Paid In Full (B) when a payment covers the total, Open (A) otherwise."""
    return "B" if paid > 0 and total - paid <= CENT else "A"


def _user_error(detail: str, path: str) -> HttpError:
    return user_error(
        f"Error while accessing a resource. {detail}",
        extra={"o:errorPath": path},
    )


def _invalid(value: str, field_name: str, path: str) -> HttpError:
    return invalid_content(
        f"Error while accessing a resource. You have entered an Invalid Field "
        f"Value {value} for the following field: {field_name}",
        extra={"o:errorPath": path},
    )


def applied_amounts(payment: dict[str, Any] | None) -> dict[str, float]:
    """Invoice id -> amount a stored payment applies to it."""
    out: dict[str, float] = {}
    for line in (payment or {}).get("apply") or []:
        if line.get("apply") and line.get("amount"):
            doc = str(line.get("doc"))
            out[doc] = out.get(doc, 0.0) + float(line["amount"])
    return out


class PaymentRules:
    def __init__(self, rules: BusinessRules) -> None:
        self.rules = rules

    # -- save ------------------------------------------------------------------------

    def save(self, tenant: Tenant, data: dict[str, Any], previous: dict[str, Any] | None) -> None:
        if data.get("customer") is None:
            return  # check_required reports it
        cust, _ = self.rules.customer_of(tenant, str(data["customer"]), "customer")
        self._header(tenant, data, cust)
        allowed = {str(cust["id"])} | set(tenant.store.find_ids("job", "parent", cust["id"]))
        before = applied_amounts(previous)
        now: dict[str, float] = {}
        for i, line in enumerate(data.get("apply") or []):
            self.apply_line(tenant, data, line, i, allowed, before, now)
        applied = money(sum(now.values()))
        payment = data.get("payment")
        if payment is None:
            if applied <= 0:
                raise _user_error("Please enter value(s) for: Payment Amount.", "payment")
            payment = applied
        payment = float(payment)
        if payment < 0:
            raise _user_error("The payment amount cannot be negative.", "payment")
        if applied - payment > CENT:
            raise _user_error(
                f"The total amount applied ({applied:.2f}) exceeds the payment amount "
                f"({payment:.2f}).",
                "apply",
            )
        data["payment"] = money(payment)
        data["total"] = money(payment)
        data["applied"] = applied
        data["unapplied"] = money(payment - applied)
        for doc in sorted(set(before) | set(now)):
            delta = now.get(doc, 0.0) - before.get(doc, 0.0)
            if abs(delta) > CENT / 10:
                self.pay_invoice(tenant, doc, delta)

    def _header(self, tenant: Tenant, data: dict[str, Any], cust: dict[str, Any]) -> None:
        for name in ("subsidiary", "currency"):
            own = cust.get(name)
            if data.get(name) is None:
                data[name] = own
            elif own is not None and str(data[name]) != str(own):
                raise _user_error(
                    f"Invalid {name} reference key {data[name]} for entity {cust['id']}.", name
                )
        data.setdefault("tranDate", self.rules.today(tenant))
        if not data.get("tranId"):
            seq = tenant.store.next_sequence("ns:tranid:customerPayment", 1001)
            data["tranId"] = f"PYMT{seq}"
        data.setdefault("exchangeRate", 1.0)
        if data.get("undepFunds") is None:
            data["undepFunds"] = data.get("account") is None
        data["status"] = "B" if data["undepFunds"] else "C"

    def apply_line(
        self,
        tenant: Tenant,
        data: dict[str, Any],
        line: dict[str, Any],
        i: int,
        allowed: set[str],
        before: dict[str, float],
        now: dict[str, float],
        left: float | None = None,
    ) -> None:
        """Check and complete one ``apply`` line against its invoice; ``now`` gains its amount.

        An applied line without an amount takes what is due, or at most ``left`` (a credit
        memo applies no more than its total).
        """
        path = f"apply.items[{i}]"
        doc = str(line.get("doc"))
        inv = self.rules.get(tenant, "invoice", doc)
        if inv is None or str(inv.get("entity")) not in allowed:
            raise _invalid(doc, "doc", f"{path}.doc")
        due = money(float(inv.get("amountRemaining") or 0.0) + before.get(doc, 0.0))
        if line.get("apply") is None:
            line["apply"] = True
        amount = line.get("amount")
        if line["apply"] and amount is None:
            amount = due if left is None else min(due, left)
        if not line["apply"] or not amount:
            line["apply"], line["amount"] = False, None
        else:
            if doc in now:
                raise _invalid(doc, "doc", f"{path}.doc")
            amount = float(amount)
            if amount < 0 or amount - due > CENT:
                raise _user_error(
                    f"The amount applied to Invoice #{inv.get('tranId')} ({amount:.2f}) "
                    f"exceeds the amount due ({due:.2f}).",
                    f"{path}.amount",
                )
            line["amount"] = money(amount)
            now[doc] = line["amount"]
        line.update(
            type="Invoice",
            refNum=inv.get("tranId"),
            applyDate=data.get("tranDate"),
            total=inv.get("total"),
            due=due,
            currency=inv.get("currency"),
            job=inv.get("job"),
        )

    # -- delete ----------------------------------------------------------------------

    def release(self, tenant: Tenant, previous: dict[str, Any]) -> None:
        """A deleted payment no longer pays its invoices."""
        for doc, amount in applied_amounts(previous).items():
            self.pay_invoice(tenant, doc, -amount)

    # -- the invoice side ------------------------------------------------------------

    def pay_invoice(self, tenant: Tenant, invoice_id: str, delta: float) -> None:
        inv = tenant.store.get("invoice", invoice_id)
        if inv is None:
            return
        prev = dict(inv)
        total = float(inv.get("total") or 0.0)
        paid = money(max(0.0, float(inv.get("amountPaid") or 0.0) + delta))
        inv["amountPaid"] = paid
        inv["amountRemaining"] = money(max(0.0, total - paid))
        inv["status"] = invoice_status(total, paid)
        now, modstamp = stamp(tenant)
        inv["lastModifiedDate"] = now
        changed = [k for k in ("amountPaid", "amountRemaining", "status") if inv[k] != prev.get(k)]
        tenant.store.update(
            "invoice",
            invoice_id,
            inv,
            prev,
            modstamp,
            changed_fields=changed,
            at=tenant.clock.time(),
            origin="rest",
        )
