"""The seeded firm's contractors and their assignments load as Coupa suppliers and orders."""

from __future__ import annotations

import httpx

from harness.data import generate_firm
from harness.data._model import WorkerType
from harness.loaders import load_firm
from harness.stack import Stack, StackSettings, admin_headers, endpoints_document

from .._clients import client_credentials_token


def test_contractors_become_suppliers_with_orders_for_their_assignments() -> None:
    firm = generate_firm(2, "small")
    contractors = [c for c in firm.consultants if c.worker_type is WorkerType.CONTRACTOR]
    ids = {c.id for c in contractors}
    assigned = [a for a in firm.assignments if a.consultant_id in ids]
    assert contractors and assigned  # every firm has a contractor on some project
    with Stack(StackSettings(port_base=None, systems=["procurement"])) as stack:
        doc = endpoints_document(stack)
        report = load_firm(firm, doc)
        assert report.counts["procurement"] == {
            "suppliers": len(contractors),
            "purchase_orders": len(assigned),
        }
        ep = doc["procurement"]
        tok = client_credentials_token(ep["token_url"], ep, trust_env=False)
        h = {"Authorization": f"Bearer {tok}", "Accept": "application/json"}
        c = contractors[0]
        sup = httpx.get(
            f"{ep['api_base']}/suppliers",
            params={"primary-contact[email]": c.email},
            headers=h,
            trust_env=False,
        ).json()
        assert [s["number"] for s in sup] == [f"SUB-{c.hcm_id}"]
        orders = httpx.get(
            f"{ep['api_base']}/purchase_orders",
            params={"supplier[number]": f"SUB-{c.hcm_id}"},
            headers=h,
            trust_env=False,
        ).json()
        mine = [a for a in assigned if a.consultant_id == c.id]
        assert sorted(o["custom-fields"]["psa-assignment"] for o in orders) == sorted(
            a.psa_id for a in mine
        )
        line = orders[0]["order-lines"][0]
        assert line["price"] == c.cost_rate_minor / 100 and line["total"] > 0
        assert (
            httpx.get(
                f"{ep['admin_url']}/health", headers=admin_headers(ep), trust_env=False
            ).status_code
            == 200
        )
