"""Customer payments: invoice !transform/customerPayment, the customerPayment record and its
apply sublist, and what they do to the invoice (amounts, status, notification, SuiteQL)."""

from __future__ import annotations

from typing import Any

import httpx

from harness.testing import SimHandle


def new_id(resp: httpx.Response) -> str:
    assert resp.status_code == 204, resp.text
    return resp.headers["location"].rsplit("/", 1)[-1]


def _customer(api: httpx.Client, name: str = "Client Co") -> str:
    return new_id(
        api.post("/record/v1/customer", json={"companyName": name, "subsidiary": {"id": "1"}})
    )


def _invoice(api: httpx.Client, cust: str, amount: float = 1000.0) -> str:
    item = new_id(api.post("/record/v1/serviceItem", json={"itemId": f"Fee {amount}"}))
    return new_id(
        api.post(
            "/record/v1/invoice",
            json={
                "entity": {"id": cust},
                "tranDate": "2024-05-01",
                "item": {"items": [{"item": {"id": item}, "quantity": 1, "rate": amount}]},
            },
        )
    )


def _pay(api: httpx.Client, inv: str, **body: Any) -> httpx.Response:
    return api.post(f"/record/v1/invoice/{inv}/!transform/customerPayment", json=body)


def _error(r: httpx.Response, status: int = 400) -> dict[str, Any]:
    assert r.status_code == status, r.text
    return r.json()["o:errorDetails"][0]


def _suiteql(api: httpx.Client, q: str) -> list[dict[str, Any]]:
    r = api.post("/query/v1/suiteql", json={"q": q}, headers={"Prefer": "transient"})
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


def test_transform_pays_the_invoice_in_full(api: httpx.Client, erp: SimHandle) -> None:
    cust = _customer(api)
    inv = _invoice(api, cust, 1000.0)
    r = _pay(api, inv)
    pay = new_id(r)
    assert "/record/v1/customerPayment/" in r.headers["location"]

    invoice = api.get(f"/record/v1/invoice/{inv}").json()
    assert invoice["status"] == {"id": "B", "refName": "Paid In Full"}
    assert invoice["amountRemaining"] == 0.0 and invoice["amountPaid"] == 1000.0

    body = api.get(f"/record/v1/customerPayment/{pay}", params={"expandSubResources": "true"})
    p = body.json()
    assert p["customer"]["id"] == cust and p["customer"]["refName"] == "Client Co"
    assert p["payment"] == 1000.0 and p["applied"] == 1000.0 and p["unapplied"] == 0.0
    assert p["status"]["refName"] == "Not Deposited"
    assert p["tranId"].startswith("PYMT")
    [line] = p["apply"]["items"]
    assert line["doc"]["id"] == inv and line["apply"] is True and line["amount"] == 1000.0
    assert line["refNum"] == invoice["tranId"] and line["due"] == 1000.0
    assert line["type"] == "Invoice" and line["total"] == 1000.0

    # SuiteQL sees the invoice's status and the payment as a CustPymt transaction
    [row] = _suiteql(
        api,
        f"SELECT id, status, foreignamountremaining, foreignamountpaid FROM transaction WHERE id = {inv}",
    )
    assert row["status"] == "B"
    assert float(row["foreignamountremaining"]) == 0.0
    assert float(row["foreignamountpaid"]) == 1000.0
    [prow] = _suiteql(
        api, "SELECT id, entity, foreigntotal FROM transaction WHERE type = 'CustPymt'"
    )
    assert str(prow["id"]) == pay and str(prow["entity"]) == cust
    assert float(prow["foreigntotal"]) == 1000.0

    # the invoice change raised its afterSubmit notification
    evs = erp.admin.get("/tenants/default/events", params={"type": "invoice"}).json()["events"]
    edit = evs[-1]["payload"]
    assert edit["recordType"] == "invoice" and edit["id"] == inv and edit["operation"] == "edit"
    assert edit["lastModifiedDate"] == invoice["lastModifiedDate"]


def test_partial_payments_leave_the_invoice_open_until_paid(api: httpx.Client) -> None:
    cust = _customer(api)
    inv = _invoice(api, cust, 1000.0)
    new_id(_pay(api, inv, payment=400, memo="first instalment"))
    invoice = api.get(f"/record/v1/invoice/{inv}").json()
    assert invoice["status"]["refName"] == "Open"
    assert invoice["amountRemaining"] == 600.0 and invoice["amountPaid"] == 400.0
    assert _suiteql(api, f"SELECT status FROM transaction WHERE id = {inv}")[0]["status"] == "A"

    # an edit of the open invoice keeps what was paid
    assert api.patch(f"/record/v1/invoice/{inv}", json={"memo": "reminder"}).status_code == 204
    assert api.get(f"/record/v1/invoice/{inv}").json()["amountRemaining"] == 600.0

    second = new_id(_pay(api, inv))  # the rest
    assert api.get(f"/record/v1/customerPayment/{second}").json()["payment"] == 600.0
    invoice = api.get(f"/record/v1/invoice/{inv}").json()
    assert invoice["status"]["refName"] == "Paid In Full" and invoice["amountRemaining"] == 0.0

    err = _error(_pay(api, inv))  # nothing left to pay
    assert err["o:errorCode"] == "USER_ERROR"
    assert "You can not initialize customerpayment" in err["detail"]


