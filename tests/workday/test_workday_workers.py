"""Common v1, Staffing and the older global form: workers, organizations, paging, references."""

from __future__ import annotations

import re
from typing import Any

import httpx

from harness.testing import SimHandle

WID = re.compile(r"^[0-9a-f]{32}$")


def _by_name(items: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(i for i in items if i["descriptor"] == name)


def _all(api: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    offset = 0
    while True:
        r = api.get(path, params={"limit": 100, "offset": offset, **params})
        assert r.status_code == 200, r.text
        body = r.json()
        out.extend(body["data"])
        offset += 100
        if offset >= body["total"]:
            return out


def test_workers_page_with_total_and_zero_based_offset(
    api: httpx.Client, firm: dict[str, list[str]]
) -> None:
    r = api.get("workers")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"total", "data"}
    assert body["total"] == 28  # the terminated worker is not listed
    assert len(body["data"]) == 20  # default limit
    second = api.get("workers", params={"limit": 5, "offset": 5}).json()["data"]
    assert [w["id"] for w in second] == [w["id"] for w in body["data"][5:10]]
    tail = api.get("workers", params={"limit": 100, "offset": 25}).json()
    assert tail["total"] == 28 and len(tail["data"]) == 3
    assert api.get("workers", params={"offset": 500}).json() == {"total": 28, "data": []}


def test_limit_over_100_and_bad_paging_are_validation_errors(api: httpx.Client) -> None:
    for params in ({"limit": 101}, {"limit": 0}, {"limit": "ten"}, {"offset": -1}):
        r = api.get("workers", params=params)
        assert r.status_code == 400, params
        body = r.json()
        assert isinstance(body["error"], str)
        assert body["errors"][0]["field"] in ("limit", "offset")
    assert api.get("workers", params={"limit": 100}).status_code == 200


def test_worker_summary_shape(api: httpx.Client, firm: dict[str, list[str]]) -> None:
    ada = _by_name(_all(api, "workers"), "Ada Lovelace")
    assert WID.match(ada["id"])
    assert ada["href"].endswith(f"/ccx/api/common/v1/psharness_default/workers/{ada['id']}")
    assert ada["primaryWorkEmail"] == "ada.lovelace@firm.example"
    assert ada["primaryWorkPhone"] == "+1 212 555 0101"
    assert ada["businessTitle"] == "Director US"
    assert ada["isManager"] is True
    assert ada["primarySupervisoryOrganization"]["descriptor"] == "Consulting US"
    assert WID.match(ada["primarySupervisoryOrganization"]["id"])
    assert ada["person"] == {
        "id": ada["person"]["id"],
        "email": "ada.lovelace@firm.example",
        "phone": "+1 212 555 0101",
    }
    job = ada["primaryJob"]
    assert job["businessTitle"] == "Director US"
    assert job["jobProfile"]["descriptor"] == "Practice Director" and WID.match(
        job["jobProfile"]["id"]
    )
    assert job["supervisoryOrganization"]["descriptor"] == "Consulting US"
    assert job["jobType"] == {"descriptor": "Regular"}
    assert job["location"]["descriptor"] == "New York Office"
    assert job["location"]["country"]["descriptor"] == "United States of America"
    assert ada["additionalJobs"] == []


def test_worker_by_id_and_by_reference_id(api: httpx.Client, firm: dict[str, list[str]]) -> None:
    ada = _by_name(_all(api, "workers"), "Ada Lovelace")
    r = api.get(f"workers/{ada['id']}")
    assert r.status_code == 200
    profile = r.json()
    assert profile["id"] == ada["id"]
    assert profile["location"]["descriptor"] == "New York Office"
    assert profile["yearsOfService"] >= 7
    assert profile["supervisoryOrganizationsManaged"].endswith("/supervisoryOrganizationsManaged")
    assert api.get("workers/Employee_ID=1001").json()["id"] == ada["id"]
    r = api.get("workers/" + "0" * 32)
    assert r.status_code == 404 and isinstance(r.json()["error"], str)
    assert api.get("workers/Employee_ID=999999").status_code == 404
    # terminated workers leave the list but stay readable by id
    assert api.get("workers/Employee_ID=3000").status_code == 200


def test_search_is_case_insensitive_or_of_terms(
    api: httpx.Client, firm: dict[str, list[str]]
) -> None:
    r = api.get("workers", params={"search": "LOVELACE"}).json()
    assert [w["descriptor"] for w in r["data"]] == ["Ada Lovelace"]
    r = api.get("workers", params={"search": "hopper turing"}).json()
    assert sorted(w["descriptor"] for w in r["data"]) == ["Alan Turing", "Grace Hopper"]
    assert api.get("workers", params={"search": "nobody"}).json() == {"total": 0, "data": []}


def test_direct_reports_and_managed_organizations(
    api: httpx.Client, firm: dict[str, list[str]]
) -> None:
    workers = _all(api, "workers")
    grace, ada = _by_name(workers, "Grace Hopper"), _by_name(workers, "Ada Lovelace")
    reports = api.get(f"workers/{ada['id']}/directReports", params={"limit": 100}).json()
    assert reports["total"] == 20
    assert all(
        w["primarySupervisoryOrganization"]["descriptor"] == "Consulting US"
        for w in reports["data"]
    )
    top = api.get(f"workers/{grace['id']}/directReports").json()
    assert sorted(w["descriptor"] for w in top["data"]) == ["Ada Lovelace", "Alan Turing"]
    one = reports["data"][0]
    assert api.get(f"workers/{ada['id']}/directReports/{one['id']}").json()["id"] == one["id"]
    assert api.get(f"workers/{grace['id']}/directReports/{one['id']}").status_code == 404
    managed = api.get(f"workers/{ada['id']}/supervisoryOrganizationsManaged").json()
    assert managed["total"] == 1 and managed["data"][0]["name"] == "Consulting US"
    consultant = api.get(f"workers/{one['id']}/supervisoryOrganizationsManaged").json()
    assert consultant == {"total": 0, "data": []}
    orgs = api.get(f"workers/{one['id']}/organizations").json()
    types = {o["organizationType"]["descriptor"]: o["descriptor"] for o in orgs["data"]}
    assert types == {"Supervisory": "Consulting US", "Cost Center": "CC100 Consulting US"}


def test_supervisory_organizations(api: httpx.Client, firm: dict[str, list[str]]) -> None:
    orgs = api.get("supervisoryOrganizations").json()
    assert orgs["total"] == 4
    us = _by_name(orgs["data"], "Consulting US")
    assert us["code"] == "SO-US" and us["name"] == "Consulting US" and us["inactive"] is False
    assert us["manager"]["descriptor"] == "Ada Lovelace"
    assert us["href"].endswith(f"/supervisoryOrganizations/{us['id']}")
    assert api.get(f"supervisoryOrganizations/{us['id']}").json()["id"] == us["id"]
    members = api.get(f"supervisoryOrganizations/{us['id']}/workers", params={"limit": 50}).json()
    assert members["total"] == 21  # Ada and her 20 consultants
    m = members["data"][3]
    assert api.get(f"supervisoryOrganizations/{us['id']}/workers/{m['id']}").json()["id"] == m["id"]
    assert api.get("supervisoryOrganizations/" + "f" * 32).status_code == 404


def test_cost_centers_are_organizations_of_type_cost_center(
    api: httpx.Client, firm: dict[str, list[str]]
) -> None:
    types = api.get("organizationTypes").json()["data"]
    cc_type = _by_name(types, "Cost Center")
    for t in ("Cost_Center", "Cost Center", cc_type["id"]):
        ccs = api.get("organizations", params={"type": t}).json()
        assert ccs["total"] == 2, t
        assert {c["code"] for c in ccs["data"]} == {"CC100", "CC200"}
    one = ccs["data"][0]
    assert (
        api.get(f"organizations/{one['id']}").json()["organizationType"]["descriptor"]
        == "Cost Center"
    )
    assert api.get("organizations").json()["total"] == 6
    assert api.get("organizations", params={"type": "Supervisory"}).json()["total"] == 4
    assert api.get("organizations", params={"type": "Planet"}).status_code == 400
    assert api.get(f"organizationTypes/{cc_type['id']}").json()["descriptor"] == "Cost Center"


def test_job_change_reasons(api: httpx.Client) -> None:
    reasons = api.get("jobChangeReasons").json()
    assert reasons["total"] >= 3
    r = reasons["data"][0]
    assert {"id", "descriptor", "isForEmployee", "isForContingentWorker", "managerReason"} <= set(r)
    assert api.get(f"jobChangeReasons/{r['id']}").json()["id"] == r["id"]


def test_staffing_job_profiles(
    wd: SimHandle, api: httpx.Client, creds: dict[str, Any], firm: dict[str, list[str]]
) -> None:
    base = creds["staffing_base_url"]
    assert base.endswith("/ccx/api/staffing/v6/psharness_default")
    r = api.get(base + "/jobProfiles")
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 3  # the inactive profile is left out by default
    cons = _by_name(body["data"], "Consultant")
    assert cons["name"] == "Consultant" and cons["inactive"] is False
    assert cons["jobFamilies"][0]["descriptor"] == "Consulting"
    assert api.get(base + "/jobProfiles", params={"includeInactive": "true"}).json()["total"] == 4
    assert api.get(f"{base}/jobProfiles/{cons['id']}").json()["id"] == cons["id"]
    assert api.get(f"{base}/jobProfiles/{'a' * 32}").status_code == 404
    assert api.get(base.replace("/v6/", "/v1/") + "/jobProfiles").status_code == 404


def test_global_form_as_the_faros_client_reads_it(
    api: httpx.Client, creds: dict[str, Any], firm: dict[str, list[str]]
) -> None:
    for version in ("v1", "v4"):
        base = creds["api_base_url"].replace("/v4/", f"/{version}/")
        r = api.get(base + "/workers", params={"limit": 20, "offset": 0})
        assert r.status_code == 200
        body = r.json()
        assert body["total"] == 28
        w = _by_name(body["data"], "Ada Lovelace")
        assert set(w) >= {"id", "descriptor", "person", "primaryJob", "additionalJobs"}
        assert w["primaryJob"]["supervisoryOrganization"]["descriptor"] == "Consulting US"
        assert api.get(f"{base}/workers/{w['id']}").json()["id"] == w["id"]
        orgs = api.get(base + "/supervisoryOrganizations").json()
        us = _by_name(orgs["data"], "Consulting US")
        assert us["managers"] == [{"id": w["id"], "descriptor": "Ada Lovelace"}]
        assert set(us) >= {"name", "code", "inactive", "managers", "descriptor", "id"}
        chart = api.get(f"{base}/supervisoryOrganizations/{us['id']}/orgChart").json()
        assert chart["total"] == 1
        assert chart["data"][0]["superior"]["name"] == "Professional Services"
    assert api.get(creds["api_base_url"].replace("/v4/", "/v9/") + "/workers").status_code == 404


def test_unknown_paths_and_methods_answer_in_workday_error_model(api: httpx.Client) -> None:
    r = api.get("nosuchresource")
    assert r.status_code == 404 and isinstance(r.json()["error"], str)
    r = api.delete("workers")
    assert r.status_code == 405 and isinstance(r.json()["error"], str)


def test_worker_read_again_follows_writes_to_other_records(
    wd: SimHandle, api: httpx.Client, firm: dict[str, list[str]]
) -> None:
    """A worker answered once is answered again from the store's read cache, but a write to
    any record of the tenant (here a new organization the worker manages) changes the next
    answer."""
    first = api.get("workers/Employee_ID=2001")
    assert first.status_code == 200, first.text
    assert first.json()["isManager"] is False
    assert api.get("workers/Employee_ID=2001").json() == first.json()
    r = wd.admin.post(
        "/tenants/default/records/supervisoryOrganizations",
        json={"records": [{"name": "Data Team", "code": "SO-DATA", "manager": "2001"}]},
    )
    assert r.status_code in (200, 201), r.text
    again = api.get("workers/Employee_ID=2001").json()
    assert again["isManager"] is True
    assert {k: v for k, v in again.items() if k != "isManager"} == {
        k: v for k, v in first.json().items() if k != "isManager"
    }


def test_job_change_by_wid_names_the_organization_as_last_loaded(
    wd: SimHandle, api: httpx.Client, firm: dict[str, list[str]]
) -> None:
    ada, uk = firm["workers"][1], firm["supervisoryOrganizations"][2]
    reason = api.get("jobChangeReasons").json()["data"][0]["id"]
    body = {"jobChangeReason": {"id": reason}, "supervisoryOrganization": {"id": uk}}
    first = api.post(f"workers/{ada}/jobChanges", json=body)
    assert first.status_code == 201, first.text
    assert first.json()["supervisoryOrganization"]["descriptor"] == "Consulting UK"
    renamed = {"id": uk, "name": "Consulting Britain", "code": "SO-UK", "manager": "1002"}
    r = wd.admin.post(
        "/tenants/default/records/supervisoryOrganizations", json={"records": [renamed]}
    )
    assert r.status_code in (200, 201), r.text
    again = api.post(f"workers/{ada}/jobChanges", json={**body, "effective": "2030-01-01"})
    assert again.status_code == 201, again.text
    assert again.json()["supervisoryOrganization"]["descriptor"] == "Consulting Britain"
    assert api.post("workers/" + "1" * 32 + "/jobChanges", json=body).status_code == 404
