"""Business Central webhook subscriptions for sales invoice changes, one per company.

``POST {api}/subscriptions {"notificationUrl", "resource", "clientState"}``: Business
Central first POSTs ``notificationUrl?validationToken=...`` and needs the token echoed
with 200 (``/webhooks/erp`` does that), so the subscription is made once the server is
listening, retried with backoff until it holds. A subscription lives three days: it is
renewed (PATCH with its ETag, the handshake again) well before. One that already exists
for our URL and resource (an earlier run) is renewed instead of made twice. Every
notification carries ``clientState``; ones without ours are refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from typing import Any

from .clients import BusinessCentralClient
from .erp.businesscentral import companies
from .errors import IntegrationError
from .logs import get_logger
from .settings import Settings

log = get_logger("erp_subscription")
#: renew after two of the three days a subscription lives
RENEW_SECONDS = 2 * 24 * 3600.0


def client_state(settings: Settings) -> str:
    """The secret notifications must carry: ``erp.client_state``, else one derived from the
    app registration (stable across restarts, never the secret itself)."""
    erp = settings.erp
    given = erp.get("client_state")
    if given:
        return str(given)
    seed = f"{erp.get('client_id')}:{erp.get('client_secret')}:{erp.get('company_id')}"
    return hashlib.sha256(seed.encode()).hexdigest()[:32]


class InvoiceSubscription:
    """Keeps the sales-invoice subscriptions alive while the integration runs."""

    def __init__(self, settings: Settings, client: BusinessCentralClient) -> None:
        self.settings, self.client = settings, client
        self.url = f"{settings.webhook_base}/webhooks/erp"
        self.resources = [f"api/v2.0/companies({c})/salesInvoices" for c in companies(settings)]
        self.task: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()

    def start(self) -> None:
        self.task = asyncio.create_task(self._run(), name="erp-subscription")

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task

    async def _run(self) -> None:
        delay = 0.2
        while True:
            try:
                for resource in self.resources:
                    await self.subscribe(resource)
                self.ready.set()
                delay = 0.2
                await asyncio.sleep(RENEW_SECONDS)
            except IntegrationError as exc:
                log.warning("erp subscription not made yet", extra={"error": str(exc)})
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)

    async def add_company(self, company: str) -> None:
        """A company read from the ERP after start: its sales invoices' subscription too."""
        resource = f"api/v2.0/companies({company})/salesInvoices"
        if resource not in self.resources:
            self.resources.append(resource)
        await self.subscribe(resource)

    async def subscribe(self, resource: str) -> dict[str, Any]:
        body = {
            "notificationUrl": self.url,
            "resource": resource,
            "clientState": client_state(self.settings),
        }
        mine = [
            s
            for s in (await self.client.root_call("GET", "subscriptions")).json().get("value", [])
            if s.get("notificationUrl") == self.url and s.get("resource") == resource
        ]
        if mine:
            sub = mine[0]
            resp = await self.client.root_call(
                "PATCH",
                f"subscriptions('{sub['subscriptionId']}')",
                json=body,
                headers={"If-Match": str(sub.get("@odata.etag") or "*")},
            )
            log.info("erp subscription renewed", extra={"url": self.url, "resource": resource})
        else:
            resp = await self.client.root_call("POST", "subscriptions", json=body)
            log.info("erp subscription made", extra={"url": self.url, "resource": resource})
        data: dict[str, Any] = resp.json()
        return data
