"""The Coupa dialect: the composition root wiring auth, rules and handlers onto the engine.

Procurement for subcontractor spend: suppliers, purchase orders, receipts and supplier
invoices over the Coupa Core API (``/api/...``), OAuth 2.0 client credentials, JSON or
XML, ``limit``/``offset`` pages of at most 50, 25 requests per second. Coupa's Core API
pushes no change events: integrations poll (``exported=false``, ``updated-at[gt]``) and
mark what they took with ``?exported=true``.
"""

from __future__ import annotations

from typing import Any

from simulators.engine import (
    BucketLimiter,
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
from ._auth import CoupaAuth
from ._errors import not_found, rate_limited
from ._limits import CoupaState, fresh_state, limiter
from ._records import LINES, Procurement
from ._render import error_body
from ._rest import RESOURCES, Handlers
from ._routes import add_routes
from ._rules import ProcurementRules
from ._settings import CoupaSettings


class CoupaDialect(Dialect):
    vendor = "coupa"
    system = "procurement"
    modstamp_index = False  # no query of its API reads records in modstamp order
    event_needs_previous = False
    #: built by ``attach``, the composition root, from the engine's services
    auth: CoupaAuth

    def __init__(self, settings: CoupaSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or CoupaSettings()
        self.service = Procurement(self.settings, ProcurementRules(self.settings))
        self.handlers = Handlers(self.service, self.settings)

    def attach(self, services: EngineServices) -> None:
        self.auth = CoupaAuth(services.tokens, services.tenants, self.settings)

    def routes(self, router: Router) -> None:
        add_routes(router, self.handlers, self.auth)

    def new_state(self, tenant: Tenant) -> CoupaState:
        return fresh_state(self.settings)

    def setup_tenant(self, tenant: Tenant) -> None:
        self.auth.client(tenant)

    def authenticate(self, req: Request) -> Tenant:
        return self.auth.authenticate(req)

    def admit(self, req: Request, tenant: Tenant) -> Response | None:
        bucket = tenant.state.bucket
        if bucket.try_take(tenant.clock):
            return None
        return self.error_response(rate_limited(bucket.retry_after()), req)

    def limiter(self, tenant: Tenant) -> BucketLimiter:
        state: CoupaState = tenant.state
        return limiter(state, self.settings)

    def error_response(self, err: HttpError, req: Request | None = None) -> Response:
        resp = error_body(req, [err.message], err.status)
        resp.headers.extend((k.lower(), v) for k, v in err.headers.items())
        return resp

    def not_found(self, req: Request) -> HttpError:
        return not_found("route", req.path)

    def wants_event(self, tenant: Tenant, change: Any) -> bool:
        return False

    def bulk_load(
        self, tenant: Tenant, record_type: str, records: list[dict[str, Any]]
    ) -> list[str]:
        return _load.bulk_load(self.service, tenant, record_type, records)

    def credentials(self, tenant: Tenant, base_url: str) -> dict[str, Any]:
        return {
            **self.auth.client(tenant),
            "token_url": f"{base_url}/oauth2/token",
            "api_base": f"{base_url}/api",
            "scope": " ".join(self.settings.scopes),
        }

    def describe(self) -> dict[str, Any]:
        return {
            "collections": [r.collection for r in RESOURCES],
            "rate_limit_per_second": self.settings.rate_limit_per_second,
            "page_size": self.settings.page_size,
            "internal_types": [LINES],
        }


def create_simulator(
    dialect_settings: CoupaSettings | None = None,
    engine_settings: SimulatorSettings | None = None,
) -> Simulator:
    """A procurement simulator app (Coupa Core API), ready to serve."""
    return Simulator(CoupaDialect(dialect_settings), engine_settings)
