"""Repeated reads of one entity: the second and later GETs answer exactly what the first
did, and a write (PATCH, DELETE, a batch's rolled-back write) is seen by the next read.

Reads by id are answered from the record store's read cache; these tests hold the answers
to what the service documents: the entity with its ``@odata.etag`` and ``ETag`` header
(learn.microsoft.com, Business Central API v2.0, "Using ETags"), the ``@odata.context``
of the URL the client used, and 404 once the record is gone.
"""

from __future__ import annotations

from typing import Any

import httpx


def _read(api: httpx.Client, path: str, **kw: Any) -> httpx.Response:
    r = api.get(path, **kw)
    assert r.status_code == 200, r.text
    return r


def test_repeated_reads_are_identical_and_follow_writes(api: httpx.Client) -> None:
    c = api.post("/customers", json={"displayName": "Fabrikam", "city": "Redmond"}).json()
    path = f"/customers({c['id']})"
    first, second = _read(api, path), _read(api, path)
    assert first.content == second.content and first.headers["etag"] == second.headers["etag"]
    assert second.json()["@odata.etag"] == c["@odata.etag"] == second.headers["etag"]
    upper = _read(api, f"/customers({c['id'].upper()})")
    assert upper.content == first.content
    picked = _read(api, path, params={"$select": "displayName"}).json()
    assert set(picked) == {"@odata.context", "@odata.etag", "displayName"}

    upd = api.patch(path, json={"city": "Seattle"}, headers={"If-Match": c["@odata.etag"]})
    assert upd.status_code == 200
    after = _read(api, path)
    assert after.json()["city"] == "Seattle"
    assert after.headers["etag"] == upd.headers["etag"] != first.headers["etag"]
    assert _read(api, path).content == after.content

    gone = api.delete(path, headers={"If-Match": after.headers["etag"]})
    assert gone.status_code == 204
    assert api.get(path).status_code == 404


def test_the_context_follows_the_url_form(api: httpx.Client, creds: dict[str, Any]) -> None:
    c = api.post("/customers", json={"displayName": "Litware"}).json()
    with_tenant = _read(api, f"/customers({c['id']})").json()
    short_api = creds["api_url"].replace(f"/{creds['aad_tenant_id']}/", "/")
    short = _read(api, f"{short_api}/companies({creds['company_id']})/customers({c['id']})").json()
    assert with_tenant["@odata.context"].startswith(creds["api_url"])
    assert short["@odata.context"].startswith(short_api + "/$metadata#")
    assert {**short, "@odata.context": ""} == {**with_tenant, "@odata.context": ""}


def test_a_rolled_back_batch_write_is_not_read(api: httpx.Client, creds: dict[str, Any]) -> None:
    c = api.post("/customers", json={"displayName": "Adatum", "city": "Oslo"}).json()
    path = f"/customers({c['id']})"
    before = _read(api, path)
    company = f"companies({creds['company_id']})"
    batch = httpx.post(
        f"{creds['api_url']}/$batch",
        headers={"authorization": api.headers["authorization"]},
        json={
            "requests": [
                {
                    "id": "1",
                    "method": "PATCH",
                    "atomicityGroup": "g",
                    "url": f"{company}/customers({c['id']})",
                    "headers": {"if-match": "*"},
                    "body": {"city": "Lima"},
                },
                {
                    "id": "2",
                    "method": "GET",
                    "atomicityGroup": "g",
                    "url": f"{company}/customers({c['id']})",
                },
                {
                    "id": "3",
                    "method": "POST",
                    "atomicityGroup": "g",
                    "url": f"{company}/customers",
                    "body": {"nope": 1},
                },
            ]
        },
    )
    assert batch.status_code == 200
    assert [r["status"] for r in batch.json()["responses"]] == [424, 424, 400]
    after = _read(api, path)
    assert after.content == before.content and after.json()["city"] == "Oslo"
