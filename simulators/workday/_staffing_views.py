"""Staffing-service shapes (v6/v7) where they differ from the Common service's.

Properties follow Workday's Staffing OpenAPI (``_openapi/staffing_v*.json``): supervisory
organizations carry ``managers`` (a list), jobs are the workers' positions (``jobData``),
job families are derived from the job profiles that name them. References with no value
are left out, as the Common views do.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from . import _render as V
from ._ids import fixed_wid
from ._model import JOB_PROFILE
from ._wire import ref


def supervisory_org(c: V.Ctx, org: dict[str, Any], version: str) -> dict[str, Any]:
    mgr = c.d.org_manager(org)
    return {
        "id": org["id"],
        "descriptor": V._name(org),
        "href": c.staffing(version, f"supervisoryOrganizations/{org['id']}"),
        "name": V._name(org),
        "code": org.get("code") or "",
        "inactive": bool(org.get("inactive")),
        "managers": [V.worker_ref(c, mgr)] if mgr else [],
    }


def job_id(v: V.WorkerView) -> str:
    return str(v.rec.get("jobId") or v.id)


def job(c: V.Ctx, v: V.WorkerView, version: str) -> dict[str, Any]:
    """A worker's position as the Staffing service's ``jobData``."""
    out = V.primary_job(c, v)
    out["id"] = job_id(v)
    out["href"] = c.staffing(version, f"jobs/{out['id']}")
    out["worker"] = V.worker_ref(c, v)
    # pay periods are not modelled: monthly periods assumed, the next starts on the 1st
    today = date.fromisoformat(c.d.asof)
    nxt = date(today.year + today.month // 12, today.month % 12 + 1, 1)
    out["nextPayPeriodStartDate"] = nxt.isoformat()
    return out


def family_id(name: str) -> str:
    return fixed_wid("jobFamily", name)


def job_families(c: V.Ctx, version: str) -> list[dict[str, Any]]:
    """One job family per name the job profiles carry, with the profiles in it."""
    members: dict[str, list[dict[str, Any]]] = {}
    for p in c.d.all(JOB_PROFILE).values():
        if p.get("jobFamily"):
            members.setdefault(str(p["jobFamily"]), []).append(p)
    out = []
    for name in sorted(members):
        profiles = sorted(members[name], key=lambda p: (V._name(p), p["id"]))
        fid = family_id(name)
        out.append(
            {
                "id": fid,
                "descriptor": name,
                "href": c.staffing(version, f"jobFamilies/{fid}"),
                "inactive": False,
                "summary": "",
                "jobProfiles": [
                    ref(p["id"], V._name(p), c.staffing(version, f"jobProfiles/{p['id']}"))
                    for p in profiles
                ],
            }
        )
    return out
