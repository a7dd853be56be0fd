"""Pools of the seeded firm, prepared before the load starts (never Faker per request).

* ``accounts``: the firm's CRM accounts, for reps to sell to;
* ``projects``: time-and-materials deals closed won through the stack before the run,
  once the stack has set each project up (workspace, ERP job, staff): consultants log
  time on them, change orders and billing runs touch them;
* ``hires``: Hire business-process bodies made from the firm's people (names recombined,
  jobs as the firm staffs them); the load gives each a fresh employee id;
* ``leavers``: consultants not staffed on the pool's projects, for terminations.
"""

from __future__ import annotations

import random
from typing import Any

from ..data import Firm
from ..journeys._actors import ProjectManager, SalesRep
from ..journeys._errors import JourneyFailure
from ..journeys._systems import Systems
from ..loaders._workday import _worker

_HIRE_KEYS = (
    "firstName",
    "lastName",
    "workerType",
    "businessTitle",
    "jobProfile",
    "supervisoryOrganization",
    "location",
    "costCenter",
    "manager",
    "jobType",
    "timeType",
    "costRate",
    "currency",
    "fte",
    "scheduledWeeklyHours",
    "skills",
)


def account_pool(firm: Firm) -> list[dict[str, Any]]:
    return [{"Id": a.crm_id, "Name": a.name} for a in firm.accounts]


def crm_account_pool(systems: Systems, limit: int = 2000) -> list[dict[str, Any]]:
    """Staging: the accounts the CRM holds (a sandbox's ids are not the seeded firm's)."""
    r = systems.crm.call(
        "GET",
        f"{systems.crm_api}/query",
        params={"q": f"SELECT Id, Name FROM Account ORDER BY Name LIMIT {limit}"},
        expect=(200,),
    )
    rows = [{"Id": a["Id"], "Name": a["Name"]} for a in r.json().get("records") or []]
    if not rows:
        raise JourneyFailure("the CRM has no Account to sell to")
    return rows


def project_pool(
    systems: Systems, firm: Firm, count: int, day: str, seed: int, run_id: str
) -> list[dict[str, Any]]:
    """Close ``count`` deals won, wait until the stack set each up, read its staff."""
    if count <= 0:
        return []
    rng = random.Random(f"{seed}:pool")
    rep = SalesRep(systems, rng)
    accounts = account_pool(firm)
    deals = []
    for n in range(count):
        account = rng.choice(accounts)
        amount = float(rng.choice((40000, 60000, 80000)))
        opp = rep.win(
            account,
            f"{account['Name']} - load pool {run_id} {n}",
            "Time and Materials",
            amount,
            day,
        )
        deals.append((opp, amount))
    pm = ProjectManager(systems)
    out = []
    for opp, amount in deals:
        systems.admin["crm"].wait_journal(
            {
                "method": "PATCH",
                "path": f"Opportunity/{opp}$",
                "body_contains": "PSA_Project_Id__c",
                "status": 204,
            }
        )
        o = rep.opportunity(opp)
        ws, job = o.get("PSA_Project_Id__c"), o.get("ERP_Project_Id__c")
        staff = [str(r["user_id"]) for r in pm.staff(str(ws))] if ws else []
        if not ws or not staff:
            raise JourneyFailure(
                f"the stack set up opportunity {opp} without a staffed workspace: {o}"
            )
        out.append(
            {
                "opportunity": opp,
                "workspace": str(ws),
                "job": str(job),
                "staff": staff,
                "amount": amount,
            }
        )
    return out


def hire_pool(firm: Firm, count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(f"{seed}:hires")
    people = firm.consultants
    practices = {p.id: p for p in firm.practices}
    by_id = {c.id: c for c in people}
    minor = {c.id: c.minor_units for c in firm.currencies}
    out = []
    for _ in range(count):
        job, name, surname = rng.choice(people), rng.choice(people), rng.choice(people)
        rec = _worker(job, practices, by_id, minor)
        body = {k: rec[k] for k in _HIRE_KEYS if k in rec}
        body.update(firstName=name.first_name, lastName=surname.last_name)
        body["domain"] = job.email.rsplit("@", 1)[-1]
        out.append(body)
    return out


def leaver_pool(firm: Firm, projects: list[dict[str, Any]], count: int) -> list[dict[str, str]]:
    staffed = {u for p in projects for u in p["staff"]}
    heads = {c.manager_id for c in firm.consultants if c.manager_id}
    out = [
        {"employee": c.hcm_id, "psa_user": c.psa_id}
        for c in firm.consultants
        if c.psa_id not in staffed and c.id not in heads
    ]
    return out[:count]
