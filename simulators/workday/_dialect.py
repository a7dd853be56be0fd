"""The Workday dialect: routes, auth, limits and notifications wired onto the engine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulators.engine import (
    Change,
    Dialect,
    EngineServices,
    Event,
    HttpError,
    Request,
    Response,
    Router,
    Simulator,
    SimulatorSettings,
    Tenant,
    TenantRegistry,
    index_name,
)

from . import _history as history
from ._absence import Absence
from ._admin_api import WorkdayAdmin
from ._auth import WorkdayAuth
from ._errors import method_not_allowed, not_found, payload_too_large, too_many_requests
from ._limits import RateLimit
from ._load import BulkLoader
from ._model import REFERENCE_TYPES, WORKER
from ._notifications import notification
from ._raas import CustomReports
from ._records import BusinessProcesses
from ._rest import RestResources, version_check
from ._routes import add_routes
from ._rules import BusinessRules
from ._seed import seed_tenant
from ._settings import WorkdaySettings
from ._soap_notify import HEADERS as SOAP_HEADERS
from ._soap_notify import soap_notification
from ._state import WorkdayState, state_of
from ._wire import error_response
from ._wql_api import WqlResources


class WorkdayDialect(Dialect):
    vendor = "workday"
    system = "hcm"
    modstamp_index = False  # no query of its API reads records in modstamp order
    event_needs_previous = False
    # built by ``attach``, the composition root, from the engine's services
    tenants: TenantRegistry
    base_url: Callable[[], str]
    auth: WorkdayAuth
    admin: WorkdayAdmin

    def __init__(self, settings: WorkdaySettings | None = None) -> None:
        super().__init__()
        self.settings = settings or WorkdaySettings()
        self.settings.validate()
        self.bp = BusinessProcesses(BusinessRules(self.settings.terminated_after_termination_date))
        self.loader = BulkLoader(self.bp)
        self.rest = RestResources(self.bp, self.settings)
        self.raas = CustomReports(self.settings)
        self.absence = Absence(self.rest, self.settings)
        self.wql = WqlResources(self.rest, self.absence, self.settings)

    # -- wiring ----------------------------------------------------------------------

    def attach(self, services: EngineServices) -> None:
        """The composition root for what needs the engine: auth, the admin routes."""
        self.tenants = services.tenants
        self.base_url = services.base_url
        self.auth = WorkdayAuth(services.tokens, services.tenants, self.settings)
        self.admin = WorkdayAdmin(services.tenants, self.auth, self.bp, self.settings)
        if self.settings.notification_format == "soap":
            services.events.render = self._soap_body

    def _soap_body(self, ev: Event) -> tuple[bytes, dict[str, str]] | None:
        """The subscriber's body: a SOAP Receive_Notification with the endpoint's credentials."""
        tenant = self.tenants.find(ev.tenant)
        note = ev.payload
        if tenant is None or not isinstance(note.get("event"), dict):
            return None
        c = self.auth.credentials(tenant)
        body = soap_notification(note, c["notification_username"], c["notification_password"])
        return body, dict(SOAP_HEADERS)

    def routes(self, r: Router) -> None:
        add_routes(r, self.auth, self.rest, self.raas, self.absence, self.wql, self.settings)

    def admin_routes(self, r: Router) -> None:
        self.admin.register(r)

    def setup_tenant(self, tenant: Tenant) -> None:
        store = tenant.store
        # lookups go through per-type partial indexes (``find_ids``); an index over every
        # row re-parses a worker's whole JSON on each job change, so none is kept
        for f in ("employeeId", "code", "name"):
            store.conn.execute(f"DROP INDEX IF EXISTS {index_name(f)}")
        # reference records are found by code from one pass over them (``Directory``): the
        # partial indexes earlier versions kept cost every insert their condition
        for t in REFERENCE_TYPES:
            for f in ("code", "name"):
                store.conn.execute(f"DROP INDEX IF EXISTS {index_name(f, t)}")
        store.ensure_index("employeeId", WORKER)
        history.migrate(store)
        self.auth.credentials(tenant)
        seed_tenant(tenant)
        state_of(tenant).limit = None

    # -- per request -----------------------------------------------------------------

    def authenticate(self, req: Request) -> Tenant:
        version_check(req, self.settings.global_versions, "gver")
        version_check(req, self.settings.staffing_versions, "sver")
        return self.auth.authenticate(
            req, allow_basic=req.route is not None and req.route.name == "raas"
        )

    def limits(self, tenant: Tenant) -> RateLimit:
        state = state_of(tenant)
        if state.limit is None:
            s = self.settings
            state.limit = RateLimit(
                s.rate_limit_per_second is not None,
                s.rate_limit_per_second or 10.0,
                float(s.rate_limit_burst),
            )
        return state.limit

    def limiter(self, tenant: Tenant) -> RateLimit:
        return self.limits(tenant)

    def new_state(self, tenant: Tenant) -> WorkdayState:
        return WorkdayState()

    def admit(self, req: Request, tenant: Tenant) -> Response | None:
        lim = self.limits(tenant)
        if lim.try_take(tenant.clock):
            return None
        resp = error_response(too_many_requests())
        resp.headers.append(("retry-after", str(lim.retry_after())))
        return resp

    def error_response(self, err: HttpError, req: Request | None = None) -> Response:
        return error_response(err, self.settings.validation_error_field)

    def not_found(self, req: Request) -> HttpError:
        return not_found()

    def method_not_allowed(self, req: Request) -> HttpError:
        return method_not_allowed(req.method)

    def payload_too_large(self, req: Request, limit: int) -> HttpError:
        return payload_too_large(limit)

    # -- events ----------------------------------------------------------------------

    def wants_event(self, tenant: Tenant, change: Change) -> bool:
        """Only completed business processes notify subscribers; other writes make no event."""
        return change.type == WORKER and change.origin.startswith("bp:")

    def change_event(
        self, tenant: Tenant, change: Change, seq: int
    ) -> tuple[str, dict[str, Any]] | None:
        if not self.wants_event(tenant, change):
            return None
        stored = tenant.store.get(history.EVENT, change.origin[3:])
        if stored is None:
            return None
        entry = history.entry(stored)
        base = self.base_url()
        payload = notification(self.auth.wd_tenant(tenant), base, change.data, entry)
        return f"workday/businessProcess/{entry['type']}", payload

    # -- admin -----------------------------------------------------------------------

    def bulk_load(
        self, tenant: Tenant, record_type: str, records: list[dict[str, Any]]
    ) -> list[str]:
        if record_type.replace("_", "").lower() in ("timeoffentries", "timeoffentry"):
            return self.absence.load(tenant, records)
        return self.loader.load(tenant, record_type, records)

    def credentials(self, tenant: Tenant, base_url: str) -> dict[str, Any]:
        c = self.auth.credentials(tenant)
        wd = self.auth.wd_tenant(tenant)
        report = self.settings.reports[0] if self.settings.reports else None
        out: dict[str, Any] = {
            "tenant": wd,
            "token_url": f"{base_url}/ccx/oauth2/{wd}/token",
            "client_id": c["client_id"],
            "client_secret": c["client_secret"],
            "refresh_token": c["refresh_token"],
            "isu_username": c["isu_username"],
            "isu_password": c["isu_password"],
            "notification_format": self.settings.notification_format,
            "notification_username": c["notification_username"],
            "notification_password": c["notification_password"],
            "common_base_url": f"{base_url}/ccx/api/common/{self.settings.common_version}/{wd}",
            "staffing_base_url": f"{base_url}/ccx/api/staffing/{self.settings.staffing_versions[0]}/{wd}",
            "api_base_url": f"{base_url}/ccx/api/{self.settings.global_versions[-1]}/{wd}",
            "raas_base_url": f"{base_url}/ccx/service/customreport2/{wd}",
            "absence_base_url": f"{base_url}/ccx/api/absenceManagement/v1/{wd}",
            "wql_base_url": f"{base_url}/ccx/api/wql/v1/{wd}",
        }
        if report is not None:
            out["report_url"] = (
                f"{base_url}/ccx/service/customreport2/{wd}/{report.owner}/{report.name}?format=json"
            )
        return out

    def describe(self) -> dict[str, Any]:
        return {
            "common_version": self.settings.common_version,
            "staffing_versions": list(self.settings.staffing_versions),
            "reports": [f"{r.owner}/{r.name}" for r in self.settings.reports],
        }


def create_simulator(
    dialect_settings: WorkdaySettings | None = None,
    engine_settings: SimulatorSettings | None = None,
) -> Simulator:
    """An HCM simulator app, ready to serve."""
    return Simulator(WorkdayDialect(dialect_settings), engine_settings)
