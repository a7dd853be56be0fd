"""Business logic the API applies on writes and in its bound actions.

- Numbers come from number series when a POST leaves ``number`` out.
- References are resolved by id or number (``customerId`` or ``customerNumber``) and
  the denormalised fields filled from the target (``customerName``, ``billTo*``).
- A sales invoice is a Draft until ``Microsoft.NAV.post``: then it takes its posted
  number, becomes Open with ``remainingAmount`` equal to its total, and the customer's
  ``balanceDue`` grows. Posted invoices can no longer be changed.
- Customer payments are journal lines; posting the journal applies each payment to the
  invoice it names: ``remainingAmount`` drops, and at zero the invoice is Paid.
- Sales credit memos (``_credit_memos``): posted, they lower the invoice they apply to.
- Line amounts and invoice totals are recomputed from quantity, unit price, discount
  and tax percent.
- A purchase invoice is the vendor's side of the same: a Draft with lines priced at
  ``unitCost`` until ``Microsoft.NAV.post`` gives it its posted number, makes it Open and
  adds its total to the vendor's ``balance``; posting needs the vendor's invoice number,
  refuses one the vendor already has on a posted invoice, and a posted purchase invoice
  and its lines are read only.

Where the public documentation does not say how a rule reads (the draft and posted
number series), the choice is named in the module that applies it.
"""

from __future__ import annotations

from typing import Any

from simulators.engine import Tenant, type_literal

from ._credit_memos import CreditMemos
from ._drafts import (
    UNSET,
    copy_address,
    copy_currency,
    default_dates,
    draft_of_line,
    is_set,
    lines_to_post,
    open_draft,
    pay_down,
)
from ._edm import DOCUMENT_LINES, ENTITIES, EntityDef
from ._errors import bad_request, dialog, record_not_found, same_key_exists
from ._indexes import ensure_field, read
from ._records import COMPANY, Records, not_found
from ._render import BLANK_DATE, NIL_GUID
from ._wire import bc_date, money

DRAFT_SERIES = "S-INV"  # draft invoice numbers, e.g. S-INV100010
POSTED_SERIES = "PS-INV"  # posted invoice numbers, e.g. PS-INV103010
PURCHASE_DRAFT_SERIES = "P-INV"  # draft purchase invoice numbers (a company's setup; guessed)
PURCHASE_POSTED_SERIES = "PP-INV"  # posted purchase invoice numbers (likewise)
PAYMENT_TERMS_DAYS = 30  # due date when the customer has no payment terms


