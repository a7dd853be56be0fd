"""Subscribed events (polling and webhook), auth, OAuth, 429, and the other resources' endpoints."""

from __future__ import annotations

import time
from typing import Any

import httpx

from harness.testing import SimHandle
from simulators.kantata import KantataDialect, KantataSettings, create_simulator


def _id(resp: httpx.Response) -> str:
    assert resp.status_code == 200, resp.text
    return str(resp.json()["results"][0]["id"])


def test_public_surface() -> None:
    import simulators.kantata as pkg

    assert (
        pkg.__all__
        == sorted(pkg.__all__)
        == ["KantataDialect", "KantataSettings", "create_simulator"]
    )
    sim = create_simulator(KantataSettings(token="t"))
    assert isinstance(sim.dialect, KantataDialect)


def test_subscribed_events_feed(firm: Any) -> None:
    api = firm.api
    tid = _id(firm.time(minutes=60))
    api.put(f"/time_entries/{tid}.json", json={"time_entry": {"time_in_minutes": 90}})
    api.delete(f"/time_entries/{tid}.json")
    body = api.get(
        "/subscribed_events.json", params={"subject_type": "TimeEntry", "order": "created_at:asc"}
    ).json()
    events = [body["subscribed_events"][r["id"]] for r in body["results"]]
    assert [e["event_type"] for e in events] == [
        "time_entry:created",
        "time_entry:updated",
        "time_entry:deleted",
    ]
    created, updated, deleted = events
    assert created["subject_id"] == int(tid) and created["previous_payload"] is None
    assert created["current_payload"]["time_in_minutes"] == 60
    assert (
        updated["previous_payload"]["time_in_minutes"] == 60
        and updated["current_payload"]["time_in_minutes"] == 90
    )
    assert updated["payload_changes"]["time_in_minutes"] == [60, 90]
    assert deleted["current_payload"] is None and deleted["previous_payload"]["id"] == tid
    assert created["account_id"] == 100 and created["user_id"] == 1
    only = api.get("/subscribed_events.json", params={"event_types": "time_entry:updated"}).json()
    assert only["count"] == 1
    with_subject = api.get(
        "/subscribed_events.json", params={"event_types": "workspace:created", "include": "subject"}
    ).json()
    ev = next(iter(with_subject["subscribed_events"].values()))
    assert ev["subject_ref"] == {"key": "workspaces", "id": firm.workspace["id"]}
    assert firm.workspace["id"] in with_subject["workspaces"]


def test_subscribed_events_created_after(firm: Any, psa: SimHandle) -> None:
    firm.time()
    psa.admin.post("/tenants/default/clock", json={"advance_seconds": 60})
    mark = psa.admin.get("/tenants/default/clock").json()["now"]
    psa.admin.post("/tenants/default/clock", json={"advance_seconds": 1})
    firm.time(user_id="7000002")
    body = firm.api.get("/subscribed_events.json", params={"created_after": mark}).json()
    assert body["count"] == 1
    ev = next(iter(body["subscribed_events"].values()))
    assert ev["current_payload"]["user_id"] == "7000002"


def test_change_events_reach_webhooks(firm: Any, psa: SimHandle) -> None:
    evs = psa.admin.get("/tenants/default/events").json()
    items = evs if isinstance(evs, list) else evs.get("events", [])
    kinds = {e["payload"]["event_type"] for e in items}
    assert {
        "workspace:created",
        "workspace_resource:created",
        "story:created",
        "role:created",
    } <= kinds
    assert all(e["channel"] == "subscribed_events" for e in items)


def test_missing_and_bad_tokens(psa: SimHandle) -> None:
    with httpx.Client(base_url=f"{psa.base_url}/api/v1", trust_env=False) as anon:
        r = anon.get("/workspaces.json")
        assert r.status_code == 401 and r.json()["errors"][0]["type"] == "oauth"
        r = anon.get("/workspaces.json", headers={"Authorization": "Bearer nope"})
        assert r.status_code == 401 and r.json()["errors"][0]["type"] == "oauth"
        # developer.kantata.com errors section: {"type": "oauth", "message": "Invalid OAuth 2
        # Request"}; the reason travels in WWW-Authenticate (RFC 6750 error_description)
        assert r.json() == {"errors": [{"type": "oauth", "message": "Invalid OAuth 2 Request"}]}
        assert 'error="invalid_token"' in r.headers["www-authenticate"]
        r = anon.get("/workspaces.json", headers={"Authorization": "Basic dXNlcjpwYXNz"})
        assert r.status_code == 401


