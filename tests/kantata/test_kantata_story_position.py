"""A story created without a position goes after its workspace's live stories."""

from __future__ import annotations

from typing import Any

import httpx


def _workspace(api: httpx.Client, title: str) -> str:
    r = api.post("/workspaces.json", json={"workspace": {"title": title, "creator_role": "maven"}})
    assert r.status_code == 200, r.text
    return str(r.json()["results"][0]["id"])


def _story(api: httpx.Client, ws: str, title: str, **extra: Any) -> dict[str, Any]:
    body = {"title": title, "story_type": "task", "workspace_id": ws, **extra}
    r = api.post("/stories.json", json={"story": body})
    assert r.status_code == 200, r.text
    sid = r.json()["results"][0]["id"]
    return dict(r.json()["stories"][sid])


def test_positions_count_the_workspaces_live_stories(api: httpx.Client) -> None:
    ws, other = _workspace(api, "Positions"), _workspace(api, "Elsewhere")
    first = [_story(api, ws, f"S{i}")["position"] for i in range(1, 4)]
    assert first == [1, 2, 3]
    assert _story(api, other, "Alone")["position"] == 1  # another workspace's do not count
    assert _story(api, ws, "Placed", position=40)["position"] == 40  # a position given is kept
    second = _story(api, ws, "S5")
    assert second["position"] == 5
    assert api.delete(f"/stories/{second['id']}.json").status_code == 204
    # four live stories are left in the workspace: the next goes fifth
    assert _story(api, ws, "S6")["position"] == 5
