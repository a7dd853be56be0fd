"""Invoices in the ERP by billing model, and invoice status back to the PSA and the CRM.

- Time and materials: a billing run (asked for, or scheduled) invoices each project's
  approved, unbilled billable timeBills (applied on the invoice's ``time`` sublist) and
  its billable expenses (item lines), through a date.
- Fixed fee and milestone: a milestone story completed in the PSA invoices its amount.

Invoices are upserted by an external id made from what they bill (``tm-<job>-<hash>``,
``ms-<story>``), so a retried or repeated run never raises a second invoice.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ..logs import get_logger
from ..services import Services
from . import notify
from ._common import project_of_workspace
from .closed_won import FIXED, MILESTONE, TM

log = get_logger("billing")


async def billing_run(svc: Services, through: str) -> list[str]:
    """Invoice every time-and-materials project through ``through``; returns invoice ids."""
    made = []
    for project in svc.store.links("project").values():
        if project.get("billing_model") == TM and project.get("activated"):
            inv = await bill_project(svc, project, through)
            if inv:
                made.append(inv)
    return made


async def finish_pending(svc: Services, project: dict[str, Any]) -> None:
    """Complete invoices raised before a failure stopped their PSA and CRM updates."""
    for eid, pending in svc.store.links("billing").items():
        if pending["job"] != project["job_id"] or pending.get("done"):
            continue
        inv = await svc.erp_port.invoice_by_key(eid)
        if inv is not None:
            await record_invoice(
                svc, project, str(inv["id"]), pending["time_entries"], pending["expenses"]
            )
        svc.store.set_link("billing", eid, {**pending, "done": True})


async def catch_up_time(svc: Services, project: dict[str, Any], through: str) -> int:
    """Approved, uninvoiced PSA time whose event never reached us becomes a timeBill before
    the run bills: the PSA, not the event stream, says what was approved."""
    from .time_expense import sync_time_entry

    entries = await svc.psa.list(
        "time_entries",
        workspace_id=project["workspace_id"],
        approved="true",
        uninvoiced="true",
    )
    made = 0
    for te in entries:
        if str(te.get("date_performed") or "") <= through:
            made += await sync_time_entry(svc, te, project)
    return made


async def bill_project(svc: Services, project: dict[str, Any], through: str) -> str | None:
    job = project["job_id"]
    await finish_pending(svc, project)
    await catch_up_time(svc, project, through)
    bills = await svc.erp_port.unbilled_time(project, through)
    expenses = {
        k: v
        for k, v in svc.store.links("expense").items()
        if v["job_id"] == job and not v.get("invoice") and v["date"] <= through
    }
    if not bills and not expenses:
        return None
    ids = sorted(str(b) for b, _ in bills) + [f"x{k}" for k in sorted(expenses)]
    digest = hashlib.sha1(",".join(ids).encode()).hexdigest()[:16]
    eid = f"tm-{job}-{digest}"
    te_ids = [te for _, te in bills if te is not None]
    pending = {"job": job, "time_entries": te_ids, "expenses": list(expenses), "done": False}
    svc.store.set_link("billing", eid, pending)
    inv_id = await svc.erp_port.time_invoice(eid, project, through, [b for b, _ in bills], expenses)
    for k, v in expenses.items():
        svc.store.set_link("expense", k, {**v, "invoice": inv_id})
    await record_invoice(svc, project, inv_id, te_ids, list(expenses))
    svc.store.set_link("billing", eid, {**pending, "done": True})
    log.info("T&M invoice", extra={"job": job, "invoice": inv_id, "timebills": len(bills)})
    return inv_id


async def on_story(svc: Services, story_id: str) -> None:
    """A milestone completed on a fixed-fee or milestone project: invoice its amount."""
    story = await svc.psa.get("stories", story_id)
    if story is None or story.get("story_type") != "milestone" or story.get("state") != "completed":
        return
    project = project_of_workspace(svc, str(story["workspace_id"]))
    if project is None or project["billing_model"] not in (FIXED, MILESTONE):
        return
    cents = (project.get("milestones") or {}).get(str(story["id"]), {}).get("cents")
    if cents is None:
        cents = int(story.get("budget_estimate_in_cents") or 0)
    inv_id = await svc.erp_port.milestone_invoice(
        f"ms-{story['id']}", project, str(story["title"]), int(cents)
    )
    svc.store.set_link("milestone_invoice", str(story["id"]), {"invoice": inv_id})
    await record_invoice(svc, project, inv_id, [], [])
    log.info("milestone invoice", extra={"story": story["id"], "invoice": inv_id})


async def record_invoice(
    svc: Services,
    project: dict[str, Any],
    inv_id: str,
    time_entry_ids: list[str],
    expense_ids: list[str],
) -> None:
    """The PSA invoice (marks its time and expenses invoiced) and the CRM status."""
    inv = await svc.erp_port.invoice(inv_id)
    tran = str((inv or {}).get("tranId") or inv_id)
    status = _status(inv)
    found = await svc.psa.list(
        "invoices",
        external_reference_service_name=svc.erp_port.service,
        external_reference_service_model_ref=inv_id,
    )
    if not found:
        await svc.psa.create(
            "invoices",
            "invoice",
            {
                "workspace_id": project["workspace_id"],
                "time_entry_ids": time_entry_ids,
                "expense_ids": expense_ids,
                "draft": False,
                "user_invoice_title": tran,
                "external_reference": {
                    "service_name": svc.erp_port.service,
                    "service_model": "invoice",
                    "service_model_ref": inv_id,
                    "status": "successful",
                    "external_status": status,
                },
            },
        )
    else:  # seen again (a repeated event): the PSA reference follows the ERP first
        await psa_status(svc, inv_id, status, found)
    svc.store.set_link("invoice", inv_id, {"opportunity": project["opportunity"], "tran": tran})
    notify.announce(
        svc,
        "invoice.issued",
        f"invoice.issued:{inv_id}",
        {
            "tran": tran,
            "opportunity": project["opportunity"],
            "amount": float((inv or {}).get("total") or 0),
            "currency": str(((inv or {}).get("currency") or {}).get("refName") or ""),
            "status": status,
        },
    )
    await crm_latest_status(svc, project["opportunity"], {inv_id: inv})


async def psa_status(
    svc: Services, invoice_id: str, status: str, psa_invoices: list[dict[str, Any]]
) -> None:
    """The ERP invoice's status on the external reference of its PSA invoice(s)."""
    for psa_inv in psa_invoices:
        await svc.psa.external_reference(
            {
                "service_name": svc.erp_port.service,
                "service_model": "invoice",
                "service_model_ref": invoice_id,
                "subject_type": "Invoice",
                "subject_id": str(psa_inv["id"]),
                "status": "successful",
                "external_status": status,
            }
        )


