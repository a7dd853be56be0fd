"""Sales credit memos: a Draft with lines until ``Microsoft.NAV.post``, applied on posting
to the invoice it names.

- ``invoiceId`` or ``invoiceNumber`` names a posted sales invoice of the memo's customer
  (the v2.0 page sets the header's "Applies-to Doc. No." from it); a memo naming only the
  invoice takes its customer from it.
- Lines are priced like invoice lines (quantity times ``unitPrice``, an item's price when
  left out); the totals follow the lines.
- Posting gives the memo its posted number, lowers the customer's ``balanceDue`` by its
  total and, when it applies to an invoice, lowers that invoice's ``remainingAmount`` by
  as much as it still owes: at zero the invoice is Paid. A memo whose whole amount was
  applied is Paid, one with credit left Open. A posted memo and its lines are read only.

The number series (``S-CR``/``PS-CR``) and the message texts are a company's setup and
guesses; see the README's known and guessed table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulators.engine import Tenant

from . import _drafts as doc
from ._edm import ENTITIES, EntityDef
from ._errors import dialog
from ._records import COMPANY
from ._render import BLANK_DATE, NIL_GUID
from ._wire import money

if TYPE_CHECKING:
    from ._rules import Rules

DRAFT_SERIES = "S-CR"  # draft credit memo numbers (CRONUS-like; a company's setup)
POSTED_SERIES = "PS-CR"  # posted credit memo numbers (likewise)


class CreditMemos:
    """The write rules of salesCreditMemo and its lines, and the post action."""

    def __init__(self, rules: Rules) -> None:
        self.rules, self.r = rules, rules.r
        rules.r.rules.update(
            {"salesCreditMemo": self.credit_memo, "salesCreditMemoLine": self.credit_memo_line}
        )

    def credit_memo(
        self, tenant: Tenant, ent: EntityDef, company: str, rec: dict[str, Any], prev: Any
    ) -> None:
        if prev is not None and prev.get("status") not in doc.DRAFT and not rec.get("_system"):
            raise dialog(f"You cannot modify the posted sales credit memo {prev.get('number')}.")
        doc.open_draft(self.r, tenant, company, rec, prev, DRAFT_SERIES, 1001)
        inv = None
        named = (rec.get("invoiceId"), rec.get("invoiceNumber"))
        changed = prev is None or named != (prev.get("invoiceId"), prev.get("invoiceNumber"))
        if changed and (doc.is_set(named[0]) or doc.is_set(named[1])):
            if prev is not None and rec.get("invoiceId") == prev.get("invoiceId"):
                rec["invoiceId"] = NIL_GUID  # the number changed: resolve by number
            inv = self.rules._ref(
                tenant, company, rec, "salesInvoice", "invoiceId", "invoiceNumber"
            )
        if inv is not None:
            if inv.get("status") in doc.DRAFT:
                raise dialog(
                    f"The sales invoice {inv.get('number')} is not posted; a credit memo can only "
                    "be applied to a posted invoice."
                )
            if not doc.is_set(rec.get("customerId")) and not doc.is_set(rec.get("customerNumber")):
                rec["customerId"] = inv.get("customerId")
        cust = None
        if (
            prev is None
            or rec.get("customerId") != prev.get("customerId")
            or rec.get("customerNumber") != prev.get("customerNumber")
        ):
            cust = self.rules._ref(tenant, company, rec, "customer", "customerId", "customerNumber")
        if inv is not None and inv.get("customerId") != rec.get("customerId"):
            raise dialog(f"The sales invoice {inv.get('number')} belongs to another customer.")
        if cust is not None:
            rec["customerName"] = rec["billToName"] = cust["displayName"]
            rec["billToCustomerId"], rec["billToCustomerNumber"] = cust["id"], cust["number"]
            doc.copy_currency(rec, cust)
        doc.default_dates(tenant, rec, "creditMemoDate", 30)

    def credit_memo_line(
        self, tenant: Tenant, ent: EntityDef, company: str, rec: dict[str, Any], prev: Any
    ) -> None:
        memo = doc.draft_of_line(tenant, company, rec, "salesCreditMemo", "sales credit memo")
        if prev is None and not rec.get("sequence"):
            rec["sequence"] = (
                self.rules._max_sequence(tenant, memo["id"], "salesCreditMemoLine") + 10000
            )
        # priced exactly as an invoice line (item, description, unit price, amounts)
        shadow = {**memo, "invoiceDate": memo.get("creditMemoDate", BLANK_DATE)}
        self.rules.price_line(tenant, company, rec, prev, shadow)

    def post(self, tenant: Tenant, memo: dict[str, Any]) -> dict[str, Any]:
        """Microsoft.NAV.post: Draft -> posted number; applied to its invoice, if any."""
        if memo.get("status") not in doc.DRAFT:
            raise dialog(f"The sales credit memo {memo.get('number')} has already been posted.")
        if not doc.lines_to_post(tenant, "salesCreditMemoLine", memo["id"]):
            raise dialog("There is nothing to post.")
        total = float(memo.get("totalAmountIncludingTax") or 0)
        number = self.r.next_number(tenant, memo[COMPANY], POSTED_SERIES, width=6, start=104001)
        left = total
        with tenant.store.transaction():
            inv = tenant.store.get("salesInvoice", str(memo.get("invoiceId") or ""))
            if inv is not None and doc.is_set(memo.get("invoiceId")):
                owed = float(inv.get("remainingAmount") or 0)
                applied = min(owed, total)
                remaining = money(owed - applied)
                left = total - applied
                doc.pay_down(self.r, tenant, inv, remaining)
            posted = self.r.update(
                tenant,
                ENTITIES["salesCreditMemo"],
                memo,
                {
                    "status": "Paid" if money(left) == 0 else "Open",
                    "number": number,
                    "_system": True,
                },
            )
            self.rules._balance(tenant, memo.get("customerId", ""), -total)
        return posted
