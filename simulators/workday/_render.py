"""JSON shapes of Workday's resources, built from the effective-dated model.

Common v1 follows the published OpenAPI (WorkerSummary, WorkerProfile,
SupervisoryOrganizationSummary, OrganizationSummary, JobChangeReasonSummary); the older
global form (/ccx/api/v4/{tenant}/workers) follows the shapes the faros-ai Workday
client reads (person, primaryJob, additionalJobs; managers[] on organizations).
Common v1 workers carry both, so either kind of client finds what it reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ._ids import fixed_wid
from ._model import (
    COST_CENTER,
    JOB_PROFILE,
    LOCATION,
    ORG,
    ORG_TYPES,
    Directory,
    WorkerView,
    org_type_wid,
)
from ._wire import ref


@dataclass(slots=True)
class Ctx:
    """What rendering needs: where hrefs point and the directory as of today."""

    base_url: str
    tenant: str  # Workday tenant name, as in the URL
    d: Directory
    common_version: str = "v1"

    def common(self, path: str) -> str:
        return f"{self.base_url}/ccx/api/common/{self.common_version}/{self.tenant}/{path}"

    def api(self, version: str, path: str) -> str:
        return f"{self.base_url}/ccx/api/{version}/{self.tenant}/{path}"

    def staffing(self, version: str, path: str) -> str:
        return f"{self.base_url}/ccx/api/staffing/{version}/{self.tenant}/{path}"


def _name(rec: dict[str, Any] | None) -> str:
    return str(rec.get("name", "")) if rec else ""


def org_ref(c: Ctx, org: dict[str, Any] | None) -> dict[str, Any] | None:
    return (
        ref(org["id"], _name(org), c.common(f"supervisoryOrganizations/{org['id']}"))
        if org
        else None
    )


def worker_ref(c: Ctx, v: WorkerView | None) -> dict[str, Any] | None:
    return ref(v.id, v.name, c.common(f"workers/{v.id}")) if v else None


def location_ref(c: Ctx, loc: dict[str, Any] | None) -> dict[str, Any] | None:
    if loc is None:
        return None
    out = ref(loc["id"], _name(loc))
    assert out is not None
    out["country"] = {"descriptor": loc.get("countryName") or loc.get("country") or ""}
    if loc.get("country"):
        out["country"]["id"] = fixed_wid("country", str(loc["country"]))
    return out


def primary_job(c: Ctx, v: WorkerView) -> dict[str, Any]:
    d, job = c.d, v.job
    profile = d.get(JOB_PROFILE, job.get("jobProfileId"))
    org = d.get(ORG, job.get("supervisoryOrganizationId"))
    title = job.get("businessTitle") or _name(profile)
    out: dict[str, Any] = {
        "id": v.rec.get("jobId") or v.id,
        "descriptor": f"{title} - {v.name}" if title else v.name,
        "businessTitle": title,
        "jobProfile": ref(profile["id"], _name(profile)) if profile else None,
        "supervisoryOrganization": ref(org["id"], _name(org)) if org else None,
        "jobType": {"descriptor": job.get("jobType") or "Regular"},
        "location": location_ref(c, d.get(LOCATION, job.get("locationId"))),
    }
    return {k: val for k, val in out.items() if val is not None}


def person(v: WorkerView) -> dict[str, Any]:
    return {
        "id": v.rec.get("personId") or v.id,
        "email": v.rec.get("email") or "",
        "phone": v.rec.get("phone") or "",
    }


def worker_summary(c: Ctx, v: WorkerView) -> dict[str, Any]:
    d = c.d
    org = d.get(ORG, v.job.get("supervisoryOrganizationId"))
    profile = d.get(JOB_PROFILE, v.job.get("jobProfileId"))
    out: dict[str, Any] = {
        "id": v.id,
        "descriptor": v.name,
        "href": c.common(f"workers/{v.id}"),
        "workerId": v.rec.get("employeeId"),
        "workerType": {"descriptor": v.rec.get("workerType") or "Employee"},
        "primaryWorkEmail": v.rec.get("email") or "",
        "primaryWorkPhone": v.rec.get("phone") or "",
        "isManager": bool(d.managed_orgs(v.id)),
        "businessTitle": v.job.get("businessTitle") or _name(profile),
        "primarySupervisoryOrganization": org_ref(c, org),
        "person": person(v),
        "primaryJob": primary_job(c, v),
        "additionalJobs": [],
    }
    return {k: val for k, val in out.items() if val is not None}


def worker_profile(c: Ctx, v: WorkerView) -> dict[str, Any]:
    out = worker_summary(c, v)
    loc = c.d.get(LOCATION, v.job.get("locationId"))
    if loc is not None:
        out["location"] = ref(loc["id"], _name(loc))
        out["primaryWorkAddressText"] = loc.get("address") or _name(loc)
    if v.hire_date:
        out["yearsOfService"] = _years_between(v.hire_date, c.d.asof)
    out["supervisoryOrganizationsManaged"] = c.common(
        f"workers/{v.id}/supervisoryOrganizationsManaged"
    )
    return out


def _years_between(start: str, end: str) -> int:
    a, b = date.fromisoformat(start), date.fromisoformat(end)
    return max(0, b.year - a.year - ((b.month, b.day) < (a.month, a.day)))


def global_worker(c: Ctx, v: WorkerView, version: str) -> dict[str, Any]:
    return {
        "id": v.id,
        "descriptor": v.name,
        "href": c.api(version, f"workers/{v.id}"),
        "person": person(v),
        "primaryJob": primary_job(c, v),
        "additionalJobs": [],
    }


def org_summary(c: Ctx, org: dict[str, Any]) -> dict[str, Any]:
    mgr = c.d.org_manager(org)
    out: dict[str, Any] = {
        "id": org["id"],
        "descriptor": _name(org),
        "href": c.common(f"supervisoryOrganizations/{org['id']}"),
        "name": _name(org),
        "code": org.get("code") or "",
        "inactive": bool(org.get("inactive")),
        "workers": c.common(f"supervisoryOrganizations/{org['id']}/workers"),
    }
    if mgr is not None:
        out["manager"] = worker_ref(c, mgr)
    sup = c.d.get(ORG, org.get("superior"))
    if sup is not None:
        out["superiorOrganization"] = org_ref(c, sup)
    return out


def global_org(c: Ctx, org: dict[str, Any], version: str) -> dict[str, Any]:
    mgr = c.d.org_manager(org)
    return {
        "id": org["id"],
        "descriptor": _name(org),
        "href": c.api(version, f"supervisoryOrganizations/{org['id']}"),
        "name": _name(org),
        "code": org.get("code") or "",
        "inactive": bool(org.get("inactive")),
        "managers": [ref(mgr.id, mgr.name)] if mgr else [],
    }


def org_chart(c: Ctx, org: dict[str, Any], version: str) -> dict[str, Any]:
    sup = c.d.get(ORG, org.get("superior"))
    subs = [o for o in c.d.all(ORG).values() if o.get("superior") == org["id"]]
    return {
        "id": org["id"],
        "descriptor": _name(org),
        "superior": global_org(c, sup, version) if sup else None,
        "subordinates": [global_org(c, o, version) for o in sorted(subs, key=lambda o: _name(o))],
    }


def org_type_ref(c: Ctx, key: str) -> dict[str, Any]:
    desc = dict(ORG_TYPES)[key]
    wid = org_type_wid(key)
    return {"id": wid, "descriptor": desc, "href": c.common(f"organizationTypes/{wid}")}


def organization(c: Ctx, rec: dict[str, Any], type_: str) -> dict[str, Any]:
    """OrganizationSummary of a supervisory organization or a cost center."""
    key = "supervisory" if type_ == ORG else "costcenter"
    return {
        "id": rec["id"],
        "descriptor": _name(rec),
        "href": c.common(f"organizations/{rec['id']}"),
        "name": _name(rec),
        "code": rec.get("code") or "",
        "inactive": bool(rec.get("inactive")),
        "organizationType": org_type_ref(c, key),
    }


def worker_organizations(c: Ctx, v: WorkerView) -> list[dict[str, Any]]:
    out = []
    org = c.d.get(ORG, v.job.get("supervisoryOrganizationId"))
    if org is not None:
        out.append(organization(c, org, ORG))
    cc = c.d.get(COST_CENTER, v.job.get("costCenterId"))
    if cc is not None:
        out.append(organization(c, cc, COST_CENTER))
    return out


def job_profile(c: Ctx, p: dict[str, Any], version: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": p["id"],
        "descriptor": _name(p),
        "href": c.staffing(version, f"jobProfiles/{p['id']}"),
        "name": _name(p),
        "inactive": bool(p.get("inactive")),
        "public": bool(p.get("public", True)),
        "criticalJob": bool(p.get("criticalJob")),
        "defaultJobTitle": p.get("defaultJobTitle") or _name(p),
        "summary": p.get("summary") or "",
        "jobDescription": p.get("jobDescription") or "",
        "jobFamilies": [
            {"id": fixed_wid("jobFamily", str(p["jobFamily"])), "descriptor": p["jobFamily"]}
        ]
        if p.get("jobFamily")
        else [],
    }
    # the rest of the Staffing jobProfileDetailView (v6/v7 OpenAPI); lists empty unless loaded
    for key in (
        "companyInsiderTypes",
        "jobExempts",
        "payRateTypes",
        "restrictedToCountries",
        "workersCompensationCodes",
    ):
        out[key] = [{"descriptor": str(x)} for x in p.get(key) or ()]
    out["workShiftRequired"] = bool(p.get("workShiftRequired"))
    out["additionalJobDescription"] = p.get("additionalJobDescription") or ""
    for key in ("jobCategory", "difficultyToFill"):
        if p.get(key):
            out[key] = {"descriptor": str(p[key])}
    if p.get("managementLevel"):
        out["managementLevel"] = {"descriptor": p["managementLevel"]}
    if p.get("jobLevel"):
        out["jobLevel"] = {"descriptor": str(p["jobLevel"])}
    if p.get("code"):
        out["jobProfileId"] = p["code"]
    return out


def reason(c: Ctx, r: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": r["id"],
        "descriptor": _name(r),
        "href": c.common(f"jobChangeReasons/{r['id']}"),
        "isForEmployee": bool(r.get("isForEmployee", True)),
        "isForContingentWorker": bool(r.get("isForContingentWorker", True)),
        "managerReason": bool(r.get("managerReason", False)),
    }
