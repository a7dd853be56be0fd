"""aiosfstream-ng, a stock Streaming API client, against the CRM simulator's CometD endpoint.

Only the authenticator's token URL points at the simulator, and the client trusts the
session's CA; everything else (handshake, long-polling, replay extension) is the library's.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest
from aiosfstream_ng import Client, PasswordAuthenticator, ReplayOption

from harness.testing import SimHandle, start_simulator
from simulators.engine import TlsFiles
from simulators.salesforce import PlatformEventConfig, SalesforceSettings, create_simulator
from simulators.salesforce.streaming import StreamingSettings

from .._clients import simple_salesforce

CHANNEL = "/data/OpportunityChangeEvent"


@pytest.fixture(scope="module")
def sim(tls_files: TlsFiles) -> Iterator[SimHandle]:
    settings = SalesforceSettings(
        platform_events=[PlatformEventConfig("Project_Activated__e", {"Project_Id__c": "string"})],
        streaming=StreamingSettings(connect_timeout_ms=1500, reconnect_timeout_s=5.0),
    )
    handle = start_simulator(create_simulator(settings), tls_files)
    yield handle
    handle.close()


@pytest.fixture
def crm_sim(sim: SimHandle) -> Iterator[SimHandle]:
    yield sim
    sim.reset()


class SimulatorAuthenticator(PasswordAuthenticator):
    """The stock password flow, sent to the simulator's token URL over its CA."""

    def __init__(self, token_url: str, ssl_context: ssl.SSLContext, **kw: Any) -> None:
        super().__init__(**kw)
        self._sim_token_url = token_url
        self._ssl_context = ssl_context

    @property
    def _token_url(self) -> str:
        return self._sim_token_url

    async def _authenticate(self) -> tuple[int, dict[str, Any]]:
        connector = aiohttp.TCPConnector(ssl=self._ssl_context)
        async with aiohttp.ClientSession(connector=connector) as session:
            data = {
                "grant_type": "password",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "username": self.username,
                "password": self.password,
            }
            response = await session.post(self._token_url, data=data)
            return response.status, await response.json()


def _client(crm: SimHandle, replay: Any) -> Client:
    creds = crm.admin.get("/tenants/default").json()["credentials"]
    ctx = ssl.create_default_context(cafile=crm.ca_bundle)
    auth = SimulatorAuthenticator(
        creds["token_url"],
        ctx,
        consumer_key=creds["client_id"],
        consumer_secret=creds["client_secret"],
        username=creds["username"],
        password=creds["password"],
    )
    client = Client(auth, replay=replay)
    client.ssl = ctx  # the CometD transport's SSL context (aiocometd's documented parameter)
    return client


def _salesforce(crm: SimHandle) -> Any:  # simple-salesforce resolves sObjects dynamically
    return simple_salesforce(crm, "68.0", close=True)


def _new_opportunity(sf: Any) -> str:
    acc = sf.Account.create({"Name": "Wayne Enterprises"})["id"]
    return str(
        sf.Opportunity.create(
            {
                "Name": "Wayne PMO",
                "StageName": "Negotiation/Review",
                "CloseDate": "2026-12-31",
                "AccountId": acc,
                "Amount": 250000,
            }
        )["id"]
    )


async def _receive(client: Client, n: int, timeout: float = 10.0) -> list[dict[str, Any]]:
    return [await asyncio.wait_for(client.receive(), timeout) for _ in range(n)]


async def _nothing_more(client: Client, wait: float = 0.8) -> None:
    with pytest.raises(TimeoutError):
        extra = await asyncio.wait_for(client.receive(), wait)
        pytest.fail(f"unexpected extra message {extra}")


def _header(msg: dict[str, Any]) -> dict[str, Any]:
    return msg["data"]["payload"]["ChangeEventHeader"]


def test_closed_won_change_event_then_replay_after_reconnect(crm_sim: SimHandle) -> None:
    sf = _salesforce(crm_sim)
    storage: dict[str, Any] = {}

    async def scenario() -> None:
        client = _client(crm_sim, storage)
        await client.open()
        await client.subscribe(CHANNEL)
        opp = await asyncio.to_thread(_new_opportunity, sf)
        status = await asyncio.to_thread(sf.Opportunity.update, opp, {"StageName": "Closed Won"})
        assert status == 204
        create, won = await _receive(client, 2)
        await client.close()

        assert create["channel"] == CHANNEL and _header(create)["changeType"] == "CREATE"
        header = _header(won)
        assert header["changeType"] == "UPDATE" and header["recordIds"] == [opp]
        assert header["entityName"] == "Opportunity"
        assert "StageName" in header["changedFields"]
        assert won["data"]["payload"]["StageName"] == "Closed Won"
        last = won["data"]["event"]["replayId"]
        assert last > create["data"]["event"]["replayId"]
        assert storage[CHANNEL].replay_id == last  # the client stored its replay marker

        # changes made while the client is away
        await asyncio.to_thread(sf.Opportunity.update, opp, {"Amount": 275000})
        await asyncio.to_thread(sf.Opportunity.update, opp, {"Description": "Signed"})

        again = _client(crm_sim, storage)
        await again.open()
        await again.subscribe(CHANNEL)  # sends ext.replay {CHANNEL: last}
        missed = await _receive(again, 2)
        await _nothing_more(again)
        await again.close()
        ids = [m["data"]["event"]["replayId"] for m in missed]
        assert all(i > last for i in ids) and ids == sorted(ids) and len(set(ids)) == 2
        assert missed[0]["data"]["payload"]["Amount"] == 275000
        assert missed[1]["data"]["payload"]["Description"] == "Signed"

    asyncio.run(scenario())


def test_replay_all_events_with_minus_two(crm_sim: SimHandle) -> None:
    sf = _salesforce(crm_sim)

    async def scenario() -> None:
        opp = await asyncio.to_thread(_new_opportunity, sf)
        await asyncio.to_thread(sf.Opportunity.update, opp, {"StageName": "Closed Won"})
        client = _client(crm_sim, ReplayOption.ALL_EVENTS)
        await client.open()
        await client.subscribe(CHANNEL)
        got = await _receive(client, 2)
        await _nothing_more(client)
        await client.close()
        assert [_header(m)["changeType"] for m in got] == ["CREATE", "UPDATE"]

    asyncio.run(scenario())


def test_platform_event_published_over_rest_reaches_subscriber(crm_sim: SimHandle) -> None:
    sf = _salesforce(crm_sim)
    channel = "/event/Project_Activated__e"

    async def scenario() -> None:
        client = _client(crm_sim, ReplayOption.NEW_EVENTS)
        await client.open()
        await client.subscribe(channel)
        result = await asyncio.to_thread(
            sf.Project_Activated__e.create, {"Project_Id__c": "PRJ-0042"}
        )
        assert result["success"] is True and result["id"].startswith("e00")
        admin = await asyncio.to_thread(
            crm_sim.admin.post,
            "/tenants/default/platform-events/Project_Activated__e",
            json={"Project_Id__c": "PRJ-0043"},
        )
        assert admin.status_code == 201
        first, second = await _receive(client, 2)
        await client.close()
        assert first["channel"] == channel
        assert first["data"]["payload"]["Project_Id__c"] == "PRJ-0042"
        assert first["data"]["payload"]["CreatedById"].startswith("005")
        assert isinstance(first["data"]["schema"], str)
        assert second["data"]["payload"]["Project_Id__c"] == "PRJ-0043"
        assert second["data"]["event"]["replayId"] > first["data"]["event"]["replayId"]

    asyncio.run(scenario())
