"""Sales credit memos from draft to posted, applied to the invoice they name.

learn.microsoft.com, Business Central API v2.0, "salesCreditMemo resource type": GET,
POST, PATCH, DELETE on companies({id})/salesCreditMemos, lines under
salesCreditMemos({id})/salesCreditMemoLines, the bound action
salesCreditMemos({id})/Microsoft.NAV.post (204 No Content); ``invoiceId`` /
``invoiceNumber`` name the invoice the memo applies to. Entity shapes: the recorded
v2.0 $metadata. Posting applies the memo to that invoice: its ``remainingAmount`` falls
and at zero it is Paid (the customer ledger application; see the simulator's README).
"""

from __future__ import annotations

from typing import Any

import httpx


def _posted_invoice(api: httpx.Client, amount: float) -> tuple[dict[str, Any], dict[str, Any]]:
    cust = api.post("/customers", json={"displayName": "Adatum Corporation"}).json()
    item = api.post("/items", json={"displayName": "Milestone", "type": "Service"}).json()
    inv = api.post(
        "/salesInvoices",
        json={
            "customerId": cust["id"],
            "salesInvoiceLines": [{"itemId": item["id"], "quantity": 1, "unitPrice": amount}],
        },
    ).json()
    r = api.post(f"/salesInvoices({inv['id']})/Microsoft.NAV.post")
    assert r.status_code == 204, r.text
    return api.get(f"/salesInvoices({inv['id']})").json(), item


def test_a_posted_credit_memo_lowers_the_invoice_it_applies_to(api: httpx.Client) -> None:
    inv, item = _posted_invoice(api, 1000)
    r = api.post(
        "/salesCreditMemos",
        json={"invoiceNumber": inv["number"], "externalDocumentNumber": "CR-1"},
    )
    assert r.status_code == 201, r.text
    memo = r.json()
    assert memo["status"] == "Draft" and memo["number"].startswith("S-CR")
    assert memo["customerId"] == inv["customerId"] and memo["invoiceId"] == inv["id"]
    assert memo["customerName"] == "Adatum Corporation"
    line = api.post(
        f"/salesCreditMemos({memo['id']})/salesCreditMemoLines",
        json={"itemId": item["id"], "quantity": 1, "unitPrice": 150.37, "description": "Dispute"},
    )
    assert line.status_code == 201, line.text
    assert line.json()["amountIncludingTax"] == 150.37 and line.json()["sequence"] == 10000
    posted = api.post(f"/salesCreditMemos({memo['id']})/Microsoft.NAV.post")
    assert posted.status_code == 204, posted.text
    back = api.get(f"/salesCreditMemos({memo['id']})").json()
    assert back["number"].startswith("PS-CR") and back["status"] == "Paid"
    assert back["totalAmountIncludingTax"] == 150.37
    after = api.get(f"/salesInvoices({inv['id']})").json()
    assert after["remainingAmount"] == 849.63 and after["status"] == "Open"
    cust = api.get(f"/customers({inv['customerId']})").json()
    assert cust["balanceDue"] == 849.63
    # a posted memo is read only
    patched = api.patch(
        f"/salesCreditMemos({memo['id']})",
        json={"externalDocumentNumber": "CR-2"},
        headers={"If-Match": back["@odata.etag"]},
    )
    assert patched.status_code == 400 and patched.json()["error"]["code"] == (
        "Application_DialogException"
    )
    again = api.post(f"/salesCreditMemos({memo['id']})/Microsoft.NAV.post")
    assert again.status_code == 400 and "already been posted" in again.json()["error"]["message"]


def test_a_credit_of_what_remains_pays_the_invoice(api: httpx.Client) -> None:
    inv, item = _posted_invoice(api, 200)
    memo = api.post(
        "/salesCreditMemos",
        json={
            "invoiceId": inv["id"],
            "salesCreditMemoLines": [{"itemId": item["id"], "quantity": 1, "unitPrice": 200}],
        },
    ).json()
    assert api.post(f"/salesCreditMemos({memo['id']})/Microsoft.NAV.post").status_code == 204
    after = api.get(f"/salesInvoices({inv['id']})").json()
    assert after["remainingAmount"] == 0 and after["status"] == "Paid"
    found = api.get(
        "/salesCreditMemos",
        params={"$filter": f"invoiceId eq {inv['id']}", "$expand": "salesCreditMemoLines"},
    ).json()["value"]
    assert [len(m["salesCreditMemoLines"]) for m in found] == [1]


def test_bad_input_gets_odata_errors(api: httpx.Client) -> None:
    r = api.post("/salesCreditMemos", json={"creditMemoDate": "2026-12-01"})
    assert r.status_code == 400
    assert (
        r.json()["error"]["code"] == "BadRequest" and "customerId" in r.json()["error"]["message"]
    )
    r = api.post("/salesCreditMemos", json={"invoiceNumber": "PS-INV999999"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "Internal_RecordNotFound"
    cust = api.post("/customers", json={"displayName": "Fabrikam"}).json()
    draft = api.post("/salesInvoices", json={"customerId": cust["id"]}).json()
    r = api.post("/salesCreditMemos", json={"invoiceId": draft["id"]})
    assert r.status_code == 400 and r.json()["error"]["code"] == "Application_DialogException"
    empty = api.post("/salesCreditMemos", json={"customerId": cust["id"]}).json()
    r = api.post(f"/salesCreditMemos({empty['id']})/Microsoft.NAV.post")
    assert r.status_code == 400 and "nothing to post" in r.json()["error"]["message"]
    r = api.post("/salesCreditMemos", json={"customerId": cust["id"], "totalAmountIncludingTax": 5})
    assert r.status_code == 400 and r.json()["error"]["code"]
    assert "CorrelationId" in r.json()["error"]["message"]


def test_metadata_serves_the_credit_memo_types_and_post_action(api: httpx.Client) -> None:
    base = str(api.base_url).split("/companies(")[0]
    csdl = httpx.get(f"{base}/$metadata", headers=api.headers, trust_env=False).text
    assert '<EntityType Name="salesCreditMemo">' in csdl
    assert '<EntitySet Name="salesCreditMemoLines"' in csdl
    assert 'Type="Microsoft.NAV.salesCreditMemo"' in csdl
