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
    """Write the approved entry's time to the ERP unless billed or unchanged; 1 when written."""
    return await svc.erp_port.time_bill(
        te, project, lambda: ensure_employee(svc, str(te["user_id"]))
    )


async def on_expense(svc: Services, expense_id: str) -> None:
    ex = await svc.psa.get("expenses", expense_id)
    if ex is None:
        return
    project = project_of_workspace(svc, str(ex["workspace_id"]))
    if project is None:
        return
    billable = bool(ex.get("is_billable")) and project["billing_model"] == TM
    amount = int(ex["amount_in_cents"]) / 100
    await svc.erp_port.expense(
        ex, project, lambda: ensure_employee(svc, str(ex["user_id"])), billable
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
