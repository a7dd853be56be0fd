"""A new workspace's answer written from its layout's plan (``_render.CreatedPlan``) is the
answer shaping it gives: the first create of a key layout and currency is shaped, later ones
are written from the plan (their price, due date and archived flag from the record), and each
must equal the same workspace read back by id, which is always shaped, byte for byte."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from harness.testing import SimHandle

_BODIES: list[dict[str, Any]] = [
    {"title": "Plain", "creator_role": "maven"},
    {"title": "Priced", "creator_role": "maven", "price": 123456, "currency": "eur"},
    {"title": "Odd", "creator_role": "buyer", "currency": "XYZ", "price": 0},
    {
        "title": "Dated",
        "creator_role": "maven",
        "due_date": "2026-05-01",
        "start_date": "2026-04-01",
        "archived": True,
        "description": 'quotes " and ,"stage":"x"',
    },
    {"title": "Status", "creator_role": "maven", "status_key": 310, "access_level": "open"},
]


@pytest.mark.parametrize("body", _BODIES, ids=[b["title"] for b in _BODIES])
def test_a_planned_answer_is_the_shaped_one(api: httpx.Client, body: dict[str, Any]) -> None:
    for n in range(3):  # the first shaped (it makes the plan), the next from the plan
        made = api.post("/workspaces.json", json={"workspace": {**body, "title": f"{n}"}})
        assert made.status_code == 200, made.text
        wid = made.json()["results"][0]["id"]
        read = api.get(f"/workspaces/{wid}.json")
        assert made.content == read.content
    varied = {**body, "due_date": "2027-01-31", "archived": not body.get("archived")}
    made = api.post("/workspaces.json", json={"workspace": varied})
    wid = made.json()["results"][0]["id"]
    shown = made.json()["workspaces"][wid]
    assert shown["effective_due_date"] == "2027-01-31"
    assert shown["can_create_line_items"] is not shown["archived"]
    assert made.content == api.get(f"/workspaces/{wid}.json").content


def test_a_planned_answer_with_includes_is_shaped(api: httpx.Client) -> None:
    """A create asked with includes answers through the presenter, from the planned JSON
    read back as the record shown."""
    for n in range(2):
        made = api.post(
            "/workspaces.json?include=creator",
            json={"workspace": {"title": f"Inc {n}", "creator_role": "maven"}},
        )
        assert made.status_code == 200, made.text
        wid = made.json()["results"][0]["id"]
        assert made.json()["users"]  # the creator side-loaded
        assert made.content == api.get(f"/workspaces/{wid}.json?include=creator").content


_PRICES: list[int | None] = [None, 0, 1, 99, 100, 150, 123456, 99_999_999_999, 10**15 + 7]


@pytest.mark.parametrize("currency", [None, "USD", "eur", "GBP", "JPY", "XYZ"])
def test_planned_answers_with_varied_prices_are_the_shaped_ones(
    api: httpx.Client, currency: str | None
) -> None:
    """Prices (none, zero, odd cents, large), currencies, due dates and archived flags vary
    from one create to the next as a real stream's do; every answer is the one read back."""
    for n, price in enumerate(_PRICES):
        body: dict[str, Any] = {
            "title": f"Deal {n}",
            "creator_role": "maven",
            "price_in_cents": price,
            "due_date": None if n % 3 == 0 else f"2027-0{1 + n % 9}-1{n % 10}",
            "archived": n % 2 == 1,
        }
        if currency is not None:
            body["currency"] = currency
        made = api.post("/workspaces.json", json={"workspace": body})
        assert made.status_code == 200, made.text
        wid = made.json()["results"][0]["id"]
        shown = made.json()["workspaces"][wid]
        assert shown["price_in_cents"] == price
        assert (shown["price"] is None) is (price is None)
        assert shown["budget_remaining"] == shown["price"]
        assert shown["effective_due_date"] == body["due_date"]
        assert shown["can_create_line_items"] is not shown["archived"]
        assert made.content == api.get(f"/workspaces/{wid}.json").content, (price, currency)


def test_creates_with_distinct_prices_share_one_plan(psa: SimHandle, api: httpx.Client) -> None:
    """The plan is chosen by the record's key layout and currency only: a stream of creates
    that differ in price (as each won deal's amount does) reuses the one plan."""
    plans = psa.sim.dialect.records._created_plans  # type: ignore[attr-defined]
    before = set(plans)
    for n in range(40):
        price = 100_000 + 37 * n
        made = api.post(
            "/workspaces.json",
            json={
                "workspace": {  # as the reference integration's closed-won flow sends it
                    "title": f"Won {n}",
                    "creator_role": "consultant",
                    "description": "Acme: fixed fee",
                    "start_date": "2026-03-01",
                    "budgeted": True,
                    "price_in_cents": price,
                    "currency": "CAD",
                    "external_reference": {
                        "service_name": "crm",
                        "service_model": "Opportunity",
                        "service_model_ref": f"006{n:012d}",
                        "status": "successful",
                    },
                }
            },
        )
        assert made.status_code == 200, made.text
        wid = made.json()["results"][0]["id"]
        assert made.json()["workspaces"][wid]["price_in_cents"] == price
        assert made.content == api.get(f"/workspaces/{wid}.json").content
    assert len(set(plans) - before) <= 1
    assert any(key[-1] == "CAD" for key in plans)
