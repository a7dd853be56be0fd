"""The generated firm loaded into the PSA and HCM simulators, checked over their own APIs.

One small firm is loaded once per module into the CRM, PSA and HCM; every check reads
through the vendor API an integration would use (Kantata /api/v1, Workday Common v1 and
Staffing, Salesforce SOQL), never the admin API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from harness.data import Firm, TimeEntryStatus
from harness.data._calendar import WorkCalendar
from harness.loaders import LoadReport
from harness.testing import SimHandle

from .._clients import crm_client, hcm_token, tenant_credentials
from .._serving import served
from ._firm_load import kantata_api, load_small_firm

PSA_TOKEN = "psa-loader-test-token"


@pytest.fixture(scope="session")
def psa_sim() -> Iterator[SimHandle]:
    from simulators.kantata import KantataSettings, create_simulator

    yield from served(create_simulator(KantataSettings(token=PSA_TOKEN)))


@pytest.fixture(scope="session")
def hcm_sim() -> Iterator[SimHandle]:
    from simulators.workday import create_simulator

    yield from served(create_simulator())


@dataclass(slots=True)
class Loaded:
    firm: Firm
    report: LoadReport
    psa: httpx.Client
    hcm: httpx.Client
    staffing: httpx.Client
    crm: httpx.Client


def _workday_clients(hcm: SimHandle) -> tuple[httpx.Client, httpx.Client]:
    creds = tenant_credentials(hcm.admin)
    with hcm.client() as c:
        headers = {"authorization": f"Bearer {hcm_token(c, creds)}"}
    staffing = creds["common_base_url"].replace("/common/v1/", "/staffing/v6/")
    return (
        httpx.Client(base_url=creds["common_base_url"] + "/", headers=headers, trust_env=False),
        httpx.Client(base_url=staffing + "/", headers=headers, trust_env=False),
    )


@pytest.fixture(scope="module")
def loaded(psa_sim: SimHandle, hcm_sim: SimHandle, crm_server: SimHandle) -> Iterator[Loaded]:
    firm, report = load_small_firm(5, crm_server, psa=psa_sim, hcm=hcm_sim)
    psa = kantata_api(psa_sim, PSA_TOKEN)
    hcm, staffing = _workday_clients(hcm_sim)
    crm = crm_client(crm_server)
    yield Loaded(firm, report, psa, hcm, staffing, crm)
    for client in (psa, hcm, staffing, crm):
        client.close()
    for h in (psa_sim, hcm_sim, crm_server):
        h.reset()


def _kantata_all(api: httpx.Client, collection: str, **params: Any) -> dict[str, dict[str, Any]]:
    """Every record of a Kantata collection, following pages."""
    per_page = 5000 if collection == "time_entries" else 200
    out: dict[str, dict[str, Any]] = {}
    page = 1
    while True:
        r = api.get(f"/{collection}.json", params={**params, "per_page": per_page, "page": page})
        assert r.status_code == 200, r.text
        body = r.json()
        out.update(body[collection])
        if page >= body["meta"]["page_count"]:
            return out
        page += 1


def _workday_all(api: httpx.Client, path: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    while True:
        r = api.get(path, params={"limit": 100, "offset": len(out)})
        assert r.status_code == 200, r.text
        body = r.json()
        out.extend(body["data"])
        if len(out) >= body["total"]:
            return out


def test_counts_match_the_firm(loaded: Loaded) -> None:
    firm, api = loaded.firm, loaded.psa
    report = loaded.report.counts
    assert report["psa"]["time_entries"] == len(firm.time_entries)
    assert report["hcm"]["workers"] == len(firm.consultants)
    expected = {
        "users": len(firm.consultants) + 1,  # plus the integration's own admin user
        "roles": len(firm.roles),
        "rate_cards": len(firm.rate_cards),
        "workspaces": len(firm.projects),
        "stories": len(firm.tasks) + len(firm.milestones),
        "workspace_resources": len(firm.assignments),
        "time_entries": len(firm.time_entries),
        "expenses": len(firm.expenses),
    }
    for collection, count in expected.items():
        r = api.get(f"/{collection}.json", params={"per_page": 1})
        assert r.status_code == 200, r.text
        assert r.json()["count"] == count, collection
    approved = api.get("/time_entries.json", params={"approved": "true", "per_page": 1}).json()
    assert approved["count"] == sum(t.status is TimeEntryStatus.APPROVED for t in firm.time_entries)
    invoiced = api.get("/time_entries.json", params={"invoiced": "true", "per_page": 1}).json()
    assert invoiced["count"] == sum(t.invoice_line_id is not None for t in firm.time_entries)
    pending = api.get(
        "/timesheet_submissions.json", params={"status": "pending", "per_page": 1}
    ).json()
    assert pending["count"] > 0  # submitted time waits for approval

    workers = loaded.hcm.get("workers", params={"limit": 1}).json()
    assert workers["total"] == len(firm.consultants)
    orgs = loaded.hcm.get("supervisoryOrganizations", params={"limit": 1}).json()
    assert orgs["total"] == len(firm.practices)
    profiles = loaded.staffing.get("jobProfiles", params={"limit": 1}).json()
    assert profiles["total"] == len(firm.roles)


def test_every_psa_user_is_an_hcm_worker(loaded: Loaded) -> None:
    workers = {w["workerId"]: w for w in _workday_all(loaded.hcm, "workers")}
    users = _kantata_all(loaded.psa, "users")
    refs = _kantata_all(loaded.psa, "external_references", subject_type="User")
    employee_of = {str(r["subject_id"]): r["service_model_ref"] for r in refs.values()}
    people = [u for u in users.values() if u["account_permission"] != "administrator"]
    assert len(people) == len(loaded.firm.consultants)
    for user in people:
        worker = workers[employee_of[user["id"]]]
        assert worker["primaryWorkEmail"] == user["email_address"]
        assert worker["descriptor"] == user["full_name"]
    by_hcm = {c.hcm_id: c for c in loaded.firm.consultants}
    for employee_id, worker in workers.items():
        person = by_hcm[employee_id]
        assert worker["businessTitle"] == person.title
        assert worker["primarySupervisoryOrganization"]["descriptor"] == next(
            p.name for p in loaded.firm.practices if p.id == person.practice_id
        )


def test_managers_and_organizations_hold(loaded: Loaded) -> None:
    firm = loaded.firm
    by_id = {c.id: c for c in firm.consultants}
    person = next(c for c in firm.consultants if c.manager_id is not None)
    workers = {w["workerId"]: w for w in _workday_all(loaded.hcm, "workers")}
    manager_wid = workers[by_id[person.manager_id or ""].hcm_id]["id"]
    reports = loaded.hcm.get(f"workers/{manager_wid}/directReports", params={"limit": 100})
    assert reports.status_code == 200, reports.text
    assert person.hcm_id in {w["workerId"] for w in reports.json()["data"]}
    for org in _workday_all(loaded.hcm, "supervisoryOrganizations"):
        assert "manager" in org, org["name"]


def test_workspaces_point_at_won_crm_opportunities(loaded: Loaded) -> None:
    firm = loaded.firm
    workspaces = _kantata_all(loaded.psa, "workspaces")
    refs = _kantata_all(loaded.psa, "external_references", subject_type="Workspace")
    crm_of: dict[str, str] = {}
    erp_of: dict[str, str] = {}
    for ref in refs.values():
        target = crm_of if ref["service_name"] == "Salesforce" else erp_of
        target[str(ref["subject_id"])] = ref["service_model_ref"]
    by_psa = {p.psa_id: p for p in firm.projects}
    assert set(workspaces) == set(by_psa)
    for wid, ws in workspaces.items():
        project = by_psa[wid]
        assert crm_of[wid] == project.external_ref
        assert erp_of[wid] == project.erp_id
        assert ws["currency"] == project.currency
        assert ws["start_date"] == project.start_date.isoformat()
        assert ws["due_date"] == project.end_date.isoformat()
    won = loaded.crm.get(
        "/services/data/v68.0/query/",
        params={"q": "SELECT Id, PSA_Project_Id__c FROM Opportunity WHERE IsWon = true"},
    ).json()
    crm_won = {r["Id"]: r["PSA_Project_Id__c"] for r in won["records"]}
    for wid, opp in crm_of.items():
        assert crm_won[opp] == wid  # the CRM names the same workspace back


def test_time_lies_on_working_days_inside_assignments(loaded: Loaded) -> None:
    firm = loaded.firm
    people = {c.psa_id: c for c in firm.consultants}
    projects = {p.id: p.psa_id for p in firm.projects}
    users = {c.id: c.psa_id for c in firm.consultants}
    staffing = {(projects[a.project_id], users[a.consultant_id]): a for a in firm.assignments}
    resources = _kantata_all(loaded.psa, "workspace_resources")
    staffed = {(r["workspace_id"], r["user_id"]) for r in resources.values()}
    entries = _kantata_all(loaded.psa, "time_entries")
    assert len(entries) == len(firm.time_entries)
    calendar = WorkCalendar(firm.as_of.year - 3, firm.as_of.year + 1)
    for entry in entries.values():
        key = (entry["workspace_id"], entry["user_id"])
        assert key in staffed  # logged by a resource of the workspace
        day = dt.date.fromisoformat(entry["date_performed"])
        assignment = staffing[key]
        assert assignment.start_date <= day <= assignment.end_date
        assert calendar.is_working_day(people[entry["user_id"]].holiday_calendar, day)
        if entry["is_invoiced"]:
            assert entry["approved"] and entry["billable"]
