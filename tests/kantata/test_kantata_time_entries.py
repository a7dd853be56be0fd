"""Time entries: membership and archive rules, approvals, locking, invoicing, budget, bulk writes."""

from __future__ import annotations

from typing import Any

import httpx


def _id(resp: httpx.Response) -> str:
    assert resp.status_code == 200, resp.text
    return str(resp.json()["results"][0]["id"])


def _entry(api: httpx.Client, tid: str, include: str = "") -> dict[str, Any]:
    body = api.get(
        f"/time_entries/{tid}.json", params={"include": include} if include else None
    ).json()
    return body["time_entries"][tid]  # type: ignore[no-any-return]


def test_create_defaults_rate_from_resource(firm: Any) -> None:
    r = firm.time(minutes=90, notes="kickoff", story_id=firm.task["id"])
    tid = _id(r)
    te = r.json()["time_entries"][tid]
    assert te["rate_in_cents"] == 15000 and te["currency"] == "USD"
    assert te["approved"] is False and te["is_invoiced"] is False and te["billable"] is True
    assert te["role_id"] == firm.role["id"] and te["story_id"] == firm.task["id"]


def test_user_must_be_a_resource(firm: Any) -> None:
    r = firm.time(user_id="7000003")
    assert r.status_code == 422
    err = r.json()["errors"][0]
    assert err["type"] == "validation" and err["field"] == "user_id"
    r = firm.api.post(
        "/time_entries.json",
        json={
            "time_entry": {
                "workspace_id": firm.workspace["id"],
                "date_performed": "2024-05-06",
                "time_in_minutes": 30,
            }
        },
    )
    assert r.status_code == 422  # the API user is not a resource of the project


def test_required_fields_and_types(firm: Any) -> None:
    r = firm.api.post("/time_entries.json", json={"time_entry": {"notes": "x"}})
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"workspace_id", "date_performed", "time_in_minutes"}
    r = firm.time(minutes="lots")  # type: ignore[arg-type]
    assert (
        r.status_code == 422
        and r.json()["errors"][0]["message"] == "Time in minutes is not a number"
    )
    r = firm.time(date_performed="06/05/2024")
    assert r.status_code == 422


def test_archived_workspace_refuses_time(firm: Any) -> None:
    wid = firm.workspace["id"]
    tid = _id(firm.time())
    assert (
        firm.api.put(f"/workspaces/{wid}.json", json={"workspace": {"archived": True}}).status_code
        == 200
    )
    r = firm.time()
    assert r.status_code == 422 and "archived" in r.json()["errors"][0]["message"]
    assert firm.api.get("/time_entries.json").json()["count"] == 0
    body = firm.api.get("/time_entries.json", params={"from_archived_workspaces": "true"}).json()
    assert [x["id"] for x in body["results"]] == [tid]


def test_approval_flow_locks_and_budget(firm: Any) -> None:
    api = firm.api
    t1 = _id(firm.time(minutes=120))
    t2 = _id(firm.time(user_id="7000002", minutes=60))
    t3 = _id(firm.time(minutes=30, billable=False))
    sub = api.post(
        "/timesheet_submissions.json",
        json={
            "timesheet_submission": {
                "workspace_id": firm.workspace["id"],
                "title": "Week 19",
                "line_item_ids": [t1, t2, t3],
            }
        },
    )
    sid = _id(sub)
    assert sub.json()["timesheet_submissions"][sid]["status"] == "pending"
    r = api.put(f"/time_entries/{t1}.json", json={"time_entry": {"notes": "late edit"}})
    assert r.status_code == 422  # submitted time is locked
    r = api.post("/timesheet_approvals.json", json={"resolution": {"submission_ids": [int(sid)]}})
    assert r.status_code == 200 and r.json()["resolutions"][0]["type"] == "approval"
    assert _entry(api, t1)["approved"] is True
    r = api.put(f"/time_entries/{t1}.json", json={"time_entry": {"time_in_minutes": 10}})
    assert r.status_code == 422 and r.json()["errors"][0]["type"] == "validation"
    assert api.delete(f"/time_entries/{t1}.json").status_code == 422
    ws = api.get(f"/workspaces/{firm.workspace['id']}.json").json()["workspaces"][
        firm.workspace["id"]
    ]
    assert (
        ws["budget_used_in_cents"] == 30000 + 12000
    )  # 2h at $150 + 1h at $120; non-billable excluded
    assert ws["budget_used"] == "$420" and ws["budget_remaining"] == "$9,580"
    assert ws["percent_of_budget_used"] == 4 and ws["over_budget"] is False
    approved = api.get("/time_entries.json", params={"approved": "true"}).json()
    assert approved["count"] == 3
    again = api.post("/timesheet_approvals.json", json={"resolution": {"submission_ids": [sid]}})
    assert again.status_code == 422


