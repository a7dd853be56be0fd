"""Effective dating on the tenant clock: future job changes, terminations, cost-rate changes, hires."""

from __future__ import annotations

from typing import Any

import httpx

from harness.testing import SimHandle


def _freeze(wd: SimHandle, at: str) -> None:
    r = wd.admin.post("/tenants/default/clock", json={"freeze": True, "at": at})
    assert r.status_code == 200, r.text


def _advance_days(wd: SimHandle, days: float) -> None:
    assert (
        wd.admin.post("/tenants/default/clock", json={"advance_seconds": days * 86400}).status_code
        == 200
    )


def _reason(api: httpx.Client) -> dict[str, Any]:
    return {"id": api.get("jobChangeReasons").json()["data"][0]["id"]}


def _org(api: httpx.Client, name: str) -> dict[str, Any]:
    orgs = api.get("supervisoryOrganizations").json()["data"]
    return next(o for o in orgs if o["name"] == name)


def _report(
    wd: SimHandle, api: httpx.Client, creds: dict[str, Any], **prompts: str
) -> list[dict[str, str]]:
    r = api.get(creds["report_url"], params=prompts)
    assert r.status_code == 200, r.text
    return r.json()["Report_Entry"]  # type: ignore[no-any-return]


def test_future_job_change_shows_from_its_effective_date(
    wd: SimHandle, api: httpx.Client, firm: dict[str, list[str]]
) -> None:
    _freeze(wd, "2026-03-10T12:00:00Z")
    uk = _org(api, "Consulting UK")
    r = api.post(
        "workers/Employee_ID=2001/jobChanges",
        json={
            "effective": "2026-04-01",
            "jobChangeReason": _reason(api),
            "supervisoryOrganization": {"id": uk["id"]},
            "businessTitle": "Consultant (UK secondment)",
        },
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert len(created["id"]) == 32 and created["effective"] == "2026-04-01"
    assert created["supervisoryOrganization"]["id"] == uk["id"]
    w = api.get("workers/Employee_ID=2001").json()
    assert w["primarySupervisoryOrganization"]["descriptor"] == "Consulting US"
    assert w["businessTitle"] == "Consultant"
    _advance_days(wd, 21)  # 2026-03-31
    assert (
        api.get("workers/Employee_ID=2001").json()["primarySupervisoryOrganization"]["descriptor"]
        == "Consulting US"
    )
    _advance_days(wd, 1)  # 2026-04-01
    w = api.get("workers/Employee_ID=2001").json()
    assert w["primarySupervisoryOrganization"]["descriptor"] == "Consulting UK"
    assert w["businessTitle"] == "Consultant (UK secondment)"
    # the new manager follows the organization
    turing = api.get("workers/Employee_ID=1002").json()
    reports = api.get(f"workers/{turing['id']}/directReports", params={"limit": 100}).json()["data"]
    assert w["id"] in [x["id"] for x in reports]
    history = api.get(f"workers/{w['id']}/history").json()
    assert [h["businessProcessType"]["descriptor"] for h in history["data"]] == [
        "Job Change",
        "Hire",
    ]


def test_termination_takes_effect_after_the_termination_date(
    wd: SimHandle, api: httpx.Client, firm: dict[str, list[str]]
) -> None:
    _freeze(wd, "2026-03-10T12:00:00Z")
    r = wd.admin.post(
        "/tenants/default/workday/terminate",
        json={"worker": "2002", "terminationDate": "2026-03-20"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["event"]["businessProcessType"] == "Termination"
    assert api.get("workers").json()["total"] == 28
    _advance_days(wd, 10)  # 2026-03-20: the last day of work, still employed
    assert api.get("workers").json()["total"] == 28
    _advance_days(wd, 1)
    listed = api.get("workers", params={"limit": 100}).json()
    assert listed["total"] == 27
    assert "2002" not in [x["workerId"] for x in listed["data"]]
    assert api.get("workers/Employee_ID=2002").status_code == 200
    # a job change after the termination is refused the way Workday refuses it
    r = api.post(
        "workers/Employee_ID=2002/jobChanges",
        json={
            "jobChangeReason": _reason(api),
            "supervisoryOrganization": {"id": _org(api, "Consulting UK")["id"]},
        },
    )
    assert r.status_code == 400
    assert "terminated" in r.json()["errors"][0]["error"]


def test_cost_rate_change_and_report_effective_as_of_date(
    wd: SimHandle, api: httpx.Client, creds: dict[str, Any], firm: dict[str, list[str]]
) -> None:
    _freeze(wd, "2026-03-10T12:00:00Z")
    r = wd.admin.post(
        "/tenants/default/workday/change",
        json={"worker": "2004", "effective": "2026-07-01", "costRate": 99.5, "fte": 0.5},
    )
    assert r.status_code == 200, r.text
    assert r.json()["event"]["businessProcessType"] == "Request Compensation Change"

    def rate(rows: list[dict[str, str]]) -> tuple[str, str]:
        row = next(x for x in rows if x["Employee_ID"] == "2004")
        return row["Cost_Rate"], row["FTE"]

    assert rate(_report(wd, api, creds)) == ("84.00", "1")
    assert rate(_report(wd, api, creds, Effective_as_of_Date="2026-07-01")) == ("99.50", "0.5")
    _advance_days(wd, 113)  # 2026-07-01
    assert rate(_report(wd, api, creds)) == ("99.50", "0.5")
    assert rate(_report(wd, api, creds, Effective_as_of_Date="2026-06-30")) == ("84.00", "1")


def test_future_hire_is_invisible_until_the_hire_date(
    wd: SimHandle, api: httpx.Client, firm: dict[str, list[str]]
) -> None:
    _freeze(wd, "2026-03-10T12:00:00Z")
    r = wd.admin.post(
        "/tenants/default/workday/hire",
        json={
            "firstName": "Katherine",
            "lastName": "Johnson",
            "email": "k.johnson@firm.example",
            "hireDate": "2026-03-16",
            "jobProfile": "JP-SCONS",
            "supervisoryOrganization": "SO-US",
            "location": "NYC",
            "costCenter": "CC100",
            "costRate": 95,
            "currency": "USD",
            "skills": ["SQL"],
        },
    )
    assert r.status_code == 201, r.text
    wid = r.json()["worker"]["id"]
    assert api.get(f"workers/{wid}").status_code == 404
    assert api.get("workers", params={"search": "johnson"}).json()["total"] == 0
    _advance_days(wd, 6)
    w = api.get(f"workers/{wid}").json()
    assert w["primaryJob"]["jobProfile"]["descriptor"] == "Senior Consultant"
    assert w["workerId"] == r.json()["worker"]["employeeId"]
    assert api.get("workers", params={"search": "johnson"}).json()["total"] == 1


def test_job_change_before_hire_date_is_refused(
    api: httpx.Client, firm: dict[str, list[str]]
) -> None:
    r = api.post(
        "workers/Employee_ID=2005/jobChanges",
        json={
            "effective": "2020-01-01",
            "jobChangeReason": _reason(api),
            "supervisoryOrganization": {"id": _org(api, "Consulting UK")["id"]},
        },
    )
    assert r.status_code == 400
    assert (
        r.json()["errors"][0]["error"]
        == "The date entered cannot be earlier than the earliest hire date."
    )
