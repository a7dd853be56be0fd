"""CRM intake over the Streaming API: CometD long-polling on the CDC channel, with replay.

aiosfstream-ng (a stock Bayeux client) subscribes to ``/data/OpportunityChangeEvent``
with the token of the client-credentials flow the REST client uses. Each event goes into
the inbox the CRM webhook feeds (same parser, same ``replayId`` key) and only then is its
``replayId`` stored in the store's cursors; a restarted service subscribes with
``ext.replay`` = that id, so Salesforce resends exactly what came after it. An event
delivered twice (a reconnect, the fallback to ``-2``) has the same inbox key and is kept once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import ssl
from collections.abc import Callable
from typing import Any

from aiosfstream_ng import Client, ReplayMarkerStoragePolicy, ReplayOption
from aiosfstream_ng.auth import AuthenticatorBase
from aiosfstream_ng.replay import ReplayMarker, ReplayMarkerStorage

from . import inbound
from .clients.salesforce import SalesforceClient
from .errors import Unprocessable
from .logs import get_logger
from .retry import backoff
from .services import Services
from .store import Store

log = get_logger("crm_stream")
Enqueue = Callable[[str, inbound.Parsed, str], list[int]]


def cursor_name(channel: str) -> str:
    return f"cometd:{channel}"


class ClientCredentialsAuthenticator(AuthenticatorBase):
    """The connected app's client-credentials token, fetched by the REST client's own call."""

    def __init__(self, crm: SalesforceClient) -> None:
        super().__init__()
        self.crm = crm

    async def _authenticate(self) -> tuple[int, dict[str, Any]]:
        resp = await asyncio.to_thread(self.crm.token_response)
        try:
            body = resp.json()
        except ValueError:
            body = {"error": resp.text[:200]}
        return resp.status_code, body if isinstance(body, dict) else {"error": body}


class StoredReplay(ReplayMarkerStorage):
    """Replay markers kept in the integration's SQLite cursors, one per channel."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    async def get_replay_marker(self, subscription: str) -> ReplayMarker | None:
        raw = self.store.cursor(cursor_name(subscription))
        if raw is None:
            return None
        doc = json.loads(raw)
        return ReplayMarker(str(doc["date"]), int(doc["replayId"]))

    async def set_replay_marker(self, subscription: str, replay_marker: ReplayMarker) -> None:
        doc = {"date": replay_marker.date, "replayId": replay_marker.replay_id}
        self.store.set_cursor(cursor_name(subscription), json.dumps(doc))


class StreamingClient(Client):
    """aiosfstream-ng's client on the configured API version (the library pins 45.0)."""

    def __init__(self, auth: AuthenticatorBase, replay: ReplayMarkerStorage, version: str) -> None:
        super().__init__(
            auth,
            replay=replay,
            # a stored id older than the retention window: replay all that is retained
            replay_fallback=ReplayOption.ALL_EVENTS,
            # the marker is stored by us, after the event is in the inbox
            replay_storage_policy=ReplayMarkerStoragePolicy.MANUAL,
        )
        self.api_version = version

    def get_cometd_url(self, instance_url: str) -> str:  # type: ignore[override]
        return f"{instance_url.rstrip('/')}/cometd/{self.api_version}"


def ssl_context(ca_bundle: str | None) -> ssl.SSLContext:
    return (
        ssl.create_default_context(cafile=ca_bundle) if ca_bundle else ssl.create_default_context()
    )


class CrmStream:
    """One long-lived subscription, re-opened with backoff after any failure."""

    def __init__(self, svc: Services, enqueue: Enqueue) -> None:
        self.svc = svc
        self.enqueue = enqueue
        self.channel = svc.settings.crm_channel
        self.subscribed = asyncio.Event()
        self.rng = random.Random()
        self._task: asyncio.Task[None] | None = None

    async def start(self, wait_seconds: float = 10.0) -> None:
        """Start subscribing; waits (bounded) for the first subscription so that no event
        raised right after start-up is missed by a fresh store (which subscribes at -1)."""
        self._task = asyncio.get_running_loop().create_task(self.run(), name="ri-crm-stream")
        try:
            await asyncio.wait_for(self.subscribed.wait(), wait_seconds)
        except TimeoutError:
            log.warning("not subscribed yet; still trying", extra={"channel": self.channel})

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def _client(self) -> StreamingClient:
        crm = self.svc.crm
        client = StreamingClient(
            ClientCredentialsAuthenticator(crm), StoredReplay(self.svc.store), crm.version
        )
        client.ssl = ssl_context(self.svc.settings.ca_bundle)  # aiocometd's transport option
        return client

    async def run(self) -> None:
        attempt = 0
        while True:
            client = self._client()
            try:
                await client.open()
                await client.subscribe(self.channel)
                log.info("subscribed", extra={"channel": self.channel})
                self.subscribed.set()
                attempt = 0
                while True:
                    message = await client.receive()
                    self.take(message)
                    await client.replay_storage.extract_replay_id(message)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                attempt += 1
                log.warning("stream failed", extra={"channel": self.channel, "error": repr(exc)})
            finally:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(client.close(), 5)
            retry = self.svc.settings.retry
            await asyncio.sleep(
                backoff(attempt, retry.task_base_seconds, retry.task_cap_seconds, self.rng)
            )

    def take(self, message: dict[str, Any]) -> None:
        """A CDC message into the inbox (the webhook's parser and keys)."""
        try:
            parsed = inbound.crm(message)
        except Unprocessable as exc:
            log.warning("unexpected message", extra={"error": str(exc)})
            return
        if parsed:
            self.enqueue("crm", parsed, "")
