"""The four simulators once per session, the reference integration fresh per test.

Tests act as the firm's people on the simulators' vendor APIs (a rep closes a deal, a
consultant logs time, a manager approves it) and wait on simulator state with the
admin wait-for long-poll.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from reference_integration import RunningIntegration, load_settings

from harness.testing import SimHandle, start_simulator
from simulators.engine import TlsFiles

from .._clients import crm_client, erp_client

API = "/services/data/v68.0"
CONSULTANTS = [
    ("Ada", "Lovelace", "ada@firm.example", 60.0, ["python", "integration"]),
    ("Grace", "Hopper", "grace@firm.example", 70.0, ["python", "cobol"]),
    ("Alan", "Turing", "alan@firm.example", 90.0, ["math"]),
]


def _crm_sim() -> Any:
    from simulators.salesforce import create_simulator
    from simulators.salesforce._schema import CustomFieldConfig, default_custom_fields
    from simulators.salesforce._settings import PlatformEventConfig, SalesforceSettings

    fields = [
        *default_custom_fields(),
        CustomFieldConfig("Opportunity", "Invoice_Status__c", "string", "Invoice Status"),
    ]
    events = [
        PlatformEventConfig(
            "Project_Activated__e",
            {
                "Opportunity_Id__c": "string",
                "PSA_Project_Id__c": "string",
                "ERP_Project_Id__c": "string",
            },
        )
    ]
    return create_simulator(SalesforceSettings(custom_fields=fields, platform_events=events))


@pytest.fixture(scope="session")
def sims(harness_tls: TlsFiles) -> Iterator[dict[str, SimHandle]]:
    from simulators.kantata import create_simulator as psa
    from simulators.netsuite import create_simulator as erp
    from simulators.workday import create_simulator as hcm

    handles = {
        "crm": start_simulator(_crm_sim(), harness_tls),
        "erp": start_simulator(erp()),
        "psa": start_simulator(psa()),
        "hcm": start_simulator(hcm()),
    }
    yield handles
    for h in handles.values():
        h.close()


def endpoints(sims: dict[str, SimHandle]) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for system, h in sims.items():
        creds = h.admin.get("/tenants/default").json()["credentials"]
        doc[system] = {
            "base_url": h.base_url,
            "admin_url": f"{h.base_url}/__admin",
            "admin_token": h.admin_token,
            "sim_tenant": "default",
            **creds,
        }
        if h.ca_bundle:
            doc["ca_bundle"] = h.ca_bundle
    return doc


class Firm:
    """The firm's people acting on the four systems, and the checks a test makes."""

    def __init__(self, sims: dict[str, SimHandle], ri: RunningIntegration) -> None:
        self.sims = sims
        self.ri = ri
        self.api = httpx.Client(base_url=ri.url, trust_env=False, timeout=30)
        crm = sims["crm"]
        self.crm = crm_client(crm)
        psa_creds = sims["psa"].admin.get("/tenants/default").json()["credentials"]
        self.psa = sims["psa"].client(headers={"Authorization": f"Bearer {psa_creds['token']}"})
        self.erp = erp_client(sims["erp"])

    def close(self) -> None:
        for c in (self.api, self.crm, self.psa, self.erp):
            c.close()

    # -- waiting ---------------------------------------------------------------------

    def wait(
        self, system: str, kind: str, spec: dict[str, Any], timeout: float = 20.0
    ) -> list[dict[str, Any]]:
        r = self.sims[system].admin.post(
            "/wait-for", json={kind: spec, "timeout": timeout}, timeout=timeout + 5
        )
        assert r.status_code == 200, (
            f"{system} wait-for {spec} timed out: {r.text} dead={self.dead()}"
        )
        body: dict[str, Any] = r.json()
        return list(body.get("records") or body.get("events") or [body.get("entry")])

    def records(self, system: str, type_: str, **match: Any) -> list[dict[str, Any]]:
        r = self.sims[system].admin.get(
            f"/tenants/default/records/{type_}", params={**match, "limit": 1000}
        )
        return list(r.json()["records"])

    def billing_run(self, through: str) -> dict[str, Any]:
        """Ask for a billing run and wait (long-poll on the integration) until it settled."""
        r = self.api.post("/jobs/billing-run", params={"through": through})
        assert r.status_code == 202, r.text
        task = self.api.get(f"/tasks/{r.json()['task']}", params={"wait": 30}, timeout=40).json()
        assert task["status"] == "done", task
        return dict(task)

    def dead(self) -> list[dict[str, Any]]:
        return list(self.api.get("/dead-letters").json()["dead_letters"])

    # -- CRM -------------------------------------------------------------------------

    def win_deal(self, model: str, amount: float, name: str = "Acme") -> str:
        acc = self.crm.post(f"{API}/sobjects/Account/", json={"Name": f"{name} Corp"}).json()["id"]
        opp = self.crm.post(
            f"{API}/sobjects/Opportunity/",
            json={
                "Name": f"{name} {model}",
                "AccountId": acc,
                "StageName": "Prospecting",
                "CloseDate": today(),
                "Amount": amount,
                "Billing_Model__c": model,
            },
        ).json()["id"]
        r = self.crm.patch(f"{API}/sobjects/Opportunity/{opp}", json={"StageName": "Closed Won"})
        assert r.status_code == 204, r.text
        return str(opp)

    def opportunity(self, opp: str) -> dict[str, Any]:
        return dict(self.crm.get(f"{API}/sobjects/Opportunity/{opp}").json())

    def wait_project(self, opp: str, timeout: float = 30.0) -> dict[str, Any]:
        """Until the integration wrote the project ids back (setup done), then the opportunity."""
        self.wait(
            "crm",
            "journal",
            {
                "method": "PATCH",
                "path": f"Opportunity/{opp}$",
                "body_contains": "PSA_Project_Id__c",
                "status": 204,
            },
            timeout,
        )
        return self.opportunity(opp)

    # -- PSA -------------------------------------------------------------------------

    def resources(self, ws: str) -> list[dict[str, Any]]:
        return self.records("psa", "workspace_resources", workspace_id=ws)

    def log_and_approve(self, ws: str, minutes: int = 480, days: int = 1) -> list[str]:
        """Each consultant on the workspace logs time; the manager approves the timesheets."""
        ids: list[str] = []
        for res in self.resources(ws):
            entries = []
            for _ in range(days):
                r = self.psa.post(
                    "/api/v1/time_entries.json",
                    json={
                        "time_entry": {
                            "workspace_id": ws,
                            "user_id": res["user_id"],
                            "date_performed": today(),
                            "time_in_minutes": minutes,
                        }
                    },
                )
                assert r.status_code < 300, r.text
                entries.append(r.json()["results"][0]["id"])
            sub = self.psa.post(
                "/api/v1/timesheet_submissions.json",
                json={
                    "timesheet_submission": {
                        "workspace_id": ws,
                        "line_item_ids": entries,
                        "title": "Week",
                    }
                },
            )
            assert sub.status_code < 300, sub.text
            ok = self.psa.post(
                "/api/v1/timesheet_approvals.json",
                json={"resolution": {"submission_ids": [sub.json()["results"][0]["id"]]}},
            )
            assert ok.status_code < 300, ok.text
            ids += entries
        return ids

    def expense(self, ws: str, cents: int) -> str:
        user = self.resources(ws)[0]["user_id"]
        r = self.psa.post(
            "/api/v1/expenses.json",
            json={
                "expense": {
                    "workspace_id": ws,
                    "user_id": user,
                    "date": today(),
                    "category": "Travel",
                    "amount_in_cents": cents,
                    "billable": True,
                }
            },
        )
        assert r.status_code < 300, r.text
        return str(r.json()["results"][0]["id"])

    def complete(self, story_id: str) -> None:
        r = self.psa.put(f"/api/v1/stories/{story_id}.json", json={"story": {"state": "completed"}})
        assert r.status_code < 300, r.text

    # -- ERP -------------------------------------------------------------------------

    def pay(self, invoice_id: str, amount: float | None = None) -> str:
        """The customer pays (all that is due, or ``amount``): NetSuite REST
        ``POST invoice/{id}/!transform/customerPayment``; returns the payment's id. The
        invoice change raises the ERP's afterSubmit notification the integration hears."""
        body = {} if amount is None else {"payment": amount}
        r = self.erp.post(f"/record/v1/invoice/{invoice_id}/!transform/customerPayment", json=body)
        assert r.status_code == 204, r.text
        return str(r.headers["location"].rsplit("/", 1)[-1])


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def load_consultants(
    sims: dict[str, SimHandle], people: list[tuple[str, str, str, float, list[str]]] = CONSULTANTS
) -> None:
    workers = [
        {
            "firstName": f,
            "lastName": ln,
            "email": e,
            "employeeId": f"E{100 + i}",
            "hireDate": "2020-01-06",
            "businessTitle": "Consultant",
            "costRate": rate,
            "currency": "USD",
            "skills": skills,
        }
        for i, (f, ln, e, rate, skills) in enumerate(people)
    ]
    r = sims["hcm"].admin.post("/tenants/default/records/workers", json={"records": workers})
    assert r.status_code == 201, r.text
    users = [{"full_name": f"{f} {ln}", "email_address": e} for f, ln, e, _, _ in people]
    r = sims["psa"].admin.post("/tenants/default/records/users", json={"records": users})
    assert r.status_code == 201, r.text


