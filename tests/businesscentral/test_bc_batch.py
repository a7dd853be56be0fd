"""OData JSON batch ($batch), which Business Central's API guidance recommends for many writes.

OData v4.01 JSON batch format (requests/responses, atomicityGroup); Business Central's
operational limits: at most 100 operations per batch.
"""

from __future__ import annotations

from typing import Any

import httpx


def _batch(
    api: httpx.Client, creds: dict[str, Any], requests: list[dict[str, Any]]
) -> httpx.Response:
    return httpx.post(
        f"{creds['api_url']}/$batch",
        json={"requests": requests},
        headers=api.headers,
        trust_env=False,
    )


def test_batch_runs_each_request_and_answers_in_order(
    api: httpx.Client, creds: dict[str, Any]
) -> None:
    company = f"companies({creds['company_id']})"
    r = _batch(
        api,
        creds,
        [
            {
                "id": "1",
                "method": "POST",
                "url": f"{company}/customers",
                "body": {"displayName": "Adatum"},
            },
            {"id": "2", "method": "GET", "url": f"{company}/customers?$select=displayName"},
            {"id": "3", "method": "GET", "url": f"{company}/widgets"},
        ],
    )
    assert r.status_code == 200
    out = r.json()["responses"]
    assert [x["id"] for x in out] == ["1", "2", "3"] and [x["status"] for x in out] == [
        201,
        200,
        404,
    ]
    assert out[0]["body"]["displayName"] == "Adatum" and out[0]["headers"]["etag"].startswith('W/"')
    assert [c["displayName"] for c in out[1]["body"]["value"]] == ["Adatum"]
    assert out[2]["body"]["error"]["code"] == "BadRequest_ResourceNotFound"


def test_atomicity_group_commits_all_or_nothing(api: httpx.Client, creds: dict[str, Any]) -> None:
    company = f"companies({creds['company_id']})"
    r = _batch(
        api,
        creds,
        [
            {
                "id": "a",
                "atomicityGroup": "g",
                "method": "POST",
                "url": f"{company}/customers",
                "body": {"displayName": "Kept?"},
            },
            {
                "id": "b",
                "atomicityGroup": "g",
                "method": "POST",
                "url": f"{company}/customers",
                "body": {"Rating": "Hot"},
            },
        ],
    ).json()["responses"]
    assert [x["status"] for x in r] == [424, 400]
    assert api.get("/customers").json()["value"] == []
    too_many = _batch(
        api,
        creds,
        [{"id": str(i), "method": "GET", "url": f"{company}/customers"} for i in range(101)],
    )
    assert too_many.status_code == 400
