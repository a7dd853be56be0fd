"""Custom fields on workspaces: sets, fields with a value type and choices, values.
Attribute names and writability: the vendor's gem specification (mavenlink/mavenlink_gem
``lib/config/specification.yml``: custom_field_sets, custom_fields, custom_field_values)."""

from __future__ import annotations

from typing import Any

import httpx


def _one(r: httpx.Response, key: str) -> dict[str, Any]:
    assert r.status_code == 200, r.text
    body = r.json()
    return dict(body[key][body["results"][0]["id"]])


def _workspace_value(api: httpx.Client, wid: str, field_id: str, value: Any) -> dict[str, Any]:
    """POST the workspace's value of a custom field; the created value as shown."""
    body = {
        "subject_type": "Workspace",
        "subject_id": wid,
        "custom_field_id": field_id,
        "value": value,
    }
    return _one(
        api.post("/custom_field_values.json", json={"custom_field_value": body}),
        "custom_field_values",
    )


def test_custom_field_values_on_a_workspace(firm: Any, api: httpx.Client) -> None:
    fset = _one(
        api.post(
            "/custom_field_sets.json",
            json={"custom_field_set": {"name": "Delivery", "subject_type": "Workspace"}},
        ),
        "custom_field_sets",
    )
    text = _one(
        api.post(
            "/custom_fields.json",
            json={"custom_field": {"name": "CRM Deal", "custom_field_set_id": fset["id"]}},
        ),
        "custom_fields",
    )
    assert text["value_type"] == "string" and "_choices" not in text
    tier = _one(
        api.post(
            "/custom_fields.json",
            json={
                "custom_field": {
                    "name": "Tier",
                    "value_type": "single",
                    "custom_field_set_id": fset["id"],
                    "choices": [{"label": "Gold"}, {"label": "Silver"}],
                }
            },
        ),
        "custom_fields",
    )
    with_choices = api.get(
        f"/custom_fields/{tier['id']}.json", params={"include": "choices"}
    ).json()
    gold_id, silver_id = with_choices["custom_fields"][tier["id"]]["choice_ids"]
    assert with_choices["custom_field_choices"][gold_id]["label"] == "Gold"
    wid = firm.workspace["id"]
    val = _workspace_value(api, wid, text["id"], "006000000000001")
    assert val["custom_field_name"] == "CRM Deal" and val["display_value"] == "006000000000001"
    assert val["type"] == "string"
    gold = _workspace_value(api, wid, tier["id"], gold_id)
    assert gold["display_value"] == "Gold" and gold["value"] == [gold_id]
    listed = api.get(
        "/custom_field_values.json",
        params={"subject_type": "Workspace", "with_subject_id": wid, "include": "custom_field"},
    ).json()
    assert listed["count"] == 2 and set(listed["custom_fields"]) == {text["id"], tier["id"]}
    upd = api.put(
        f"/custom_field_values/{gold['id']}.json",
        json={"custom_field_value": {"value": silver_id}},
    )
    assert _one(upd, "custom_field_values")["display_value"] == "Silver"


def test_custom_field_value_errors_are_validation_errors(firm: Any, api: httpx.Client) -> None:
    num = _one(
        api.post(
            "/custom_fields.json", json={"custom_field": {"name": "Hours", "value_type": "number"}}
        ),
        "custom_fields",
    )
    base = {
        "subject_type": "Workspace",
        "subject_id": firm.workspace["id"],
        "custom_field_id": num["id"],
    }
    r = api.post(
        "/custom_field_values.json", json={"custom_field_value": {**base, "value": "many"}}
    )
    assert r.status_code == 422
    assert r.json()["errors"][0] == {
        "type": "validation",
        "message": "Value is not a number",
        "field": "value",
    }
    r = api.post(
        "/custom_field_values.json",
        json={"custom_field_value": {**base, "subject_type": "Story", "value": 3}},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "subject_type"
    r = api.post("/custom_fields.json", json={"custom_field": {"name": "X", "value_type": "blob"}})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "value_type"
