"""Time off (Absence Management v1) and WQL over the data sources a staffing integration reads.

Sources: Workday Absence Management v1 OpenAPI (ballerina-platform/openapi-connectors
``workday.absencemanagement``: ``/workers/{id}/timeOffDetails`` with fromDate/toDate/status/
timeOffType, ``POST /workers/{id}/requestTimeOff`` with ``days``, TimeOffDetailsView) and
Workday's WQL v1 OpenAPI of 2026-04-18 (``/data`` GET ``query`` / POST, ``{total, data}``,
``limit`` at most 100, ``/dataSources``; example ``SELECT worker from allWorkers``).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from harness.testing import SimHandle


def _client(wd: SimHandle, creds: dict[str, Any], get_token: Any, base: str) -> httpx.Client:
    with wd.client() as c:
        token = get_token(c, creds)
    return httpx.Client(
        base_url=base + "/", headers={"authorization": f"Bearer {token}"}, trust_env=False
    )


def test_time_off_requested_loaded_and_filtered(
    wd: SimHandle, creds: dict[str, Any], get_token: Any, firm: Any
) -> None:
    r = wd.admin.post(
        "/tenants/default/records/timeOffEntries",
        json={
            "records": [
                {"worker": "2010", "date": "2026-07-01", "quantity": 8, "timeOffType": "Vacation"},
                {"worker": "2010", "date": "2026-07-02", "quantity": 4, "timeOffType": "Sick"},
                {"worker": "2011", "date": "2026-07-01", "quantity": 8, "status": "Submitted"},
            ]
        },
    )
    assert r.status_code in (200, 201), r.text
    bad = wd.admin.post(
        "/tenants/default/records/timeOffEntries",
        json={"records": [{"worker": "nobody", "date": "2026-07-01"}]},
    )
    assert bad.status_code == 400 and "nobody" in bad.text
    with _client(wd, creds, get_token, creds["absence_base_url"]) as api:
        got = api.get("workers/Employee_ID=2010/timeOffDetails")
        assert got.status_code == 200, got.text
        body = got.json()
        assert body["total"] == 2
        first = body["data"][0]
        assert first["date"] == "2026-07-01" and first["quantity"] == 8
        assert first["timeOffType"]["descriptor"] == "Vacation"
        assert first["status"]["descriptor"] == "Approved"
        assert first["unit"]["descriptor"] == "Hours" and first["worker"]["id"]
        sick = api.get(
            "workers/Employee_ID=2010/timeOffDetails",
            params={"timeOffType": "Sick", "fromDate": "2026-07-02"},
        ).json()
        assert [d["quantity"] for d in sick["data"]] == [4]
        vac = first["timeOffType"]["id"]
        req = api.post(
            "workers/Employee_ID=2012/requestTimeOff",
            json={"days": [{"date": "2026-08-03", "dailyQuantity": 8, "timeOffType": {"id": vac}}]},
        )
        assert req.status_code == 201, req.text
        assert req.json()["days"][0]["timeOffType"]["descriptor"] == "Vacation"
        mine = api.get("workers/Employee_ID=2012/timeOffDetails").json()
        assert [d["date"] for d in mine["data"]] == ["2026-08-03"]
        refused = api.post(
            "workers/Employee_ID=2012/requestTimeOff",
            json={"days": [{"date": "2026-08-04", "timeOffType": {"id": "nope"}}]},
        )
        assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "timeOffType"
        assert api.get("workers/nope/timeOffDetails").status_code == 404
    # the same entries through Common v1 (TimeOffEntries of the Common OpenAPI)
    with _client(wd, creds, get_token, creds["common_base_url"]) as common:
        entries = common.get("workers/Employee_ID=2010/timeOffEntries").json()
        assert entries["total"] == 2
        first = entries["data"][0]
        assert first["units"] == 8 and first["timeOff"]["descriptor"] == "Vacation"
        assert first["timeOffRequest"]["status"] == "Approved" and first["employee"]["id"]
        one = common.get(f"workers/Employee_ID=2010/timeOffEntries/{first['id']}")
        assert one.status_code == 200 and one.json() == first


def test_wql_over_workers_and_time_off(
    wd: SimHandle, creds: dict[str, Any], get_token: Any, firm: Any
) -> None:
    wd.admin.post(
        "/tenants/default/records/timeOffEntries",
        json={"records": [{"worker": "2010", "date": "2026-07-01", "quantity": 8}]},
    )
    with _client(wd, creds, get_token, creds["wql_base_url"]) as api:
        r = api.get("data", params={"query": "SELECT worker from allWorkers"})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["total"] == 29 and len(body["data"]) == 20  # default limit 20
        assert set(body["data"][0]) == {"worker"}
        assert set(body["data"][0]["worker"]) == {"id", "descriptor"}
        q = (
            "SELECT employeeID, fullName, hireDate FROM allWorkers "
            "WHERE hireDate < '2020-01-01' AND active = true ORDER BY employeeID DESC LIMIT 3"
        )
        rows = api.post("data", json={"query": q}).json()["data"]
        assert len(rows) == 3 and all(x["hireDate"] < "2020-01-01" for x in rows)
        assert [x["employeeID"] for x in rows] == sorted(
            (x["employeeID"] for x in rows), reverse=True
        )
        off = api.get(
            "data",
            params={
                "query": "SELECT worker, date, quantity FROM allTimeOffEntries "
                "WHERE employeeID = '2010' AND date >= '2026-06-01'"
            },
        ).json()
        assert off["total"] == 1 and off["data"][0]["quantity"] == 8
        sources = api.get("dataSources").json()
        assert {s["alias"] for s in sources["data"]} == {"allWorkers", "allTimeOffEntries"}
        wid = sources["data"][0]["id"]
        assert api.get(f"dataSources/{wid}").json()["alias"] == sources["data"][0]["alias"]
        fields = api.get(f"dataSources/{wid}/fields", params={"limit": 100}).json()
        assert fields["total"] >= 8


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("SELECT nope FROM allWorkers", "nope is not a field"),
        ("SELECT worker FROM everything", "not a data source"),
        ("SELECT worker allWorkers", "Expected FROM"),
        ("SELECT worker FROM allWorkers WHERE hireDate > '2020-01-01' OR active = true", "OR"),
        ("", "required"),
    ],
)
def test_wql_errors_are_workday_validation_errors(
    wd: SimHandle, creds: dict[str, Any], get_token: Any, query: str, words: str
) -> None:
    with _client(wd, creds, get_token, creds["wql_base_url"]) as api:
        r = api.get("data", params={"query": query})
        assert r.status_code == 400
        body = r.json()
        assert body["error"] == "invalid request" and words in body["errors"][0]["error"]


def test_limit_and_error_field_variants(get_token: Any) -> None:
    # Workday's published specs give limit's bounds ("The maximum is 100") but not the answer
    # to a larger one, and their VALIDATION_ERROR_MODEL_REFERENCE has errors[].error only:
    # both are settings (docs/vendor-variants.md).
    from harness.testing import start_simulator
    from simulators.workday import WorkdaySettings, create_simulator

    handle = start_simulator(
        create_simulator(WorkdaySettings(limit_out_of_range="clamp", validation_error_field=False))
    )
    try:
        creds = handle.admin.get("/tenants/default").json()["credentials"]
        with _client(handle, creds, get_token, creds["common_base_url"]) as api:
            r = api.get("workers", params={"limit": 500})
            assert r.status_code == 200
            bad = api.get("workers", params={"offset": -1})
            assert bad.status_code == 400
            assert bad.json()["errors"] == [{"error": "The offset must be zero or greater."}]
    finally:
        handle.close()
    with pytest.raises(ValueError, match="limit_out_of_range"):
        WorkdaySettings(limit_out_of_range="sometimes").validate()
