"""The stock `netsuite` package (jacobsvante/netsuite) against the ERP simulator with TBA."""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

import pytest

from harness.testing import SimHandle

from ._stock import stock_rest_api

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from netsuite.exceptions import NetsuiteAPIRequestError
    from netsuite.rest_api import NetSuiteRestApi


def _client(base_url: str, creds: dict[str, Any], **override: str) -> NetSuiteRestApi:
    """The package's REST client with only its URL pointed at the simulator."""
    return stock_rest_api(base_url, {**creds, **override})


def test_create_get_patch_and_suiteql(erp: SimHandle, creds: dict[str, Any]) -> None:
    api = _client(erp.base_url, creds)

    async def journey() -> None:
        resp = await api.request(
            "POST",
            "/record/v1/customer",
            json={
                "companyName": "Acme Consulting",
                "subsidiary": {"id": "1"},
                "email": "ap@acme.example",
            },
        )
        assert resp.status_code == 204
        assert resp.content == b""
        cid = resp.headers["location"].rsplit("/", 1)[-1]
        assert cid.isdigit()
        rec = await api.get(f"/record/v1/customer/{cid}")
        assert rec["id"] == cid
        assert rec["companyName"] == "Acme Consulting"
        assert rec["subsidiary"]["id"] == "1"
        assert rec["subsidiary"]["refName"] == "Parent Company"
        assert rec["currency"]["id"] == "1"
        assert await api.patch(f"/record/v1/customer/{cid}", json={"phone": "555-0100"}) is None
        rec = await api.get(f"/record/v1/customer/{cid}", params={"fields": "phone,companyName"})
        assert rec["phone"] == "555-0100"
        assert "email" not in rec
        for i in range(4):
            await api.post(
                "/record/v1/customer", json={"companyName": f"Extra {i}", "subsidiary": {"id": "1"}}
            )
        page = await api.suiteql(
            "SELECT id, companyname FROM customer ORDER BY id", limit=2, offset=0
        )
        assert page["count"] == 2 and page["hasMore"] is True and page["totalResults"] == 5
        assert page["items"][0] == {"links": [], "id": cid, "companyname": "Acme Consulting"}
        last = await api.suiteql(
            "SELECT id, companyname FROM customer ORDER BY id", limit=2, offset=4
        )
        assert last["count"] == 1 and last["hasMore"] is False
        assert last["items"][0]["companyname"] == "Extra 3"

    asyncio.run(journey())


def test_wrong_token_secret_is_invalid_login(erp: SimHandle, creds: dict[str, Any]) -> None:
    api = _client(erp.base_url, creds, token_secret="not-the-secret")
    with pytest.raises(NetsuiteAPIRequestError) as err:
        asyncio.run(api.get("/record/v1/customer"))
    assert err.value.status_code == 401
    assert '"o:errorCode":"INVALID_LOGIN"' in err.value.response_text