def test_revoked_token_and_tenant_isolation(psa: SimHandle) -> None:
    info = psa.admin.post("/tenants", json={"name": "other"}).json()
    creds = info.get("credentials") or psa.admin.get("/tenants/other").json()["credentials"]
    assert creds["api_base"].endswith("/api/v1") and creds["token"]
    with httpx.Client(
        base_url=creds["api_base"],
        headers={"Authorization": f"Bearer {creds['token']}"},
        trust_env=False,
    ) as other:
        assert _id(other.post("/roles.json", json={"role": {"name": "Other role"}}))
        assert other.get("/roles.json").json()["count"] == 1
        psa.admin.post("/tokens/revoke", json={"token": creds["token"]})
        assert other.get("/roles.json").status_code == 401


def test_oauth_authorization_code_flow(psa: SimHandle, api: httpx.Client) -> None:
    creds = psa.admin.get("/tenants/default").json()["credentials"]
    with httpx.Client(base_url=psa.base_url, trust_env=False) as web:
        r = web.get(
            "/oauth/authorize",
            params={
                "response_type": "code",
                "client_id": creds["client_id"],
                "redirect_uri": "http://127.0.0.1:9/cb",
                "state": "s1",
            },
        )
        assert r.status_code == 302
        location = httpx.URL(r.headers["location"])
        code = location.params["code"]
        assert location.params["state"] == "s1"
        form = {
            "grant_type": "authorization_code",
            "client_id": creds["client_id"],
            "client_secret": creds["client_secret"],
            "code": code,
            "redirect_uri": "http://127.0.0.1:9/cb",
        }
        tok = web.post("/oauth/token", data=form)
        assert tok.status_code == 200 and tok.json()["token_type"] == "bearer"
        again = web.post("/oauth/token", data=form)
        assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
        access = tok.json()["access_token"]
        me = web.get("/api/v1/users/me.json", headers={"Authorization": f"Bearer {access}"})
        assert me.status_code == 200 and me.json()["results"] == [{"key": "users", "id": "1"}]
        refreshed = web.post(
            "/oauth/token",
            data={
                "grant_type": "refresh_token",
                "client_id": creds["client_id"],
                "client_secret": creds["client_secret"],
                "refresh_token": tok.json()["refresh_token"],
            },
        )
        assert refreshed.status_code == 200
        bad = web.post("/oauth/token", data={**form, "client_secret": "wrong"})
        assert bad.status_code == 401 and bad.json()["error"] == "invalid_client"