def _status(inv: dict[str, Any] | None) -> str:
    st = (inv or {}).get("status")
    if isinstance(st, dict):
        return str(st.get("refName") or st.get("id"))
    return str(st or "Open")


async def crm_status(svc: Services, opp_id: str, text: str) -> None:
    field = svc.settings.crm_invoice_status_field
    if field in await svc.crm.fields("Opportunity"):
        await svc.crm.update("Opportunity", opp_id, {field: text[:255]})


async def crm_latest_status(svc: Services, opp_id: str, read: dict[str, Any] | None = None) -> None:
    """The CRM shows the status of the opportunity's newest invoice, read from the ERP now.

    Invoice notifications can arrive (or be retried) in any order; writing the status of
    whichever invoice an event named would let an older invoice's payment overwrite the
    newest one's status."""
    ours = [k for k, v in svc.store.links("invoice").items() if v["opportunity"] == opp_id]
    if not ours:
        return
    links = svc.store.links("invoice")
    newest = svc.erp_port.newest({k: links[k] for k in ours})
    # the record this task already read (and told the PSA about), else the ERP's now
    inv = (read or {}).get(newest) or await svc.erp_port.invoice(newest)
    tran = str((inv or {}).get("tranId") or newest)
    await crm_status(svc, opp_id, f"{tran} {_status(inv)}")


async def on_erp_invoice(svc: Services, invoice_id: str) -> None:
    """An ERP invoice changed: a payment shows in the PSA reference and the CRM."""
    known = svc.store.link("invoice", invoice_id)
    if known is None:
        return
    inv = await svc.erp_port.invoice(invoice_id)
    if inv is None:
        return
    found = await svc.psa.list(
        "invoices",
        external_reference_service_name=svc.erp_port.service,
        external_reference_service_model_ref=invoice_id,
    )
    await psa_status(svc, invoice_id, _status(inv), found)
    await crm_latest_status(svc, known["opportunity"], {invoice_id: inv})
