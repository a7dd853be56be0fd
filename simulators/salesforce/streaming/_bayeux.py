"""The Bayeux 1.0 (CometD long-polling) endpoint at /cometd/{version}, as Salesforce runs it.

A request is a JSON array of messages (or one message), POSTed to /cometd/{version} or
to /cometd/{version}/{handshake|connect|subscribe|...}. Each message is authenticated by
the request's bearer token; errors are Bayeux replies (``"403::Unknown client"``), never
HTTP errors, so stock clients follow the advice they carry.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

import orjson

from simulators.engine import Event, EventBus, HttpError, Request, Response, Tenant, TenantRegistry

from .._state import state_of
from .._versions import parse_version
from ._channels import ChannelError, carries, check_channel, message
from ._config import StreamingSettings
from ._replay import NEW_EVENTS, ReplayError, backlog, parse_replay
from ._replay_ids import ChannelReplayIds, replay_ids_of
from ._sessions import StreamingClient, TenantStreams, new_client_id, streams_of

if TYPE_CHECKING:
    from .._auth import SalesforceAuth
    from .._schema import Schema
    from .._settings import SalesforceSettings

LONG_POLLING = "long-polling"
_JSON = [("content-type", "application/json;charset=UTF-8")]


class _Auth:
    """The outcome of checking a request's bearer token."""

    __slots__ = ("error", "tenant")

    def __init__(self, tenant: Tenant | None, error: str = "") -> None:
        self.tenant = tenant
        self.error = error


