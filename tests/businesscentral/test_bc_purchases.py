"""Vendors and purchase invoices from draft to posted, as an OData client sends them.

learn.microsoft.com, Business Central API v2.0: vendor (number, displayName, balance
read only), purchaseInvoice (vendorId or vendorNumber, vendorInvoiceNumber, status
Draft/Open, totals read only), purchaseInvoiceLines nested under an invoice with
``unitCost`` ("Create purchaseInvoiceLines": POST .../purchaseInvoices({id})/
purchaseInvoiceLines, 201), and the "post" bound action (POST .../purchaseInvoices({id})/
Microsoft.NAV.post, 204 No Content). Entity shapes: the recorded v2.0 $metadata.
"""

from __future__ import annotations

import httpx

from ._entities import created


def _vendor_and_item(api: httpx.Client) -> tuple[dict, dict]:
    return (
        created(api, "/vendors", {"displayName": "Fabrikam Contracting", "city": "Seattle"}),
        created(
            api, "/items", {"displayName": "Subcontracted hour", "type": "Service", "unitCost": 80}
        ),
    )


def test_vendor_purchase_invoice_post_and_read_back(api: httpx.Client) -> None:
    vendor, item = _vendor_and_item(api)
    assert vendor["number"] and vendor["blocked"] == " " and vendor["balance"] == 0
    r = api.post(
        "/purchaseInvoices",
        json={
            "vendorNumber": vendor["number"],
            "vendorInvoiceNumber": "FAB-1001",
            "invoiceDate": "2026-03-31",
            "purchaseInvoiceLines": [
                {"itemId": item["id"], "quantity": 10, "description2": "OPP-7"},
            ],
        },
    )
    assert r.status_code == 201, r.text
    inv = r.json()
    assert inv["status"] == "Draft" and inv["vendorId"] == vendor["id"]
    assert inv["vendorName"] == inv["payToName"] == "Fabrikam Contracting"
    assert inv["buyFromCity"] == "Seattle" and inv["dueDate"] == "2026-04-30"
    assert inv["totalAmountExcludingTax"] == 800  # 10 x the item's unit cost
    line = api.post(
        f"/purchaseInvoices({inv['id']})/purchaseInvoiceLines",
        json={"lineObjectNumber": item["number"], "quantity": 2, "unitCost": 95.5},
    )
    assert line.status_code == 201, line.text
    assert line.json()["amountExcludingTax"] == 191 and line.json()["sequence"] == 20000
    posted = api.post(f"/purchaseInvoices({inv['id']})/Microsoft.NAV.post")
    assert posted.status_code == 204, posted.text
    back = api.get(
        f"/purchaseInvoices({inv['id']})",
        params={"$expand": "purchaseInvoiceLines($select=description2,amountExcludingTax)"},
    ).json()
    assert back["status"] == "Open" and back["number"].startswith("PP-INV")
    assert back["totalAmountIncludingTax"] == 991
    assert [ln["description2"] for ln in back["purchaseInvoiceLines"]] == ["OPP-7", ""]
    assert api.get(f"/vendors({vendor['id']})").json()["balance"] == 991
    found = api.get(
        "/purchaseInvoices",
        params={"$filter": "vendorInvoiceNumber eq 'FAB-1001'", "$select": "id,status"},
    ).json()["value"]
    assert found == [{"@odata.etag": found[0]["@odata.etag"], "id": inv["id"], "status": "Open"}]
    lines = api.get(
        "/purchaseInvoiceLines", params={"$filter": f"documentId eq {inv['id']}", "$count": "true"}
    ).json()
    assert lines["@odata.count"] == 2


