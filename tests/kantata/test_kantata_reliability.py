"""PSA reliability: a rejected time entry never breaks later ones; odd numbers are 400s, not 500s."""

from __future__ import annotations

import httpx
import pytest

from harness.testing import SimHandle


def _load(psa: SimHandle, collection: str, records: list[dict[str, object]]) -> None:
    r = psa.admin.post(f"/tenants/default/records/{collection}", json={"records": records})
    assert r.status_code == 201, r.text


def test_rejected_time_entry_leaves_time_entries_working(psa: SimHandle, api: httpx.Client) -> None:
    # loaded in bulk, as the harness does: no lookup has run on these collections yet
    _load(psa, "users", [{"id": "7000001", "full_name": "Ada", "email_address": "a@x.example"}])
    _load(psa, "workspaces", [{"id": "100", "title": "Acme rollout", "price": 1000}])
    _load(
        psa,
        "workspace_resources",
        [{"id": "200", "workspace_id": "100", "user_id": "7000001", "bill_rate": 150}],
    )

    def entry(minutes: int) -> httpx.Response:
        return api.post(
            "/time_entries.json",
            json={
                "time_entry": {
                    "workspace_id": "100",
                    "user_id": "7000001",
                    "date_performed": "2024-05-06",
                    "time_in_minutes": minutes,
                }
            },
        )

    r = entry(5000)
    assert r.status_code == 422, r.text
    r = entry(60)
    assert r.status_code == 200, r.text
    r = entry(30)
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    "query",
    [
        "page=99999999999999999999",
        "per_page=99999999999999999999",
        "page=-99999999999999999999",
        "only=99999999999999999999",
    ],
)
def test_huge_numbers_in_list_parameters_are_a_400_or_empty(api: httpx.Client, query: str) -> None:
    for collection in ("workspaces", "time_entries"):
        r = api.get(f"/{collection}.json?{query}")
        assert r.status_code in (200, 400), r.text
        if r.status_code == 400:
            assert r.json()["errors"][0]["type"] == "system"


def test_subscribed_event_filter_with_a_huge_subject_id_is_a_400(api: httpx.Client) -> None:
    r = api.get("/subscribed_events.json?subject_id=99999999999999999999")
    assert r.status_code in (200, 400), r.text


def _tenant_api(psa: SimHandle, name: str) -> httpx.Client:
    creds = psa.admin.post("/tenants", json={"name": name}).json()["credentials"]
    return httpx.Client(
        base_url=f"{psa.base_url}/api/v1",
        headers={"Authorization": f"Bearer {creds['token']}"},
        trust_env=False,
    )


def test_two_accounts_never_hand_out_the_same_id(psa: SimHandle, api: httpx.Client) -> None:
    ids = {}
    clients = {
        "default": api,
        "acct-a": _tenant_api(psa, "acct-a"),
        "acct-b": _tenant_api(psa, "acct-b"),
    }
    for name, c in clients.items():
        r = c.post(
            "/workspaces.json", json={"workspace": {"title": f"WS {name}", "creator_role": "maven"}}
        )
        assert r.status_code == 200, r.text
        ids[name] = r.json()["results"][0]["id"]
    assert len(set(ids.values())) == 3, ids
    assert ids["default"] == "1"  # the default account numbers as before
    # another account's id with this account's token is not found
    assert clients["acct-a"].get(f"/workspaces/{ids['acct-b']}.json").status_code == 404
    assert clients["acct-a"].get(f"/workspaces/{ids['acct-a']}.json").status_code == 200
    for name in ("acct-a", "acct-b"):
        clients[name].close()