class BayeuxEndpoint:
    """Handshake, connect, subscribe, unsubscribe and disconnect for every tenant."""

    def __init__(
        self,
        auth: SalesforceAuth,
        tenants: TenantRegistry,
        events: EventBus,
        schema: Schema,
        sf: SalesforceSettings,
        retention: int,
        settings: StreamingSettings,
    ) -> None:
        self.auth = auth
        self.tenants = tenants
        self.events = events
        self.schema = schema
        self.sf = sf
        #: how many events the engine keeps per tenant (replay ids are numbered among them)
        self.retention = retention
        self.s = settings

    # -- wiring ----------------------------------------------------------------------

    def streams(self, tenant: Tenant) -> TenantStreams:
        return streams_of(tenant, self.s.client_buffer, self.s.faults)

    def advice(self) -> dict[str, Any]:
        return {
            "interval": self.s.interval_ms,
            "timeout": self.s.connect_timeout_ms,
            "reconnect": "retry",
        }

    def replay_ids(self, tenant: Tenant) -> ChannelReplayIds:
        ids = state_of(tenant).replay_ids
        if ids is not None:  # every event after the first: no set-up
            return ids
        keep = self.retention
        return replay_ids_of(
            tenant,
            keep,
            lambda: self.events.events(tenant.name, limit=keep),
            gaps=self.s.replay_id_gaps,
        )

    def on_event(self, tenant: Tenant, ev: Event) -> None:
        """Number the event per channel, then queue it for every subscribed client."""
        ids = self.replay_ids(tenant)
        ids.on_publish(ev)
        hub = state_of(tenant).streams
        if hub is None:
            return
        for client in list(hub.clients.values()):
            for channel in list(client.subscriptions):
                if carries(channel, ev):
                    hub.deliver(client, message(ev, channel, ids.id_of(channel, ev.seq)))

    # -- the endpoint ----------------------------------------------------------------

    async def handle(self, req: Request) -> Response:
        major = parse_version(req.params.get("version", ""))
        top = self.sf.api_version
        if major is None or not self.sf.min_version <= major <= top:
            return _reply(
                [
                    {
                        "successful": False,
                        "error": f"400::Unsupported API version. Only API versions "
                        f"'{self.sf.min_version}.0' and above are supported. "
                        f"URI format: '/cometd/{top}.0'",
                    }
                ],
                400,
            )
        try:
            body = orjson.loads(req.body) if req.body else None
        except orjson.JSONDecodeError:
            body = None
        if isinstance(body, dict):
            body = [body]
        if not isinstance(body, list) or not body:
            return _reply(
                [
                    {
                        "successful": False,
                        "error": "400::Invalid Bayeux message: a JSON array is required",
                    }
                ],
                400,
            )
        auth = self._authenticate(req)
        replies: list[dict[str, Any]] = []
        connect: tuple[dict[str, Any], StreamingClient] | None = None
        cookie = ""
        for m in body:
            if not isinstance(m, dict) or not isinstance(m.get("channel"), str):
                replies.append({"successful": False, "error": "400::Invalid Bayeux message"})
                continue
            channel = m["channel"]
            if channel == "/meta/handshake":
                reply = self._handshake(m, auth, major)
                if reply.get("successful"):
                    cookie = reply["clientId"]
                replies.append(reply)
                continue
            client, err = self._client(m, auth)
            if client is None:
                replies.append(err)
            elif channel == "/meta/connect":
                if m.get("connectionType", LONG_POLLING) != LONG_POLLING:
                    replies.append(
                        _fail(m, f"400::Invalid connection type {m.get('connectionType')}")
                    )
                else:
                    connect = (m, client)
            elif channel == "/meta/subscribe":
                replies.append(self._subscribe(m, client, auth.tenant))  # type: ignore[arg-type]
            elif channel == "/meta/unsubscribe":
                replies.append(self._unsubscribe(m, client))
            elif channel == "/meta/disconnect":
                self.streams(auth.tenant).remove(client.id)  # type: ignore[arg-type]
                replies.append(_ok(m, client.id))
            else:
                replies.append(_fail(m, "403::Publish denied", client.id))
        if connect is not None:
            m, client = connect
            events, reply = await self._connect(m, client)
            replies.extend(events)
            replies.append(reply)
        resp = _reply(replies)
        if cookie:
            resp.headers.append(
                ("set-cookie", f"BAYEUX_BROWSER={cookie[:12]}; Path=/; Secure; HttpOnly")
            )
        return resp

    # -- messages --------------------------------------------------------------------

    def _authenticate(self, req: Request) -> _Auth:
        if not req.headers.get("authorization"):
            return _Auth(None, "401::Request requires authentication")
        try:
            return _Auth(self.auth.authenticate(req))
        except HttpError:
            return _Auth(None, "401::Authentication invalid")

    def _handshake(self, m: dict[str, Any], auth: _Auth, major: int) -> dict[str, Any]:
        base: dict[str, Any] = {"channel": "/meta/handshake"}
        if "id" in m:
            base["id"] = m["id"]
        if auth.tenant is None:
            return {
                **base,
                # jsforce's AuthFailure extension shows the real reply's ext
                "ext": {
                    "sfdc": {"failureReason": auth.error},
                    "replay": True,
                    "payload.format": True,
                },
                "advice": {"reconnect": "none"},
                "error": "403::Handshake denied",
                "successful": False,
            }
        types = m.get("supportedConnectionTypes")
        if isinstance(types, list) and LONG_POLLING not in types:
            return {
                **base,
                "supportedConnectionTypes": [LONG_POLLING],
                "advice": {"reconnect": "none"},
                "error": f"400::Invalid connection type {','.join(map(str, types))}",
                "successful": False,
            }
        hub = self.streams(auth.tenant)
        hub.expire(time.monotonic(), self.s.reconnect_timeout_s)
        client = StreamingClient(new_client_id(), auth.tenant.name, major)
        hub.clients[client.id] = client
        return {
            "ext": {"replay": True, "payload.format": True},
            "minimumVersion": "1.0",
            "clientId": client.id,
            "supportedConnectionTypes": [LONG_POLLING],
            "advice": self.advice(),
            **base,
            "version": "1.0",
            "successful": True,
        }

    def _client(
        self, m: dict[str, Any], auth: _Auth
    ) -> tuple[StreamingClient | None, dict[str, Any]]:
        cid = m.get("clientId")
        if auth.tenant is None:
            return None, {
                **_fail(m, auth.error, cid),
                "advice": {"reconnect": "none", "interval": 0},
            }
        hub = self.streams(auth.tenant)
        now = time.monotonic()
        hub.expire(now, self.s.reconnect_timeout_s)
        client = hub.clients.get(cid) if isinstance(cid, str) else None
        if client is None:
            return None, {
                **_fail(m, "403::Unknown client", cid),
                "advice": {"reconnect": "handshake", "interval": 0},
            }
        client.last_seen = now
        return client, {}

    def _subscribe(
        self, m: dict[str, Any], client: StreamingClient, tenant: Tenant
    ) -> dict[str, Any]:
        sub = m.get("subscription")
        try:
            channel = check_channel(self.schema, self.sf.cdc_objects, sub, client.version)
            replay = NEW_EVENTS
            ext = m.get("ext")
            options = ext.get("replay") if isinstance(ext, dict) else None
            if isinstance(options, dict) and channel in options:
                replay = parse_replay(options[channel])
            past = backlog(
                self.events,
                tenant.name,
                channel,
                replay,
                tenant.clock.time(),
                self.s.retention_hours * 3600.0,
                self.replay_ids(tenant),
            )
        except (ChannelError, ReplayError) as exc:
            return {**_fail(m, str(exc), client.id), "subscription": sub}
        client.subscriptions[channel] = replay
        hub = self.streams(tenant)
        for ev, rid in past:
            hub.deliver(client, message(ev, channel, rid))
        return {**_ok(m, client.id), "subscription": channel}

    def _unsubscribe(self, m: dict[str, Any], client: StreamingClient) -> dict[str, Any]:
        sub = m.get("subscription")
        if not isinstance(sub, str) or sub not in client.subscriptions:
            return {**_fail(m, f"400::Unknown subscription {sub}", client.id), "subscription": sub}
        del client.subscriptions[sub]
        return {**_ok(m, client.id), "subscription": sub}

    async def _connect(
        self, m: dict[str, Any], client: StreamingClient
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        requested = m.get("advice")
        immediate = not client.connected or (
            isinstance(requested, dict) and requested.get("timeout") == 0
        )
        client.connected = True
        if not immediate and not client.queue:
            if client.waiter is not None:
                client.wake()  # a newer connect replaces a held one
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            client.waiter = fut
            try:
                await asyncio.wait_for(asyncio.shield(fut), self.s.connect_timeout_ms / 1000.0)
            except TimeoutError:
                pass
            finally:
                if client.waiter is fut:
                    client.waiter = None
        client.last_seen = time.monotonic()
        reply = {**_ok(m, client.id), "advice": self.advice()}
        hub = self._hub_of(client)
        if hub is None or client.id not in hub.clients:
            reply["advice"] = {"reconnect": "none", "interval": 0}
            return [], reply
        return client.take(self.s.max_batch), reply

    def _hub_of(self, client: StreamingClient) -> TenantStreams | None:
        t = self.tenants.find(client.tenant)
        return state_of(t).streams if t is not None else None


def _ok(m: dict[str, Any], client_id: str) -> dict[str, Any]:
    out: dict[str, Any] = {"clientId": client_id, "channel": m["channel"]}
    if "id" in m:
        out["id"] = m["id"]
    out["successful"] = True
    return out


def _fail(m: dict[str, Any], error: str, client_id: Any = None) -> dict[str, Any]:
    out: dict[str, Any] = {"channel": m.get("channel")}
    if client_id is not None:
        out["clientId"] = client_id
    if "id" in m:
        out["id"] = m["id"]
    out["error"] = error
    out["successful"] = False
    return out


def _reply(messages: list[dict[str, Any]], status: int = 200) -> Response:
    return Response(status, orjson.dumps(messages), list(_JSON))
