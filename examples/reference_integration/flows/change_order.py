"""Change order: a won opportunity's Amount or CloseDate changed. Budget (PSA workspace,
ERP job), staffing demand (assignment estimates) and the invoice schedule (milestones not
yet invoiced) follow; the change is recorded in the outbox."""

from __future__ import annotations

from typing import Any

from ..logs import correlation_id, get_logger
from ..services import Services
from ._common import save_project

log = get_logger("change_order")


async def apply(svc: Services, project: dict[str, Any], opp: dict[str, Any]) -> None:
    amount = float(opp.get("Amount") or 0.0)
    close = opp.get("CloseDate")
    if amount == project.get("amount") and close == project.get("close_date"):
        return  # e.g. our own write-back of the project ids
    from .closed_won import _cents
    from .staffing import demand_minutes

    ws, job = project["workspace_id"], project["job_id"]
    await svc.psa.update(
        "workspaces", "workspace", ws, {"price_in_cents": _cents(amount), "start_date": close}
    )
    await svc.erp_port.change_job(job, close, amount, project["billing_model"])
    old_amount = float(project.get("amount") or 0.0)
    project = {**project, "amount": amount, "close_date": close}
    # staffing demand
    delivery = [
        s for s in await svc.psa.list("stories", workspace_id=ws) if s["title"] == "Delivery"
    ]
    if delivery:
        current = await svc.psa.list("assignments", story_id=str(delivery[0]["id"]), current="true")
        minutes = demand_minutes(svc, project, len(current))
        for a in current:
            if a.get("estimated_minutes") != minutes:
                await svc.psa.update(
                    "assignments", "assignment", str(a["id"]), {"estimated_minutes": minutes}
                )
    # invoice schedule: the milestones not invoiced yet share what is left
    milestones: dict[str, dict[str, Any]] = dict(project.get("milestones") or {})
    if milestones:
        invoiced = {k for k in milestones if svc.store.link("milestone_invoice", k)}
        done_cents = sum(int(milestones[k]["cents"]) for k in invoiced)
        open_ids = [k for k in milestones if k not in invoiced]
        left = _cents(amount) - done_cents
        open_total = sum(int(milestones[k]["cents"]) for k in open_ids) or 1
        for i, sid in enumerate(open_ids):
            share = int(milestones[sid]["cents"]) / open_total
            cents = (
                round(left * share)
                if i < len(open_ids) - 1
                else left - sum(int(milestones[k]["cents"]) for k in open_ids[:i])
            )
            milestones[sid] = {**milestones[sid], "cents": cents}
            await svc.psa.update("stories", "story", sid, {"budget_estimate_in_cents": cents})
        project["milestones"] = milestones
    save_project(svc, project)
    svc.store.publish(
        "project.changed",
        f"project.changed:{project['opportunity']}:{amount}:{close}",
        {
            "opportunity": project["opportunity"],
            "amount": amount,
            "previous_amount": old_amount,
            "close_date": close,
        },
        correlation_id(),
    )
    log.info(
        "change order applied", extra={"opportunity": project["opportunity"], "amount": amount}
    )
