"""The Salesforce dialect: routes, auth, limits and CDC wired onto the engine."""

from __future__ import annotations

from typing import Any

import orjson

from simulators.engine import (
    Change,
    Dialect,
    EngineServices,
    EventBus,
    HttpError,
    Request,
    Response,
    RetryPolicy,
    RollingQuota,
    Router,
    Simulator,
    SimulatorSettings,
    Tenant,
    TenantRegistry,
)

from . import _load
from ._auth import SalesforceAuth
from ._cdc import change_event
from ._composite import CompositeResources
from ._errors import (
    method_not_allowed,
    not_found,
    request_entity_too_large,
    request_limit_exceeded,
)
from ._limits import DailyQuota
from ._platform_events import PlatformEvents
from ._query import QueryResources
from ._records import RecordService
from ._rest import RestResources
from ._routes import add_routes
from ._rules import BusinessRules
from ._schema import _f, _obj, build_schema
from ._seed import seed_tenant
from ._settings import SalesforceSettings
from ._state import SalesforceState, state_of
from ._versions import parse_version
from ._wire import error_response
from .bulk1 import PREFIX as BULK1_PREFIX
from .bulk1 import Bulk1, bulk_error_response
from .bulk2 import Bulk2
from .streaming import BayeuxEndpoint, OutboundMessages, Streaming


