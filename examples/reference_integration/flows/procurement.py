"""Subcontractor spend: purchase orders in the procurement system for the contractors a
project staffs, and their approved supplier invoices booked against the ERP job.

- Ordering: a workspace resource whose HCM worker is a contingent worker gets one
  external purchase order in Coupa (``po-number`` ``WR-<resource id>``, found again by
  that number, so it is made once) for the supplier whose primary contact is the
  contractor's e-mail: planned hours at the contractor's cost rate, the ERP job and PSA
  ids in its custom fields.
- Booking: every approved supplier invoice not yet exported becomes a NetSuite vendor
  bill (``eid: coupa-inv-<id>``) against the order's ERP job, from the vendor
  ``coupa-sup-<supplier id>``; the invoice is then marked exported. Both writes are
  upserts by external id, so a sync interrupted between them books nothing twice.
"""

from __future__ import annotations

from typing import Any

from ..errors import ConfigurationError
from ..logs import get_logger
from ..services import Services

log = get_logger("procurement")


async def sync(svc: Services, payload: dict[str, Any]) -> None:
    if svc.coupa is None:
        raise ConfigurationError(
            "the procurement sync needs the procurement system",
            hint="add a 'procurement' section (token_url, client_id, client_secret, api_base) "
            "to the endpoints file",
        )
    ordered = await order_subcontractors(svc)
    booked = await book_supplier_invoices(svc)
    log.info("procurement synced", extra={"orders": ordered, "bills": booked})


async def order_subcontractors(svc: Services) -> int:
    assert svc.coupa is not None
    contingent = {
        str(r.get("Email", "")).lower(): r
        for r in await svc.hcm.report(Include_Terminated_Workers="1")
        if str(r.get("Worker_Type", "")).startswith("Contingent") and r.get("Email")
    }
    made = 0
    for project in svc.store.links("project").values():
        if not project.get("workspace_id") or not project.get("job_id"):
            continue
        for res in await svc.psa.list("workspace_resources", workspace_id=project["workspace_id"]):
            user = await svc.psa.get("users", str(res.get("user_id")))
            email = str((user or {}).get("email_address") or "").lower()
            row = contingent.get(email)
            if row is None:
                continue
            number = f"WR-{res['id']}"
            if await svc.coupa.query("purchase_orders", po_number=number):
                continue
            suppliers = await svc.coupa.query("suppliers", **{"primary-contact[email]": email})
            if not suppliers:
                log.warning(
                    "no Coupa supplier for a contractor; no purchase order made",
                    extra={"email": email, "workspace_resource": res["id"]},
                )
                continue
            await svc.coupa.create(
                "purchase_orders",
                {
                    "type": "ExternalOrderHeader",
                    "po-number": number,
                    "supplier": {"id": suppliers[0]["id"]},
                    "currency": {"code": str(row.get("Cost_Rate_Currency") or "USD")},
                    "custom-fields": {
                        "erp-job": str(project["job_id"]),
                        "project-code": str(project["workspace_id"]),
                        "psa-assignment": str(res["id"]),
                    },
                    "order-lines": [
                        {
                            "type": "OrderQuantityLine",
                            "description": f"{row.get('Worker', email)}: subcontracted hours",
                            "quantity": svc.settings.subcontract_po_hours,
                            "price": float(row.get("Cost_Rate") or 0.0),
                        }
                    ],
                },
            )
            made += 1
    return made


async def book_supplier_invoices(svc: Services) -> int:
    assert svc.coupa is not None
    booked = 0
    orders: dict[str, dict[str, Any]] = {}
    for inv in await svc.coupa.query("invoices", status="approved", exported="false"):
        numbers = {
            ln.get("po-number") for ln in inv.get("invoice-lines") or [] if ln.get("po-number")
        }
        for number in numbers - set(orders):
            found = await svc.coupa.query("purchase_orders", po_number=number)
            if found:
                orders[str(number)] = found[0]
        lines = []
        for ln in inv.get("invoice-lines") or []:
            order = orders.get(str(ln.get("po-number")))
            job = ((order or {}).get("custom-fields") or {}).get("erp-job")
            if not job:
                continue  # not an order this integration made
            lines.append((str(job), ln))
        if not lines:
            continue
        await svc.erp_port.supplier_bill(inv["supplier"], inv, lines)
        await svc.coupa.mark_exported("invoices", str(inv["id"]))
        booked += 1
    return booked
