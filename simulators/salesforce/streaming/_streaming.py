"""Wires the CometD endpoint, Outbound Messages and their admin API into the dialect."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

import orjson

from simulators.engine import (
    ConfigError,
    DeliveryFaults,
    Event,
    EventBus,
    Request,
    Response,
    Router,
    Tenant,
    TenantRegistry,
)

from ._bayeux import BayeuxEndpoint
from ._config import StreamingSettings
from ._outbound import OutboundMessages

if TYPE_CHECKING:
    from .._platform_events import PlatformEvents
    from .._state import SalesforceState

log = logging.getLogger("simulators.salesforce.streaming")


class Streaming:
    """The dialect's streaming services: one per simulator, state kept per tenant."""

    def __init__(
        self,
        cometd: BayeuxEndpoint,
        outbound: OutboundMessages,
        platform_events: PlatformEvents,
        tenants: TenantRegistry,
        events: EventBus,
        settings: StreamingSettings,
        allow_remote_webhooks: bool,
    ) -> None:
        """Checks the settings and outbound endpoints, then listens to the engine's events."""
        self.settings = settings
        DeliveryFaults.from_mapping(self.settings.faults)  # validate at start
        self.cometd = cometd
        self.outbound = outbound
        self.platform_events = platform_events
        self.tenants = tenants
        self._find_tenant = tenants.finder
        self.outbound.check_endpoints(allow_remote_webhooks)
        events.listeners.append(self._on_event)

    def _on_event(self, ev: Event) -> None:
        """EventBus listener; it must never break the write that published the event."""
        tenant = self._find_tenant(ev.tenant)
        if tenant is None:
            return
        state: SalesforceState = tenant.state  # (``state_of``, inline on every write's path)
        ids = state.replay_ids
        if ids is not None and state.streams is None and not self.outbound.rules:
            # the usual write: no Streaming client and no outbound rule, so the event only
            # joins the replay id numbering (what ``cometd.on_event`` does first), as
            # ``ids.on_publish`` takes it, inline on every write's path
            pending = ids.pending
            pending.append(ev)
            if len(pending) >= ids.batch:
                ids.number_pending()
            return
        try:
            self.cometd.on_event(tenant, ev)
        except Exception:
            log.exception("streaming delivery failed for event %s", ev.seq)
        try:
            self.outbound.on_event(tenant, ev)
        except Exception:
            log.exception("outbound message evaluation failed for event %s", ev.seq)

    # -- routes ----------------------------------------------------------------------

    def routes(self, r: Router) -> None:
        h = self.cometd.handle
        r.add("POST", "/cometd/{version}", h, auth=False, name="cometd")
        r.add("POST", "/cometd/{version}/", h, auth=False, name="cometd")
        r.add("POST", "/cometd/{version}/{kind}", h, auth=False, name="cometd")

    def admin_routes(self, r: Router) -> None:
        p = "/__admin/tenants/{tenant}"
        r.add("GET", f"{p}/streaming", self._admin_streaming, auth=False)
        r.add("PUT", f"{p}/streaming/faults", self._admin_faults, auth=False)
        r.add("POST", f"{p}/platform-events/{{name}}", self._admin_publish, auth=False)
        r.add("GET", f"{p}/outbound-messages", self._admin_outbound, auth=False)

    # -- admin -----------------------------------------------------------------------

    def _tenant(self, req: Request) -> Tenant:
        return self.tenants.get(req.params["tenant"])

    def _admin_streaming(self, req: Request) -> Response:
        t = self._tenant(req)
        hub = self.cometd.streams(t)
        now = time.monotonic()
        hub.expire(now, self.settings.reconnect_timeout_s)
        return Response.json(
            {
                "clients": [c.to_dict(now) for c in hub.clients.values()],
                "faults": hub.faults.to_dict(),
                "advice": self.cometd.advice(),
                "retention_hours": self.settings.retention_hours,
                "client_buffer": hub.buffer,
            }
        )

    def _admin_faults(self, req: Request) -> Response:
        t = self._tenant(req)
        body: Any = req.json() if req.body else {}
        if not isinstance(body, dict):
            raise ConfigError("delivery faults must be a JSON object")
        hub = self.cometd.streams(t)
        hub.set_faults(DeliveryFaults.from_mapping(body))
        return Response.json({"faults": hub.faults.to_dict()})

    def _admin_publish(self, req: Request) -> Response:
        t = self._tenant(req)
        obj = self.platform_events.schema.get(req.params["name"])
        if obj is None or not obj.is_platform_event:
            raise ConfigError(
                f"no platform event {req.params['name']!r}",
                hint="declare it in SalesforceSettings.platform_events",
            )
        req.tenant = t
        return self.platform_events.publish(req, obj)

    def _admin_outbound(self, req: Request) -> Response:
        t = self._tenant(req)
        self.outbound.kick(t)
        lg = self.outbound.log_of(t)
        status = req.arg("status")
        items = [m.to_dict() for m in lg.messages if status is None or m.status == status]
        body = {"count": len(items), "messages": items}
        return Response(200, orjson.dumps(body), [("content-type", "application/json")])