class SalesforceDialect(Dialect):
    vendor = "salesforce"
    system = "crm"
    event_needs_previous = False
    # records stored one per statement without their nulls (about 1.2 KB): 13 fill a 16 KB
    # page, where a 4 KB page holds three and a quarter of it stays empty
    memory_page_size = 16384
    # built by ``attach``, the composition root, from the engine's services
    tenants: TenantRegistry
    events: EventBus
    auth: SalesforceAuth
    platform_events: PlatformEvents
    rest: RestResources
    queries: QueryResources
    composite: CompositeResources
    streaming: Streaming
    bulk1: Bulk1
    bulk2: Bulk2
    #: a change event stays replayable for 72 hours (CDC retention), and Salesforce's own
    #: pushes (Outbound Messages) back off exponentially up to 2 hours between tries
    delivery_policy = RetryPolicy(
        backoff_base=0.2,
        backoff_max=7200.0,
        max_attempts=None,
        max_age_seconds=72 * 3600.0,
        source="Salesforce: 72-hour change event retention, retries up to 2 hours apart",
    )

    def __init__(self, settings: SalesforceSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or SalesforceSettings()
        self.schema = build_schema(self.settings.custom_fields, self.settings.custom_objects)
        for pe in self.settings.platform_events:
            self._add_platform_event(pe.name, pe.fields)
        self.records = RecordService(self.schema, BusinessRules())
        self._cdc_objects = (
            {o.lower() for o in self.settings.cdc_objects} if self.settings.cdc_objects else None
        )
        #: URL versions already checked (bounded: a client may send any text)
        self._versions_ok: dict[str, int] = {}
        #: the request admitted last and its Sforce-Limit-Info, counted in the same step
        self._admitted: tuple[Request | None, str] = (None, "")
        #: (quota max, the Sforce-Limit-Info after the count) as last formatted by ``admit``
        self._limit_tail: tuple[int, str] = (-1, "")
        #: type -> ``wants_event``'s answer by type alone; "User" when the op decides
        self._wants: dict[str, bool | str] = {}

    def _add_platform_event(self, name: str, fields: dict[str, str]) -> None:
        if not name.endswith("__e"):
            raise ValueError(f"platform event {name!r} must end in __e")
        prefix = "e" + f"{len([o for o in self.schema if o.is_platform_event]):02d}"
        obj = _obj(
            name,
            prefix,
            name[:-3].replace("_", " "),
            name[:-3].replace("_", " "),
            [_f(fname, ftype, custom=True) for fname, ftype in fields.items()],
            custom=True,
            queryable=False,
            updateable=False,
            deletable=False,
            is_platform_event=True,
        )
        obj.fields = {
            k: v for k, v in obj.fields.items() if k in ("createddate", "createdbyid") or v.custom
        }
        obj.add_field(_f("ReplayId", "string", createable=False, updateable=False))
        objects = [*list(self.schema), obj]
        from ._schema import Schema

        self.schema = Schema(objects)

    # -- wiring ----------------------------------------------------------------------

    def attach(self, services: EngineServices) -> None:
        """The composition root: every component gets what it uses, nothing more."""
        s, records, budget = self.settings, self.records, services.settings.query_budget
        self.tenants = services.tenants
        self.events = services.events
        self.auth = SalesforceAuth(services.tokens, services.tenants, records, s)
        cometd = BayeuxEndpoint(
            self.auth,
            services.tenants,
            services.events,
            self.schema,
            s,
            services.settings.event_retention,
            s.streaming,
        )
        self.platform_events = PlatformEvents(records, services.publish, cometd.replay_ids)
        self.rest = RestResources(records, s, self.quota, self.platform_events)
        self.queries = QueryResources(self.schema, s, budget)
        self.composite = CompositeResources(
            records, self.rest, s, services.dispatch, self.error_response, services.contracts
        )
        outbound = OutboundMessages(
            services.tokens,
            services.tenants,
            records,
            s,
            services.base_url,
            services.settings.ca_bundle,
            s.streaming,
        )
        self.streaming = Streaming(
            cometd,
            outbound,
            self.platform_events,
            services.tenants,
            services.events,
            s.streaming,
            services.settings.allow_remote_webhooks,
        )
        self.bulk1 = Bulk1(records, self.rest.origin)
        self.bulk2 = Bulk2(records, self.rest.origin, budget, services.contracts)

    def routes(self, r: Router) -> None:
        add_routes(
            r,
            self.auth,
            self.rest,
            self.queries,
            self.composite,
            self.streaming,
            self.bulk1,
            self.bulk2,
        )

    def admin_routes(self, r: Router) -> None:
        r.add("GET", "/__admin/tenants/{tenant}/cdc", self._admin_cdc, auth=False)
        r.add("POST", "/__admin/tenants/{tenant}/refresh-tokens", self._admin_refresh, auth=False)
        self.streaming.admin_routes(r)

    def _admin_refresh(self, req: Request) -> Response:
        """A new approval of the connected app: a refresh token of its own."""
        tenant = self.tenants.get(req.params["tenant"])
        return Response.json({"refresh_token": self.auth.mint_refresh_token(tenant)}, 201)

    def new_state(self, tenant: Tenant) -> SalesforceState:
        return SalesforceState(RollingQuota(self.settings.daily_api_requests))

    def setup_tenant(self, tenant: Tenant) -> None:
        store = tenant.store
        store.templates = self.records.template  # records stored without their null fields
        for obj in self.schema:
            for f in obj.external_id_fields:
                # the values in a column of their own, indexed on the first lookup by them
                store.ensure_key_index(f.name, obj.name, on_use=True)
        seed_tenant(tenant, self.records, self.tenants, self.auth_username(tenant))
        state = state_of(tenant)
        state.quota = RollingQuota(self.settings.daily_api_requests)
        self.auth.tenant_credentials(tenant)

    def auth_username(self, tenant: Tenant) -> str:
        if tenant.name == "default":
            return self.settings.username
        return f"integration@{tenant.name}.ps-harness.example"

    # -- per request -----------------------------------------------------------------

    def quota(self, tenant: Tenant) -> RollingQuota:
        return state_of(tenant).quota

    def authenticate(self, req: Request) -> Tenant:
        ver = req.params.get("version")
        if ver is not None and ver not in self._versions_ok:
            major = parse_version(ver)
            if major is None or major > self.settings.api_version:
                raise not_found("The requested resource does not exist")
            if major < self.settings.min_version:
                raise HttpError(
                    410,
                    self.settings.retired_version_error_code,
                    f"API version {ver} has been retired. Use version "
                    f"{self.settings.min_version}.0 or later.",
                )
            if len(self._versions_ok) < 256:
                self._versions_ok[ver] = major
        return self.auth.authenticate(req)

    def admit(self, req: Request, tenant: Tenant) -> Response | None:
        q: RollingQuota = tenant.state.quota
        if not q.try_consume(tenant.clock):
            return error_response(request_limit_exceeded("TotalRequests Limit exceeded."))
        # the limit header in the same step: the count just taken is what it reports
        most, tail = self._limit_tail
        if most != q.max:
            bursts = self.settings.api_bursts
            most, tail = q.max, f"/{q.max}; api-bursts=0/{bursts}" if bursts else f"/{q.max}"
            self._limit_tail = (most, tail)
        self._admitted = (req, f"api-usage={q.counted}{tail}")
        return None

    def _limit_info(self, used: int, most: int) -> str:
        info = f"api-usage={used}/{most}"
        if self.settings.api_bursts:
            info += f"; api-bursts=0/{self.settings.api_bursts}"
        return info

    def decorate(self, req: Request, resp: Response, tenant: Tenant | None) -> None:
        if tenant is None or req.route is None or not req.route.auth:
            return
        admitted, info = self._admitted
        if admitted is req:
            self._admitted = (None, "")
        else:  # refused, or another request was admitted while this one awaited
            q = self.quota(tenant)
            info = self._limit_info(q.used(tenant.clock), q.max)
        resp.headers.append(("sforce-limit-info", info))

    def error_response(self, err: HttpError, req: Request | None = None) -> Response:
        if req is not None and req.path.startswith(BULK1_PREFIX):
            return bulk_error_response(err)
        return error_response(err)

    def not_found(self, req: Request) -> HttpError:
        return not_found("The requested resource does not exist")

    def method_not_allowed(self, req: Request) -> HttpError:
        return method_not_allowed(
            f"HTTP Method '{req.method}' not allowed. Allowed are GET,HEAD,POST,PATCH,DELETE",
        )

    def payload_too_large(self, req: Request, limit: int) -> HttpError:
        return request_entity_too_large(
            f"Request body exceeds the maximum size of {limit} bytes",
        )

    # -- events ----------------------------------------------------------------------

    def wants_event(self, tenant: Tenant, change: Change) -> bool:
        """CDC is on for every object unless ``cdc_objects`` names a subset."""
        wants = self._wants.get(change.type)
        if wants is None:
            wants = self._wants_type(change.type)
        if wants is True or wants is False:
            return wants
        return not (change.op == "create" and not change.origin)  # a new User: seeded

    def _wants_type(self, type_: str) -> bool | str:
        """``wants_event`` by type alone, kept per type of the schema ("User": by the op)."""
        obj = self.schema.get(type_)
        if obj is None:
            return False
        if obj.is_platform_event:
            wants: bool | str = False
        elif self._cdc_objects is not None and obj.name.lower() not in self._cdc_objects:
            wants = False
        else:
            wants = "User" if obj.name == "User" else True
        if len(self._wants) < 1000:
            self._wants[type_] = wants
        return wants

    def change_event(
        self, tenant: Tenant, change: Change, seq: int
    ) -> tuple[str, dict[str, Any]] | None:
        obj = self.schema.get(change.type)
        if obj is None or not self.wants_event(tenant, change):
            return None
        ev = change_event(
            obj, change, seq, state_of(tenant).user_id, self.records.template(obj.name)
        )
        # the replay id on the object's own channel (numbered when the event was published)
        rid = self.streaming.cometd.replay_ids(tenant).id_of(ev["channel"], seq)
        if rid is not None:
            ev["data"]["event"]["replayId"] = rid
        return ev["channel"], ev

    # -- admin -----------------------------------------------------------------------

    def bulk_load(
        self, tenant: Tenant, record_type: str, records: list[dict[str, Any]]
    ) -> list[str]:
        return _load.bulk_load(self.schema, self.records, tenant, record_type, records)

    def credentials(self, tenant: Tenant, base_url: str) -> dict[str, Any]:
        c = self.auth.tenant_credentials(tenant)
        return {
            "token_url": f"{base_url}/services/oauth2/token",
            "client_id": c["client_id"],
            "client_secret": c["client_secret"],
            "username": c["username"],
            "password": c["password"],
            "security_token": c["security_token"],
            "refresh_token": c["refresh_token"],
            "api_version": f"{self.settings.api_version}.0",
            "org_id": state_of(tenant).org_id,
        }

    def serve_added_fields(
        self, fields: list[tuple[str, str, dict[str, Any], frozenset[str]]]
    ) -> list[str]:
        """Optional fields a served release adds (engine: release profiles)."""
        from ._release import serve_added_fields

        return serve_added_fields(self.schema, fields)

    def serve_renamed_fields(self, renames: list[tuple[str, str, str]]) -> list[str]:
        """Fields a served release renames, under their new names only (release profiles)."""
        from ._release import serve_renamed_fields

        return serve_renamed_fields(self.schema, renames)

    def describe(self) -> dict[str, Any]:
        return {
            "api_version": f"{self.settings.api_version}.0",
            "min_api_version": f"{self.settings.min_version}.0",
            "sobjects": self.schema.names(),
        }

    def limiter(self, tenant: Tenant) -> DailyQuota:
        return DailyQuota(self.quota(tenant), tenant.clock)

    def _admin_cdc(self, req: Request) -> Response:
        t = self.tenants.get(req.params["tenant"])
        evs = self.events.events(t.name, after_seq=int(req.arg("after_seq") or 0), limit=1000)
        return Response(
            200, orjson.dumps([e.payload for e in evs]), [("content-type", "application/json")]
        )


def create_simulator(
    settings: SalesforceSettings | None = None, engine: SimulatorSettings | None = None
) -> Simulator:
    """A CRM simulator app, ready to serve."""
    return Simulator(SalesforceDialect(settings), engine)