def test_rejection_unlocks(firm: Any) -> None:
    api = firm.api
    tid = _id(firm.time())
    sid = _id(
        api.post(
            "/timesheet_submissions.json",
            json={
                "timesheet_submission": {
                    "workspace_id": firm.workspace["id"],
                    "title": "W",
                    "line_item_ids": [tid],
                }
            },
        )
    )
    r = api.post(
        "/timesheet_rejections.json",
        json={"resolution": {"submission_ids": [sid], "description": "no"}},
    )
    assert r.status_code == 200
    assert (
        api.put(f"/time_entries/{tid}.json", json={"time_entry": {"notes": "fixed"}}).status_code
        == 200
    )
    assert _entry(api, tid)["notes"] == "fixed"


def test_no_approval_projects_approve_at_once_and_invoice(firm: Any) -> None:
    api = firm.api
    wid = firm.workspace["id"]
    api.put(f"/workspaces/{wid}.json", json={"workspace": {"require_time_approvals": False}})
    t1 = _id(firm.time(minutes=60))
    t2 = _id(firm.time(minutes=30))
    assert _entry(api, t1)["approved"] is True
    inv = api.post(
        "/invoices.json",
        json={
            "invoice": {
                "workspace_id": wid,
                "time_entry_ids": [t1, t2],
                "invoice_date": "2024-06-01",
            }
        },
    )
    iid = _id(inv)
    invoice = inv.json()["invoices"][iid]
    assert invoice["balance_in_cents"] == 22500 and invoice["due_date"] == "2024-07-01"
    assert invoice["title"].startswith("Invoice #") and "time_entry_ids" not in invoice
    te = _entry(api, t1, include="invoice")
    assert te["is_invoiced"] is True and te["invoice_id"] == iid
    assert (
        api.put(f"/time_entries/{t1}.json", json={"time_entry": {"notes": "x"}}).status_code == 422
    )
    body = api.get("/time_entries.json", params={"uninvoiced": "true"}).json()
    assert body["count"] == 0
    dup = api.post(
        "/invoices.json", json={"invoice": {"workspace_id": wid, "time_entry_ids": [t1]}}
    )
    assert dup.status_code == 422
    inc = api.get(f"/invoices/{iid}.json", params={"include": "time_entries,workspaces"}).json()
    assert (
        sorted(inc["invoices"][iid]["time_entry_ids"]) == sorted([t1, t2])
        and t2 in inc["time_entries"]
    )
    assert api.delete(f"/invoices/{iid}.json").status_code == 204
    assert _entry(api, t1)["is_invoiced"] is False


def test_filters(firm: Any) -> None:
    api = firm.api
    a = _id(firm.time(date_performed="2024-05-01"))
    b = _id(firm.time(user_id="7000002", date_performed="2024-05-10", billable=False))
    body = api.get(
        "/time_entries.json", params={"date_performed_between": "2024-05-01:2024-05-05"}
    ).json()
    assert [x["id"] for x in body["results"]] == [a]
    body = api.get("/time_entries.json", params={"with_user_ids": "7000002"}).json()
    assert [x["id"] for x in body["results"]] == [b]
    body = api.get("/time_entries.json", params={"billable": "false"}).json()
    assert [x["id"] for x in body["results"]] == [b]
    body = api.get("/time_entries.json", params={"workspace_id": firm.workspace["id"]}).json()
    assert [x["id"] for x in body["results"]] == [b, a]  # date_performed:desc by default
    assert api.get("/time_entries.json", params={"workspace_id": "999"}).json()["count"] == 0
    bad = api.get("/time_entries.json", params={"date_performed_between": "2024-05-01"})
    assert bad.status_code == 400


