"""A job change reads the worker and its hires and terminations as they are now: after an
earlier process, a termination, a re-load of the worker or a reset, never as first read."""

from __future__ import annotations

from typing import Any

import httpx

from harness.testing import SimHandle

from .conftest import TokenFn

REFERENCE: dict[str, list[dict[str, Any]]] = {
    "jobProfiles": [{"name": "Consultant", "code": "JP-CONS", "jobFamily": "Consulting"}],
    "supervisoryOrganizations": [{"name": "Consulting US", "code": "SO-US"}],
}


def _body(api: httpx.Client, org: str, **extra: Any) -> dict[str, Any]:
    reason = api.get("jobChangeReasons").json()["data"][0]["id"]
    return {"jobChangeReason": {"id": reason}, "supervisoryOrganization": {"id": org}, **extra}


def test_termination_after_job_changes_refuses_the_next(
    wd: SimHandle, api: httpx.Client, firm: dict[str, list[str]]
) -> None:
    worker, uk = firm["workers"][5], firm["supervisoryOrganizations"][2]
    body = _body(api, uk)
    for title in ("One", "Two"):  # the second change reads what the first left
        r = api.post(f"workers/{worker}/jobChanges", json={**body, "businessTitle": title})
        assert r.status_code == 201, r.text
    term = wd.admin.post(
        "/tenants/default/workday/terminate",
        json={"worker": worker, "terminationDate": "2022-06-30"},
    )
    assert term.status_code == 200, term.text
    refused = api.post(f"workers/{worker}/jobChanges", json=body)
    assert refused.status_code == 400, refused.text
    assert "terminated" in refused.text
    # before the termination the worker was employed: a back-dated change still completes
    back = api.post(f"workers/{worker}/jobChanges", json={**body, "effective": "2022-03-01"})
    assert back.status_code == 201, back.text
    timeline = wd.admin.get(f"/tenants/default/workday/workers/{worker}/timeline").json()
    kinds = [e["type"] for e in timeline["timeline"]]
    assert kinds == ["Hire", "Job Change", "Job Change", "Termination", "Job Change"]


def _token_client(wd: SimHandle, get_token: TokenFn) -> httpx.Client:
    creds = wd.admin.get("/tenants/default").json()["credentials"]
    with wd.client() as c:
        token = get_token(c, creds)
    return httpx.Client(
        base_url=creds["common_base_url"] + "/",
        headers={"authorization": f"Bearer {token}"},
        trust_env=False,
        timeout=30.0,
    )


def test_worker_loaded_again_after_a_reset_is_read_again(wd: SimHandle, get_token: TokenFn) -> None:
    wid = "ab" * 16
    for hired, name in (("2021-01-04", "First"), ("2024-02-01", "Second")):
        wd.reset()
        for kind, records in REFERENCE.items():
            r = wd.admin.post(f"/tenants/default/records/{kind}", json={"records": records})
            assert r.status_code in (200, 201), r.text
        person = {
            "id": wid,
            "employeeId": "7000",
            "firstName": name,
            "lastName": "Worker",
            "jobProfile": "JP-CONS",
            "supervisoryOrganization": "SO-US",
            "hireDate": hired,
        }
        r = wd.admin.post("/tenants/default/records/workers", json={"records": [person]})
        assert r.status_code in (200, 201), r.text
        with _token_client(wd, get_token) as api:
            orgs = api.get("supervisoryOrganizations").json()["data"]
            body = _body(api, orgs[0]["id"], effective="2023-01-01")
            r = api.post(f"workers/{wid}/jobChanges", json=body)
        if name == "First":
            assert r.status_code == 201, r.text
            assert r.json()["descriptor"] == "Job Change: First Worker"
        else:  # hired after the effective date this time
            assert r.status_code == 400, r.text
            assert "earliest hire date" in r.text
