"""Coupa Core API on the wire: OAuth, suppliers, external POs, receipts, supplier invoices.

Sources: compass.coupa.com (Core API: "Arguments" for query operators and the 50-record
pages; "Set Up an OpenID Connect Client" for the token request; "Special Actions and API
Notes" for ?exported=true and the <errors><error> body; "Exception Handling and Error
Codes" for 25 requests per second).
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

import httpx

from harness.testing import SimHandle

from .._clients import coupa_token
from ._documents import post_invoice


def _supplier(api: httpx.Client, name: str = "Northwind Consulting", **kw: Any) -> dict[str, Any]:
    r = api.post("/api/suppliers", json={"name": name, "number": kw.pop("number", "SUB-1"), **kw})
    assert r.status_code == 201, r.text
    return dict(r.json())


def _order(
    api: httpx.Client, supplier: dict[str, Any], number: str = "PO-1001", **kw: Any
) -> dict[str, Any]:
    r = api.post(
        "/api/purchase_orders",
        json={
            "po-number": number,
            "supplier": {"number": supplier["number"]},
            "currency": {"code": "USD"},
            "custom-fields": {"erp-job": "job-42"},
            "order-lines": kw.pop(
                "lines",
                [
                    {
                        "type": "OrderQuantityLine",
                        "description": "Subcontractor hours",
                        "quantity": 80,
                        "price": 95.5,
                    },
                    {"type": "OrderAmountLine", "description": "Travel", "price": 1200},
                ],
            ),
        },
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_token_and_scopes(coupa: SimHandle) -> None:
    creds = coupa.admin.get("/tenants/default").json()["credentials"]
    bad = httpx.post(
        f"{coupa.base_url}/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": creds["client_id"],
            "client_secret": "x",
        },
        trust_env=False,
    )
    assert (bad.status_code, bad.json()["error"]) == (401, "invalid_client")
    read_only = coupa_token(coupa, "core.supplier.read")
    h = {"Authorization": f"Bearer {read_only}", "Accept": "application/json"}
    assert (
        httpx.get(f"{coupa.base_url}/api/suppliers", headers=h, trust_env=False).status_code == 200
    )
    denied = httpx.post(
        f"{coupa.base_url}/api/suppliers", json={"name": "X"}, headers=h, trust_env=False
    )
    assert denied.status_code == 403
    assert denied.json() == {
        "errors": {"error": ["The client lacks the scope core.supplier.write"]}
    }
    legacy = httpx.get(
        f"{coupa.base_url}/api/suppliers", headers={"X-COUPA-API-KEY": "k"}, trust_env=False
    )
    assert legacy.status_code == 401


def test_xml_is_the_default_format(coupa: SimHandle, api: httpx.Client) -> None:
    sup = _supplier(api)
    r = httpx.get(
        f"{coupa.base_url}/api/suppliers/{sup['id']}",
        headers={"Authorization": api.headers["Authorization"]},
        trust_env=False,
    )
    assert r.headers["content-type"].startswith("application/xml")
    root = ElementTree.fromstring(r.content)
    assert root.tag == "supplier" and root.find("id").get("type") == "integer"  # type: ignore[union-attr]
    missing = httpx.get(
        f"{coupa.base_url}/api/suppliers/999",
        headers={"Authorization": api.headers["Authorization"]},
        trust_env=False,
    )
    assert missing.status_code == 404
    assert (
        ElementTree.fromstring(missing.content).find("error").text
        == "Couldn't find Supplier with 'id'=999"
    )  # type: ignore[union-attr]
    xml_create = httpx.post(
        f"{coupa.base_url}/api/suppliers",
        content=b"<supplier><name>Contoso Partners</name><number>SUB-2</number></supplier>",
        headers={
            "Authorization": api.headers["Authorization"],
            "Content-Type": "application/xml",
            "Accept": "application/json",
        },
        trust_env=False,
    )
    assert xml_create.status_code == 201 and xml_create.json()["number"] == "SUB-2"


def test_purchase_order_receipt_and_invoice_match(api: httpx.Client) -> None:
    sup = _supplier(api)
    po = _order(api, sup)
    assert po["type"] == "ExternalOrderHeader" and po["status"] == "issued"
    hours, travel = po["order-lines"]
    assert hours["total"] == 7640.0 and travel["total"] == 1200.0
    assert api.post("/api/purchase_orders", json={**po, "id": None}).json()["errors"]["error"] == [
        "Po number has already been taken"
    ]

    rec = api.post(
        "/api/receiving_transactions", json={"order-line": {"id": hours["id"]}, "quantity": 37.5}
    )
    assert rec.status_code == 201 and rec.json()["type"] == "ReceivingQuantityConsumption"
    too_much = api.post(
        "/api/receiving_transactions", json={"order-line": {"id": hours["id"]}, "quantity": 50}
    )
    assert too_much.status_code == 422 and "exceeds" in too_much.json()["errors"]["error"][0]

    inv = post_invoice(
        api,
        sup["id"],
        "NW-7",
        "2026-11-30",
        [
            {"order-line-id": hours["id"], "quantity": 37.5},
            {"order-line-id": travel["id"], "total": 310.4},
        ],
    ).json()
    assert inv["status"] == "draft" and inv["gross-total"] == round(37.5 * 95.5 + 310.4, 2)
    dup = post_invoice(
        api, sup["id"], "NW-7", "2026-11-30", [{"order-line-id": travel["id"], "total": 1}]
    )
    assert dup.json()["errors"]["error"] == ["Invoice # has already been used"]
    approved = api.put(f"/api/invoices/{inv['id']}/submit").json()
    assert approved["status"] == "approved" and approved["tolerance-failures"] == []
    order = api.get(f"/api/purchase_orders/{po['id']}").json()
    assert [ln["invoiced"] for ln in order["order-lines"]] == [3581.25, 310.4]

    over = post_invoice(
        api, sup["id"], "NW-8", "2026-12-01", [{"order-line-id": travel["id"], "total": 1000}]
    ).json()
    held = api.put(f"/api/invoices/{over['id']}/submit").json()
    assert held["status"] == "on_hold" and "exceeds" in held["tolerance-failures"][0]


def test_query_arguments_pages_and_exported(coupa: SimHandle, api: httpx.Client) -> None:
    sup = _supplier(api)
    orders = [
        {
            "po_number": f"PO-{2000 + n}",
            "supplier": {"number": sup["number"]},
            "order_lines": [{"type": "OrderAmountLine", "price": 100 + n}],
        }
        for n in range(55)
    ]
    loaded = coupa.admin.post("/tenants/default/records/purchase_orders", json={"records": orders})
    assert loaded.status_code == 201 and loaded.json()["count"] == 55
    first = api.get("/api/purchase_orders").json()
    assert len(first) == 50 and first[0]["po-number"] == "PO-2000"
    rest = api.get("/api/purchase_orders", params={"offset": 50}).json()
    assert [o["po-number"] for o in rest] == [f"PO-{2050 + n}" for n in range(5)]
    assert (
        len(api.get("/api/purchase_orders", params={"order-lines[price][gt_or_eq]": 150}).json())
        == 5
    )
    assert (
        len(
            api.get(
                "/api/purchase_orders", params={"supplier[name]": sup["name"], "limit": 3}
            ).json()
        )
        == 3
    )
    done = api.put(f"/api/purchase_orders/{first[0]['id']}", params={"exported": "true"}).json()
    assert done["exported"] is True
    assert (
        len(api.get("/api/purchase_orders", params={"exported": "false", "limit": 50}).json()) == 50
    )
    assert (
        api.get("/api/purchase_orders", params={"po_number": "PO-2001"}).json()[0]["id"]
        == first[1]["id"]
    )
    bad = api.get("/api/purchase_orders", params={"limit": "lots"})
    assert bad.status_code == 400


def test_rate_limit_answers_429_with_retry_after(coupa: SimHandle, api: httpx.Client) -> None:
    coupa.admin.post("/tenants/default/clock", json={"freeze": True})
    statuses = [api.get("/api/suppliers").status_code for _ in range(25)]
    assert statuses.count(200) == 20 and statuses[-1] == 429
    last = api.get("/api/suppliers")
    assert last.headers["retry-after"] == "1"
    assert last.json()["errors"]["error"][0].startswith("Rate limit exceeded")


def test_limits_through_the_engine_admin_route(coupa: SimHandle, api: httpx.Client) -> None:
    assert coupa.admin.get("/tenants/default/limits").json() == {
        "rate_per_second": 25.0,
        "burst": 20,
    }
    coupa.admin.post("/tenants/default/clock", json={"freeze": True})
    put = coupa.admin.put("/tenants/default/limits", json={"rate_per_second": 1, "burst": 2})
    assert put.status_code == 200 and put.json() == {"rate_per_second": 1.0, "burst": 2.0}
    statuses = [api.get("/api/suppliers").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    bad = coupa.admin.put("/tenants/default/limits", json={"burst": 0})
    assert bad.status_code == 400 and "burst" in bad.json()["error"]["message"]
