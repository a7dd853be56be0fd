"""A story without sub-stories is shaped from its parent chain (``_render._StoryChain``), not
from its workspace's whole story tree (``_render._StoryTree``), so a write's answer and event
cost the same in a workspace of any size. Both must give the same shape, byte for byte: every
story of several tree shapes (roots, a sub-story of a sub-story, parents with time logged and
estimates, milestones and deliverables, a deleted parent) is shaped both ways and compared,
and the answers the write path gave are compared with the stories read back."""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from harness.testing import SimHandle
from simulators.kantata._render import Presenter

from .conftest import Firm


def _story(api: httpx.Client, wid: str, title: str, **extra: Any) -> httpx.Response:
    made = api.post(
        "/stories.json",
        json={"story": {"workspace_id": wid, "title": title, "story_type": "task", **extra}},
    )
    assert made.status_code == 200, made.text
    return made


def _id(made: httpx.Response) -> str:
    return str(made.json()["results"][0]["id"])


def _build(firm: Firm) -> tuple[str, list[httpx.Response]]:
    """Stories of several shapes in the firm's workspace, with time logged against some;
    the write answers of the leaves, taken when they were made."""
    api, wid = firm.api, str(firm.workspace["id"])
    answers: list[httpx.Response] = []
    root = _id(_story(api, wid, "Root", time_estimate_in_minutes=600, budget_estimate_in_cents=9))
    mid = _id(_story(api, wid, "Mid", parent_id=root, time_estimate_in_minutes=120))
    deep = _story(api, wid, "Deep", parent_id=mid, budget_estimate_in_cents=5000)
    answers.append(deep)
    answers.append(_story(api, wid, "Milestone", story_type="milestone", parent_id=root))
    answers.append(_story(api, wid, "Deliverable", story_type="deliverable"))
    answers.append(_story(api, wid, "Lone"))
    for sid, minutes, extra in (
        (_id(deep), 90, {}),
        (mid, 45, {"billable": False}),
        (root, 30, {}),
    ):
        made = firm.time(minutes=minutes, story_id=sid, **extra)
        assert made.status_code == 200, made.text
    # a sub-story of a deleted parent keeps its parent id
    gone = _id(_story(api, wid, "Gone"))
    orphan = _story(api, wid, "Orphan", parent_id=gone)
    assert api.delete(f"/stories/{gone}.json").status_code in (200, 204)
    # a leaf updated: its answer shaped from its chain
    updated = api.put(
        f"/stories/{_id(deep)}.json",
        json={"story": {"title": "Deeper", "time_estimate_in_minutes": 7}},
    )
    assert updated.status_code == 200, updated.text
    answers.append(updated)
    answers.append(orphan)
    return wid, answers


def test_a_chain_shape_is_the_tree_shape(psa: SimHandle, firm: Firm) -> None:
    wid, _ = _build(firm)
    sim: Any = psa.sim
    dialect = sim.dialect
    tenant = sim.tenants.get("default")
    ids = [
        str(s["id"])
        for s in firm.api.get("/stories.json", params={"per_page": 200}).json()["stories"].values()
    ]
    assert len(ids) >= 7
    res = dialect.catalog.get("stories")
    stored = Presenter(dialect.catalog, dialect.settings, tenant, []).load("stories", ids)
    whole = Presenter(dialect.catalog, dialect.settings, tenant, [])
    whole._tree(wid)  # the whole tree read first: every story is shaped from it
    leaves = 0
    for sid in ids:
        rec = stored[sid]
        chained = Presenter(dialect.catalog, dialect.settings, tenant, [])
        fast = orjson.dumps(chained.shape(res, rec))
        assert fast == orjson.dumps(whole.shape(res, rec)), sid
        leaves += wid in chained._chains
        assert wid not in whole._chains
    assert leaves == 6  # the firm's task, Deep, Milestone, Deliverable, Lone, Orphan


def test_write_answers_are_the_stories_read_back(firm: Firm) -> None:
    """The answer of a leaf's create or update (shaped from its chain, a create's before its
    row is written) is the story read by id and the one a whole list shows (from its tree)."""
    wid, answers = _build(firm)
    listed = firm.api.get("/stories.json", params={"per_page": 200, "workspace_id": wid}).json()
    last = {_id(made): made for made in answers}  # a story's latest write answer
    assert len(last) == 5
    for sid, made in last.items():
        shown = made.json()["stories"][sid]
        read = firm.api.get(f"/stories/{sid}.json")
        assert read.json()["stories"][sid] == shown
        assert orjson.dumps(listed["stories"][sid]) == orjson.dumps(shown)


def test_many_leaves_of_one_request_agree_with_their_tree(firm: Firm) -> None:
    """A list shapes its first stories from their chains and the rest from the tree: the same
    fields either way (the sums of a parent's sub-stories included)."""
    api, wid = firm.api, str(firm.workspace["id"])
    parent = _id(_story(api, wid, "Parent"))
    kids = [
        _id(_story(api, wid, f"Kid {n}", parent_id=parent, time_estimate_in_minutes=n))
        for n in range(8)
    ]
    body = api.get("/stories.json", params={"per_page": 200, "workspace_id": wid}).json()
    stories = body["stories"]
    for k in kids:
        assert stories[k]["ancestor_ids"] == [parent] and stories[k]["subtree_depth"] == 1
        assert stories[k]["sub_story_count"] == 0
    assert stories[parent]["sub_stories_time_estimate_in_minutes"] == sum(range(8))
    assert stories[parent]["sub_story_count"] == 8
