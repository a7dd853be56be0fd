"""Credit memos: invoice !transform/creditMemo, the creditMemo record and its apply sublist,
and what they do to the invoice (amount due, status, notification)."""

from __future__ import annotations

import httpx

from harness.testing import SimHandle

from .test_netsuite_payments import _customer, _error, _invoice, _pay, new_id


def _credit(api: httpx.Client, inv: str, **body: object) -> httpx.Response:
    return api.post(f"/record/v1/invoice/{inv}/!transform/creditMemo", json=body)


def _item_of(api: httpx.Client, inv: str) -> str:
    body = api.get(f"/record/v1/invoice/{inv}", params={"expandSubResources": "true"}).json()
    return str(body["item"]["items"][0]["item"]["id"])


def test_a_partial_credit_reduces_what_the_customer_owes(api: httpx.Client, erp: SimHandle) -> None:
    cust = _customer(api)
    inv = _invoice(api, cust, 1000.0)
    item = _item_of(api, inv)
    r = _credit(
        api,
        inv,
        externalId="credit-1",
        memo="Disputed hours",
        item={"items": [{"item": {"id": item}, "quantity": 1, "rate": 312.45}]},
    )
    cm = new_id(r)
    assert "/record/v1/creditMemo/" in r.headers["location"]
    memo = api.get(f"/record/v1/creditMemo/{cm}", params={"expandSubResources": "true"}).json()
    assert memo["tranId"].startswith("CM") and memo["externalId"] == "credit-1"
    assert memo["total"] == 312.45 and memo["applied"] == 312.45 and memo["unapplied"] == 0.0
    assert memo["status"] == {"id": "B", "refName": "Fully Applied"}
    assert memo["createdFrom"]["id"] == inv and memo["entity"]["id"] == cust
    [line] = memo["apply"]["items"]
    assert line["doc"]["id"] == inv and line["amount"] == 312.45 and line["due"] == 1000.0

    invoice = api.get(f"/record/v1/invoice/{inv}").json()
    assert invoice["amountRemaining"] == 687.55 and invoice["status"]["refName"] == "Open"
    # the customer pays the rest: the invoice is paid in full
    new_id(_pay(api, inv))
    invoice = api.get(f"/record/v1/invoice/{inv}").json()
    assert invoice["amountRemaining"] == 0.0 and invoice["status"]["refName"] == "Paid In Full"
    # the credit memo answers by its external id too
    assert api.get("/record/v1/creditMemo/eid:credit-1").json()["id"] == cm


def test_a_full_credit_copies_the_invoice_lines(api: httpx.Client, erp: SimHandle) -> None:
    cust = _customer(api)
    inv = _invoice(api, cust, 480.5)
    cm = new_id(_credit(api, inv))
    memo = api.get(f"/record/v1/creditMemo/{cm}").json()
    assert memo["total"] == 480.5 and memo["status"]["refName"] == "Fully Applied"
    invoice = api.get(f"/record/v1/invoice/{inv}").json()
    assert invoice["amountRemaining"] == 0.0 and invoice["status"]["refName"] == "Paid In Full"


def test_a_credit_beyond_the_amount_due_stays_unapplied(api: httpx.Client, erp: SimHandle) -> None:
    cust = _customer(api)
    inv = _invoice(api, cust, 200.0)
    new_id(_pay(api, inv, payment=150.0))
    item = _item_of(api, inv)
    cm = new_id(
        _credit(api, inv, item={"items": [{"item": {"id": item}, "quantity": 1, "rate": 120.0}]})
    )
    memo = api.get(f"/record/v1/creditMemo/{cm}").json()
    assert memo["applied"] == 50.0 and memo["unapplied"] == 70.0
    assert memo["amountRemaining"] == 70.0 and memo["status"]["refName"] == "Open"
    assert api.get(f"/record/v1/invoice/{inv}").json()["amountRemaining"] == 0.0


def test_deleting_a_credit_memo_restores_the_amount_due(api: httpx.Client, erp: SimHandle) -> None:
    cust = _customer(api)
    inv = _invoice(api, cust, 300.0)
    cm = new_id(_credit(api, inv))
    assert api.delete(f"/record/v1/creditMemo/{cm}").status_code == 204
    assert api.get(f"/record/v1/invoice/{inv}").json()["amountRemaining"] == 300.0


def test_applying_more_than_is_due_is_a_user_error(api: httpx.Client, erp: SimHandle) -> None:
    cust = _customer(api)
    inv = _invoice(api, cust, 100.0)
    item = _item_of(api, inv)
    r = _credit(
        api,
        inv,
        item={"items": [{"item": {"id": item}, "quantity": 1, "rate": 500.0}]},
        apply={"items": [{"doc": {"id": inv}, "apply": True, "amount": 500.0}]},
    )
    err = _error(r)
    assert err["o:errorCode"] == "USER_ERROR" and "exceeds the amount due" in err["detail"]
    assert api.get(f"/record/v1/invoice/{inv}").json()["amountRemaining"] == 100.0
