"""Webhook subscriptions (``/api/v2.0/subscriptions``) and the notifications they receive.

Creating or renewing a subscription performs the handshake first: the service POSTs to
``notificationUrl?validationToken=...`` and the subscriber must answer 200 with the token
as the body, or the subscription is refused. Subscriptions expire three days after they
were created or last renewed (a PATCH renews, with the handshake again).

Changes are gathered per subscription and sent in batches,
``{"value": [{"subscriptionId", "clientState", "expirationDateTime", "resource",
"changeType", "lastModifiedDateTime"}]}``, with ``changeType`` created, updated or
deleted; a batch over the collection threshold becomes one ``collection``
notification naming the entity set and a ``lastModifiedDateTime`` filter. Failed
deliveries are retried with backoff; every attempt is listed by the admin API.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx

from simulators.engine import (
    ConfigError,
    Event,
    HttpError,
    Request,
    Response,
    Tenant,
    check_webhook_url,
)

from ._edm import BY_SET, COMPANY_SETS, ENTITIES
from ._errors import bad_request, method_not_allowed, record_not_found
from ._records import COMPANY
from ._render import VERSION, etag
from ._state import state_of
from ._wire import bc_datetime, json_response

if TYPE_CHECKING:
    from simulators.engine import SimulatorSettings, TenantRegistry

    from ._auth import BusinessCentralAuth
    from ._records import Records
    from ._settings import BusinessCentralSettings

TYPE = "subscription"
_RESOURCE = re.compile(r"(?:^|/)api/v2\.0/companies\(([0-9A-Fa-f-]{36})\)/([A-Za-z]+)/?$")
_CHANGE = {"create": "created", "update": "updated", "delete": "deleted", "undelete": "created"}
_FIELDS = (
    "subscriptionId",
    "notificationUrl",
    "resource",
    "timestamp",
    "userId",
    "lastModifiedDateTime",
    "clientState",
    "expirationDateTime",
    "systemCreatedAt",
    "systemCreatedBy",
    "systemModifiedAt",
    "systemModifiedBy",
)


@dataclass(slots=True)
class _Pending:
    items: list[dict[str, Any]] = field(default_factory=list)
    task: asyncio.Task[None] | None = None


def notification_resource(set_name: str, company: str, record_id: str) -> str:
    return f"api/v2.0/companies({company})/{set_name}({record_id})"


class Webhooks:
    def __init__(
        self,
        tenants: TenantRegistry,
        records: Records,
        auth: BusinessCentralAuth,
        settings: BusinessCentralSettings,
        engine: SimulatorSettings,
    ) -> None:
        self.tenants = tenants
        self.records = records
        self.auth = auth
        self.settings = settings
        #: the engine's webhook policy: remote subscribers allowed, the CA bundle to trust
        self.allow_remote = engine.allow_remote_webhooks
        self.ca_bundle = engine.ca_bundle
        self._pending: dict[tuple[str, str], _Pending] = {}  # (tenant, subscription) -> batch
        self.deliveries: list[dict[str, Any]] = []  # bounded log for the admin API
        self._client: httpx.AsyncClient | None = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            # no idle keep-alive connections: nothing is left open when the server stops
            # (the engine's shutdown does not reach this client)
            self._client = httpx.AsyncClient(
                verify=self.ca_bundle or True,
                trust_env=False,
                limits=httpx.Limits(max_keepalive_connections=0),
            )
        return self._client

    # -- API -------------------------------------------------------------------------

    async def handle(self, req: Request, tenant: Tenant, key: str | None, root: str) -> Response:
        m = req.method
        if key is None:
            if m == "GET":
                subs = [self.render(s) for s in self._active(tenant)]
                return json_response(
                    {"@odata.context": f"{root}/$metadata#subscriptions", "value": subs}
                )
            if m == "POST":
                return await self.create(req, tenant, root)
        else:
            sub = self._get(tenant, key)
            if m == "GET":
                return json_response(
                    {
                        "@odata.context": f"{root}/$metadata#subscriptions/$entity",
                        **self.render(sub),
                    }
                )
            if m == "PATCH":
                return await self.renew(req, tenant, sub, root)
            if m == "DELETE":
                self._check_etag(req, sub)
                tenant.store.delete(
                    TYPE, sub["subscriptionId"], sub, bc_datetime(tenant.clock.time()), hard=True
                )
                return Response(204, b"", [("odata-version", "4.0")])
        raise method_not_allowed(
            f"'{m}' requests for 'subscriptions' are not allowed.",
        )

    def _get(self, tenant: Tenant, key: str) -> dict[str, Any]:
        sub = tenant.store.get(TYPE, key)
        if sub is None or self._expired(tenant, sub):
            raise record_not_found(f"The subscription '{key}' does not exist.")
        return sub

    def _active(self, tenant: Tenant) -> list[dict[str, Any]]:
        st = state_of(tenant)
        if st.has_subscriptions is False:  # the common case, checked on every change event
            return []
        subs = list(tenant.store.iter_type(TYPE))
        st.has_subscriptions = bool(subs)
        return [s for s in subs if not self._expired(tenant, s)]

    @staticmethod
    def _expired(tenant: Tenant, sub: dict[str, Any]) -> bool:
        exp = datetime.fromisoformat(sub["expirationDateTime"].replace("Z", "+00:00"))
        return exp.timestamp() <= tenant.clock.time()

    @staticmethod
    def render(sub: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"@odata.etag": etag(int(sub.get(VERSION, 1)), sub["subscriptionId"])}
        out.update({k: sub.get(k) for k in _FIELDS})
        return out

    def _check_etag(self, req: Request, sub: dict[str, Any]) -> None:
        self.records.check_etag(
            {"id": sub["subscriptionId"], VERSION: sub.get(VERSION, 1)},
            req.headers.get("if-match"),
            self.settings.require_if_match,
        )

    def _parse_resource(self, tenant: Tenant, resource: Any) -> tuple[str, str]:
        if not isinstance(resource, str) or not resource:
            raise bad_request("The property 'resource' is required.")
        m = _RESOURCE.search(resource.split("?")[0])
        if m is None or m.group(2) not in COMPANY_SETS:
            raise bad_request(
                f"The resource '{resource}' is not a valid resource to subscribe to. Use the URL of an entity "
                "set, e.g. /api/v2.0/companies({id})/customers.",
            )
        company = m.group(1).lower()
        rec = tenant.store.get("company", company)
        if rec is None:
            raise record_not_found(f"The company '{company}' does not exist.")
        return company, m.group(2)

    async def _handshake(self, url: str) -> None:
        try:
            check_webhook_url(url, self.allow_remote)
        except ConfigError as exc:
            raise bad_request(exc.message) from None
        token = secrets.token_urlsafe(24)
        sep = "&" if "?" in url else "?"
        try:
            r = await self._http().post(f"{url}{sep}validationToken={token}", timeout=5.0)
        except httpx.HTTPError as exc:
            raise bad_request(
                f"The subscription was not created: the notification URL did not answer the validation request ({type(exc).__name__}).",
            ) from None
        if r.status_code != 200 or r.text.strip().strip('"') != token:
            raise bad_request(
                f"The subscription was not created: the notification URL answered {r.status_code} without "
                "returning the validationToken in the body.",
            )

    async def create(self, req: Request, tenant: Tenant, root: str) -> Response:
        body = _subscription_body(req)
        url = body.get("notificationUrl")
        if not isinstance(url, str) or not url:
            raise bad_request("The property 'notificationUrl' is required.")
        client_state = body.get("clientState", "")
        if not isinstance(client_state, str) or len(client_state) > 2048:
            raise bad_request("clientState must be a string of at most 2048 characters.")
        self._parse_resource(tenant, body.get("resource"))
        if len(self._active(tenant)) >= self.settings.max_subscriptions:
            raise bad_request(
                f"The maximum number of subscriptions ({self.settings.max_subscriptions}) has been reached.",
            )
        await self._handshake(url)
        now = tenant.clock.time()
        stamp = bc_datetime(now)
        user = self.auth.user_id(tenant)
        sub = {
            "subscriptionId": secrets.token_hex(16),
            "notificationUrl": url,
            "resource": body["resource"],
            "timestamp": int(now * 1000),
            "userId": user,
            "lastModifiedDateTime": stamp,
            "clientState": client_state,
            "expirationDateTime": self._expiry(now),
            "systemCreatedAt": stamp,
            "systemCreatedBy": user,
            "systemModifiedAt": stamp,
            "systemModifiedBy": user,
            VERSION: 1,
        }
        tenant.store.insert(TYPE, sub["subscriptionId"], sub, stamp, emit=False)
        state_of(tenant).has_subscriptions = True
        return json_response(
            {"@odata.context": f"{root}/$metadata#subscriptions/$entity", **self.render(sub)},
            201,
            [("etag", self.render(sub)["@odata.etag"])],
        )

    def _expiry(self, now: float) -> str:
        exp = datetime.fromtimestamp(now, UTC) + timedelta(days=self.settings.subscription_days)
        return bc_datetime(exp.timestamp())

    async def renew(self, req: Request, tenant: Tenant, sub: dict[str, Any], root: str) -> Response:
        self._check_etag(req, sub)
        body = _subscription_body(req)
        if "resource" in body and body["resource"] != sub["resource"]:
            self._parse_resource(tenant, body["resource"])
        url = body.get("notificationUrl", sub["notificationUrl"])
        await self._handshake(url)
        now = tenant.clock.time()
        stamp = bc_datetime(now)
        new: dict[str, Any] = {
            **sub,
            **{k: body[k] for k in ("notificationUrl", "resource", "clientState") if k in body},
            "expirationDateTime": self._expiry(now),
            "lastModifiedDateTime": stamp,
            "systemModifiedAt": stamp,
            "timestamp": int(now * 1000),
            VERSION: int(sub.get(VERSION, 1)) + 1,
        }
        tenant.store.update(
            TYPE, sub["subscriptionId"], new, sub, stamp, changed_fields=list(body), emit=False
        )
        return json_response(
            {"@odata.context": f"{root}/$metadata#subscriptions/$entity", **self.render(new)}
        )

    # -- notifications ---------------------------------------------------------------

    def on_event(self, ev: Event) -> None:
        """Engine event listener: queue a notification for each matching subscription."""
        tenant = self.tenants.find(ev.tenant)
        if tenant is None or tenant.state.has_subscriptions is False:  # the common case
            return
        ent = ENTITIES.get(ev.record_type) or BY_SET.get(ev.record_type)
        if ent is None or ev.record_type == TYPE:
            return
        subs = self._active(tenant)
        if not subs:
            return
        rec = tenant.store.get(ent.name, ev.record_id, include_deleted=True)
        company = (rec or {}).get(COMPANY)
        for sub in subs:
            try:
                sub_company, set_name = self._parse_resource(tenant, sub["resource"])
            except HttpError:
                continue
            if set_name != ent.set_name or sub_company != company:
                continue
            item = {
                "subscriptionId": sub["subscriptionId"],
                "clientState": sub["clientState"],
                "expirationDateTime": sub["expirationDateTime"],
                "resource": notification_resource(set_name, company, ev.record_id),
                "changeType": _CHANGE.get(ev.op, "updated"),
                "lastModifiedDateTime": bc_datetime(ev.at),
            }
            self._queue(tenant, sub, item)

    def _queue(self, tenant: Tenant, sub: dict[str, Any], item: dict[str, Any]) -> None:
        key = (tenant.name, sub["subscriptionId"])
        pending = self._pending.setdefault(key, _Pending())
        pending.items.append(item)
        if pending.task is None or pending.task.done():
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return  # no loop (a write outside the server): delivered with the next batch
            pending.task = loop.create_task(self._flush_later(tenant, sub["subscriptionId"], key))

    async def _flush_later(self, tenant: Tenant, sub_id: str, key: tuple[str, str]) -> None:
        await asyncio.sleep(self.settings.notification_delay_seconds)
        pending = self._pending.get(key)
        if pending is None or not pending.items:
            return
        items, pending.items = pending.items, []
        sub = tenant.store.get(TYPE, sub_id)
        if sub is None or self._expired(tenant, sub):
            return
        if len(items) > self.settings.collection_threshold:
            first = min(i["lastModifiedDateTime"] for i in items)
            base = sub["resource"].lstrip("/")
            items = [
                {
                    **items[0],
                    "resource": f"{base}?$filter=lastModifiedDateTime%20gt%20{first}",
                    "changeType": "collection",
                    "lastModifiedDateTime": max(i["lastModifiedDateTime"] for i in items),
                }
            ]
        await self._deliver(sub, {"value": items})

    async def _deliver(self, sub: dict[str, Any], payload: dict[str, Any]) -> None:
        record: dict[str, Any] = {
            "subscriptionId": sub["subscriptionId"],
            "url": sub["notificationUrl"],
            "notifications": len(payload["value"]),
            "attempts": 0,
            "status": "pending",
            "last_status": None,
        }
        self.deliveries.append(record)
        del self.deliveries[:-1000]
        delay = 0.2
        for _ in range(5):
            record["attempts"] += 1
            try:
                r = await self._http().post(sub["notificationUrl"], json=payload, timeout=10.0)
                record["last_status"] = r.status_code
                if 200 <= r.status_code < 300:
                    record["status"] = "delivered"
                    record["delivered_at"] = time.time()
                    return
            except httpx.HTTPError as exc:
                record["last_error"] = f"{type(exc).__name__}: {exc}"
            await asyncio.sleep(delay)
            delay *= 2
        record["status"] = "failed"

    async def close(self) -> None:
        for p in self._pending.values():
            if p.task is not None:
                p.task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await p.task
        self._pending.clear()
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def set_of(type_name: str) -> str | None:
    for name, ent in BY_SET.items():
        if ent.name == type_name:
            return name
    return None


def _subscription_body(req: Request) -> dict[str, Any]:
    """The JSON object of a subscription create or renew; other properties are refused."""
    body = req.json()
    if not isinstance(body, dict):
        raise bad_request("Invalid Request Body")
    unknown = set(body) - {"notificationUrl", "resource", "clientState", "@odata.etag"}
    if unknown:
        raise bad_request(
            f"The property '{sorted(unknown)[0]}' does not exist on type 'Microsoft.NAV.subscriptions'.",
        )
    return body
