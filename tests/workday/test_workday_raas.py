"""Reports-as-a-Service: JSON, CSV and simple XML, prompts, bearer and ISU Basic auth."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
from defusedxml import ElementTree

from harness.testing import SimHandle, start_simulator


def test_json_report_entries(
    api: httpx.Client, creds: dict[str, Any], firm: dict[str, list[str]]
) -> None:
    assert "/ccx/service/customreport2/psharness_default/" in creds["report_url"]
    r = api.get(creds["report_url"])
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    rows = r.json()["Report_Entry"]
    assert len(rows) == 28
    ada = next(x for x in rows if x["Employee_ID"] == "1001")
    assert ada["Worker"] == "Ada Lovelace"
    assert ada["Skills"] == "Salesforce; Workday"
    assert ada["Cost_Rate"] == "120.00" and ada["Cost_Rate_Currency"] == "USD"
    assert ada["FTE"] == "1" and ada["Hire_Date"] == "2018-03-01"
    assert ada["Manager_ID"] == "1000" and ada["Manager_Name"] == "Grace Hopper"
    assert (
        ada["Supervisory_Organization"] == "Consulting US"
        and ada["Cost_Center"] == "CC100 Consulting US"
    )
    assert "Termination_Date" not in ada  # empty fields are left out
    consultant = next(x for x in rows if x["Employee_ID"] == "2003")
    assert consultant["Manager_ID"] == "1001" and consultant["FTE"] == "0.8"


def test_prompts_filter_terminated_workers(
    api: httpx.Client, creds: dict[str, Any], firm: dict[str, list[str]]
) -> None:
    rows = api.get(creds["report_url"], params={"Include_Terminated_Workers": "1"}).json()[
        "Report_Entry"
    ]
    former = next(x for x in rows if x["Employee_ID"] == "3000")
    assert former["Termination_Date"] == "2020-12-31" and former["Active"] == "0"
    then = api.get(creds["report_url"], params={"Effective_as_of_Date": "2020-06-01"}).json()[
        "Report_Entry"
    ]
    assert {x["Employee_ID"] for x in then} == {"1000", "1001", "1002", "3000"}
    bad = api.get(creds["report_url"], params={"Effective_as_of_Date": "June"})
    assert bad.status_code == 400


def test_csv_has_a_header_row(
    api: httpx.Client, creds: dict[str, Any], firm: dict[str, list[str]]
) -> None:
    url = creds["report_url"].replace("format=json", "format=csv")
    r = api.get(url)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 28
    assert rows[0]["Employee_ID"] == "1000"
    assert r.text.splitlines()[0].startswith("Employee_ID,Worker,Worker_WID")
    assert next(x for x in rows if x["Employee_ID"] == "1001")["Termination_Date"] == ""


def test_simplexml(api: httpx.Client, creds: dict[str, Any], firm: dict[str, list[str]]) -> None:
    url = creds["report_url"].replace("format=json", "format=simplexml")
    r = api.get(url)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/xml")
    root = ElementTree.fromstring(r.content)
    ns = {"wd": "urn:com.workday.report/PSH_Worker_Staffing_Data"}
    entries = root.findall("wd:Report_Entry", ns)
    assert len(entries) == 28
    assert entries[0].find("wd:Employee_ID", ns).text == "1000"  # type: ignore[union-attr]


def test_isu_basic_auth_and_errors(
    wd: SimHandle, creds: dict[str, Any], firm: dict[str, list[str]]
) -> None:
    with wd.client() as c:
        for user in (creds["isu_username"], f"{creds['isu_username']}@psharness_default"):
            r = c.get(creds["report_url"], auth=(user, creds["isu_password"]))
            assert r.status_code == 200, user
        r = c.get(creds["report_url"], auth=(creds["isu_username"], "wrong"))
        assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Basic")
        assert c.get(creds["report_url"]).status_code == 401
        # Basic credentials do not open the REST API
        r = c.get(
            creds["common_base_url"] + "/workers",
            auth=(creds["isu_username"], creds["isu_password"]),
        )
        assert r.status_code == 401
        auth = (creds["isu_username"], creds["isu_password"])
        r = c.get(creds["raas_base_url"] + "/ISU_PSHarness/No_Such_Report?format=json", auth=auth)
        assert r.status_code == 404 and isinstance(r.json()["error"], str)
        r = c.get(creds["report_url"].replace("format=json", "format=pdf"), auth=auth)
        assert r.status_code == 400


def test_reports_are_configurable() -> None:
    from simulators.workday import ReportColumn, ReportConfig, WorkdaySettings, create_simulator

    faros = ReportConfig(
        owner="lmcneil",
        name="Faros_Workers",
        prompts=["Employee_ID"],
        columns=[
            ReportColumn("Employee_ID", "Employee_ID"),
            ReportColumn("Full_Name", "Worker"),
            ReportColumn("Start_Date", "Hire_Date"),
            ReportColumn("Manager_ID", "Manager_ID"),
            ReportColumn("Team_Name", "Supervisory_Organization"),
        ],
    )
    h = start_simulator(create_simulator(WorkdaySettings(reports=[faros])))
    try:
        h.admin.post(
            "/tenants/default/records/supervisoryOrganizations",
            json={"records": [{"name": "Team A", "code": "A", "manager": "1"}]},
        )
        h.admin.post(
            "/tenants/default/records/workers",
            json={
                "records": [
                    {
                        "employeeId": "1",
                        "firstName": "Boss",
                        "lastName": "One",
                        "supervisoryOrganization": "A",
                        "hireDate": "2020-01-01",
                    },
                    {
                        "employeeId": "2",
                        "firstName": "Member",
                        "lastName": "Two",
                        "supervisoryOrganization": "A",
                        "hireDate": "2021-01-01",
                    },
                ]
            },
        )
        creds = h.admin.get("/tenants/default").json()["credentials"]
        assert creds["report_url"].endswith("/lmcneil/Faros_Workers?format=json")
        with h.client() as c:
            rows = c.get(
                creds["report_url"],
                params={"Employee_ID": "2"},
                auth=(creds["isu_username"], creds["isu_password"]),
            ).json()["Report_Entry"]
        assert rows == [
            {
                "Employee_ID": "2",
                "Full_Name": "Member Two",
                "Start_Date": "2021-01-01",
                "Manager_ID": "1",
                "Team_Name": "Team A",
            }
        ]
    finally:
        h.close()
