"""The NetSuite dialect: the composition root wiring auth, records, rendering, governance,
events and seeds onto the engine."""

from __future__ import annotations

from typing import Any

from simulators.engine import (
    Change,
    ConcurrencyLimit,
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
from ._auth import TOKEN_PATH, NetSuiteAuth
from ._errors import (
    method_not_allowed,
    nonexistent_id,
    request_entity_too_large,
)
from ._events import after_submit
from ._governance import GovernanceLimits
from ._indexes import ensure_indexes
from ._jobs import AsyncJobs
from ._limits import ConcurrencyLimiter
from ._metadata import MetadataCatalog
from ._records import RecordService
from ._render import RecordRenderer
from ._rest import RestResources
from ._routes import add_routes
from ._rules import BusinessRules
from ._seed import seed_tenant
from ._settings import NetSuiteSettings
from ._state import NetSuiteState, state_of
from ._suiteql import SuiteQL
from ._transforms import Transforms
from ._variants import concurrency_error
from ._wire import error_response


class NetSuiteDialect(Dialect):
    vendor = "netsuite"
    system = "erp"
    modstamp_index = False  # no query of its API reads records in modstamp order
    event_needs_previous = False
    # built by ``attach``, the composition root, from the engine's services
    auth: NetSuiteAuth
    rest: RestResources

    def __init__(self, settings: NetSuiteSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or NetSuiteSettings()
        self.records = RecordService(self.settings, BusinessRules())
        self.renderer = RecordRenderer(self.records.types, self.settings.hours_format)
        self.jobs = AsyncJobs(error_response)
        self.suiteql = SuiteQL(
            self.records.types, self.settings.suiteql_date_format, self.settings.suiteql_max_rows
        )
        self.transforms = Transforms(self.records)
        self.metadata = MetadataCatalog(self.records.types, self.settings.hours_format)
        self.governance = GovernanceLimits(self.limit)

    def attach(self, services: EngineServices) -> None:
        """The composition root for what needs the engine: auth and the REST resources."""
        self.auth = NetSuiteAuth(services.tokens, services.tenants, self.settings)
        self.rest = RestResources(
            self.records,
            self.renderer,
            self.jobs,
            self.suiteql,
            self.transforms,
            self.settings,
            services.settings.query_budget,
        )

    # -- wiring ----------------------------------------------------------------------

    def routes(self, r: Router) -> None:
        add_routes(r, self.auth, self.rest, self.metadata, self.governance)

    def setup_tenant(self, tenant: Tenant) -> None:
        ensure_indexes(tenant.store, self.records.types)
        seed_tenant(tenant, records=self.records)
        self.auth.credentials(tenant)

    def new_state(self, tenant: Tenant) -> NetSuiteState:
        return NetSuiteState(ConcurrencyLimit(self.settings.concurrency_limit))

    # -- per request -----------------------------------------------------------------

    def authenticate(self, req: Request) -> Tenant:
        return self.auth.authenticate(req)

    def limit(self, tenant: Tenant) -> ConcurrencyLimit:
        return state_of(tenant).limit

    def admit(self, req: Request, tenant: Tenant) -> Response | None:
        if not self.limit(tenant).try_acquire():
            s = self.settings
            err = concurrency_error(s.concurrency_response, s.concurrency_error_code)
            resp = error_response(err)
            resp.headers.extend(err.headers.items())
            return resp
        return None

    def creates(self, req: Request) -> bool:
        """PUT .../{type}/eid:{id} creates when no record has that external id."""
        rt = self.records.types.get(req.params.get("type", "").lower())
        raw = req.params.get("id", "")
        if req.tenant is None or rt is None or raw[:4].lower() != "eid:" or len(raw) == 4:
            return False
        return self.records.resolve_id(req.tenant, rt, raw, must_exist=False) is None

    def release(self, req: Request, tenant: Tenant | None) -> None:
        if tenant is not None and req.route is not None and req.route.auth:
            self.limit(tenant).release()

    def error_response(self, err: HttpError, req: Request | None = None) -> Response:
        return error_response(err)

    def not_found(self, req: Request) -> HttpError:
        return nonexistent_id(
            f"The requested resource {req.path} does not exist.",
            extra={"o:urlPath": req.path},
        )

    def method_not_allowed(self, req: Request) -> HttpError:
        return method_not_allowed(f"HTTP method {req.method} is not allowed for this resource.")

    def payload_too_large(self, req: Request, limit: int) -> HttpError:
        return request_entity_too_large(
            f"The request body exceeds the maximum allowed size of {limit} bytes.",
        )

    # -- events ----------------------------------------------------------------------

    def change_event(
        self, tenant: Tenant, change: Change, seq: int
    ) -> tuple[str, dict[str, Any]] | None:
        rt = self.records.types.get(change.type.lower())
        if rt is None:
            return None
        return after_submit(rt, change, self.auth.credentials(tenant).account)

    # -- admin -----------------------------------------------------------------------

    def bulk_load(
        self, tenant: Tenant, record_type: str, records: list[dict[str, Any]]
    ) -> list[str]:
        return _load.bulk_load(self.records, tenant, record_type, records)

    def credentials(self, tenant: Tenant, base_url: str) -> dict[str, Any]:
        c = self.auth.credentials(tenant)
        return {
            "account": c.account,
            "consumer_key": c.consumer_key,
            "consumer_secret": c.consumer_secret,
            "token_id": c.token_id,
            "token_secret": c.token_secret,
            "client_id": c.client_id,
            "certificate_id": c.key.certificate_id,
            "algorithm": c.key.default_algorithm,
            "private_key_pem": c.key.private_pem,
            "private_key_path": str(self.auth.key_path(tenant)),
            "scope": "rest_webservices",
            "token_url": f"{base_url}{TOKEN_PATH}",
            "rest_url": f"{base_url}/services/rest",
        }

    def serve_added_fields(
        self, fields: list[tuple[str, str, dict[str, Any], frozenset[str]]]
    ) -> list[str]:
        """Optional fields a served release adds (engine: release profiles)."""
        from ._release import serve_added_fields

        return serve_added_fields(self.records.types, fields)

    def describe(self) -> dict[str, Any]:
        return {
            "account_id": self.settings.account_id,
            "record_types": sorted(t.name for t in self.records.types.values()),
            "concurrency_limit": self.settings.concurrency_limit,
        }

    def limiter(self, tenant: Tenant) -> ConcurrencyLimiter:
        return ConcurrencyLimiter(self.limit(tenant))


def create_simulator(
    dialect_settings: NetSuiteSettings | None = None,
    engine_settings: SimulatorSettings | None = None,
) -> Simulator:
    """An ERP simulator app, ready to serve."""
    return Simulator(NetSuiteDialect(dialect_settings), engine_settings)
