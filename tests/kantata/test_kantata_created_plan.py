"""A new workspace's answer written from its layout's plan (``_render.CreatedPlan``) is the
answer shaping it gives: the first create of a layout, price and currency is shaped, later
ones are written from the plan, and each must equal the same workspace read back by id,
which is always shaped, byte for byte."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

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
