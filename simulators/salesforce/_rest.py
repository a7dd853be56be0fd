"""REST resources under /services/data/vXX.X/: versions, sObjects, describe, feeds, limits."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import orjson

from simulators.engine import Request, Response, Tenant, make_response, type_literal

from ._describe import describe, describe_global, object_summary
from ._errors import (
    entity_is_deleted,
    invalid_date_format,
    invalid_replication_date,
    missing_argument,
    not_found,
)
from ._render import created_body, multiple_choices, recent_item, record, save_result, stored_record
from ._state import state_of
from ._versions import served_versions
from ._wire import JSON_CT, format_datetime, json_response, parse_datetime

if TYPE_CHECKING:
    from collections.abc import Callable

    from simulators.engine import RollingQuota

    from ._platform_events import PlatformEvents
    from ._records import RecordService
    from ._settings import SalesforceSettings


class RestResources:
    def __init__(
        self,
        records: RecordService,
        settings: SalesforceSettings,
        quota: Callable[[Tenant], RollingQuota],
        platform_events: PlatformEvents,
    ) -> None:
        self.records = records
        self.schema = records.schema
        self.settings = settings
        #: the tenant's daily API request quota (the dialect's limits)
        self.quota = quota
        self.platform_events = platform_events
        #: the origin of a call that names no client, by API version (versions are few)
        self._origins: dict[str, str] = {}

    # -- helpers ---------------------------------------------------------------------

    def _tenant(self, req: Request) -> Tenant:
        assert req.tenant is not None
        return req.tenant

    def version(self, req: Request) -> str:
        return req.params["version"]

    def origin(self, req: Request) -> str:
        opts = req.headers.get("sforce-call-options")
        if not opts:  # the usual call: no client named
            version = req.params.get("version")
            origin = self._origins.get(version) if version is not None else None
            if origin is None:
                version = str(version if version is not None else self.settings.api_version)
                origin = f"com/salesforce/api/rest/{version}"
                if len(self._origins) < 256:
                    self._origins[version] = origin
            return origin
        client = ""
        for part in opts.split(","):
            k, _, v = part.strip().partition("=")
            if k == "client":
                client = v
        origin = f"com/salesforce/api/rest/{req.params.get('version', self.settings.api_version)}"
        return f"{origin};client={client}" if client else origin

    # -- versions and resource maps --------------------------------------------------

    def versions(self, req: Request) -> Response:
        s = self.settings
        return json_response(served_versions(s.min_version, s.api_version))

    def resources(self, req: Request) -> Response:
        v = self.version(req)
        base = f"/services/data/v{v}"
        names = [
            "tooling",
            "metadata",
            "eclair",
            "folders",
            "prechatForms",
            "connect",
            "chatter",
            "tabs",
            "appMenu",
            "quickActions",
            "queryAll",
            "commerce",
            "wave",
            "iot",
            "analytics",
            "search",
            "identity",
            "composite",
            "parameterizedSearch",
            "fingerprint",
            "theme",
            "nouns",
            "event",
            "serviceTemplates",
            "recent",
            "connect",
            "licensing",
            "limits",
            "process",
            "async-queries",
            "query",
            "match",
            "emailConnect",
            "compactLayouts",
            "knowledgeManagement",
            "sobjects",
            "actions",
            "support",
        ]
        out = {n: f"{base}/{n}" for n in sorted(set(names))}
        out["identity"] = (
            f"{req.base_url}/id/{state_of(self._tenant(req)).org_id}/"
            f"{self.records.user_id(self._tenant(req))}"
        )
        return json_response(out)

    def limits(self, req: Request) -> Response:
        t = self._tenant(req)
        quota = self.quota(t)
        used = quota.used(t.clock)
        mx = quota.max

        def lim(m: int, r: int) -> dict[str, int]:
            return {"Max": m, "Remaining": r}

        body = {
            "ConcurrentAsyncGetReportInstances": lim(200, 200),
            "ConcurrentSyncReportRuns": lim(20, 20),
            "DailyApiRequests": lim(mx, max(0, mx - used)),
            "DailyAsyncApexExecutions": lim(250000, 250000),
            "DailyBulkApiBatches": lim(15000, 15000),
            "DailyBulkV2QueryFileStorageMB": lim(976562, 976562),
            "DailyBulkV2QueryJobs": lim(10000, 10000),
            "DailyDeliveredPlatformEvents": lim(50000, 50000),
            "DailyStreamingApiEvents": lim(1000000, 1000000),
            "DataStorageMB": lim(1024, 1024 - min(1024, t.store.approx_bytes() // (1024 * 1024))),
            "FileStorageMB": lim(1024, 1024),
            "HourlyPublishedPlatformEvents": lim(250000, 250000),
            "MonthlyPlatformEventsUsageEntitlement": lim(0, 0),
            "SingleEmail": lim(5000, 5000),
        }
        return json_response(body)

    # -- describe --------------------------------------------------------------------

    def describe_global(self, req: Request) -> Response:
        return json_response(describe_global(self.schema, self.version(req)))

    def sobject_info(self, req: Request) -> Response:
        """GET /sobjects/{T}/: basic info plus recently created records."""
        obj = self.records.object(req.params["sobject"])
        t = self._tenant(req)
        v = self.version(req)
        rows = t.store.conn.execute(
            f"SELECT data FROM records WHERE type = {type_literal(obj.name)} AND deleted = 0"
            " ORDER BY modstamp DESC, id DESC LIMIT 5",
        ).fetchall()
        recent = [recent_item(obj, orjson.loads(raw), v) for (raw,) in rows]
        return json_response({"objectDescribe": object_summary(obj, v), "recentItems": recent})

    def describe(self, req: Request) -> Response:
        obj = self.records.object(req.params["sobject"])
        return json_response(describe(obj, self.version(req)))

    # -- records ---------------------------------------------------------------------

    def create(self, req: Request) -> Response:
        obj = self.records.object(req.params["sobject"])
        if obj.is_platform_event:
            return self.platform_events.publish(req, obj)
        tenant = req.tenant
        assert tenant is not None
        new_id = self.records.create(tenant, obj, req.json(), origin=self.origin(req))
        return make_response(201, created_body(new_id), [("content-type", JSON_CT)])

    def get(self, req: Request) -> Response:
        params = req.params
        obj = self.records.object(params["sobject"])
        t = req.tenant
        assert t is not None
        fields_arg = req.arg("fields") if req.query_string else None
        version = params["version"]
        cache = t.store.read_cache
        if not fields_arg:
            # the cache holds canonical ids of this object only: an id found there as the URL
            # gives it is that id resolved
            body = cache.get(obj.name, params["id"], version)
            if body is not None:
                return make_response(200, body, [("content-type", JSON_CT)])
        rid = self.records.resolve_id(obj, params["id"])
        if not fields_arg and rid != params["id"]:
            body = cache.get(obj.name, rid, version)
            if body is not None:
                return make_response(200, body, [("content-type", JSON_CT)])
        raw = t.store.get_raw(obj.name, rid)
        if raw is None:
            raise not_found("The requested resource does not exist")
        if raw[1]:
            raise entity_is_deleted("entity is deleted")
        if not fields_arg:
            body = stored_record(obj.name, rid, version, raw[0])
            cache.put(obj.name, rid, version, body)
            return make_response(200, body, [("content-type", JSON_CT)])
        fields = [f.strip() for f in fields_arg.split(",") if f.strip()]
        return json_response(record(obj, orjson.loads(raw[0]), version, fields))

    def update(self, req: Request) -> Response:
        obj = self.records.object(req.params["sobject"])
        rid = self.records.resolve_id(obj, req.params["id"])
        self.records.update(self._tenant(req), obj, rid, req.json(), origin=self.origin(req))
        return Response.empty(204)

    def delete(self, req: Request) -> Response:
        obj = self.records.object(req.params["sobject"])
        rid = self.records.resolve_id(obj, req.params["id"])
        self.records.delete(self._tenant(req), obj, rid, origin=self.origin(req))
        return Response.empty(204)

    def by_external_id(self, req: Request) -> Response:
        """GET /sobjects/{T}/{ExtField}/{value}"""
        obj = self.records.object(req.params["sobject"])
        t = self._tenant(req)
        field_name, value = req.params["field"], req.params["value"]
        f = obj.field(field_name)
        if f is None or not (f.external_id or f.id_lookup):
            raise not_found(
                f"Provided external ID field does not exist or is not accessible: {field_name}",
            )
        v = self.version(req)
        if f.name == "Id":
            rid = self.records.resolve_id(obj, value)
            return json_response(record(obj, self.records.fetch(t, obj, rid), v))
        ids = t.store.find_ids(obj.name, f.name, value)
        if not ids:
            raise not_found("The requested resource does not exist")
        if len(ids) > 1:
            return json_response(multiple_choices(obj.name, ids, v), 300)
        fields_arg = req.arg("fields")
        fields = [x.strip() for x in fields_arg.split(",") if x.strip()] if fields_arg else None
        return json_response(record(obj, self.records.fetch(t, obj, ids[0]), v, fields))

    def upsert(self, req: Request) -> Response:
        """PATCH /sobjects/{T}/{ExtField}/{value}: 201 created, 200 updated, 300 several."""
        obj = self.records.object(req.params["sobject"])
        t = self._tenant(req)
        update_only = (req.arg("updateOnly") or "").lower() == "true"
        rid, created, several = self.records.upsert(
            t,
            obj,
            req.params["field"],
            req.params["value"],
            req.json(),
            origin=self.origin(req),
            update_only=update_only,
        )
        v = self.version(req)
        if several:
            return json_response(multiple_choices(obj.name, several, v), 300)
        major = int(float(v))
        if not created and major < 46:
            return Response.empty(204)
        body = save_result(rid, created if major >= 46 else None)
        return json_response(body, 201 if created else 200)

    def delete_by_external_id(self, req: Request) -> Response:
        obj = self.records.object(req.params["sobject"])
        t = self._tenant(req)
        f = obj.field(req.params["field"])
        if f is None or not f.external_id:
            raise not_found(
                f"Provided external ID field does not exist or is not accessible: {req.params['field']}",
            )
        ids = t.store.find_ids(obj.name, f.name, req.params["value"])
        if not ids:
            raise not_found("The requested resource does not exist")
        if len(ids) > 1:
            v = self.version(req)
            return json_response(multiple_choices(obj.name, ids, v), 300)
        self.records.delete(t, obj, ids[0], origin=self.origin(req))
        return Response.empty(204)

    # -- updated / deleted feeds -----------------------------------------------------

    def _window(self, req: Request, t: Tenant) -> tuple[datetime, datetime]:
        start_s, end_s = req.arg("start"), req.arg("end")
        if not start_s or not end_s:
            missing = "start" if not start_s else "end"
            raise missing_argument(f"Missing argument: {missing}")
        start, end = parse_datetime(start_s), parse_datetime(end_s)
        if start is None or end is None:
            bad = start_s if start is None else end_s
            raise invalid_date_format(
                f"Invalid date format: {bad}. Use the ISO 8601 format, e.g. 2024-01-01T00:00:00+00:00",
            )
        if end <= start:
            raise invalid_replication_date(
                "startDate must chronologically precede endDate by more than one minute",
            )
        now = t.clock.now()
        if start < now - timedelta(days=30):
            raise invalid_replication_date("startDate cannot be more than 30 days ago")
        return start, min(end, now)

    def updated(self, req: Request) -> Response:
        obj = self.records.object(req.params["sobject"])
        t = self._tenant(req)
        start, end = self._window(req, t)
        end = end.replace(second=0, microsecond=0)
        rows = t.store.ids_modified_between(obj.name, format_datetime(start), format_datetime(end))
        return json_response(
            {"ids": [r[0] for r in rows], "latestDateCovered": format_datetime(end)}
        )

    def deleted(self, req: Request) -> Response:
        obj = self.records.object(req.params["sobject"])
        t = self._tenant(req)
        start, end = self._window(req, t)
        end = end.replace(second=0, microsecond=0)
        rows = t.store.ids_modified_between(
            obj.name, format_datetime(start), format_datetime(end), deleted=True
        )
        earliest = t.clock.now() - timedelta(days=15)
        return json_response(
            {
                "deletedRecords": [{"id": r[0], "deletedDate": r[1]} for r in rows],
                "earliestDateAvailable": format_datetime(earliest.replace(second=0, microsecond=0)),
                "latestDateCovered": format_datetime(end),
            }
        )
