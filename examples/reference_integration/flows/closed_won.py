"""Closed Won: customer and job in the ERP, project in the PSA, staffing, ids back to the
CRM, and a project activation event. Re-running it changes nothing (upserts by external
id, look-ups before creates), so duplicated or reordered CDC events are harmless.
"""

from __future__ import annotations

from typing import Any

from ..logs import correlation_id, get_logger
from ..services import Services
from . import change_order, credit, notify
from ._common import CRM_SERVICE, save_project
from .staffing import staff

log = get_logger("closed_won")
TM, FIXED, MILESTONE, RETAINER = "Time and Materials", "Fixed Fee", "Milestone", "Retainer"
DELIVERY_TASK = "Delivery"


async def on_opportunity(svc: Services, payload: dict[str, Any]) -> None:
    """An Opportunity changed: set up its project once it is won, or apply a change order."""
    opp_id = str(payload["id"])
    opp = await svc.crm.get("Opportunity", opp_id)
    if opp is None or not opp.get("IsWon"):
        return
    project = svc.store.link("project", opp_id)
    if project is not None and project.get("activated"):
        await credit.request(svc, project, opp)
        await change_order.apply(svc, project, opp)
        return
    await set_up(svc, opp, project or {})


def _cents(amount: Any) -> int:
    return round(float(amount or 0.0) * 100)


async def set_up(svc: Services, opp: dict[str, Any], project: dict[str, Any]) -> None:
    opp_id = str(opp["Id"])
    model = str(opp.get("Billing_Model__c") or TM)
    account = await svc.crm.get("Account", str(opp["AccountId"])) if opp.get("AccountId") else None
    if account is None:
        from ..errors import Unprocessable

        raise Unprocessable(f"opportunity {opp_id} has no account; set AccountId and replay")
    # 1. customer in the ERP, upserted by the CRM account id; a customer the ERP already
    #    has keeps its legal entity and currency
    customer_id, customer = await svc.erp_port.customer(account)
    entity = await legal_entity(svc, customer)
    cf = svc.settings.crm_customer_field
    if account.get(cf) != customer_id and cf in account:
        await svc.crm.update("Account", str(account["Id"]), {cf: customer_id})
    # 2. job (project) in the ERP, upserted by the opportunity id
    job_id = await svc.erp_port.job(opp, customer_id, model, entity)
    # 3. workspace in the PSA, found by its external reference to the opportunity
    ws = await find_workspace(svc, opp_id)
    if ws is None:
        ws = await svc.psa.create(
            "workspaces",
            "workspace",
            {
                "title": opp["Name"],
                "creator_role": "consultant",
                "description": f"{account['Name']}: {model}",
                "start_date": opp.get("CloseDate"),
                "budgeted": True,
                "price_in_cents": _cents(opp.get("Amount")),
                **entity["psa"],
                "external_reference": {
                    "service_name": CRM_SERVICE,
                    "service_model": "Opportunity",
                    "service_model_ref": opp_id,
                    "status": "successful",
                },
            },
        )
    ws_id = str(ws["id"])
    await svc.psa.external_reference(
        {
            "service_name": svc.erp_port.service,
            "service_model": "job",
            "service_model_ref": job_id,
            "subject_type": "Workspace",
            "subject_id": ws_id,
            "status": "successful",
        }
    )
    project = {
        **project,
        "opportunity": opp_id,
        "account": str(account["Id"]),
        "customer_id": customer_id,
        "job_id": job_id,
        "workspace_id": ws_id,
        "billing_model": model,
        "amount": float(opp.get("Amount") or 0.0),
        "close_date": opp.get("CloseDate"),
        "rate_card_id": str(ws.get("rate_card_id") or "") or None,
    }
    save_project(svc, project)
    # 4. billing model: milestone stories carry the invoice schedule
    stories = await ensure_stories(svc, project)
    project["milestones"] = stories["milestones"]
    save_project(svc, project)
    # 5. staffing from the HCM
    project["consultants"] = await staff(svc, project, opp, stories["delivery"])
    # 6. ids back to the CRM
    ids = {svc.settings.crm_workspace_field: ws_id, svc.settings.crm_job_field: job_id}
    if any(opp.get(k) != v for k, v in ids.items()):
        await svc.crm.update("Opportunity", opp_id, ids)
    # 7. project activation event
    await activate(svc, project, opp)
    project["activated"] = True
    save_project(svc, project)
    log.info("project set up", extra={"opportunity": opp_id, "workspace": ws_id, "job": job_id})