class FirmFactory:
    """Fresh simulators and a fresh integration per call; ``restart`` keeps its database."""

    def __init__(self, sims: dict[str, SimHandle], tmp_path: Path) -> None:
        self.sims = sims
        self.tmp_path = tmp_path
        self.running: list[RunningIntegration] = []
        self.firms: list[Firm] = []

    def __call__(self, **overrides: Any) -> Firm:
        for h in self.sims.values():
            h.reset()
        load_consultants(self.sims)
        ep = self.tmp_path / "ep.json"
        ep.write_text(json.dumps(endpoints(self.sims)))
        settings = load_settings(
            ep, env={}, db_path=str(self.tmp_path / "ri.sqlite3"), port=0, **overrides
        )
        return self._start(settings)

    def _start(self, settings: Any) -> Firm:
        ri = RunningIntegration(settings).start()
        f = Firm(self.sims, ri)
        self.running.append(ri)
        self.firms.append(f)
        return f

    def stop(self, firm: Firm) -> None:
        """Stop the integration (as a deploy or a crash would); the simulators go on and
        ``firm`` can still act on them."""
        if firm.ri in self.running:
            self.running.remove(firm.ri)
            firm.ri.stop()

    def restart(self, firm: Firm) -> Firm:
        """The same settings and database in a new instance."""
        self.stop(firm)
        return self._start(replace(firm.ri.settings, port=0))

    def close(self) -> None:
        for f in self.firms:
            f.close()
        for ri in self.running:
            ri.stop()
        for h in self.sims.values():
            h.reset()


@pytest.fixture
def firm_factory(sims: dict[str, SimHandle], tmp_path: Path) -> Iterator[FirmFactory]:
    factory = FirmFactory(sims, tmp_path)
    yield factory
    factory.close()


@pytest.fixture
def firm(firm_factory: FirmFactory) -> Firm:
    return firm_factory()
