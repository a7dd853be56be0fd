"""Staffing: consultants from the HCM (RaaS staffing report) by skills, load and cost rate,
made workspace resources and assigned in the PSA, and set up as ERP employees."""

from __future__ import annotations

from typing import Any

from ..logs import get_logger
from ..services import Services
from ._common import upsert_employee

log = get_logger("staffing")


def bill_rate(svc: Services, row: dict[str, Any]) -> float:
    """The rate card: by job profile, then business title, then the default rate."""
    rates = svc.settings.bill_rates
    for key in (row.get("Job_Profile"), row.get("Business_Title")):
        if key and key in rates:
            return float(rates[key])
    return svc.settings.default_bill_rate


def rank(
    rows: list[dict[str, Any]], skills: set[str], load: dict[str, int]
) -> list[dict[str, Any]]:
    """Active workers, best first: most required skills, least current load, lowest cost rate."""

    def key(row: dict[str, Any]) -> tuple[int, int, float, str]:
        have = {s.strip().lower() for s in str(row.get("Skills", "")).split(";") if s.strip()}
        return (
            -len(have & skills),
            load.get(str(row.get("Email", "")).lower(), 0),
            float(row.get("Cost_Rate") or 0.0),
            str(row.get("Employee_ID")),
        )

    active = [r for r in rows if r.get("Active", "1") == "1" and r.get("Email")]
    return sorted(active, key=key)


async def staff(
    svc: Services, project: dict[str, Any], opp: dict[str, Any], story_id: str
) -> list[str]:
    """Make sure the workspace has its consultants; returns their PSA user ids."""
    ws = project["workspace_id"]
    existing = await svc.psa.list("workspace_resources", workspace_id=ws)
    have = [str(r["user_id"]) for r in existing if r.get("user_id")]
    want = svc.settings.staff_per_project
    if len(have) < want:
        skills = {
            s.strip().lower()
            for s in str(opp.get("Required_Skills__c") or "").split(";")
            if s.strip()
        }
        rows = await svc.hcm.report()
        shortlist = rank(rows, skills, {})[: max(want * 4, 8)]
        users: dict[str, str] = {}
        roles: dict[str, str] = {}
        load: dict[str, int] = {}
        for row in shortlist:
            found = await svc.psa.list("users", by_email_address=row["Email"])
            if found:
                uid = str(found[0]["id"])
                users[str(row["Email"]).lower()] = uid
                if found[0].get("role_id"):
                    roles[uid] = str(found[0]["role_id"])
                current = await svc.psa.list("assignments", assignee_id=uid, current="true")
                load[str(row["Email"]).lower()] = len(current)
        for row in rank(shortlist, skills, load):
            if len(have) >= want:
                break
            uid_or_none = users.get(str(row["Email"]).lower())
            if uid_or_none is None or uid_or_none in have:
                continue
            uid = uid_or_none
            resource: dict[str, Any] = {
                "workspace_id": ws,
                "user_id": uid,
                "cost_rate": float(row.get("Cost_Rate") or 0.0),
            }
            if project.get("rate_card_id") and uid in roles:
                resource["role_id"] = roles[uid]  # the PSA prices the role from the rate card
            else:
                resource["bill_rate"] = bill_rate(svc, row)
            await svc.psa.create("workspace_resources", "workspace_resource", resource)
            await upsert_employee(svc, uid, row)
            have.append(uid)
            log.info(
                "staffed", extra={"workspace": ws, "user": uid, "employee": row["Employee_ID"]}
            )
    await assign(svc, project, story_id, have)
    return have


def demand_minutes(svc: Services, project: dict[str, Any], people: int) -> int:
    """Estimated minutes per consultant: the budget at the default rate, shared out."""
    hours = float(project.get("amount") or 0.0) / max(svc.settings.default_bill_rate, 1.0)
    return int(hours * 60 / max(people, 1))


async def assign(svc: Services, project: dict[str, Any], story_id: str, users: list[str]) -> None:
    """One current assignment per consultant on the delivery task."""
    current = await svc.psa.list("assignments", story_id=story_id)
    assigned = {str(a["assignee_id"]) for a in current}
    minutes = demand_minutes(svc, project, len(users))
    for uid in users:
        if uid not in assigned:
            await svc.psa.create(
                "assignments",
                "assignment",
                {"story_id": story_id, "assignee_id": uid, "estimated_minutes": minutes},
            )