async def legal_entity(svc: Services, customer: dict[str, Any] | None) -> dict[str, Any]:
    """The legal entity and currency a known ERP customer sits in, and the PSA rate card in
    that currency: the job and the workspace follow the customer's legal entity."""
    out = await svc.erp_port.legal_entity(customer)
    code = out["psa"].get("currency")
    if code:
        cards = [c for c in await svc.psa.list("rate_cards") if c.get("currency") == code]
        if cards:
            out["psa"]["rate_card_id"] = str(min(cards, key=lambda c: int(c["id"]))["id"])
    return out


async def find_workspace(svc: Services, opp_id: str) -> dict[str, Any] | None:
    found = await svc.psa.list(
        "workspaces",
        external_reference_service_name=CRM_SERVICE,
        external_reference_service_model_ref=opp_id,
    )
    return found[0] if found else None


def plan(svc: Services, model: str, amount: float) -> list[tuple[str, int]]:
    """(milestone title, amount in cents) for the billing model."""
    if model == FIXED:
        return [("Fixed fee completion", _cents(amount))]
    if model == MILESTONE:
        shares = svc.settings.milestone_plan
        cents = [_cents(amount * share) for _, share in shares]
        cents[-1] = _cents(amount) - sum(cents[:-1])
        return [(f"Milestone: {name}", c) for (name, _), c in zip(shares, cents, strict=True)]
    return []


async def ensure_stories(svc: Services, project: dict[str, Any]) -> dict[str, Any]:
    """The delivery task and the billing milestones, created once (matched by title)."""
    ws = project["workspace_id"]
    existing = {s["title"]: s for s in await svc.psa.list("stories", workspace_id=ws)}
    delivery = existing.get(DELIVERY_TASK)
    if delivery is None:
        delivery = await svc.psa.create(
            "stories",
            "story",
            {"workspace_id": ws, "title": DELIVERY_TASK, "story_type": "task", "billable": True},
        )
    milestones: dict[str, dict[str, Any]] = {}
    for title, cents in plan(svc, project["billing_model"], project["amount"]):
        story = existing.get(title)
        if story is None:
            story = await svc.psa.create(
                "stories",
                "story",
                {
                    "workspace_id": ws,
                    "title": title,
                    "story_type": "milestone",
                    "budget_estimate_in_cents": cents,
                    "billable": True,
                },
            )
        milestones[str(story["id"])] = {"title": title, "cents": cents}
    return {"delivery": str(delivery["id"]), "milestones": milestones}


async def activate(svc: Services, project: dict[str, Any], opp: dict[str, Any]) -> None:
    """Outbox record first, then the CRM platform event if the org declares one."""
    key = f"project.activated:{project['opportunity']}"
    event = {
        "opportunity": project["opportunity"],
        "account": project["account"],
        "psa_workspace": project["workspace_id"],
        "erp_job": project["job_id"],
        "billing_model": project["billing_model"],
        "amount": project["amount"],
        "consultants": project.get("consultants", []),
    }
    svc.store.publish("project.activated", key, event, correlation_id())
    notify.announce(svc, "project.activated", key, event)
    pe = svc.settings.platform_event
    row = svc.store.conn.execute("SELECT published_to FROM outbox WHERE key = ?", (key,)).fetchone()
    if row["published_to"]:
        return
    fields = await svc.crm.fields(pe)
    if fields:
        values = {
            name: value
            for name, value in (
                ("Opportunity_Id__c", project["opportunity"]),
                ("PSA_Project_Id__c", project["workspace_id"]),
                ("ERP_Project_Id__c", project["job_id"]),
                ("Billing_Model__c", project["billing_model"]),
            )
            if name in fields
        }
        await svc.crm.create(pe, values)
        svc.store.conn.execute("UPDATE outbox SET published_to = ? WHERE key = ?", (pe, key))
    else:
        svc.store.conn.execute("UPDATE outbox SET published_to = 'outbox' WHERE key = ?", (key,))