class Rules:
    def __init__(self, records: Records) -> None:
        self.r = records
        records.rules.update(
            {
                "customer": self.customer,
                "project": self.numbered,
                "item": self.item,
                "employee": self.employee,
                "salesInvoice": self.sales_invoice,
                "salesInvoiceLine": self.sales_invoice_line,
                "timeRegistrationEntry": self.time_entry,
                "customerPayment": self.customer_payment,
                "customerPaymentJournal": self.payment_journal,
                "currency": self.currency,
                "vendor": self.vendor,
                "purchaseInvoice": self.purchase_invoice,
                "purchaseInvoiceLine": self.purchase_invoice_line,
            }
        )
        self.credit_memos = CreditMemos(self)

    # -- helpers ---------------------------------------------------------------------

    def _ref(
        self,
        tenant: Tenant,
        company: str,
        rec: dict[str, Any],
        target: str,
        id_field: str,
        number_field: str,
        key_field: str = "number",
        required: bool = True,
    ) -> dict[str, Any] | None:
        """Resolve a reference given by id or by number and write both back."""
        ent = ENTITIES[target]
        ref: dict[str, Any] | None = None
        if is_set(rec.get(id_field)):
            ref = tenant.store.get(target, rec[id_field])
            if ref is None or ref.get(COMPANY) != company:
                raise not_found(ent, rec[id_field])
        elif is_set(rec.get(number_field)):
            ref = self.r.find_one(tenant, ent, company, key_field, rec[number_field])
            if ref is None:
                label = target[0].upper() + target[1:]
                raise record_not_found(
                    f"The {label} does not exist. Identification fields and values: No.='{rec[number_field]}'",
                    400,
                )
        elif required:
            raise bad_request(f"The property '{id_field}' or '{number_field}' is required.")
        if ref is not None:
            rec[id_field] = ref["id"]
            rec[number_field] = ref[key_field]
        return ref

    def _number(
        self, tenant: Tenant, ent: EntityDef, company: str, rec: dict[str, Any], prev: Any
    ) -> None:
        drawn = False
        if prev is None and not rec.get("number") and ent.series:
            rec["number"] = number = self.r.next_number(tenant, company, ent.series)
            if self.r.series_number_free(tenant, ent, company, number):
                return
            drawn = True
        if prev is None and rec.get("number"):
            other = self.r.find_one(tenant, ent, company, "number", rec["number"])
            if other is not None and other["id"] != rec["id"]:
                label = ent.name[0].upper() + ent.name[1:]
                raise same_key_exists(
                    f"The record in table {label} already exists. Identification fields and values: No.='{rec['number']}'",
                    self.r.duplicate_status,
                )
            if drawn:
                self.r.look_past_series_number(tenant, ent, company, rec["number"])

    def _party(
        self,
        tenant: Tenant,
        company: str,
        rec: dict[str, Any],
        prev: Any,
        target: str,
        id_field: str,
        number_field: str,
    ) -> dict[str, Any] | None:
        """A document's customer or vendor, resolved when it is new or named anew (a changed
        number with the same id resolves by number)."""
        if (
            prev is None
            or rec.get(id_field) != prev.get(id_field)
            or rec.get(number_field) != prev.get(number_field)
        ):
            if (
                prev is not None
                and rec.get(number_field) != prev.get(number_field)
                and rec.get(id_field) == prev.get(id_field)
            ):
                rec[id_field] = NIL_GUID
            return self._ref(tenant, company, rec, target, id_field, number_field)
        return None

    def _item_line(
        self, tenant: Tenant, company: str, rec: dict[str, Any], prev: Any, price_field: str
    ) -> None:
        """A document line's type and, for an item line, the item's description, price
        (``unitPrice`` or ``unitCost``, when a new line leaves it out) and unit."""
        if not rec.get("lineType"):
            rec["lineType"] = (
                "Item"
                if (is_set(rec.get("itemId")) or is_set(rec.get("lineObjectNumber")))
                else "Comment"
            )
        if rec["lineType"] == "Item" and (
            prev is None
            or rec.get("itemId") != prev.get("itemId")
            or rec.get("lineObjectNumber") != prev.get("lineObjectNumber")
        ):
            item = self._ref(tenant, company, rec, "item", "itemId", "lineObjectNumber")
            assert item is not None
            if not rec.get("description"):
                rec["description"] = item.get("displayName", "")
            if prev is None and not rec.get(price_field):
                rec[price_field] = item.get(price_field, 0)
            rec["unitOfMeasureCode"] = item.get("baseUnitOfMeasureCode", "")

    # -- entities --------------------------------------------------------------------

    def numbered(
        self, tenant: Tenant, ent: EntityDef, company: str, rec: dict[str, Any], prev: Any
    ) -> None:
        self._number(tenant, ent, company, rec, prev)

    def customer(
        self, tenant: Tenant, ent: EntityDef, company: str, rec: dict[str, Any], prev: Any
    ) -> None:
        self._number(tenant, ent, company, rec, prev)
        if not rec.get("type"):
            rec["type"] = "Company"
        if not rec.get("blocked"):
            rec["blocked"] = " "
        if rec.get("currencyId") not in UNSET:  # ``is_set``, inline: most have none
            _currency(tenant, company, rec, prev)

    def item(
        self, tenant: Tenant, ent: EntityDef, company: str, rec: dict[str, Any], prev: Any
    ) -> None:
        self._number(tenant, ent, company, rec, prev)
        if not rec.get("type"):
            rec["type"] = "Inventory"
        if not rec.get("baseUnitOfMeasureCode"):
            rec["baseUnitOfMeasureCode"] = "HOUR" if rec["type"] == "Service" else "PCS"

    def employee(
        self, tenant: Tenant, ent: EntityDef, company: str, rec: dict[str, Any], prev: Any
    ) -> None:
        self._number(tenant, ent, company, rec, prev)
        if not rec.get("status"):
            rec["status"] = "Active"
        rec["displayName"] = " ".join(
            x for x in (rec.get("givenName"), rec.get("middleName"), rec.get("surname")) if x
        )

    def currency(
        self, tenant: Tenant, ent: EntityDef, company: str, rec: dict[str, Any], prev: Any
    ) -> None:
        if not rec.get("amountDecimalPlaces"):
            rec["amountDecimalPlaces"] = "2:2"
        if not rec.get("amountRoundingPrecision"):
            rec["amountRoundingPrecision"] = 0.01

    def payment_journal(
        self, tenant: Tenant, ent: EntityDef, company: str, rec: dict[str, Any], prev: Any
    ) -> None:
        if prev is None:
            other = self.r.find_one(tenant, ent, company, "code", rec.get("code"))
            if other is not None:
                raise same_key_exists(
                    "The record in table Gen. Journal Batch already exists. Identification fields and values: "
                    f"Journal Template Name='CASHRCPT',Name='{rec.get('code')}'",
                    self.r.duplicate_status,
                )

    def time_entry(
        self, tenant: Tenant, ent: EntityDef, company: str, rec: dict[str, Any], prev: Any
    ) -> None:
        self._ref(tenant, company, rec, "employee", "employeeId", "employeeNumber")
        self._ref(tenant, company, rec, "project", "jobId", "jobNumber", required=False)
        if not rec.get("status"):
            rec["status"] = "Open"
        if not rec.get("unitOfMeasureCode"):
            rec["unitOfMeasureCode"] = "HOUR"
        if prev is None:
            rec["lineNumber"] = tenant.store.next_sequence(f"bc:line:{company}:time") * 10000
        elif prev.get("status") == "Approved" and rec.get("status") == "Approved":
            changed = [
                k for k in ("quantity", "date", "jobId", "employeeId") if rec.get(k) != prev.get(k)
            ]
            if changed:
                raise dialog(
                    "Status must be equal to 'Open' in Time Sheet Line: the entry is approved."
                )

    # -- sales invoices --------------------------------------------------------------

    def sales_invoice(
        self, tenant: Tenant, ent: EntityDef, company: str, rec: dict[str, Any], prev: Any
    ) -> None:
        if (
            prev is not None
            and prev.get("status") not in ("Draft", "In Review")
            and not rec.get("_system")
        ):
            raise dialog(
                f"You cannot modify the posted sales invoice {prev.get('number')}. Posted invoices can only be "
                "corrected with a credit memo."
            )
        open_draft(self.r, tenant, company, rec, prev, DRAFT_SERIES, 10001)
        cust = self._party(tenant, company, rec, prev, "customer", "customerId", "customerNumber")
        if cust is not None:
            rec["customerName"] = cust["displayName"]
            rec["billToCustomerId"], rec["billToCustomerNumber"] = cust["id"], cust["number"]
            rec["billToName"] = cust["displayName"]
            copy_address(rec, cust, ("sellTo", "billTo"))
            copy_currency(rec, cust)
            if not rec.get("email"):
                rec["email"] = cust.get("email", "")
            if not rec.get("phoneNumber"):
                rec["phoneNumber"] = cust.get("phoneNumber", "")
        default_dates(tenant, rec, "invoiceDate", PAYMENT_TERMS_DAYS)

    def sales_invoice_line(
        self, tenant: Tenant, ent: EntityDef, company: str, rec: dict[str, Any], prev: Any
    ) -> None:
        inv = draft_of_line(tenant, company, rec, "salesInvoice", "sales invoice")
        if prev is None:
            rec["sequence"] = rec.get("sequence") or (self._max_sequence(tenant, inv["id"]) + 10000)
        self.price_line(tenant, company, rec, prev, inv)

    def price_line(
        self, tenant: Tenant, company: str, rec: dict[str, Any], prev: Any, doc: dict[str, Any]
    ) -> None:
        """A sales document line's item, price and amounts (``doc``: its document)."""
        self._item_line(tenant, company, rec, prev, "unitPrice")
        _line_amounts(rec, float(rec.get("unitPrice") or 0))
        if not rec.get("shipmentDate") or rec["shipmentDate"] == BLANK_DATE:
            rec["shipmentDate"] = doc.get("invoiceDate", BLANK_DATE)

    @staticmethod
    def _max_sequence(tenant: Tenant, doc: str, line_type: str = "salesInvoiceLine") -> int:
        row = read(
            tenant,
            "SELECT max(json_extract(data, '$.sequence')) FROM records"
            f" WHERE type = {type_literal(line_type)}"
            " AND json_extract(data, '$.documentId') = ? AND deleted = 0",
            (doc,),
        ).fetchone()
        return int(row[0] or 0)

    def recompute_totals(self, tenant: Tenant, invoice_id: str, doc: str = "salesInvoice") -> None:
        """Invoice totals from its lines (after a line was written or deleted)."""
        inv = tenant.store.get(doc, invoice_id)
        if inv is None:
            return
        excl = tax = 0.0
        for (data,) in read(
            tenant,
            "SELECT json_extract(data, '$.amountExcludingTax') || '|' || json_extract(data, '$.totalTaxAmount')"
            f" FROM records WHERE type = {type_literal(DOCUMENT_LINES[doc])}"
            " AND json_extract(data, '$.documentId') = ? AND deleted = 0",
            (invoice_id,),
        ):
            a, _, t = str(data).partition("|")
            excl += float(a or 0)
            tax += float(t or 0)
        changes = {
            "totalAmountExcludingTax": money(excl),
            "totalTaxAmount": money(tax),
            "totalAmountIncludingTax": money(excl + tax),
            "_system": True,
        }
        self.r.update(tenant, ENTITIES[doc], inv, changes)

    def post_invoice(self, tenant: Tenant, inv: dict[str, Any]) -> dict[str, Any]:
        """Microsoft.NAV.post: Draft -> Open with the posted number; the customer owes the total."""
        if inv.get("status") not in ("Draft", "In Review"):
            raise dialog(f"The sales invoice {inv.get('number')} has already been posted.")
        total = float(inv.get("totalAmountIncludingTax") or 0)
        if not lines_to_post(tenant, "salesInvoiceLine", inv["id"]):
            raise dialog("There is nothing to post.")
        company = inv[COMPANY]
        number = self.r.next_number(tenant, company, POSTED_SERIES, width=6, start=10301)
        with tenant.store.transaction():
            posted = self.r.update(
                tenant,
                ENTITIES["salesInvoice"],
                inv,
                {
                    "status": "Open",
                    "number": number,
                    "remainingAmount": money(total),
                    "_system": True,
                },
            )
            self._balance(tenant, inv.get("customerId", ""), total)
        return posted

    def _balance(self, tenant: Tenant, customer_id: str, delta: float) -> None:
        cust = tenant.store.get("customer", customer_id)
        if cust is not None:
            self.r.update(
                tenant,
                ENTITIES["customer"],
                cust,
                {"balanceDue": money(float(cust.get("balanceDue") or 0) + delta)},
            )

    # -- vendors and purchase invoices -----------------------------------------------

    def vendor(
        self, tenant: Tenant, ent: EntityDef, company: str, rec: dict[str, Any], prev: Any
    ) -> None:
        self._number(tenant, ent, company, rec, prev)
        if not rec.get("blocked"):
            rec["blocked"] = " "
        _currency(tenant, company, rec, prev)

    def purchase_invoice(
        self, tenant: Tenant, ent: EntityDef, company: str, rec: dict[str, Any], prev: Any
    ) -> None:
        posted = prev is not None and prev.get("status") not in ("Draft", "In Review")
        if posted and not rec.get("_system"):
            raise dialog(
                f"You cannot modify the posted purchase invoice {prev.get('number')}. Posted "
                "invoices can only be corrected with a credit memo."
            )
        open_draft(self.r, tenant, company, rec, prev, PURCHASE_DRAFT_SERIES, 10001)
        vendor = self._party(tenant, company, rec, prev, "vendor", "vendorId", "vendorNumber")
        if vendor is not None:
            if vendor.get("blocked") == "All":
                raise dialog(
                    f"You cannot create this type of document when Vendor {vendor['number']} is "
                    "blocked with type All"
                )
            rec["vendorName"] = rec["payToName"] = vendor["displayName"]
            rec["payToVendorId"], rec["payToVendorNumber"] = vendor["id"], vendor["number"]
            copy_address(rec, vendor, ("buyFrom", "payTo"))
            copy_currency(rec, vendor)
        default_dates(tenant, rec, "invoiceDate", PAYMENT_TERMS_DAYS)

    def purchase_invoice_line(
        self, tenant: Tenant, ent: EntityDef, company: str, rec: dict[str, Any], prev: Any
    ) -> None:
        inv = draft_of_line(tenant, company, rec, "purchaseInvoice", "purchase invoice")
        self._item_line(tenant, company, rec, prev, "unitCost")
        if prev is None:
            rec["sequence"] = rec.get("sequence") or (
                self._max_sequence(tenant, inv["id"], "purchaseInvoiceLine") + 10000
            )
        _line_amounts(rec, float(rec.get("unitCost") or 0))
        if not is_set(rec.get("expectedReceiptDate")):
            rec["expectedReceiptDate"] = inv.get("invoiceDate", BLANK_DATE)

    def post_purchase_invoice(self, tenant: Tenant, inv: dict[str, Any]) -> dict[str, Any]:
        """Microsoft.NAV.post on a purchase invoice: Draft -> Open with the posted number;
        the firm owes the vendor the total."""
        if inv.get("status") not in ("Draft", "In Review"):
            raise dialog(f"The purchase invoice {inv.get('number')} has already been posted.")
        vin = str(inv.get("vendorInvoiceNumber") or "")
        if not vin:
            raise dialog(
                "You need to enter the document number of the document from the vendor in the "
                "Vendor Invoice No. field, so that this document stays linked to the original."
            )
        for other in tenant.store.find(
            "purchaseInvoice", {"vendorId": inv.get("vendorId"), "vendorInvoiceNumber": vin}
        ):
            if other["id"] != inv["id"] and other.get("status") not in ("Draft", "In Review"):
                raise dialog(f"Purchase Invoice {vin} already exists for this vendor.")
        if not lines_to_post(tenant, "purchaseInvoiceLine", inv["id"]):
            raise dialog("There is nothing to post.")
        total = float(inv.get("totalAmountIncludingTax") or 0)
        number = self.r.next_number(
            tenant, inv[COMPANY], PURCHASE_POSTED_SERIES, width=6, start=10301
        )
        with tenant.store.transaction():
            posted = self.r.update(
                tenant,
                ENTITIES["purchaseInvoice"],
                inv,
                {"status": "Open", "number": number, "_system": True},
            )
            vendor = tenant.store.get("vendor", str(inv.get("vendorId") or ""))
            if vendor is not None:
                self.r.update(
                    tenant,
                    ENTITIES["vendor"],
                    vendor,
                    {"balance": money(float(vendor.get("balance") or 0) + total)},
                )
        return posted

    # -- payments --------------------------------------------------------------------

    def customer_payment(
        self, tenant: Tenant, ent: EntityDef, company: str, rec: dict[str, Any], prev: Any
    ) -> None:
        journal = self._ref(
            tenant,
            company,
            rec,
            "customerPaymentJournal",
            "journalId",
            "journalDisplayName",
            key_field="code",
        )
        assert journal is not None
        cust = self._ref(
            tenant, company, rec, "customer", "customerId", "customerNumber", required=False
        )
        if is_set(rec.get("appliesToInvoiceId")) or is_set(rec.get("appliesToInvoiceNumber")):
            inv = self._ref(
                tenant, company, rec, "salesInvoice", "appliesToInvoiceId", "appliesToInvoiceNumber"
            )
            assert inv is not None
            if inv.get("status") in ("Draft", "In Review"):
                raise dialog(
                    f"The sales invoice {inv.get('number')} is not posted; a payment can only apply to a posted invoice."
                )
            if cust is None:
                rec["customerId"], rec["customerNumber"] = inv["customerId"], inv["customerNumber"]
            elif inv.get("customerId") != cust["id"]:
                raise dialog(f"The sales invoice {inv.get('number')} belongs to another customer.")
        if prev is None:
            rec["lineNumber"] = tenant.store.next_sequence(f"bc:line:{journal['id']}") * 10000
        if not is_set(rec.get("postingDate")):
            rec["postingDate"] = bc_date(tenant.clock.time())
        if not rec.get("documentNumber"):
            rec["documentNumber"] = self.r.next_number(tenant, company, "G0", width=4, step=1)

    def post_journal(self, tenant: Tenant, journal: dict[str, Any]) -> int:
        """Post every payment line of a customer payment journal; returns how many posted."""
        company = journal[COMPANY]
        ensure_field(tenant, "journalId")
        lines = [
            rec
            for rec in tenant.store.find(
                "customerPayment", {"journalId": journal["id"]}, limit=100_000
            )
            if rec.get(COMPANY) == company
        ]
        lines.sort(key=lambda r: int(r.get("lineNumber") or 0))
        for line in lines:
            if not is_set(line.get("customerId")):
                raise dialog(
                    f"Account No. must have a value in Gen. Journal Line: Line No.={line.get('lineNumber')}."
                )
            if not line.get("amount"):
                raise dialog(
                    f"Amount must have a value in Gen. Journal Line: Line No.={line.get('lineNumber')}."
                )
        with tenant.store.transaction():
            for line in lines:
                paid = abs(float(line["amount"]))
                inv_id = str(line.get("appliesToInvoiceId") or "")
                if is_set(inv_id):
                    inv = tenant.store.get("salesInvoice", inv_id)
                    if inv is not None:
                        remaining = money(max(0.0, float(inv.get("remainingAmount") or 0) - paid))
                        pay_down(self.r, tenant, inv, remaining)
                self._balance(tenant, line["customerId"], -paid)
                self.r.delete(tenant, ENTITIES["customerPayment"], line)
        return len(lines)


