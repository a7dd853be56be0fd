"""Project and invoice notices reach Slack and Teams, and the utilization batch reaches Power BI,
on a real WireMock; peripheral faults delay them but lose nothing and post nothing twice."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pytest

from harness.peripherals import PeripheralFault, Peripherals, add_fault

from .conftest import Firm, FirmFactory, today


@pytest.fixture
def pfirm(firm_factory: FirmFactory, harness_peripherals: Peripherals) -> Firm:
    ep = harness_peripherals.endpoints()
    return firm_factory(collab=ep["collab"], analytics=ep["analytics"])


def _bodies(found: list[dict[str, Any]]) -> list[Any]:
    out = []
    for r in found:
        try:
            out.append(json.loads(r["body"]))
        except ValueError:
            out.append(r["body"])
    return out


def test_activation_and_invoice_are_announced(
    pfirm: Firm, harness_peripherals: Peripherals
) -> None:
    wm = harness_peripherals.admin
    assert wm is not None
    opp = pfirm.win_deal("Time and Materials", 20_000)
    pfirm.wait_project(opp)
    slack = wm.wait_for("POST", url_path="/api/chat.postMessage", timeout=20)
    teams = wm.wait_for("POST", url_path=harness_peripherals.ids.teams_path, timeout=20)
    assert len(slack) == 1 and opp in _bodies(slack)[0]["text"]
    card = _bodies(teams)[0]["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    facts = {f["title"]: f["value"] for f in card["content"]["body"][1]["facts"]}
    assert facts["opportunity"] == opp

    ws = pfirm.opportunity(opp)["PSA_Project_Id__c"]
    pfirm.log_and_approve(ws, minutes=450)
    pfirm.billing_run(today())
    hook = wm.wait_for("POST", url_path=harness_peripherals.ids.slack_webhook_path, timeout=20)
    assert len(hook) == 1
    assert "Invoice issued" in hook[0]["body"] and opp in hook[0]["body"]
    assert pfirm.dead() == []


def test_utilization_batch_matches_the_psa(pfirm: Firm, harness_peripherals: Peripherals) -> None:
    wm = harness_peripherals.admin
    assert wm is not None
    opp = pfirm.win_deal("Time and Materials", 50_000)
    ws = pfirm.wait_project(opp)["PSA_Project_Id__c"]
    pfirm.log_and_approve(ws, minutes=435)  # 7.25 h each

    r = pfirm.api.post("/jobs/utilization-batch", params={"from": today(), "to": today()})
    assert r.status_code == 202, r.text
    task = pfirm.api.get(f"/tasks/{r.json()['task']}", params={"wait": 30}, timeout=40).json()
    assert task["status"] == "done", task
    pushed = _bodies(wm.wait_for("POST", url_path=harness_peripherals.ids.powerbi_rows_path))
    rows = pushed[0]["rows"]

    expected: dict[tuple[str, str], float] = defaultdict(float)
    for te in pfirm.records("psa", "time_entries"):
        expected[(str(te["user_id"]), str(te["workspace_id"]))] += te["time_in_minutes"] / 60
    got = {(row["psa_user_id"], row["psa_workspace_id"]): row["hours"] for row in rows}
    assert got == pytest.approx(dict(expected))
    assert all(row["employee_id"].startswith("E1") for row in rows)  # matched in the HCM
    # the same period asked again is not pushed twice
    again = pfirm.api.post("/jobs/utilization-batch", params={"from": today(), "to": today()})
    assert again.json()["task"] == r.json()["task"]


def test_peripheral_faults_lose_nothing(pfirm: Firm, harness_peripherals: Peripherals) -> None:
    wm = harness_peripherals.admin
    assert wm is not None
    add_fault(wm, PeripheralFault("slack-api", "connection_reset", times=1))
    add_fault(wm, PeripheralFault("teams-workflow", "status", times=2, status=503))
    add_fault(wm, PeripheralFault("powerbi", "rate_limit", times=2, retry_after=1))
    opp = pfirm.win_deal("Time and Materials", 30_000)
    ws = pfirm.wait_project(opp)["PSA_Project_Id__c"]
    pfirm.log_and_approve(ws, minutes=60)
    slack = wm.wait_for("POST", url_path="/api/chat.postMessage", count=2, timeout=30)
    teams = wm.wait_for("POST", url_path=harness_peripherals.ids.teams_path, count=3, timeout=30)
    r = pfirm.api.post("/jobs/utilization-batch", params={"from": today(), "to": today()})
    task = pfirm.api.get(f"/tasks/{r.json()['task']}", params={"wait": 30}, timeout=40).json()
    assert task["status"] == "done", task
    rows = wm.find("POST", url_path=harness_peripherals.ids.powerbi_rows_path)
    # every failed attempt was retried until the vendor took it, and only then
    assert (len(slack), len(teams), len(rows)) == (2, 3, 3)
    assert pfirm.dead() == []
