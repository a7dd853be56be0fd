"""Business rules: invoice totals, time billed exactly once, subsidiary and currency consistency."""

from __future__ import annotations

from typing import Any

import httpx


def new_id(resp: httpx.Response) -> str:
    assert resp.status_code == 204, resp.text
    return resp.headers["location"].rsplit("/", 1)[-1]


def _setup(api: httpx.Client) -> dict[str, str]:
    cust = new_id(
        api.post(
            "/record/v1/customer", json={"companyName": "Client Co", "subsidiary": {"id": "1"}}
        )
    )
    job = new_id(
        api.post("/record/v1/job", json={"companyName": "Implementation", "parent": {"id": cust}})
    )
    emp = new_id(
        api.post(
            "/record/v1/employee",
            json={"firstName": "Con", "lastName": "Sultant", "subsidiary": {"id": "1"}},
        )
    )
    item = new_id(api.post("/record/v1/serviceItem", json={"itemId": "Consulting", "rate": 200}))
    return {"cust": cust, "job": job, "emp": emp, "item": item}


def _time(api: httpx.Client, ids: dict[str, str], hours: Any, **extra: Any) -> str:
    return new_id(
        api.post(
            "/record/v1/timeBill",
            json={
                "employee": {"id": ids["emp"]},
                "customer": {"id": ids["job"]},
                "item": {"id": ids["item"]},
                "hours": hours,
                "tranDate": "2024-04-02",
                "isBillable": True,
                **extra,
            },
        )
    )


def _error(r: httpx.Response) -> dict[str, Any]:
    assert r.status_code == 400, r.text
    return r.json()["o:errorDetails"][0]  # type: ignore[no-any-return]


def test_invoice_total_is_sum_of_lines_and_time(api: httpx.Client) -> None:
    ids = _setup(api)
    t1, t2 = _time(api, ids, 4), _time(api, ids, "1:30")
    inv = new_id(
        api.post(
            "/record/v1/invoice",
            json={
                "entity": {"id": ids["job"]},
                "tranDate": "2024-04-30",
                "item": {"items": [{"item": {"id": ids["item"]}, "quantity": 2, "rate": 50}]},
                "time": {
                    "items": [
                        {"doc": {"id": t1}, "apply": True},
                        {"doc": {"id": t2}, "apply": True},
                    ]
                },
            },
        )
    )
    body = api.get(f"/record/v1/invoice/{inv}", params={"expandSubResources": "true"}).json()
    assert body["total"] == 100 + 4 * 200 + 1.5 * 200
    assert body["entity"]["id"] == ids["job"] and body["subsidiary"]["id"] == "1"
    assert [x["amount"] for x in body["time"]["items"]] == [800.0, 300.0]
    assert api.get(f"/record/v1/timeBill/{t1}").json()["isBilled"] is True


def test_time_cannot_be_invoiced_twice(api: httpx.Client) -> None:
    ids = _setup(api)
    t1 = _time(api, ids, 3)
    first = {"entity": {"id": ids["cust"]}, "time": {"items": [{"doc": {"id": t1}, "apply": True}]}}
    inv = new_id(api.post("/record/v1/invoice", json=first))
    err = _error(api.post("/record/v1/invoice", json=first))
    assert err["o:errorCode"] == "INVALID_CONTENT" and err["o:errorPath"] == "time.items[0].doc"
    assert t1 in err["detail"]
    # a billed time entry cannot be changed or deleted
    assert (
        _error(api.patch(f"/record/v1/timeBill/{t1}", json={"hours": 5}))["o:errorCode"]
        == "USER_ERROR"
    )
    assert api.delete(f"/record/v1/timeBill/{t1}").status_code == 400
    # deleting the invoice releases the time, which can then be billed again
    assert api.delete(f"/record/v1/invoice/{inv}").status_code == 204
    assert api.get(f"/record/v1/timeBill/{t1}").json()["isBilled"] is False
    new_id(api.post("/record/v1/invoice", json=first))


def test_non_billable_or_foreign_time_is_refused(api: httpx.Client) -> None:
    ids = _setup(api)
    nb = _time(api, ids, 1, isBillable=False)
    other = new_id(
        api.post("/record/v1/customer", json={"companyName": "Other", "subsidiary": {"id": "1"}})
    )
    for doc, entity in ((nb, ids["cust"]), (_time(api, ids, 1), other)):
        r = api.post(
            "/record/v1/invoice",
            json={"entity": {"id": entity}, "time": {"items": [{"doc": {"id": doc}}]}},
        )
        assert _error(r)["o:errorCode"] == "INVALID_CONTENT"


def test_subsidiary_and_currency_must_match_the_customer(api: httpx.Client) -> None:
    sub2 = new_id(
        api.post(
            "/record/v1/subsidiary",
            json={"name": "UK Ltd", "parent": {"id": "1"}, "currency": {"id": "3"}},
        )
    )
    uk = new_id(
        api.post("/record/v1/customer", json={"companyName": "Brit", "subsidiary": {"id": sub2}})
    )
    assert api.get(f"/record/v1/customer/{uk}").json()["currency"]["refName"] == "British Pound"
    err = _error(
        api.post("/record/v1/salesOrder", json={"entity": {"id": uk}, "subsidiary": {"id": "1"}})
    )
    assert err["o:errorPath"] == "subsidiary"
    err = _error(
        api.post("/record/v1/invoice", json={"entity": {"id": uk}, "currency": {"id": "1"}})
    )
    assert err["o:errorPath"] == "currency"
    ok = new_id(api.post("/record/v1/invoice", json={"entity": {"id": uk}}))
    inv = api.get(f"/record/v1/invoice/{ok}").json()
    assert inv["subsidiary"]["id"] == sub2 and inv["currency"]["id"] == "3" and inv["total"] == 0


def test_required_fields_and_bad_references(api: httpx.Client) -> None:
    err = _error(api.post("/record/v1/customer", json={"companyName": "No Sub"}))
    assert (
        err["o:errorCode"] == "USER_ERROR"
        and "Please enter value(s) for: Subsidiary" in err["detail"]
    )
    err = _error(
        api.post(
            "/record/v1/salesOrder",
            json={"entity": {"id": "1"}, "item": {"items": [{"item": {"id": 9999}, "amount": 1}]}},
        )
    )
    assert err["o:errorCode"] == "INVALID_CONTENT"
    err = _error(api.post("/record/v1/timeBill", json={"employee": {"id": "424242"}, "hours": 1}))
    assert err["o:errorPath"] == "employee"
