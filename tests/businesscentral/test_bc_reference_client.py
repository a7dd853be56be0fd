"""The reference integration's Business Central client against the simulator.

It speaks only the vendor's wire API: client-credentials token (refreshed on 401), lists
followed through @odata.nextLink, If-Match from @odata.etag with one re-read on 412,
bound actions, and Business Central's error document mapped to its VendorError.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from reference_integration.clients.businesscentral import BusinessCentralClient, odata_quote
from reference_integration.errors import VendorError
from reference_integration.settings import RetrySettings


def test_client_round_trip(bc: Any, creds: dict[str, Any]) -> None:
    async def run() -> None:
        client = BusinessCentralClient(creds, None, RetrySettings(attempts=2, base_seconds=0.01))
        try:
            cust = await client.create("customers", {"displayName": "O'Brien & Co"})
            found = await client.find_one("customers", "displayName", "O'Brien & Co")
            assert found is not None and found["id"] == cust["id"]
            # someone else changes the customer: the client's ETag is stale, it re-reads once
            other = httpx.Client(
                base_url=client.company,
                headers={"Authorization": f"Bearer {client.access_token}", "If-Match": "*"},
                trust_env=False,
            )
            other.patch(f"/customers({cust['id']})", json={"city": "Dublin"})
            other.close()
            updated = await client.update(
                "customers", cust["id"], {"phoneNumber": "555"}, etag=cust["@odata.etag"]
            )
            assert (updated["city"], updated["phoneNumber"]) == ("Dublin", "555")
            for i in range(5):
                await client.create("items", {"displayName": f"Item {i}"})
            assert len(await client.list("items", select="number")) == 5
            bc.admin.post("/tokens/expire", json={"tenant": "default"})  # 401, then a new token
            assert await client.get("customers", cust["id"]) is not None
            assert await client.get("customers", "00000000-0000-0000-0000-000000000001") is None
            with pytest.raises(VendorError) as err:
                await client.action("salesInvoices", "00000000-0000-0000-0000-000000000001", "post")
            assert (err.value.status, err.value.code) == (404, "Internal_RecordNotFound")
            await client.delete("customers", cust["id"])
            assert await client.get("customers", cust["id"]) is None
        finally:
            await client.aclose()

    asyncio.run(run())


def test_paging_is_followed(bc: Any, creds: dict[str, Any]) -> None:
    bc.sim.dialect.settings.max_page_size = 2
    try:

        async def run() -> list[dict[str, Any]]:
            client = BusinessCentralClient(creds, None, RetrySettings(attempts=1))
            try:
                for i in range(5):
                    await client.create("projects", {"displayName": f"P{i}"})
                return await client.list("projects", filter="startswith(displayName,'P')")
            finally:
                await client.aclose()

        assert [p["displayName"] for p in asyncio.run(run())] == [f"P{i}" for i in range(5)]
    finally:
        bc.sim.dialect.settings.max_page_size = 20_000
    assert odata_quote("it's") == "'it''s'"
