"""The Kantata OX dialect: routes, auth, limits and subscribed events wired onto the engine."""

from __future__ import annotations

from functools import partial
from typing import Any

import orjson

from simulators.engine import (
    BucketLimiter,
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
    TenantRegistry,
    TokenBucket,
)

from . import _load
from ._auth import CREDS_KEY, KantataAuth
from ._errors import method_not_allowed, not_found, payload_too_large, rate_limited
from ._feed import build_event, expand_event, find_event
from ._ids import forget as forget_ids
from ._indexes import EVENTS, ensure_indexes
from ._limits import LIMITED_ENDPOINTS, EndpointBuckets
from ._model import Catalog
from ._records import Records
from ._render import Presenter
from ._rest import Handlers
from ._routes import API, add_routes
from ._seed import seed_tenant
from ._settings import KantataSettings
from ._state import KantataState, state_of
from ._wire import error_response


class KantataDialect(Dialect):
    vendor = "kantata"
    system = "psa"
    modstamp_index = False  # no query of its API reads records in modstamp order
    # built by ``attach``, the composition root, from the engine's services
    tenants: TenantRegistry
    auth: KantataAuth
    handlers: Handlers

    def __init__(self, settings: KantataSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or KantataSettings()
        self.catalog = Catalog()
        self.records = Records(self.catalog, self.settings)

    def attach(self, services: EngineServices) -> None:
        """The composition root for what needs the engine: auth, handlers, the tenants."""
        self.tenants = services.tenants
        self.auth = KantataAuth(services.tokens, services.tenants, self.settings)
        self.handlers = Handlers(
            self.records, self.catalog, self.settings, services.settings.query_budget
        )

    # -- wiring ----------------------------------------------------------------------

    def routes(self, r: Router) -> None:
        add_routes(r, self.handlers, self.auth, self.catalog)

    def setup_tenant(self, tenant: Tenant) -> None:
        store = tenant.store
        # events stored compact read as written (every reader: lists, admin, pushes)
        store.decode_with(EVENTS, partial(expand_event, self.catalog, self.settings, tenant))
        forget_ids(tenant)  # a restored store numbers on from its own rows
        ensure_indexes(store, self.records.indexes)
        seed_tenant(tenant, self.settings, self.tenants)
        state_of(tenant).bucket = None
        self.auth.tenant_credentials(tenant)

    def reset_tenant(self, tenant: Tenant) -> None:
        """The tenant's token survives a reset (Kantata tokens do not expire)."""
        creds = state_of(tenant).credentials
        if creds is not None:
            tenant.store.meta_set(CREDS_KEY, creds)
        super().reset_tenant(tenant)

    def api_user(self, tenant: Tenant) -> str:
        return self.settings.api_user_id

    # -- per request -----------------------------------------------------------------

    def authenticate(self, req: Request) -> Tenant:
        return self.auth.authenticate(req)

    def bucket(self, tenant: Tenant) -> TokenBucket | None:
        s = self.settings
        if s.rate_limit_per_second is None:
            return None
        state = state_of(tenant)
        if state.bucket is None:
            state.bucket = TokenBucket(s.rate_limit_per_second, s.rate_limit_burst)
        return state.bucket

    def endpoint_buckets(self, tenant: Tenant) -> EndpointBuckets:
        state = state_of(tenant)
        if state.endpoint_buckets is None:
            s = self.settings
            state.endpoint_buckets = EndpointBuckets(
                s.endpoint_limit_per_second, s.endpoint_limit_burst
            )
        return state.endpoint_buckets

    def admit(self, req: Request, tenant: Tenant) -> Response | None:
        b = self.bucket(tenant)
        if b is not None and not b.try_take(tenant.clock):
            return self._rate_limited(b)
        name = req.route.name if req.route is not None else ""
        if self.settings.endpoint_limits == "guessed" and name in LIMITED_ENDPOINTS:
            hit = self.endpoint_buckets(tenant).try_take(name, tenant.clock)
            if hit is not None:
                return self._rate_limited(hit)
        return None

    def _rate_limited(self, b: TokenBucket) -> Response:
        resp = error_response(rate_limited())
        if self.settings.retry_after == "seconds":
            resp.headers.append(("retry-after", str(max(1, int(b.retry_after() + 0.999)))))
        return resp

    def error_response(self, err: HttpError, req: Request | None = None) -> Response:
        return error_response(err)

    def not_found(self, req: Request) -> HttpError:
        return not_found()

    def method_not_allowed(self, req: Request) -> HttpError:
        return method_not_allowed(req.method, req.path)

    def payload_too_large(self, req: Request, limit: int) -> HttpError:
        return payload_too_large(limit)

    # -- events ----------------------------------------------------------------------

    def wants_event(self, tenant: Tenant, change: Change) -> bool:
        res = self.catalog.by_collection.get(change.type)
        return res is not None and res.events

    def change_event(
        self, tenant: Tenant, change: Change, seq: int
    ) -> tuple[str, dict[str, Any]] | None:
        """The subscribed event the write path kept for ``change``, pushed to webhooks as is."""
        res = self.catalog.get(change.type)
        if res is None or not res.events:
            return None
        row = find_event(tenant.store, change, self.records.indexes)
        ev: dict[str, Any] | None
        if row is not None:
            ev = expand_event(self.catalog, self.settings, tenant, orjson.loads(row[0]))
        else:
            presenter = Presenter(self.catalog, self.settings, tenant, [])
            account = int(state_of(tenant).account_id or 0)
            ev = build_event(
                self.catalog,
                presenter,
                tenant,
                change,
                str(seq),
                account,
                self.settings.api_user_id,
            )
            if ev is None:
                return None
        return "subscribed_events", {k: v for k, v in ev.items() if not k.startswith("_")}

    # -- admin -----------------------------------------------------------------------

    def bulk_load(
        self, tenant: Tenant, record_type: str, records: list[dict[str, Any]]
    ) -> list[str]:
        return _load.bulk_load(self.catalog, self.settings, tenant, record_type, records)

    def credentials(self, tenant: Tenant, base_url: str) -> dict[str, Any]:
        c = self.auth.tenant_credentials(tenant)
        return {
            "token": c["token"],
            "api_base": f"{base_url}{API}",
            "token_url": f"{base_url}/oauth/token",
            "authorize_url": f"{base_url}/oauth/authorize",
            "client_id": c["client_id"],
            "client_secret": c["client_secret"],
            "user_id": self.settings.api_user_id,
            "account_id": state_of(tenant).account_id,
        }

    def serve_added_fields(
        self, fields: list[tuple[str, str, dict[str, Any], frozenset[str]]]
    ) -> list[str]:
        """Optional attributes a served release adds (engine: release profiles)."""
        from ._release import serve_added_fields

        return serve_added_fields(self.catalog, fields)

    def describe(self) -> dict[str, Any]:
        return {"api": API, "collections": [r.collection for r in self.catalog]}

    def limiter(self, tenant: Tenant) -> BucketLimiter:
        state = state_of(tenant)
        s = self.settings

        def install(bucket: TokenBucket) -> None:
            state.bucket = bucket

        return BucketLimiter(
            s.rate_limit_per_second, s.rate_limit_burst, self.bucket(tenant), install
        )

    def new_state(self, tenant: Tenant) -> KantataState:
        return KantataState()


def create_simulator(
    dialect_settings: KantataSettings | None = None,
    engine_settings: SimulatorSettings | None = None,
) -> Simulator:
    """A PSA simulator app (Kantata OX API v1), ready to serve."""
    return Simulator(KantataDialect(dialect_settings), engine_settings)
