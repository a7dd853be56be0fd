"""Nested includes: ``include=workspace.participants`` follows the chain. Kantata's API is
served by Brainstem, whose includes nest association names with a period; each level is
side-loaded into the envelope's keyed collections and its ids set on the level above."""

from __future__ import annotations

from typing import Any

import httpx


def test_chained_includes_side_load_every_level(firm: Any, api: httpx.Client) -> None:
    assert firm.time().status_code == 200
    r = api.get("/time_entries.json", params={"include": "workspace.participants,user"})
    assert r.status_code == 200, r.text
    body = r.json()
    (entry,) = body["time_entries"].values()
    ws = body["workspaces"][entry["workspace_id"]]
    assert sorted(ws["participant_ids"]) == ["7000001", "7000002"]
    assert set(body["users"]) == {"7000001", "7000002"}  # participants and the entry's user

    deep = api.get("/stories.json", params={"include": "workspace.workspace_resources.user"}).json()
    (story,) = deep["stories"].values()
    ws = deep["workspaces"][story["workspace_id"]]
    res_ids = ws["workspace_resource_ids"]
    assert sorted(res_ids) == sorted([firm.ada["id"], firm.bob["id"]])
    assert {deep["workspace_resources"][i]["user_id"] for i in res_ids} == {"7000001", "7000002"}
    assert set(deep["users"]) == {"7000001", "7000002"}

    # without the chain only the first level is there
    flat = api.get("/time_entries.json", params={"include": "workspace"}).json()
    assert "participant_ids" not in next(iter(flat["workspaces"].values()))
    assert "users" not in flat
