"""Invoices with additional and fixed fee line items, nested in the create request as the
vendor's gem specification lists them (invoices create_attributes ``additional_items``,
``fixed_fee_items``; associations ``additional_items``, ``fixed_fee_items``)."""

from __future__ import annotations

from typing import Any


def _id(resp: Any) -> str:
    assert resp.status_code == 200, resp.text
    return str(resp.json()["results"][0]["id"])


def test_invoice_with_time_additional_and_fixed_fee_items(firm: Any) -> None:
    api = firm.api
    wid = firm.workspace["id"]
    api.put(f"/workspaces/{wid}.json", json={"workspace": {"require_time_approvals": False}})
    t1 = _id(firm.time(minutes=60))
    inv = api.post(
        "/invoices.json",
        json={
            "invoice": {
                "workspace_id": wid,
                "time_entry_ids": [t1],
                "additional_items": [{"notes": "Travel", "amount_in_cents": 5000, "taxable": True}],
                "fixed_fee_items": [
                    {
                        "notes": "Design phase",
                        "amount_in_cents": 100000,
                        "story_id": firm.task["id"],
                    }
                ],
            }
        },
    )
    iid = _id(inv)
    assert inv.json()["invoices"][iid]["balance_in_cents"] == 15000 + 5000 + 100000
    got = api.get(
        f"/invoices/{iid}.json", params={"include": "additional_items,fixed_fee_items"}
    ).json()
    invoice = got["invoices"][iid]
    (add_id,) = invoice["additional_item_ids"]
    (fee_id,) = invoice["fixed_fee_item_ids"]
    assert got["additional_items"][add_id]["notes"] == "Travel"
    assert got["additional_items"][add_id]["invoice_id"] == iid
    assert got["fixed_fee_items"][fee_id]["story_id"] == firm.task["id"]
    listed = api.get("/additional_items.json").json()
    assert listed["count"] == 1
    assert api.post("/additional_items.json", json={"additional_item": {}}).status_code == 405
    bad = api.post(
        "/invoices.json",
        json={"invoice": {"workspace_id": wid, "fixed_fee_items": [{"amount_in_cents": 1}]}},
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "fixed_fee_items"
