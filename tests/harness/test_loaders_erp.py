"""The generated firm loaded into the ERP simulator, checked over SuiteQL and the record API.

A small firm goes into the CRM, PSA and ERP once per module; the checks read NetSuite
through TBA-signed REST calls and compare with Salesforce SOQL and Kantata /api/v1.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from harness.data import Firm, TimeEntryStatus
from harness.loaders import LoadReport
from harness.loaders._kantata import number
from harness.testing import SimHandle

from .._clients import crm_client, erp_tba, tenant_credentials
from .._serving import served
from ._firm_load import kantata_api, load_small_firm

PSA_TOKEN = "erp-loader-test-token"


@pytest.fixture(scope="session")
def erp_sim() -> Iterator[SimHandle]:
    from simulators.netsuite import create_simulator

    yield from served(create_simulator())


@pytest.fixture(scope="session")
def psa_for_erp() -> Iterator[SimHandle]:
    from simulators.kantata import KantataSettings, create_simulator

    yield from served(create_simulator(KantataSettings(token=PSA_TOKEN)))


@dataclass(slots=True)
class Loaded:
    firm: Firm
    report: LoadReport
    erp: httpx.Client
    psa: httpx.Client
    crm: httpx.Client

    def suiteql(self, q: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        while True:
            r = self.erp.post(
                "/query/v1/suiteql",
                json={"q": q},
                params={"limit": 1000, "offset": len(out)},
                headers={"Prefer": "transient"},
            )
            assert r.status_code == 200, r.text
            body = r.json()
            out.extend(body["items"])
            if not body["hasMore"]:
                return out

    def soql(self, q: str) -> list[dict[str, Any]]:
        r = self.crm.get("/services/data/v68.0/query/", params={"q": q})
        assert r.status_code == 200, r.text
        records: list[dict[str, Any]] = r.json()["records"]
        return records


@pytest.fixture(scope="module")
def loaded(erp_sim: SimHandle, psa_for_erp: SimHandle, crm_server: SimHandle) -> Iterator[Loaded]:
    firm, report = load_small_firm(3, crm_server, psa=psa_for_erp, erp=erp_sim)
    erp = httpx.Client(
        base_url=f"{erp_sim.base_url}/services/rest",
        auth=erp_tba(tenant_credentials(erp_sim.admin)),
        trust_env=False,
        timeout=30.0,
    )
    psa = kantata_api(psa_for_erp, PSA_TOKEN)
    crm = crm_client(crm_server)
    yield Loaded(firm, report, erp, psa, crm)
    for client in (erp, psa, crm):
        client.close()
    for h in (erp_sim, psa_for_erp, crm_server):
        h.reset()


def _billable(firm: Firm) -> list[Any]:
    return [t for t in firm.time_entries if t.billable and t.status is TimeEntryStatus.APPROVED]


def test_counts_match_the_firm(loaded: Loaded) -> None:
    firm = loaded.firm
    customers = {p.account_id for p in firm.projects}
    expected = {
        "customer": len(customers),
        "job": len(firm.projects),
        "employee": len(firm.consultants),
        "timebill": len(_billable(firm)),
        "subsidiary": len(firm.legal_entities) + 1,  # under the account's parent subsidiary
    }
    for table, count in expected.items():
        rows = loaded.suiteql(f"SELECT COUNT(*) AS n FROM {table}")
        assert int(rows[0]["n"]) == count, table
    invoices = loaded.suiteql("SELECT COUNT(*) AS n FROM transaction WHERE type = 'CustInvc'")
    assert int(invoices[0]["n"]) == len(firm.invoices)
    assert loaded.report.counts["erp"]["invoice"] == len(firm.invoices)


def test_customers_are_crm_accounts(loaded: Loaded) -> None:
    crm_accounts = {r["Id"] for r in loaded.soql("SELECT Id FROM Account")}
    customers = loaded.suiteql("SELECT id, externalid FROM customer")
    assert customers
    for c in customers:
        assert c["externalid"] in crm_accounts
    one = loaded.firm.accounts[0]
    if any(c["id"] == one.erp_id for c in customers):
        r = loaded.erp.get(f"/record/v1/customer/eid:{one.crm_id}")
        assert r.status_code == 200, r.text
        assert r.json()["id"] == one.erp_id


def test_jobs_share_the_workspace_reference_to_the_won_opportunity(loaded: Loaded) -> None:
    won = {
        r["Id"]: r["AccountId"]
        for r in loaded.soql("SELECT Id, AccountId FROM Opportunity WHERE IsWon = true")
    }
    customer_eid = {
        str(c["id"]): c["externalid"] for c in loaded.suiteql("SELECT id, externalid FROM customer")
    }
    jobs = {str(j["id"]): j for j in loaded.suiteql("SELECT id, externalid, customer FROM job")}
    refs = loaded.psa.get(
        "/external_references.json", params={"subject_type": "Workspace", "per_page": 200}
    ).json()["external_references"]
    crm_of: dict[str, str] = {}
    erp_of: dict[str, str] = {}
    for ref in refs.values():
        target = crm_of if ref["service_name"] == "Salesforce" else erp_of
        target[str(ref["subject_id"])] = ref["service_model_ref"]
    assert len(erp_of) == len(jobs)
    for workspace, job_id in erp_of.items():
        job = jobs[job_id]
        assert job["externalid"] == crm_of[workspace]  # the same opportunity on both sides
        opp_account = won[job["externalid"]]
        assert customer_eid[str(job["customer"])] == opp_account


def test_time_is_billed_once_and_invoices_add_up(loaded: Loaded) -> None:
    firm = loaded.firm
    bills = loaded.suiteql("SELECT id, isbilled, hours, rate FROM timebill")
    invoiced = {number(t.id) for t in _billable(firm) if t.invoice_line_id}
    for b in bills:
        assert (b["isbilled"] == "T") == (str(b["id"]) in invoiced)
    totals = {
        str(r["id"]): float(r["foreigntotal"])
        for r in loaded.suiteql("SELECT id, foreigntotal FROM transaction WHERE type = 'CustInvc'")
    }
    minor = {c.id: c.minor_units for c in firm.currencies}
    for inv in firm.invoices:
        expected = inv.total_minor / 10 ** minor[inv.currency]
        assert abs(totals[inv.erp_id] - expected) < 0.011, inv.id
    lines: dict[str, int] = defaultdict(int)
    for t in firm.time_entries:
        if t.invoice_line_id:
            lines[t.invoice_line_id] += 1
    with_time = next(
        i
        for i in firm.invoices
        if any(line.invoice_id == i.id for line in firm.invoice_lines if line.kind == "time")
    )
    r = loaded.erp.get(
        f"/record/v1/invoice/{with_time.erp_id}/time", params={"expandSubResources": "true"}
    )
    assert r.status_code == 200, r.text
    expected_lines = sum(
        lines[line.id] for line in firm.invoice_lines if line.invoice_id == with_time.id
    )
    assert len(r.json()["items"]) == expected_lines
