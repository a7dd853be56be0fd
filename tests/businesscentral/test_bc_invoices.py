"""Sales invoices from draft to paid: lines, totals, Microsoft.NAV.post, customer payments.

learn.microsoft.com, Business Central API v2.0: salesInvoice (status Draft/Open/Paid,
remainingAmount), salesInvoiceLines nested under an invoice and deep insert on POST,
"post" bound action (POST .../salesInvoices({id})/Microsoft.NAV.post, 204 No Content),
customerPaymentJournals/customerPayments and the journal's post action.
"""

from __future__ import annotations

import httpx

from ._entities import created


def _setup(api: httpx.Client) -> tuple[dict, dict]:
    return (
        created(api, "/customers", {"displayName": "Adatum", "city": "Atlanta", "country": "US"}),
        created(
            api, "/items", {"displayName": "Consulting hour", "type": "Service", "unitPrice": 150}
        ),
    )


def test_lines_totals_and_posting(api: httpx.Client) -> None:
    cust, item = _setup(api)
    inv = api.post(
        "/salesInvoices", json={"customerNumber": cust["number"], "invoiceDate": "2026-03-31"}
    ).json()
    assert inv["status"] == "Draft" and inv["number"].startswith("S-INV")
    assert (
        inv["customerId"] == cust["id"]
        and inv["billToName"] == "Adatum"
        and inv["sellToCity"] == "Atlanta"
    )
    assert inv["dueDate"] == "2026-04-30" and inv["totalAmountIncludingTax"] == 0
    line = api.post(
        f"/salesInvoices({inv['id']})/salesInvoiceLines",
        json={"lineObjectNumber": item["number"], "quantity": 8},
    )
    assert line.status_code == 201
    assert (
        line.json()["amountExcludingTax"] == 1200
        and line.json()["unitPrice"] == 150
        and line.json()["sequence"] == 10000
    )
    second = api.post(
        f"/salesInvoices({inv['id']})/salesInvoiceLines",
        json={
            "itemId": item["id"],
            "quantity": 2,
            "unitPrice": 100,
            "discountPercent": 10,
            "taxPercent": 5,
        },
    ).json()
    assert (
        second["amountExcludingTax"],
        second["totalTaxAmount"],
        second["amountIncludingTax"],
    ) == (180, 9, 189)
    draft = api.get(f"/salesInvoices({inv['id']})").json()
    assert (
        draft["totalAmountExcludingTax"],
        draft["totalTaxAmount"],
        draft["totalAmountIncludingTax"],
    ) == (1380, 9, 1389)

    assert api.post(f"/salesInvoices({inv['id']})/Microsoft.NAV.post").status_code == 204
    posted = api.get(f"/salesInvoices({inv['id']})").json()
    assert posted["status"] == "Open" and posted["remainingAmount"] == 1389
    assert posted["number"].startswith("PS-INV") and posted["id"] == inv["id"]
    assert api.get(f"/customers({cust['id']})").json()["balanceDue"] == 1389

    again = api.post(f"/salesInvoices({inv['id']})/Microsoft.NAV.post")
    assert (
        again.status_code == 400 and again.json()["error"]["code"] == "Application_DialogException"
    )
    frozen = api.patch(
        f"/salesInvoices({inv['id']})",
        json={"externalDocumentNumber": "X"},
        headers={"If-Match": "*"},
    )
    assert frozen.status_code == 400
    no_line = api.post(
        f"/salesInvoices({inv['id']})/salesInvoiceLines", json={"itemId": item["id"], "quantity": 1}
    )
    assert no_line.status_code == 400


def test_deep_insert_and_nothing_to_post(api: httpx.Client) -> None:
    cust, item = _setup(api)
    empty = api.post("/salesInvoices", json={"customerId": cust["id"]}).json()
    r = api.post(f"/salesInvoices({empty['id']})/Microsoft.NAV.post")
    assert r.status_code == 400 and "nothing to post" in r.json()["error"]["message"]
    deep = api.post(
        "/salesInvoices",
        json={
            "customerId": cust["id"],
            "salesInvoiceLines": [{"itemId": item["id"], "quantity": 3}],
        },
    )
    assert deep.status_code == 201 and deep.json()["totalAmountExcludingTax"] == 450
    lines = api.get(
        "/salesInvoiceLines", params={"$filter": f"documentId eq {deep.json()['id']}"}
    ).json()["value"]
    assert [x["quantity"] for x in lines] == [3]
    assert (
        api.post("/salesInvoices", json={"invoiceDate": "2026-01-01"}).status_code == 400
    )  # no customer
    ghost = api.post("/salesInvoices", json={"customerNumber": "NOPE"})
    assert ghost.status_code == 400 and ghost.json()["error"]["code"] == "Internal_RecordNotFound"


def test_customer_payment_posted_through_the_journal_pays_the_invoice(api: httpx.Client) -> None:
    cust, item = _setup(api)
    inv = created(
        api,
        "/salesInvoices",
        {"customerId": cust["id"], "salesInvoiceLines": [{"itemId": item["id"], "quantity": 10}]},
    )
    journal = api.get("/customerPaymentJournals").json()["value"][0]
    assert journal["code"] == "DEFAULT"
    early = api.post(
        f"/customerPaymentJournals({journal['id']})/customerPayments",
        json={"customerId": cust["id"], "amount": -1, "appliesToInvoiceId": inv["id"]},
    )
    assert early.status_code == 400  # a draft cannot be paid
    api.post(f"/salesInvoices({inv['id']})/Microsoft.NAV.post")
    number = api.get(f"/salesInvoices({inv['id']})").json()["number"]
    part = api.post(
        f"/customerPaymentJournals({journal['id']})/customerPayments",
        json={
            "customerNumber": cust["number"],
            "amount": -500,
            "appliesToInvoiceNumber": number,
            "postingDate": "2026-04-15",
        },
    )
    assert part.status_code == 201
    assert (
        part.json()["journalId"] == journal["id"]
        and part.json()["appliesToInvoiceId"] == inv["id"]
        and part.json()["lineNumber"] == 10000
    )
    assert (
        api.get(f"/salesInvoices({inv['id']})").json()["remainingAmount"] == 1500
    )  # not posted yet
    assert api.post(f"/journals({journal['id']})/Microsoft.NAV.post").status_code == 204
    after = api.get(f"/salesInvoices({inv['id']})").json()
    assert (after["status"], after["remainingAmount"]) == ("Open", 1000)
    assert api.get("/customerPayments").json()["value"] == []  # posted lines leave the journal
    api.post(
        "/customerPayments",
        json={
            "journalId": journal["id"],
            "customerId": cust["id"],
            "amount": -1000,
            "appliesToInvoiceId": inv["id"],
        },
    )
    api.post(f"/journals({journal['id']})/Microsoft.NAV.post")
    paid = api.get(f"/salesInvoices({inv['id']})").json()
    assert (paid["status"], paid["remainingAmount"]) == ("Paid", 0)
    assert api.get(f"/customers({cust['id']})").json()["balanceDue"] == 0
    assert (
        api.get("/salesInvoices", params={"$filter": "status eq 'Paid'"}).json()["value"][0]["id"]
        == inv["id"]
    )