def _line_amounts(rec: dict[str, Any], price: float) -> None:
    """A document line's amounts from quantity, price, discount and tax percent."""
    gross = float(rec.get("quantity") or 0) * price
    pct = float(rec.get("discountPercent") or 0)
    disc = float(rec.get("discountAmount") or 0) or gross * pct / 100.0
    rec["discountAmount"] = money(disc)
    excl = money(gross - disc)
    tax = money(excl * float(rec.get("taxPercent") or 0) / 100.0)
    rec["amountExcludingTax"] = rec["netAmount"] = excl
    rec["totalTaxAmount"] = rec["netTaxAmount"] = tax
    rec["amountIncludingTax"] = rec["netAmountIncludingTax"] = money(excl + tax)


def _currency(tenant: Tenant, company: str, rec: dict[str, Any], prev: Any) -> None:
    """A customer's or vendor's new ``currencyId`` must name a currency of its company;
    ``currencyCode`` follows it."""
    if is_set(rec.get("currencyId")) and (
        prev is None or rec["currencyId"] != prev.get("currencyId")
    ):
        cur = tenant.store.get("currency", rec["currencyId"])
        if cur is None or cur.get(COMPANY) != company:
            raise not_found(ENTITIES["currency"], rec["currencyId"])
        rec["currencyCode"] = cur["code"]
