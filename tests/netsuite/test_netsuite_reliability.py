"""ERP reliability: a rejected write never breaks later writes of the same record type."""

from __future__ import annotations

import httpx


def test_rejected_invoice_with_external_id_leaves_invoices_working(api: httpx.Client) -> None:
    r = api.post("/record/v1/invoice", json={"externalId": "INV-EXT-1"})
    assert r.status_code == 400, r.text
    r = api.get("/record/v1/invoice/eid:INV-EXT-1")
    assert r.status_code == 404, r.text
    r = api.post("/record/v1/invoice", json={"externalId": "INV-EXT-2"})
    assert r.status_code == 400, r.text
    r = api.put("/record/v1/customer/eid:CUST-EXT-1", json={"companyName": "x"})
    assert r.status_code < 500, r.text
    r = api.put(
        "/record/v1/customer/eid:CUST-EXT-1",
        json={"companyName": "Acme", "subsidiary": {"id": "1"}},
    )
    assert r.status_code == 204, r.text
    assert api.get("/record/v1/customer/eid:CUST-EXT-1").status_code == 200
