"""Subcontractor spend through the reference integration: a contractor staffed on a project
gets a Coupa purchase order; the supplier's approved invoice becomes a NetSuite vendor
bill against the project's job, once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from harness.testing import SimHandle, start_simulator

from .._clients import client_credentials_token
from .conftest import Firm, FirmFactory

CONTRACTOR = "carla.contractor@subs.example"


@pytest.fixture(scope="module")
def coupa_sim() -> Iterator[SimHandle]:
    from simulators.coupa import create_simulator

    handle = start_simulator(create_simulator())
    yield handle
    handle.close()


def _coupa_api(coupa: SimHandle) -> httpx.Client:
    creds = coupa.admin.get("/tenants/default").json()["credentials"]
    tok = client_credentials_token(creds["token_url"], creds, trust_env=False)
    return coupa.client(headers={"Authorization": f"Bearer {tok}", "Accept": "application/json"})


@pytest.fixture
def pfirm(firm_factory: FirmFactory, coupa_sim: SimHandle) -> Iterator[Firm]:
    coupa_sim.reset()
    creds = coupa_sim.admin.get("/tenants/default").json()["credentials"]
    firm = firm_factory(procurement=creds)
    worker = {
        "firstName": "Carla",
        "lastName": "Contractor",
        "email": CONTRACTOR,
        "employeeId": "C900",
        "hireDate": "2024-01-08",
        "businessTitle": "Consultant",
        "workerType": "Contingent Worker",
        "costRate": 95.5,
        "currency": "USD",
    }
    assert (
        firm.sims["hcm"]
        .admin.post("/tenants/default/records/workers", json={"records": [worker]})
        .status_code
        == 201
    )
    assert (
        firm.sims["psa"]
        .admin.post(
            "/tenants/default/records/users",
            json={"records": [{"full_name": "Carla Contractor", "email_address": CONTRACTOR}]},
        )
        .status_code
        == 201
    )
    supplier = {
        "name": "Carla Contractor Consulting",
        "number": "SUB-C900",
        "primary-contact": {"email": CONTRACTOR},
    }
    assert (
        coupa_sim.admin.post(
            "/tenants/default/records/suppliers", json={"records": [supplier]}
        ).status_code
        == 201
    )
    yield firm
    coupa_sim.reset()


def _sync(firm: Firm) -> None:
    r = firm.api.post("/jobs/procurement-sync")
    assert r.status_code == 202, r.text
    task = firm.api.get(f"/tasks/{r.json()['task']}", params={"wait": 30}, timeout=40).json()
    assert task["status"] == "done", task


def test_subcontractor_order_and_invoice_reach_the_erp_job(
    pfirm: Firm, coupa_sim: SimHandle
) -> None:
    opp = pfirm.win_deal("Time and Materials", 40_000)
    o = pfirm.wait_project(opp)
    ws, job = o["PSA_Project_Id__c"], o["ERP_Project_Id__c"]
    user = pfirm.records("psa", "users", email_address=CONTRACTOR)[0]["id"]
    r = pfirm.psa.post(
        "/api/v1/workspace_resources.json",
        json={"workspace_resource": {"workspace_id": ws, "user_id": user}},
    )
    assert r.status_code < 300, r.text
    _sync(pfirm)
    with _coupa_api(coupa_sim) as coupa:
        orders = [
            o
            for o in coupa.get("/api/purchase_orders").json()
            if o["custom-fields"]["project-code"] == ws
        ]
        assert len(orders) == 1
        po = orders[0]
        assert po["supplier"]["number"] == "SUB-C900" and po["custom-fields"]["erp-job"] == job
        line = po["order-lines"][0]
        assert (line["quantity"], line["price"]) == (160.0, 95.5)
        inv = coupa.post(
            "/api/invoices",
            json={
                "invoice-number": "CC-0042",
                "invoice-date": "2026-11-30",
                "supplier": {"number": "SUB-C900"},
                "invoice-lines": [{"order-line-id": line["id"], "quantity": 37.25}],
            },
        ).json()
        assert coupa.put(f"/api/invoices/{inv['id']}/submit").json()["status"] == "approved"
        _sync(pfirm)
        _sync(pfirm)  # a second sync books nothing again
        assert coupa.get(f"/api/invoices/{inv['id']}").json()["exported"] is True
    bills = pfirm.records("erp", "vendorBill")
    assert len(bills) == 1
    lines: list[dict[str, Any]] = bills[0]["expense"]
    assert [(str(ln["customer"]), ln["amount"]) for ln in lines] == [(job, round(37.25 * 95.5, 2))]
    assert bills[0]["tranId"] == "CC-0042"
    assert pfirm.dead() == []