def test_a_posted_purchase_invoice_is_read_only(api: httpx.Client) -> None:
    vendor, item = _vendor_and_item(api)
    lines = [{"itemId": item["id"], "quantity": 1}]
    inv = created(
        api,
        "/purchaseInvoices",
        {"vendorId": vendor["id"], "vendorInvoiceNumber": "FAB-2", "purchaseInvoiceLines": lines},
    )
    assert api.post(f"/purchaseInvoices({inv['id']})/Microsoft.NAV.post").status_code == 204
    etag = api.get(f"/purchaseInvoices({inv['id']})").headers["etag"]
    r = api.patch(
        f"/purchaseInvoices({inv['id']})",
        json={"dueDate": "2027-01-01"},
        headers={"If-Match": etag},
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "Application_DialogException"
    r = api.post(
        f"/purchaseInvoices({inv['id']})/purchaseInvoiceLines", json={"itemId": item["id"]}
    )
    assert r.status_code == 400 and "posted purchase invoice" in r.json()["error"]["message"]
    r = api.delete(f"/purchaseInvoices({inv['id']})", headers={"If-Match": "*"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "Application_DialogException"
    again = api.post(f"/purchaseInvoices({inv['id']})/Microsoft.NAV.post")
    assert again.status_code == 400 and "already been posted" in again.json()["error"]["message"]


def test_posting_needs_a_new_vendor_invoice_number(api: httpx.Client) -> None:
    # standard Business Central checks a vendor's invoice numbers for doubles at posting:
    # "purchase invoice xxxxx already exists for this vendor" (docs.norriq.com, Extra Check
    # on Invoice Creation: Vendor Invoice No.)
    vendor, item = _vendor_and_item(api)
    body = {"vendorId": vendor["id"], "purchaseInvoiceLines": [{"itemId": item["id"]}]}
    bare = api.post("/purchaseInvoices", json=body).json()
    r = api.post(f"/purchaseInvoices({bare['id']})/Microsoft.NAV.post")
    assert r.status_code == 400 and "Vendor Invoice No." in r.json()["error"]["message"]
    first = api.post("/purchaseInvoices", json={**body, "vendorInvoiceNumber": "X-1"}).json()
    second = api.post("/purchaseInvoices", json={**body, "vendorInvoiceNumber": "X-1"}).json()
    assert api.post(f"/purchaseInvoices({first['id']})/Microsoft.NAV.post").status_code == 204
    r = api.post(f"/purchaseInvoices({second['id']})/Microsoft.NAV.post")
    assert r.status_code == 400
    assert r.json()["error"]["message"].startswith(
        "Purchase Invoice X-1 already exists for this vendor."
    )


def test_bad_input_gets_odata_errors(api: httpx.Client) -> None:
    vendor, _ = _vendor_and_item(api)
    r = api.post("/purchaseInvoices", json={"vendorNumber": "NOSUCH"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "Internal_RecordNotFound"
    assert "CorrelationId" in r.json()["error"]["message"]
    r = api.post("/purchaseInvoices", json={"invoiceDate": "2026-01-01"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "BadRequest"
    r = api.post("/purchaseInvoices", json={"vendorId": vendor["id"], "totalTaxAmount": 5})
    assert r.status_code == 400 and r.json()["error"]["code"] == "BadRequest_InvalidOperation"
    r = api.post("/vendors", json={"displayName": "x" * 101})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "Application_StringExceededLength"
    r = api.post("/vendors", json={"displayName": "Blocked", "blocked": "Sometimes"})
    assert r.status_code == 400 and "Microsoft.NAV.vendorBlocked" in r.json()["error"]["message"]
    r = api.get("/purchaseInvoices", params={"$filter": "noSuchField eq 1"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "BadRequest_NotFound"
    r = api.post("/purchaseInvoices", json={"vendorId": vendor["id"], "purchaseInvoiceLines": 3})
    assert r.status_code == 400 and "purchaseInvoiceLines" in r.json()["error"]["message"]


def test_metadata_serves_the_purchase_types_and_post_action(api: httpx.Client) -> None:
    root = str(api.base_url).split("/companies(")[0]
    text = api.get(f"{root}/$metadata").text
    assert '<EntityType Name="purchaseInvoice">' in text
    assert '<EntitySet Name="vendors" EntityType="Microsoft.NAV.vendor">' in text
    assert 'Type="Microsoft.NAV.purchaseInvoice" /></Action>' in text
    assert '<EnumType Name="vendorBlocked">' in text