def test_payment_record_applied_to_two_invoices(api: httpx.Client) -> None:
    cust = _customer(api)
    a, b = _invoice(api, cust, 300.0), _invoice(api, cust, 500.0)
    pay = new_id(
        api.post(
            "/record/v1/customerPayment",
            json={
                "customer": {"id": cust},
                "payment": 1000,
                "apply": {
                    "items": [
                        {"doc": {"id": a}, "apply": True, "amount": 300},
                        {"doc": {"id": b}, "amount": 200},
                    ]
                },
            },
        )
    )
    p = api.get(f"/record/v1/customerPayment/{pay}").json()
    assert p["applied"] == 500.0 and p["unapplied"] == 500.0
    assert api.get(f"/record/v1/invoice/{a}").json()["status"]["refName"] == "Paid In Full"
    assert api.get(f"/record/v1/invoice/{b}").json()["amountRemaining"] == 300.0

    # unapplying invoice a (amount 0) reopens it
    lines = api.get(f"/record/v1/customerPayment/{pay}/apply").json()["items"]
    line_a = next(x for x in lines if x["doc"]["id"] == a)
    r = api.patch(
        f"/record/v1/customerPayment/{pay}",
        json={"apply": {"items": [{"line": line_a["line"], "amount": 0}]}},
    )
    assert r.status_code == 204, r.text
    inv_a = api.get(f"/record/v1/invoice/{a}").json()
    assert inv_a["status"]["refName"] == "Open" and inv_a["amountRemaining"] == 300.0

    # deleting the payment reopens invoice b
    assert api.delete(f"/record/v1/customerPayment/{pay}").status_code == 204
    assert api.get(f"/record/v1/invoice/{b}").json()["amountRemaining"] == 500.0


def test_paid_invoice_cannot_be_deleted(api: httpx.Client) -> None:
    cust = _customer(api)
    inv = _invoice(api, cust, 100.0)
    new_id(_pay(api, inv, payment=10))
    err = _error(api.delete(f"/record/v1/invoice/{inv}"))
    assert err["o:errorCode"] == "USER_ERROR" and "dependent records" in err["detail"]


def test_bad_payments_get_netsuite_errors(api: httpx.Client) -> None:
    cust, other = _customer(api), _customer(api, "Other Co")
    inv = _invoice(api, cust, 100.0)
    foreign = _invoice(api, other, 100.0)

    def post(body: dict[str, Any]) -> httpx.Response:
        return api.post("/record/v1/customerPayment", json=body)

    over = _error(
        post(
            {
                "customer": {"id": cust},
                "apply": {"items": [{"doc": {"id": inv}, "amount": 150}]},
            }
        )
    )
    assert over["o:errorCode"] == "USER_ERROR" and over["o:errorPath"] == "apply.items[0].amount"
    more_than_paid = _error(
        post(
            {
                "customer": {"id": cust},
                "payment": 50,
                "apply": {"items": [{"doc": {"id": inv}, "amount": 80}]},
            }
        )
    )
    assert "exceeds the payment amount" in more_than_paid["detail"]
    wrong = _error(post({"customer": {"id": cust}, "apply": {"items": [{"doc": {"id": foreign}}]}}))
    assert (
        wrong["o:errorCode"] == "INVALID_CONTENT" and wrong["o:errorPath"] == "apply.items[0].doc"
    )
    missing = _error(post({"payment": 10}))
    assert "Customer" in missing["detail"]
    nothing = _error(post({"customer": {"id": cust}}))
    assert "Payment Amount" in nothing["detail"]
    bad_sublist = _error(post({"customer": {"id": cust}, "apply": [1, 2]}))
    assert bad_sublist["o:errorCode"] == "INVALID_CONTENT"
    # nothing was paid by the refused requests
    assert api.get(f"/record/v1/invoice/{inv}").json()["amountRemaining"] == 100.0
    assert _suiteql(api, "SELECT id FROM transaction WHERE type = 'CustPymt'") == []

    assert _error(_pay(api, "99999"), 404)["o:errorCode"] == "NONEXISTENT_ID"
    unsupported = _error(api.post(f"/record/v1/invoice/{inv}/!transform/salesOrder"))
    assert unsupported["o:errorCode"] == "INVALID_PARAMETER"
    not_json = api.post(
        f"/record/v1/invoice/{inv}/!transform/customerPayment",
        content=b"{oops",
        headers={"content-type": "application/json"},
    )
    assert not_json.status_code == 400, not_json.text
