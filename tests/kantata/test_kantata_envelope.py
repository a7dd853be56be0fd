"""Kantata's response envelope, paging, include side-loads, only, order and list filters."""

from __future__ import annotations

import httpx

from harness.testing import SimHandle


def _workspace(api: httpx.Client, title: str, **extra: object) -> str:
    r = api.post(
        "/workspaces.json", json={"workspace": {"title": title, "creator_role": "maven", **extra}}
    )
    assert r.status_code == 200, r.text
    return str(r.json()["results"][0]["id"])


def test_envelope_shape_and_string_ids(api: httpx.Client) -> None:
    wid = _workspace(api, "Alpha", price=2500.5, description="first")
    body = api.get("/workspaces.json").json()
    assert set(body) == {"count", "results", "workspaces", "meta"}
    assert body["count"] == 1
    assert body["results"] == [{"key": "workspaces", "id": wid}]
    ws = body["workspaces"][wid]
    assert ws["id"] == wid and wid.isdigit()
    assert ws["price_in_cents"] == 250050 and ws["currency"] == "USD" and ws["price"] == "$2,500.50"
    assert ws["created_at"].endswith("+00:00") and "T" in ws["created_at"]
    assert body["meta"] == {"count": 1, "page_count": 1, "page_number": 1, "page_size": 20}


def test_show_and_json_suffix_optional(api: httpx.Client) -> None:
    wid = _workspace(api, "Beta")
    for path in (f"/workspaces/{wid}.json", f"/workspaces/{wid}"):
        body = api.get(path).json()
        assert body["results"] == [{"key": "workspaces", "id": wid}]
        assert body["workspaces"][wid]["title"] == "Beta"


def test_paging_defaults_and_max(api: httpx.Client) -> None:
    for i in range(25):
        _workspace(api, f"W{i:02d}")
    first = api.get("/workspaces.json", params={"order": "title:asc"}).json()
    assert first["count"] == 25 and len(first["results"]) == 20
    assert first["meta"] == {"count": 25, "page_count": 2, "page_number": 1, "page_size": 20}
    second = api.get("/workspaces.json", params={"order": "title:asc", "page": 2}).json()
    assert [first["workspaces"][r["id"]]["title"] for r in first["results"]][:2] == ["W00", "W01"]
    assert len(second["results"]) == 5 and second["meta"]["page_number"] == 2
    small = api.get("/workspaces.json", params={"per_page": 10, "page": 3}).json()
    assert len(small["results"]) == 5 and small["meta"]["page_count"] == 3
    big = api.get("/workspaces.json", params={"per_page": 1000}).json()
    assert big["meta"]["page_size"] == 200


def test_order_and_bad_order(api: httpx.Client) -> None:
    _workspace(api, "b")
    _workspace(api, "a")
    body = api.get("/workspaces.json", params={"order": "title:desc"}).json()
    assert [body["workspaces"][r["id"]]["title"] for r in body["results"]] == ["b", "a"]
    r = api.get("/workspaces.json", params={"order": "nope:asc"})
    assert r.status_code == 400 and r.json()["errors"][0]["type"] == "system"


def test_only_and_archived_filters(api: httpx.Client) -> None:
    ids = [_workspace(api, f"P{i}") for i in range(4)]
    body = api.get("/workspaces.json", params={"only": f"{ids[0]},{ids[2]}"}).json()
    assert sorted(r["id"] for r in body["results"]) == sorted([ids[0], ids[2]])
    assert (
        api.put(f"/workspaces/{ids[1]}.json", json={"workspace": {"archived": True}}).status_code
        == 200
    )
    assert api.get("/workspaces.json").json()["count"] == 3
    assert api.get("/workspaces.json", params={"include_archived": "true"}).json()["count"] == 4
    only = api.get("/workspaces.json", params={"archived": "only"}).json()
    assert [r["id"] for r in only["results"]] == [ids[1]]


