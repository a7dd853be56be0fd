"""Business-process notifications in the JSON alternative (``notification_format="json"``),
delivered to a real local HTTP listener. The SOAP default: test_workday_soap_notifications.py."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from harness.testing import SimHandle, start_simulator
from simulators.workday import WorkdaySettings, create_simulator

from .conftest import NotificationListener, subscribed_listener


@pytest.fixture(scope="module")
def json_server() -> Iterator[SimHandle]:
    handle = start_simulator(create_simulator(WorkdaySettings(notification_format="json")))
    yield handle
    handle.close()


@pytest.fixture
def wd(json_server: SimHandle) -> Iterator[SimHandle]:
    yield json_server
    json_server.reset()


@pytest.fixture
def listener(wd: SimHandle) -> Iterator[NotificationListener]:
    with subscribed_listener(wd) as lst:
        yield lst


def test_hire_job_change_and_termination_notify_subscribers(
    wd: SimHandle, api: httpx.Client, firm: dict[str, list[str]], listener: NotificationListener
) -> None:
    wd.admin.post("/tenants/default/clock", json={"freeze": True, "at": "2026-03-10T09:30:00Z"})
    hired = wd.admin.post(
        "/tenants/default/workday/hire",
        json={
            "firstName": "Dorothy",
            "lastName": "Vaughan",
            "hireDate": "2026-04-01",
            "supervisoryOrganization": "SO-UK",
            "jobProfile": "JP-CONS",
            "reason": "New hire",
        },
    ).json()
    events = listener.wait_json(1)
    n = events[0]
    assert n["businessProcessType"] == "Hire"
    assert n["worker"] == {
        "id": hired["worker"]["id"],
        "descriptor": "Dorothy Vaughan",
        "href": n["worker"]["href"],
    }
    assert n["worker"]["href"].endswith(
        f"/ccx/api/common/v1/psharness_default/workers/{hired['worker']['id']}"
    )
    assert n["event"]["id"] == hired["event"]["id"] and len(n["event"]["id"]) == 32
    assert n["effectiveDate"] == "2026-04-01"
    assert n["completedOn"] == "2026-03-10T09:30:00.000Z"
    assert n["tenant"] == "psharness_default"
    assert n["status"] == "Successfully Completed"
    assert n["employeeId"] == hired["worker"]["employeeId"]

    reason = api.get("jobChangeReasons").json()["data"][0]
    us = next(o for o in api.get("supervisoryOrganizations").json()["data"] if o["code"] == "SO-US")
    r = api.post(
        "workers/Employee_ID=2010/jobChanges",
        json={
            "effective": "2026-05-01",
            "jobChangeReason": {"id": reason["id"]},
            "supervisoryOrganization": {"id": us["id"]},
            "proposedOrganizations": [{"id": "CC200"}],
        },
    )
    assert r.status_code == 201, r.text
    n = listener.wait_json(2)[1]
    assert n["businessProcessType"] == "Job Change"
    assert n["event"]["id"] == r.json()["id"]
    assert n["effectiveDate"] == "2026-05-01"
    assert n["reason"]["id"] == reason["id"]
    assert n["changedFields"] == ["costCenter", "supervisoryOrganization"]

    wd.admin.post(
        "/tenants/default/workday/terminate",
        json={"worker": "2011", "terminationDate": "2026-03-31"},
    )
    n = listener.wait_json(3)[2]
    assert n["businessProcessType"] == "Termination"
    assert n["effectiveDate"] == "2026-03-31"
    headers = listener.received[2][0]
    assert headers["content-type"].startswith("application/json")
    # the engine keeps the same events for polling
    evs = wd.admin.get("/tenants/default/events").json()
    assert len(evs["events"]) == 3


def test_bulk_load_and_refused_changes_send_nothing(
    wd: SimHandle, api: httpx.Client, firm: dict[str, list[str]], listener: NotificationListener
) -> None:
    r = api.post(
        "workers/Employee_ID=2010/jobChanges", json={"supervisoryOrganization": {"id": "SO-US"}}
    )
    assert r.status_code == 400
    r = wd.admin.post("/tenants/default/workday/change", json={"worker": "2012", "costRate": 90})
    assert r.status_code == 200
    events = listener.wait_json(1)
    assert len(events) == 1 and events[0]["businessProcessType"] == "Request Compensation Change"
