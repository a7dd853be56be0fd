"""Record transformations (``POST /record/v1/{type}/{id}/!transform/{target}``).

The target record is initialised from the source the way NetSuite's UI would (a sales
order's lines onto an invoice; an invoice's amount due onto a payment's apply line),
then the request body is applied on top and the target saved through the normal rules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulators.engine import HttpError, Tenant

from ._errors import invalid_parameter, user_error
from ._records import RecordService, WriteContext
from ._schema import RecordType

Transform = Callable[[Tenant, dict[str, Any], Any, WriteContext], tuple[RecordType, str]]


def _cannot_initialize(target: str, source_id: str) -> HttpError:
    return user_error(
        f"Error while accessing a resource. You can not initialize {target}: "
        f"invalid reference {source_id}.",
    )


class Transforms:
    def __init__(self, records: RecordService) -> None:
        self.records = records
        self.table: dict[tuple[str, str], Transform] = {
            ("salesorder", "invoice"): self.sales_order_to_invoice,
            ("invoice", "customerpayment"): self.invoice_to_payment,
            ("invoice", "creditmemo"): self.invoice_to_credit,
        }

    def run(
        self,
        tenant: Tenant,
        rt: RecordType,
        source_id: str,
        target: str,
        body: Any,
        ctx: WriteContext,
    ) -> tuple[RecordType, str]:
        """(target type, new id); 400 for a pair NetSuite does not transform here."""
        fn = self.table.get((rt.name.lower(), target.lower()))
        if fn is None:
            raise invalid_parameter(
                f"Transformation of {rt.name} to {target} is not supported.",
                extra={"o:urlPath": target},
            )
        source = self.records.load(tenant, rt, source_id)
        return fn(tenant, source, body, ctx)

    # -- salesOrder -> invoice -------------------------------------------------------

    def sales_order_to_invoice(
        self, t: Tenant, so: dict[str, Any], body: Any, ctx: WriteContext
    ) -> tuple[RecordType, str]:
        if so.get("status") in ("G", "H"):
            raise _cannot_initialize("invoice", so["id"])
        so_t, inv_t = self.records.rtype("salesOrder"), self.records.rtype("invoice")
        data: dict[str, Any] = {
            k: so.get(k) for k in ("entity", "subsidiary", "currency", "memo", "otherRefNum", "job")
        }
        data["item"] = [
            {k: line.get(k) for k in ("line", "item", "description", "quantity", "rate", "amount")}
            for line in so.get("item") or []
        ]
        data["createdFrom"] = so["id"]
        data = self.records.normalize(t, inv_t, body, ctx, data)
        data.pop("id", None)
        with t.store.transaction():
            rid = self.records.insert(t, inv_t, data, ctx)
            self.records.save(t, so_t, dict(so, status="G"), dict(so), ctx)
        return inv_t, rid

    # -- invoice -> customerPayment --------------------------------------------------

    def invoice_to_payment(
        self, t: Tenant, inv: dict[str, Any], body: Any, ctx: WriteContext
    ) -> tuple[RecordType, str]:
        """A payment of the invoice's amount due (or of ``payment``, if the body sets less);
        apply lines in the body for the same invoice adjust its line, others are added."""
        due = float(inv.get("amountRemaining") or 0.0)
        if inv.get("status") == "B" or due <= 0:
            raise _cannot_initialize("customerpayment", inv["id"])
        pay_t = self.records.rtype("customerPayment")
        init: dict[str, Any] = {
            "customer": inv.get("entity"),
            "subsidiary": inv.get("subsidiary"),
            "currency": inv.get("currency"),
        }
        data = self.records.normalize(t, pay_t, body, ctx, init)
        data.pop("id", None)
        own = {"doc": str(inv["id"]), "apply": True, "amount": due}
        if data.get("payment") is not None:
            own["amount"] = min(due, float(data["payment"]))
        lines: list[dict[str, Any]] = [own]
        for line in data.get("apply") or []:
            if str(line.get("doc")) == own["doc"]:
                own.update({k: v for k, v in line.items() if k != "line"})
            else:
                lines.append(line)
        for n, line in enumerate(lines, 1):
            line["line"] = n
        data["apply"] = lines
        return pay_t, self.records.insert(t, pay_t, data, ctx)

    # -- invoice -> creditMemo -------------------------------------------------------

    def invoice_to_credit(
        self, t: Tenant, inv: dict[str, Any], body: Any, ctx: WriteContext
    ) -> tuple[RecordType, str]:
        """A credit memo for the invoice: its customer, legal entity, currency and lines
        (billed time as item lines of the time's service item), applied to the invoice for
        the lesser of the credit and the amount due. ``item`` lines in the body replace the
        invoice's (a partial credit); ``apply`` lines in the body replace the default."""
        cm_t = self.records.rtype("creditMemo")
        init: dict[str, Any] = {
            k: inv.get(k) for k in ("entity", "subsidiary", "currency", "otherRefNum", "job")
        }
        lines = [
            {k: line.get(k) for k in ("item", "description", "quantity", "rate", "amount")}
            for line in inv.get("item") or []
        ]
        lines += [
            {
                "item": line.get("item"),
                "description": line.get("memo") or "Billable time",
                "quantity": line.get("quantity"),
                "rate": line.get("rate"),
                "amount": line.get("amount"),
            }
            for line in inv.get("time") or []
            if line.get("apply")
        ]
        init["item"] = [dict(line, line=n) for n, line in enumerate(lines, 1)]
        init["apply"] = [{"line": 1, "doc": str(inv["id"]), "apply": True}]
        init["createdFrom"] = str(inv["id"])
        given = {str(k).lower() for k in body} if isinstance(body, dict) else set()
        for sublist in ("item", "apply"):
            if sublist in given:  # the body's lines instead of the invoice's
                del init[sublist]
        data = self.records.normalize(t, cm_t, body, ctx, init)
        data.pop("id", None)
        data["createdFrom"] = str(inv["id"])
        return cm_t, self.records.insert(t, cm_t, data, ctx)
