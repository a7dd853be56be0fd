"""Records carry what Kantata's contract says they carry, when it says they carry it.

Source: Kantata OX's per-resource OpenAPI files (api-evangelist/mavenlink, converted from
the vendor's Swagger 2.0 contract), trimmed into ``simulators/kantata/_openapi/*.json``.
Each property is returned always, only through ``optional_fields``, or only when an
association is included; this checks presence and absence (values and id types are
covered by the other Kantata tests).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from simulators.kantata._openapi import COLLECTIONS, load


def _props(collection: str, vis: str) -> set[str]:
    return {k for k, v in load(collection)["properties"].items() if v["visibility"] == vis}


def _one(api: httpx.Client, collection: str, rid: str, **params: str) -> dict[str, Any]:
    r = api.get(f"/{collection}/{rid}.json", params=params)
    assert r.status_code == 200, r.text
    return dict(r.json()[collection][rid])


def test_each_resource_follows_the_contract(firm: Any, api: httpx.Client) -> None:
    sub = firm.one(
        api.post(
            "/stories.json",
            json={
                "story": {
                    "workspace_id": firm.workspace["id"],
                    "title": "Detail",
                    "story_type": "task",
                    "parent_id": firm.task["id"],
                    "time_estimate_in_minutes": 90,
                }
            },
        ),
        "stories",
    )
    te = firm.one(firm.time(story_id=sub["id"]), "time_entries")
    asg = firm.one(
        api.post(
            "/assignments.json",
            json={"assignment": {"story_id": sub["id"], "assignee_id": "7000001"}},
        ),
        "assignments",
    )
    ref = firm.job_reference("J-1")
    ids = {
        "workspaces": firm.workspace["id"],
        "stories": sub["id"],
        "time_entries": te["id"],
        "assignments": asg["id"],
        "workspace_resources": firm.ada["id"],
        "external_references": ref.json()["results"][0]["id"],
    }
    for collection in COLLECTIONS:
        rid = ids[collection]
        plain = _one(api, collection, rid)
        missing = _props(collection, "always") - set(plain)
        assert not missing, (collection, sorted(missing))
        optional = _props(collection, "optional")
        assert not optional & set(plain), (collection, sorted(optional & set(plain)))
        if optional:
            asked = _one(api, collection, rid, optional_fields=",".join(sorted(optional)))
            assert optional <= set(asked), (collection, sorted(optional - set(asked)))

    story = _one(api, "stories", sub["id"])
    assert story["ancestor_ids"] == [firm.task["id"]] and story["subtree_depth"] == 1
    parent = _one(api, "stories", firm.task["id"])
    assert parent["sub_stories_time_estimate_in_minutes"] == 90
    assert parent["sub_stories_billable_time_in_minutes"] == 60
    ws = _one(api, "workspaces", firm.workspace["id"], optional_fields="estimated_minutes")
    assert ws["estimated_minutes"] == 90
    assert "stage" not in _one(api, "workspaces", firm.workspace["id"])
    with_people = _one(api, "workspaces", firm.workspace["id"], include="participants")
    assert sorted(with_people["participant_ids"]) == ["7000001", "7000002"]


def _vendor_specs() -> Path | None:
    for parent in Path(__file__).resolve().parents:
        cand = parent / "shared" / "vendor-specs" / "kantata"
        if (cand / "mavenlink-workspaces-api-openapi.yml").is_file():
            return cand
    return None


def test_generated_files_match_the_contract() -> None:
    src = _vendor_specs()
    if src is None:
        pytest.skip("Kantata's OpenAPI files (shared/vendor-specs/kantata) are not beside the repo")
    import yaml

    from simulators.kantata._openapi._generate import LOADER, SOURCE, extract

    for collection, (file, schema) in COLLECTIONS.items():
        doc = yaml.load((src / file).read_text("utf-8"), Loader=LOADER)
        got = extract(doc, schema, SOURCE.format(file, schema))
        assert json.loads(json.dumps(got)) == load(collection), collection