def test_per_page_allows_more_for_time_entries(firm: Any) -> None:
    body = firm.api.get("/time_entries.json", params={"per_page": 1000}).json()
    assert body["meta"]["page_size"] == 1000


def test_bulk_create_and_bulk_delete(firm: Any) -> None:
    api = firm.api
    wid = firm.workspace["id"]
    items = [
        {
            "workspace_id": wid,
            "user_id": "7000001",
            "date_performed": f"2024-05-{d:02d}",
            "time_in_minutes": 15 * d,
        }
        for d in range(1, 6)
    ]
    r = api.post("/time_entries.json", json={"time_entries": items})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["count"] == 5 and len(body["time_entries"]) == 5
    ids = [x["id"] for x in body["results"]]
    bad = api.post("/time_entries.json", json={"time_entries": [items[0], {"workspace_id": wid}]})
    assert bad.status_code == 422
    assert api.get("/time_entries.json").json()["count"] == 5  # all or nothing
    too_many = api.post("/time_entries.json", json={"time_entries": [items[0]] * 101})
    assert too_many.status_code == 422
    r = api.delete("/time_entries.json", params={"ids": ",".join(ids[:3])})
    assert r.status_code == 204
    assert api.get("/time_entries.json").json()["count"] == 2


def test_include_on_time_entries(firm: Any) -> None:
    tid = _id(firm.time(story_id=firm.task["id"]))
    body = firm.api.get(
        "/time_entries.json", params={"include": "workspace,user,story,role"}
    ).json()
    assert set(body) >= {"workspaces", "users", "stories", "roles"}
    assert body["users"]["7000001"]["full_name"] == "Ada Consultant"
    te = body["time_entries"][tid]
    assert body["workspaces"][te["workspace_id"]]["title"] == "Acme rollout"
    task = firm.api.get(f"/stories/{firm.task['id']}.json").json()["stories"][firm.task["id"]]
    assert task["logged_billable_time_in_minutes"] == 60


def test_workspace_read_again_follows_a_submission_of_its_time(firm: Any) -> None:
    """A record read once is answered again from the store's read cache, but a write to
    another record (a timesheet submission in the workspace) changes the workspace's next
    answer."""
    api, wid = firm.api, firm.workspace["id"]

    def submitted() -> bool:
        r = api.get(f"/workspaces/{wid}.json")
        assert r.status_code == 200, r.text
        return bool(r.json()["workspaces"][wid]["has_active_timesheet_submissions"])

    tid = _id(firm.time(minutes=45))
    assert submitted() is False
    assert submitted() is False
    sub = api.post(
        "/timesheet_submissions.json",
        json={"timesheet_submission": {"workspace_id": wid, "title": "W1", "line_item_ids": [tid]}},
    )
    _id(sub)
    assert submitted() is True
    with_include = api.get(f"/workspaces/{wid}.json", params={"include": "participants"}).json()
    assert "users" in with_include and with_include["workspaces"][wid]["id"] == wid


def test_workspace_roll_up_counts_its_own_stories_and_time_only(firm: Any) -> None:
    api, wid = firm.api, firm.workspace["id"]
    other = firm.one(
        api.post(
            "/workspaces.json", json={"workspace": {"title": "Other", "creator_role": "maven"}}
        ),
        "workspaces",
    )
    assert other["percentage_complete"] == 0 and other["budget_used_in_cents"] == 0
    assert other["total_expenses_in_cents"] == 0
    assert other["has_active_timesheet_submissions"] is False
    story = {"workspace_id": wid, "title": "Build", "story_type": "task"}
    built = firm.one(api.post("/stories.json", json={"story": story}), "stories")
    done = {"story": {"state": "completed"}}
    assert api.put(f"/stories/{built['id']}.json", json=done).status_code == 200
    firm.time(minutes=60)  # billable, not yet approved: no budget used
    ws = api.get(f"/workspaces/{wid}.json").json()["workspaces"][wid]
    assert ws["percentage_complete"] == 50  # one of its two stories
    assert ws["budget_used_in_cents"] == 0
    again = api.get(f"/workspaces/{other['id']}.json").json()["workspaces"][other["id"]]
    assert again["percentage_complete"] == 0 and again["budget_used_in_cents"] == 0
