"""The Salesforce dialect: routes, auth, limits and CDC wired onto the engine."""

from __future__ import annotations

import zlib
from typing import Any

import orjson

from simulators.engine import OPTIONAL_SLASH as SLASH
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

from . import _ids
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
from ._schema import _f, _obj, build_schema
from ._settings import SalesforceSettings
from ._state import SalesforceState, state_of
from ._versions import parse_version
from ._wire import error_response, sf_datetime
from .bulk1 import PREFIX as BULK1_PREFIX
from .bulk1 import Bulk1, bulk_error_response
from .bulk2 import Bulk2
from .streaming import BayeuxEndpoint, OutboundMessages, Streaming


class SalesforceDialect(Dialect):
    vendor = "salesforce"
    system = "crm"
    event_needs_previous = False
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
        self.records = RecordService(self.schema)
        self._cdc_objects = (
            {o.lower() for o in self.settings.cdc_objects} if self.settings.cdc_objects else None
        )
        #: URL versions already checked (bounded: a client may send any text)
        self._versions_ok: dict[str, int] = {}
        #: the request admitted last and its Sforce-Limit-Info, counted in the same step
        self._admitted: tuple[Request | None, str] = (None, "")

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
        a, rest, q, c = self.auth, self.rest, self.queries, self.composite
        r.add("POST", "/services/oauth2/token", a.token, auth=False, name="oauth2.token")
        r.add("POST", "/services/oauth2/revoke", a.revoke, auth=False, name="oauth2.revoke")
        r.add("POST", "/services/Soap/u/{version}", a.soap_login, auth=False, name="soap.login")
        r.add("GET", "/id/{org}/{user}", a.identity, auth=False, name="identity")
        r.add("GET", "/services/data", rest.versions, auth=False, name="versions", suffixes=SLASH)
        v = "/services/data/v{version}"
        r.add("GET", f"{v}", rest.resources, name="resources", suffixes=SLASH)
        r.add("GET", f"{v}/limits", rest.limits, name="limits", suffixes=SLASH)
        r.add("GET", f"{v}/sobjects", rest.describe_global, name="describeGlobal", suffixes=SLASH)
        r.add("GET", f"{v}/query", q.query, name="query", suffixes=SLASH)
        r.add("GET", f"{v}/query/{{locator}}", q.next_page, name="query.next")
        r.add("GET", f"{v}/queryAll", q.query_all, name="queryAll", suffixes=SLASH)
        r.add("GET", f"{v}/queryAll/{{locator}}", q.next_page, name="queryAll.next")
        r.add("GET", f"{v}/search", q.search, name="search", suffixes=SLASH)
        r.add("POST", f"{v}/composite", c.composite, name="composite", suffixes=SLASH)
        r.add("POST", f"{v}/composite/batch", c.batch, name="composite.batch")
        r.add("POST", f"{v}/composite/tree/{{sobject}}", c.tree, name="composite.tree")
        r.add("POST", f"{v}/composite/sobjects", c.create, name="collections.create")
        r.add("PATCH", f"{v}/composite/sobjects", c.update, name="collections.update")
        r.add("DELETE", f"{v}/composite/sobjects", c.delete, name="collections.delete")
        r.add("GET", f"{v}/composite/sobjects/{{sobject}}", c.retrieve, name="collections.retrieve")
        r.add(
            "PATCH",
            f"{v}/composite/sobjects/{{sobject}}/{{field}}",
            c.upsert,
            name="collections.upsert",
        )
        s = f"{v}/sobjects/{{sobject}}"
        r.add("GET", f"{s}", rest.sobject_info, name="sobject", suffixes=SLASH)
        r.add("POST", f"{s}", rest.create, name="sobject.create", suffixes=SLASH)
        r.add("GET", f"{s}/describe", rest.describe, name="sobject.describe", suffixes=SLASH)
        r.add("GET", f"{s}/updated", rest.updated, name="sobject.updated", suffixes=SLASH)
        r.add("GET", f"{s}/deleted", rest.deleted, name="sobject.deleted", suffixes=SLASH)
        r.add("GET", f"{s}/{{id}}", rest.get, name="sobject.get")
        r.add("PATCH", f"{s}/{{id}}", rest.update, name="sobject.update")
        r.add("DELETE", f"{s}/{{id}}", rest.delete, name="sobject.delete")
        r.add(
            "GET", f"{s}/{{field}}/{{value}}", rest.by_external_id, name="sobject.getByExternalId"
        )
        r.add("PATCH", f"{s}/{{field}}/{{value}}", rest.upsert, name="sobject.upsert")
        r.add(
            "DELETE",
            f"{s}/{{field}}/{{value}}",
            rest.delete_by_external_id,
            name="sobject.deleteByExternalId",
        )
        self.streaming.routes(r)
        self.bulk1.routes(r)
        self.bulk2.routes(r)

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
        for obj in self.schema:
            for f in obj.external_id_fields:
                store.ensure_index(f.name, obj.name)
        space = store.meta_get(_ids.ID_SPACE_KEY)
        if space is None:
            taken = {
                int(space)
                for other in self.tenants.all()
                if other is not tenant and (space := state_of(other).id_space) is not None
            }
            space = _ids.id_space(tenant.name, taken)
            store.meta_set(_ids.ID_SPACE_KEY, space)
        state = state_of(tenant)
        state.id_space = int(space)
        org = store.meta_get("sf.org_id")
        if org is None:
            org = (
                _ids.make_id("00D", zlib.crc32(tenant.name.encode()) % 10_000_000)
                if space == 0
                else _ids.make_id("00D", 1, int(space))  # unique like every other id
            )
            store.meta_set("sf.org_id", org)
        state.org_id = org
        users = store.find_ids("User", "Username", self.auth_username(tenant))
        if users:
            state.user_id = users[0]
        else:
            uid = _ids.new_id(tenant, "005")
            state.user_id = uid
            stamp = sf_datetime(tenant.clock.time())
            user = self.records.blank(self.records.object("User"))
            user.update(
                {
                    "Id": uid,
                    "IsDeleted": False,
                    "Username": self.auth_username(tenant),
                    "LastName": "User",
                    "FirstName": "Integration",
                    "Name": "Integration User",
                    "Email": self.auth_username(tenant),
                    "Alias": "integ",
                    "IsActive": True,
                    "TimeZoneSidKey": "America/Los_Angeles",
                    "LocaleSidKey": "en_US",
                    "EmailEncodingKey": "UTF-8",
                    "LanguageLocaleKey": "en_US",
                    "ProfileId": "00eRO0000000001AAA",
                    "CreatedDate": stamp,
                    "CreatedById": uid,
                    "LastModifiedDate": stamp,
                    "LastModifiedById": uid,
                    "SystemModstamp": stamp,
                }
            )
            store.insert("User", uid, user, stamp, emit=False)
        pbs = store.find_ids("Pricebook2", "IsStandard", 1)
        if pbs:
            state.standard_pricebook = pbs[0]
        else:
            pid = _ids.new_id(tenant, "01s")
            stamp = sf_datetime(tenant.clock.time())
            uid = state.user_id
            store.insert(
                "Pricebook2",
                pid,
                self.records.blank(self.records.object("Pricebook2"))
                | {
                    "Id": pid,
                    "IsDeleted": False,
                    "Name": "Standard Price Book",
                    "IsActive": True,
                    "IsStandard": True,
                    "Description": None,
                    "CreatedDate": stamp,
                    "CreatedById": uid,
                    "LastModifiedDate": stamp,
                    "LastModifiedById": uid,
                    "SystemModstamp": stamp,
                },
                stamp,
                emit=False,
            )
            state.standard_pricebook = pid
        if store.get("Organization", org) is None:
            stamp = sf_datetime(tenant.clock.time())
            uid = state.user_id
            store.insert(
                "Organization",
                org,
                self.records.blank(self.records.object("Organization"))
                | {
                    "Id": org,
                    "IsDeleted": False,
                    "Name": f"ps-integration-harness {tenant.name}",
                    "OrganizationType": "Developer Edition",
                    "InstanceName": "SIM1",
                    "IsSandbox": True,
                    "DefaultLocaleSidKey": "en_US",
                    "LanguageLocaleKey": "en_US",
                    "TimeZoneSidKey": "America/Los_Angeles",
                    "DefaultCurrencyIsoCode": "USD",
                    "CreatedDate": stamp,
                    "CreatedById": uid,
                    "LastModifiedDate": stamp,
                    "LastModifiedById": uid,
                    "SystemModstamp": stamp,
                },
                stamp,
                emit=False,
            )
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
        q = self.quota(tenant)
        if not q.try_consume(tenant.clock):
            return error_response(request_limit_exceeded("TotalRequests Limit exceeded."))
        # the limit header in the same step: the count just taken is what it reports
        self._admitted = (req, self._limit_info(q.counted, q.max))
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
        obj = self.schema.get(change.type)
        if obj is None or obj.is_platform_event:
            return False
        if self._cdc_objects is not None and obj.name.lower() not in self._cdc_objects:
            return False
        return not (obj.name == "User" and change.op == "create" and not change.origin)

    def change_event(
        self, tenant: Tenant, change: Change, seq: int
    ) -> tuple[str, dict[str, Any]] | None:
        obj = self.schema.get(change.type)
        if obj is None or not self.wants_event(tenant, change):
            return None
        ev = change_event(obj, change, seq, state_of(tenant).user_id)
        # the replay id on the object's own channel (numbered when the event was published)
        rid = self.streaming.cometd.replay_ids(tenant).id_of(ev["channel"], seq)
        if rid is not None:
            ev["data"]["event"]["replayId"] = rid
        return ev["channel"], ev

    # -- admin -----------------------------------------------------------------------

    def bulk_load(
        self, tenant: Tenant, record_type: str, records: list[dict[str, Any]]
    ) -> list[str]:
        obj = self.schema.get(record_type)
        if obj is None or obj.is_platform_event:
            raise not_found(f"unknown sObject type {record_type!r}")
        rows = self.records.bulk_rows(tenant, obj, records)
        tenant.store.bulk_insert(obj.name, rows)
        return [r[0] for r in rows]

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