def test_updated_and_created_after(api: httpx.Client, psa: SimHandle) -> None:
    old = _workspace(api, "old")
    psa.admin.post("/tenants/default/clock", json={"advance_seconds": 3600})
    clock = psa.admin.get("/tenants/default/clock").json()["now"]
    new = _workspace(api, "new")
    body = api.get(
        "/workspaces.json", params={"created_after": clock.replace("Z", "+00:00")}
    ).json()
    assert [r["id"] for r in body["results"]] == [new]
    body = api.get("/workspaces.json", params={"updated_before": clock}).json()
    assert [r["id"] for r in body["results"]] == [old]
    bad = api.get("/workspaces.json", params={"updated_after": "yesterday"})
    assert bad.status_code == 400


def test_include_side_loads_into_keyed_collections(api: httpx.Client, psa: SimHandle) -> None:
    psa.admin.post(
        "/tenants/default/records/users", json={"records": [{"id": "42", "full_name": "Ann"}]}
    )
    wid = _workspace(api, "Gamma")
    r = api.post(
        "/workspace_resources.json",
        json={"workspace_resource": {"workspace_id": wid, "user_id": "42"}},
    )
    assert r.status_code == 200, r.text
    rid = r.json()["results"][0]["id"]
    body = api.get(
        "/workspaces.json", params={"include": "participants,workspace_resources,creator"}
    ).json()
    ws = body["workspaces"][wid]
    assert ws["participant_ids"] == ["42"] and ws["workspace_resource_ids"] == [rid]
    assert ws["creator_id"] == "1"
    assert body["users"]["42"]["full_name"] == "Ann" and "1" in body["users"]
    assert body["workspace_resources"][rid]["user_id"] == "42"
    assert body["results"] == [{"key": "workspaces", "id": wid}]
    plain = api.get("/workspaces.json").json()
    assert "participant_ids" not in plain["workspaces"][wid] and "users" not in plain


def test_stories_tree_filters_and_include(api: httpx.Client) -> None:
    wid = _workspace(api, "Delta")
    parent = api.post(
        "/stories.json",
        json={"story": {"workspace_id": wid, "title": "Phase 1", "story_type": "deliverable"}},
    ).json()["results"][0]["id"]
    child = api.post(
        "/stories.json",
        json={
            "story": {
                "workspace_id": wid,
                "title": "Build",
                "story_type": "task",
                "parent_id": parent,
            }
        },
    ).json()["results"][0]["id"]
    api.post(
        "/stories.json",
        json={
            "story": {
                "workspace_id": wid,
                "title": "Go live",
                "story_type": "milestone",
                "due_date": "2024-09-30",
            }
        },
    )
    body = api.get("/stories.json", params={"workspace_id": wid, "story_type": "milestone"}).json()
    assert body["count"] == 1 and next(iter(body["stories"].values()))["title"] == "Go live"
    body = api.get(
        "/stories.json", params={"with_parent_id": parent, "include": "parent,workspace"}
    ).json()
    assert [r["id"] for r in body["results"]] == [child]
    assert parent in body["stories"] and wid in body["workspaces"]
    assert body["stories"][child]["root_id"] == parent
    assert api.get("/stories.json", params={"parents_only": "true"}).json()["count"] == 2
    bad = api.post(
        "/stories.json", json={"story": {"workspace_id": wid, "title": "x", "story_type": "epic"}}
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0] == {
        "type": "validation",
        "message": "Story type is not included in the list",
        "field": "story_type",
    }


def test_delete_then_404(api: httpx.Client) -> None:
    wid = _workspace(api, "Temp")
    r = api.delete(f"/workspaces/{wid}.json")
    assert r.status_code == 204 and r.content == b""
    r = api.get(f"/workspaces/{wid}.json")
    assert r.status_code == 404 and r.json() == {
        "errors": [{"type": "system", "message": "Not found"}]
    }


def test_form_encoded_body(api: httpx.Client) -> None:
    r = api.post(
        "/workspaces.json", data={"workspace[title]": "Form", "workspace[creator_role]": "buyer"}
    )
    assert r.status_code == 200, r.text
    assert next(iter(r.json()["workspaces"].values()))["title"] == "Form"
