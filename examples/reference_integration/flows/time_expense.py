"""Approved time and expenses in the PSA become ERP timeBills and expense reports.

Both are upserted by the PSA record's id (``kantata-te-<id>``, ``kantata-exp-<id>``), so
an event seen twice writes the same record. Time is billable in the ERP only on
time-and-materials projects; billable expenses are billed by the next billing run.
"""

from __future__ import annotations

from typing import Any

from ..logs import get_logger
from ..services import Services
from ._common import ensure_employee, project_of_workspace
from .closed_won import TM

log = get_logger("time_expense")


async def on_time_entry(svc: Services, entry_id: str) -> None:
    te = await svc.psa.get("time_entries", entry_id)
    if te is None or not te.get("approved"):
        return
    project = project_of_workspace(svc, str(te["workspace_id"]))
    if project is None:
        return  # not a project this integration set up
    await sync_time_entry(svc, te, project)


async def sync_time_entry(svc: Services, te: dict[str, Any], project: dict[str, Any]) -> int:
    """Upsert the approved entry's timeBill unless it is billed; 1 when written."""
    eid = f"kantata-te-{te['id']}"
    existing = await svc.erp.get(f"timeBill/eid:{eid}")
    if existing is not None and existing.get("isBilled"):
        return 0  # already invoiced; billed time cannot change
    if existing is not None and _same(existing, te):
        return 0
    employee = await ensure_employee(svc, str(te["user_id"]))
    billable = bool(te.get("billable")) and project["billing_model"] == TM
    await svc.erp.upsert(
        "timeBill",
        eid,
        {
            "employee": {"externalId": employee},
            "customer": {"id": project["job_id"]},
            "hours": round(int(te["time_in_minutes"]) / 60, 4),
            "rate": int(te.get("rate_in_cents") or 0) / 100,
            "tranDate": te["date_performed"],
            "isBillable": billable,
            "approvalStatus": {"id": "3"},
            "memo": (te.get("notes") or "")[:200] or None,
        },
    )
    log.info("timeBill upserted", extra={"time_entry": te["id"], "external_id": eid})
    return 1


def _same(bill: dict[str, Any], te: dict[str, Any]) -> bool:
    """The timeBill already says what the entry says (hours and rate)."""
    hours = round(int(te["time_in_minutes"]) / 60, 4)
    rate = int(te.get("rate_in_cents") or 0) / 100
    return (
        abs(float(bill.get("hours") or 0) - hours) < 1e-6
        and abs(float(bill.get("rate") or 0) - rate) < 1e-6
    )


async def on_expense(svc: Services, expense_id: str) -> None:
    ex = await svc.psa.get("expenses", expense_id)
    if ex is None:
        return
    project = project_of_workspace(svc, str(ex["workspace_id"]))
    if project is None:
        return
    eid = f"kantata-exp-{ex['id']}"
    employee = await ensure_employee(svc, str(ex["user_id"]))
    billable = bool(ex.get("is_billable")) and project["billing_model"] == TM
    amount = int(ex["amount_in_cents"]) / 100
    await svc.erp.create_once(
        "expenseReport",
        eid,
        {
            "entity": {"externalId": employee},
            "tranDate": ex["date"],
            "memo": f"{ex.get('category')}: {ex.get('notes') or ''}"[:200],
            "expense": {
                "items": [
                    {
                        "amount": amount,
                        "expenseDate": ex["date"],
                        "memo": str(ex.get("category") or "Expense"),
                        "customer": {"id": project["job_id"]},
                        "isBillable": billable,
                    }
                ]
            },
        },
    )
    if billable and svc.store.link("expense", str(ex["id"])) is None:
        svc.store.set_link(
            "expense",
            str(ex["id"]),
            {
                "job_id": project["job_id"],
                "amount": amount,
                "category": ex.get("category"),
                "date": ex["date"],
                "invoice": None,
            },
        )
    log.info("expense report upserted", extra={"expense": ex["id"], "external_id": eid})
