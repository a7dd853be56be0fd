"""Bad input never yields a 500: malformed JSON, wrong types, unknown fields, oversized bodies, bad auth."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from harness.testing import SimHandle


@pytest.fixture
def ids(api: httpx.Client, firm: dict[str, list[str]]) -> dict[str, str]:
    reason = api.get("jobChangeReasons").json()["data"][0]["id"]
    org = next(
        o for o in api.get("supervisoryOrganizations").json()["data"] if o["code"] == "SO-UK"
    )["id"]
    closed = next(
        o for o in api.get("supervisoryOrganizations").json()["data"] if o["code"] == "SO-OLD"
    )["id"]
    return {"reason": reason, "org": org, "closed": closed}


def _assert_error(r: httpx.Response, status: int, field: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body = r.json()
    assert isinstance(body["error"], str) and body["error"]
    if field is not None:
        assert body["errors"][0]["field"] == field, body
    return body  # type: ignore[no-any-return]


def test_malformed_and_non_object_json(api: httpx.Client, ids: dict[str, str]) -> None:
    url = "workers/Employee_ID=2001/jobChanges"
    h = {"content-type": "application/json"}
    _assert_error(api.post(url, content=b'{"effective": ', headers=h), 400)
    _assert_error(api.post(url, content=b"", headers=h), 400)
    _assert_error(api.post(url, content=b"\xff\xfe\x00garbage", headers=h), 400)
    _assert_error(api.post(url, json=[{"effective": "2026-01-01"}]), 400)
    _assert_error(api.post(url, json="text"), 400)


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"supervisoryOrganization": "SO-UK"}, "supervisoryOrganization"),
        ({"supervisoryOrganization": {"id": 42}}, "supervisoryOrganization"),
        ({"supervisoryOrganization": {"id": "0" * 32}}, "supervisoryOrganization"),
        ({"jobChangeReason": 5}, "jobChangeReason"),
        ({"jobChangeReason": None}, "jobChangeReason"),
        ({"effective": 20260101}, "effective"),
        ({"effective": "2026-13-45"}, "effective"),
        ({"moveManagersTeam": "yes"}, "moveManagersTeam"),
        ({"proposedOrganizations": "CC100"}, "proposedOrganizations"),
        ({"proposedOrganizations": [{"id": "nope"}]}, "proposedOrganizations"),
        ({"businessTitle": ["a"]}, "businessTitle"),
        ({"jobProfile": {"id": "JP-NOPE"}}, "jobProfile"),
        ({"favouriteColour": "blue"}, "favouriteColour"),
    ],
)
def test_wrong_types_and_unknown_fields(
    api: httpx.Client, ids: dict[str, str], patch: dict[str, Any], field: str
) -> None:
    body: dict[str, Any] = {
        "jobChangeReason": {"id": ids["reason"]},
        "supervisoryOrganization": {"id": ids["org"]},
        **patch,
    }
    _assert_error(api.post("workers/Employee_ID=2001/jobChanges", json=body), 400, field)


def test_business_rules_of_change_job(api: httpx.Client, ids: dict[str, str]) -> None:
    url = "workers/Employee_ID=2001/jobChanges"
    body = _assert_error(
        api.post(url, json={"supervisoryOrganization": {"id": ids["org"]}}), 400, "jobChangeReason"
    )
    assert body["errors"][0]["error"] == "Reason is required."
    body = _assert_error(
        api.post(url, json={"jobChangeReason": {"id": ids["reason"]}}),
        400,
        "supervisoryOrganization",
    )
    assert body["errors"][0]["error"] == "Proposed Supervisory Organization is required."
    body = _assert_error(
        api.post(
            url,
            json={
                "jobChangeReason": {"id": ids["reason"]},
                "supervisoryOrganization": {"id": ids["closed"]},
            },
        ),
        400,
    )
    assert body["errors"][0]["error"] == "Supervisory Organization must be active."
    r = api.post(
        "workers/" + "0" * 32 + "/jobChanges",
        json={
            "jobChangeReason": {"id": ids["reason"]},
            "supervisoryOrganization": {"id": ids["org"]},
        },
    )
    _assert_error(r, 404)


def test_oversized_body_is_413(api: httpx.Client, ids: dict[str, str]) -> None:
    big = b'{"businessTitle": "' + b"x" * (10 * 1024 * 1024 + 16) + b'"}'
    r = api.post(
        "workers/Employee_ID=2001/jobChanges",
        content=big,
        headers={"content-type": "application/json"},
    )
    _assert_error(r, 413)


def test_missing_or_wrong_auth_is_401_everywhere(
    wd: SimHandle, creds: dict[str, Any], firm: dict[str, list[str]]
) -> None:
    base = creds["common_base_url"]
    urls = [
        base + "/workers",
        base + "/workers/Employee_ID=1001",
        base + "/supervisoryOrganizations",
        base + "/organizations",
        creds["staffing_base_url"] + "/jobProfiles",
        creds["api_base_url"] + "/workers",
        creds["report_url"],
    ]
    with wd.client() as c:
        for url in urls:
            for headers in (
                {},
                {"authorization": "Bearer"},
                {"authorization": "Bearer " + "x" * 5000},
                {"authorization": "Basic %%%"},
                {"authorization": "Negotiate abc"},
            ):
                r = c.get(url, headers=headers)
                assert r.status_code == 401, (url, headers, r.text)
                assert isinstance(r.json()["error"], str)
        r = c.post(base + "/workers/Employee_ID=1001/jobChanges", json={})
        assert r.status_code == 401


def test_junk_ids_and_params_never_500(
    api: httpx.Client, creds: dict[str, Any], firm: dict[str, list[str]]
) -> None:
    junk = [
        "",
        "=",
        "Employee_ID=",
        "%2e%2e",
        "..",
        "Ω" * 40,
        "x" * 3000,
        "a=b=c",
        "'; DROP TABLE records;--",
        "0" * 32,
        "$1$2",
        "null",
    ]
    paths = [
        "workers/{}",
        "workers/{}/directReports",
        "workers/{}/organizations",
        "workers/{}/history",
        "workers/{}/supervisoryOrganizationsManaged",
        "supervisoryOrganizations/{}",
        "supervisoryOrganizations/{}/workers",
        "organizations/{}",
        "organizationTypes/{}",
        "jobChangeReasons/{}",
        creds["staffing_base_url"] + "/jobProfiles/{}",
        creds["api_base_url"] + "/supervisoryOrganizations/{}/orgChart",
    ]
    for p in paths:
        for j in junk:
            r = api.get(p.format(j.replace("/", "%2F")))
            assert r.status_code < 500, (p, j, r.text)
    for params in (
        {"search": "\x00\x01"},
        {"search": "%" * 500},
        {"limit": "1e3"},
        {"limit": "-0"},
        {"offset": "9" * 40},
        {"limit": "9" * 40},
        {"type": ""},
    ):
        r = api.get("workers", params=params)
        assert r.status_code < 500, (params, r.text)
        r = api.get("organizations", params=params)
        assert r.status_code < 500, (params, r.text)
    for params in (
        {"format": "\x00"},
        {"Effective_as_of_Date": "9999-99-99"},
        {"Include_Terminated_Workers": "Ω"},
    ):
        assert api.get(creds["report_url"], params=params).status_code < 500


def test_token_endpoint_junk_never_500(wd: SimHandle, creds: dict[str, Any]) -> None:
    with wd.client() as c:
        form = {"content-type": "application/x-www-form-urlencoded"}
        for body in (
            b"",
            b"\xff\xfe\xfd",
            b"grant_type",
            b"&&&===",
            b"grant_type=refresh_token&refresh_token=" + b"a" * 100_000,
        ):
            r = c.post(creds["token_url"], content=body, headers=form)
            assert 400 <= r.status_code < 500, (body[:40], r.text)
            assert isinstance(r.json()["error"], str)
        r = c.get(creds["token_url"])
        assert r.status_code == 405


def test_admin_bulk_load_rejects_bad_records(wd: SimHandle) -> None:
    cases = [
        ("planets", [{"name": "x"}]),
        ("workers", [{"lastName": "X", "favouriteColour": "blue"}]),
        ("workers", [{"lastName": "X", "hireDate": "yesterday"}]),
        ("workers", [{"lastName": "X", "supervisoryOrganization": "NOPE"}]),
        ("workers", [{"lastName": "X", "fte": 2}]),
        ("workers", [{"lastName": "X", "costRate": "a lot"}]),
        ("workers", [{"firstName": "No last name"}]),
        ("workers", [{"lastName": "A", "employeeId": "1"}, {"lastName": "B", "employeeId": "1"}]),
        ("workers", ["not an object"]),
        ("locations", [{"code": "no name"}]),
        ("locations", [{"name": "x", "id": "not-a-wid"}]),
        ("supervisoryOrganizations", [{"name": "x", "superior": "missing"}]),
        ("costCenters", [{"name": "a", "code": "C"}, {"name": "b", "code": "C"}]),
    ]
    for type_, records in cases:
        r = wd.admin.post(f"/tenants/default/records/{type_}", json={"records": records})
        assert r.status_code == 400, (type_, records, r.text)
        assert r.json()["error"]["message"]
    for body in (
        {"firstName": "x"},
        {"lastName": "x", "hireDate": 5},
        {"lastName": "x", "nope": 1},
    ):
        assert wd.admin.post("/tenants/default/workday/hire", json=body).status_code == 400
    assert (
        wd.admin.post("/tenants/default/workday/terminate", json={"worker": "nobody"}).status_code
        == 404
    )
    assert wd.admin.post("/tenants/default/workday/hire", content=b"{not json").status_code == 400


def test_rate_limit_answers_429_with_retry_after(wd: SimHandle, api: httpx.Client) -> None:
    wd.admin.post("/tenants/default/clock", json={"freeze": True})
    r = wd.admin.put(
        "/tenants/default/workday/limits", json={"enabled": True, "rate_per_second": 1, "burst": 3}
    )
    assert r.status_code == 200, r.text
    statuses = [api.get("workers").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    r = api.get("workers")
    body = _assert_error(r, 429)
    assert body["error"] == "Too many requests"
    assert int(r.headers["retry-after"]) >= 1
    wd.admin.post("/tenants/default/clock", json={"advance_seconds": 2})
    assert api.get("workers").status_code == 200
    assert (
        wd.admin.put(
            "/tenants/default/workday/limits", json={"rate_per_second": "fast"}
        ).status_code
        == 400
    )


def test_injected_faults_render_in_workday_error_model(wd: SimHandle, api: httpx.Client) -> None:
    r = wd.admin.post(
        "/faults",
        json={"path": "/ccx/api/common/*/workers", "fault": {"kind": "error", "status": 503}},
    )
    assert r.status_code in (200, 201), r.text
    resp = api.get("workers")
    assert resp.status_code == 503
    assert isinstance(resp.json()["error"], str)
