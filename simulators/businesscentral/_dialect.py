"""The Business Central dialect: the composition root wiring routes, auth, the documented
rate limits, events and seeds onto the engine."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from simulators.engine import (
    Change,
    Dialect,
    EngineServices,
    HttpError,
    Request,
    Response,
    Router,
    Simulator,
    SimulatorSettings,
    Tenant,
)

from . import _load
from ._auth import SCOPE, BusinessCentralAuth
from ._batch import Batch
from ._edm import BY_SET, ENTITIES, EntityDef
from ._entity_cache import cached
from ._errors import (
    method_not_allowed,
    payload_too_large,
    resource_not_found,
    throttled,
)
from ._events import notification
from ._indexes import ensure_indexes
from ._limits import RequestLimits
from ._metadata import Metadata
from ._records import Records, company_guid
from ._rest import RestApi
from ._routes import add_routes
from ._rules import Rules
from ._seed import seed_tenant
from ._settings import BusinessCentralSettings
from ._state import TenantState, state_of
from ._webhooks import TYPE as SUBSCRIPTION
from ._webhooks import Webhooks
from ._wire import error_response

#: the record types whose writes are change events (every entity but a subscription)
_EVENT_TYPES = frozenset(ENTITIES) - {SUBSCRIPTION}


class BusinessCentralDialect(Dialect):
    vendor = "businesscentral"
    system = "erp"
    modstamp_index = False  # no query of its API reads records in modstamp order
    event_needs_previous = False
    # an entity is written one row per statement (about 0.8 KB as stored): on 16 KB pages the
    # commit of a create walks a quarter of the page cache that 4 KB pages make it walk
    memory_page_size = 16384
    # built by ``attach``, the composition root, from the engine's services
    auth: BusinessCentralAuth
    webhooks: Webhooks

    def __init__(self, settings: BusinessCentralSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or BusinessCentralSettings()
        self.records = Records(self.settings.duplicate_key_status)
        self.rules = Rules(self.records)
        self.metadata = Metadata()
        self.rest = RestApi(self.records, self.rules, self.metadata, self.settings)
        self.batch = Batch(self.rest)

    def attach(self, services: EngineServices) -> None:
        """The composition root for what needs the engine: auth and the webhooks."""
        self.auth = BusinessCentralAuth(services.tokens, services.tenants, self.settings)
        self.webhooks = Webhooks(
            services.tenants, self.records, self.auth, self.settings, services.settings
        )
        services.events.listeners.append(self.webhooks.on_event)

    # -- wiring ----------------------------------------------------------------------

    def routes(self, r: Router) -> None:
        add_routes(r, self.auth, self._api)

    def _api(self, req: Request) -> Response | Awaitable[Response]:
        # a plain function, so the engine answers in line; only the webhook subscriptions
        # (their validation handshake calls the subscriber) hand back an awaitable
        if req.method == "PUT":
            raise method_not_allowed(
                "'PUT' requests are not allowed within Dynamics 365 Business Central OData web services; use PATCH.",
            )
        tenant = req.tenant
        assert tenant is not None
        if req.method == "GET" and not req.query_string:
            hit = cached(req, tenant, self.rest.root)
            if hit is not None:
                return hit
        target = self.rest.resolve(req, tenant)
        if target.kind in ("subscriptions", "subscription"):
            # a task of its own: the handshake's HTTP client needs one to run in
            return asyncio.ensure_future(
                self.webhooks.handle(req, tenant, target.key, self.rest.root(req))
            )
        if target.kind == "batch":
            if req.method != "POST":
                raise method_not_allowed("$batch accepts POST only.")
            return self.batch.handle(req, tenant)
        return self.rest.handle(req, tenant, target)

    def admin_routes(self, r: Router) -> None:
        r.add(
            "GET", "/__admin/businesscentral/notifications", self._admin_notifications, auth=False
        )

    def new_state(self, tenant: Tenant) -> TenantState:
        return TenantState.fresh(self.settings)

    def setup_tenant(self, tenant: Tenant) -> None:
        # also called after a snapshot restore: forget what was cached about the records
        ensure_indexes(tenant.store)
        tenant.state = self.new_state(tenant)
        seed_tenant(tenant, self.records, self.auth, self.settings.company_name)
        self.auth.credentials(tenant)

    def company_id(self, tenant: Tenant) -> str:
        return company_guid(tenant.name, self.settings.company_name)

    def user_id(self, tenant: Tenant) -> str:
        return self.auth.user_id(tenant)

    def entity_of(self, record_type: str) -> EntityDef | None:
        return ENTITIES.get(record_type) or BY_SET.get(record_type)

    # -- per request -----------------------------------------------------------------

    def authenticate(self, req: Request) -> Tenant:
        return self.auth.authenticate(req)

    def admit(self, req: Request, tenant: Tenant) -> Response | None:
        st: TenantState = tenant.state  # ``state_of``, inline on every request
        quota, slots = st.quota, st.slots
        if not slots.try_acquire():
            return self._throttled(
                req, "The request exceeded the maximum simultaneous requests allowed."
            )
        req.principal = "slot"
        if not quota.try_consume(tenant.clock):
            slots.release()
            req.principal = None
            return self._throttled(
                req, f"Rate limit exceeded: {quota.max} requests in {int(quota.window)} seconds."
            )
        return None

    def _throttled(self, req: Request, why: str) -> Response:
        s = self.settings
        resp = error_response(throttled(s.throttle_error_code, why), req.correlation_id)
        if s.retry_after_seconds > 0:
            resp.headers.append(("retry-after", str(s.retry_after_seconds)))
        return resp

    def release(self, req: Request, tenant: Tenant | None) -> None:
        if tenant is not None and req.principal == "slot":
            tenant.state.slots.release()

    def error_response(self, err: HttpError, req: Request | None = None) -> Response:
        return error_response(err, req.correlation_id if req is not None else "")

    def not_found(self, req: Request) -> HttpError:
        seg = req.path.rstrip("/").rsplit("/", 1)[-1] or "/"
        return resource_not_found(seg)

    def method_not_allowed(self, req: Request) -> HttpError:
        return method_not_allowed(
            f"'{req.method}' requests are not allowed within Dynamics 365 Business Central OData web services.",
        )

    def payload_too_large(self, req: Request, limit: int) -> HttpError:
        return payload_too_large(limit)

    # -- events ----------------------------------------------------------------------

    def wants_event(self, tenant: Tenant, change: Change) -> bool:
        return change.type in _EVENT_TYPES

    def change_event(
        self, tenant: Tenant, change: Change, seq: int
    ) -> tuple[str, dict[str, Any]] | None:
        return notification(change)

    # -- admin -----------------------------------------------------------------------

    def bulk_load(
        self, tenant: Tenant, record_type: str, records: list[dict[str, Any]]
    ) -> list[str]:
        return _load.bulk_load(
            self.records, self.auth, self.settings.company_name, tenant, record_type, records
        )

    def credentials(self, tenant: Tenant, base_url: str) -> dict[str, Any]:
        c = self.auth.credentials(tenant)
        return {
            "aad_tenant_id": c.aad_tenant,
            "environment": c.environment,
            "client_id": c.client_id,
            "client_secret": c.client_secret,
            "scope": SCOPE,
            "authority": f"{base_url}/{c.aad_tenant}",
            "token_url": f"{base_url}/{c.aad_tenant}/oauth2/v2.0/token",
            "api_url": f"{base_url}/v2.0/{c.aad_tenant}/{c.environment}/api/v2.0",
            "company_id": self.company_id(tenant),
            "company_name": self.settings.company_name,
        }

    def describe(self) -> dict[str, Any]:
        return {
            "environment": self.settings.environment,
            "entity_sets": sorted(BY_SET),
            "rate_limit": f"{self.settings.rate_limit_requests}/{int(self.settings.rate_limit_window_seconds)}s",
        }

    def limiter(self, tenant: Tenant) -> RequestLimits:
        st = state_of(tenant)
        return RequestLimits(st.quota, st.slots, tenant.clock)

    def _admin_notifications(self, req: Request) -> Response:
        return Response.json(
            {"count": len(self.webhooks.deliveries), "deliveries": self.webhooks.deliveries}
        )


def create_simulator(
    dialect_settings: BusinessCentralSettings | None = None,
    engine_settings: SimulatorSettings | None = None,
) -> Simulator:
    """A Business Central simulator app, ready to serve."""
    return Simulator(BusinessCentralDialect(dialect_settings), engine_settings)
