"""The Coupa contract (written from the Core API documentation) against the simulator, both
ways: every element a served record carries is in its resource's contract with a type the
contract allows, every contract element is served, and each answer validates."""

from __future__ import annotations

from typing import Any

import httpx

from contracts import current, load_contract

from ._documents import post_invoice


def _documents(api: httpx.Client) -> dict[str, dict[str, Any]]:
    sup = api.post("/api/suppliers", json={"name": "Northwind", "number": "SUB-9"}).json()
    po = api.post(
        "/api/purchase_orders",
        json={
            "po-number": "PO-9001",
            "supplier": {"number": "SUB-9"},
            "currency": {"code": "USD"},
            "custom-fields": {"erp-job": "job-9"},
            "order-lines": [
                {"type": "OrderQuantityLine", "description": "hours", "quantity": 40, "price": 95},
                {"type": "OrderAmountLine", "description": "travel", "price": 500},
            ],
        },
    ).json()
    line = po["order-lines"][0]
    rec = api.post(
        "/api/receiving_transactions", json={"order-line": {"id": line["id"]}, "quantity": 10}
    ).json()
    inv = post_invoice(
        api, sup["id"], "NW-90", "2026-11-30", [{"order-line-id": line["id"], "quantity": 10}]
    ).json()
    return {
        "suppliers": api.get(f"/api/suppliers/{sup['id']}").json(),
        "purchase_orders": api.get(f"/api/purchase_orders/{po['id']}").json(),
        "order_lines": line,
        "receiving_transactions": api.get(f"/api/receiving_transactions/{rec['id']}").json(),
        "invoices": api.get(f"/api/invoices/{inv['id']}").json(),
        "invoice_lines": inv["invoice-lines"][0],
    }


def test_served_documents_match_the_contract_both_ways(api: httpx.Client) -> None:
    c = load_contract("coupa", current("coupa").name)
    docs = _documents(api)
    assert set(docs) == set(c.objects())
    for name, doc in docs.items():
        props = c.objects()[name]["record"]["properties"]
        assert set(doc) == set(props), (name, set(doc) ^ set(props))
        found = c.validator(f"objects/{name}.json#/$defs/record").violations(doc)
        assert not found, (name, [v.to_dict() for v in found])


def test_a_document_that_breaks_the_contract_is_named() -> None:
    c = load_contract("coupa", current("coupa").name)
    v = c.validator("objects/invoices.json#/$defs/record")
    found = v.violations({"id": 1, "gross-total": "12.50", "paid": "no", "currency": {}})
    assert ("paid", "type") in {(x.field, x.rule) for x in found}
    assert {x.path for x in found} >= {"$.paid", "$.currency"}  # currency lacks its code