def test_rate_limit_429(psa: SimHandle, api: httpx.Client) -> None:
    psa.admin.put("/tenants/default/limits", json={"rate_per_second": 0.001, "burst": 2})
    psa.admin.post("/tenants/default/clock", json={"freeze": True})
    statuses = [api.get("/roles.json").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    r = api.get("/roles.json")
    assert r.json()["errors"][0]["type"] == "system"
    # Kantata documents no Retry-After (api-evangelist/mavenlink rate-limits summary of
    # developer.kantata.com): the default sends none (retry_after="seconds" does)
    assert "retry-after" not in r.headers


def test_users_roles_and_external_references(firm: Any, psa: SimHandle) -> None:
    api = firm.api
    users = api.get("/users.json", params={"participant_in": firm.workspace["id"]}).json()
    assert sorted(r["id"] for r in users["results"]) == ["7000001", "7000002"]
    r = api.put("/users/7000001.json", json={"user": {"headline": "Lead"}})
    assert r.status_code == 200 and r.json()["users"]["7000001"]["headline"] == "Lead"
    assert api.post("/users.json", json={"user": {"full_name": "x"}}).status_code == 405
    ref = firm.job_reference("J-100", status="successful")
    rid = _id(ref)
    same = api.post(
        "/external_references/create_or_update.json",
        json={
            "external_reference": {
                "subject_type": "Workspace",
                "subject_id": firm.workspace["id"],
                "service_name": "netsuite",
                "service_model": "job",
                "service_model_ref": "J-101",
            }
        },
    )
    assert _id(same) == rid
    body = api.get(
        "/workspaces.json",
        params={"external_reference_service_model_ref": "J-101", "include": "external_references"},
    ).json()
    assert body["count"] == 1 and body["workspaces"][firm.workspace["id"]][
        "external_reference_ids"
    ] == [rid]
    assert body["external_references"][rid]["service_model_ref"] == "J-101"
    nested = api.post(
        "/roles.json",
        json={
            "role": {
                "name": "Architect",
                "external_reference": {
                    "service_name": "workday",
                    "service_model": "job_profile",
                    "service_model_ref": "JP-7",
                },
            }
        },
    )
    role_id = _id(nested)
    refs = api.get(
        "/external_references.json", params={"subject_type": "Role", "subject_id": role_id}
    ).json()
    assert refs["count"] == 1
    bad = api.post(
        "/external_references/create_or_update.json",
        json={
            "external_reference": {
                "subject_type": "Nope",
                "subject_id": 1,
                "service_name": "x",
                "service_model": "y",
                "service_model_ref": "z",
            }
        },
    )
    assert bad.status_code == 422


def test_rate_cards_drive_resource_rates(firm: Any) -> None:
    api = firm.api
    set_id = _id(api.post("/rate_card_sets.json", json={"rate_card_set": {"title": "Standard"}}))
    card = api.post(
        "/rate_cards.json", json={"rate_card": {"rate_card_set_id": set_id, "currency": "usd"}}
    )
    card_id = _id(card)
    versions = api.get("/rate_card_versions.json", params={"rate_card_id": card_id}).json()
    version_id = versions["results"][0]["id"]
    assert _id(
        api.post(
            "/rate_card_roles.json",
            json={
                "rate_card_role": {
                    "rate_card_version_id": version_id,
                    "role_id": firm.role["id"],
                    "rate": 20000,
                }
            },
        )
    )
    wid = _id(
        api.post(
            "/workspaces.json",
            json={
                "workspace": {"title": "Carded", "creator_role": "maven", "rate_card_id": card_id}
            },
        )
    )
    res = api.post(
        "/workspace_resources.json",
        params={"optional_fields": "resource_bill_rate"},  # an optional field in the contract
        json={
            "workspace_resource": {
                "workspace_id": wid,
                "user_id": "7000003",
                "role_id": firm.role["id"],
            }
        },
    )
    assert next(iter(res.json()["workspace_resources"].values()))["resource_bill_rate"] == "200.00"
    te = api.post(
        "/time_entries.json",
        json={
            "time_entry": {
                "workspace_id": wid,
                "user_id": "7000003",
                "date_performed": "2024-05-06",
                "time_in_minutes": 30,
            }
        },
    )
    assert next(iter(te.json()["time_entries"].values()))["rate_in_cents"] == 20000


def test_assignments_and_expenses(firm: Any) -> None:
    api = firm.api
    aid = _id(
        api.post(
            "/assignments.json",
            json={"assignment": {"story_id": firm.task["id"], "assignee_id": "7000001"}},
        )
    )
    assert (
        api.post(
            "/assignments.json",
            json={"assignment": {"story_id": firm.task["id"], "assignee_id": "7000003"}},
        ).status_code
        == 422
    )
    body = api.get("/stories.json", params={"include": "assignees"}).json()
    assert body["stories"][firm.task["id"]]["assignee_ids"] == ["7000001"]
    body = api.get("/assignments.json", params={"workspace_id": firm.workspace["id"]}).json()
    assert [r["id"] for r in body["results"]] == [aid]
    exp = api.post(
        "/expenses.json",
        json={
            "expense": {
                "workspace_id": firm.workspace["id"],
                "user_id": "7000001",
                "date": "2024-05-07",
                "category": "Travel",
                "amount_in_cents": 12345,
                "billable": True,
            }
        },
    )
    eid = _id(exp)
    assert exp.json()["expenses"][eid]["is_billable"] is True
    assert (
        api.post(
            "/expenses.json", json={"expense": {"workspace_id": firm.workspace["id"]}}
        ).status_code
        == 422
    )
    ws = api.get(f"/workspaces/{firm.workspace['id']}.json").json()["workspaces"][
        firm.workspace["id"]
    ]
    assert ws["total_expenses_in_cents"] == 12345


def test_bulk_load_keeps_ids_and_new_ids_follow(psa: SimHandle, api: httpx.Client) -> None:
    r = psa.admin.post(
        "/tenants/default/records/workspaces",
        json={"records": [{"id": "900001", "title": "Loaded", "price_in_cents": 500000}]},
    )
    assert r.status_code in (200, 201)
    body = api.get("/workspaces/900001.json").json()
    assert body["workspaces"]["900001"]["price"] == "$5,000"
    new = _id(
        api.post("/workspaces.json", json={"workspace": {"title": "Next", "creator_role": "maven"}})
    )
    assert int(new) > 900001
    bad = psa.admin.post("/tenants/default/records/nonsense", json={"records": []})
    assert bad.status_code == 404


def test_server_keeps_answering_fast(api: httpx.Client) -> None:
    started = time.perf_counter()
    for _ in range(20):
        assert api.get("/workspaces.json").status_code == 200
    assert time.perf_counter() - started < 5
