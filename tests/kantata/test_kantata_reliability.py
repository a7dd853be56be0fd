"""PSA reliability: a rejected time entry never breaks the time entries after it."""

from __future__ import annotations

import httpx

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
