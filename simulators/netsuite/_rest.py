"""REST handlers: record service v1 (CRUD, upsert, lists, sublists, transform), SuiteQL
and the async job resources."""

from __future__ import annotations

import asyncio
import inspect
import sqlite3
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from simulators.engine import (
    HttpError,
    QueryBudget,
    QueryTimeout,
    Request,
    Response,
    Tenant,
    run_read,
    type_literal,
)

from ._errors import invalid_content, invalid_header, invalid_parameter, nonexistent_id, user_error
from ._listq import CompiledFilters, filter_error
from ._records import WriteContext
from ._render import link
from ._variants import sync_key_refused
from ._wire import COLLECTION_CT, SINGULAR_CT, json_response

if TYPE_CHECKING:
    from ._jobs import AsyncJobs
    from ._records import RecordService
    from ._render import RecordRenderer
    from ._settings import NetSuiteSettings
    from ._suiteql import SuiteQL
    from ._transforms import Transforms

Handler = Callable[[Request], "Response | Awaitable[Response]"]


async def _ready(fn: Handler, req: Request) -> Callable[[Request], Response]:
    """A plain handler for an async job; a coroutine handler (SuiteQL) runs first, off the job."""
    if not inspect.iscoroutinefunction(fn):
        return fn  # type: ignore[return-value]
    try:
        done: Response | HttpError = await fn(req)
    except HttpError as exc:
        done = exc

    def result(_req: Request) -> Response:
        if isinstance(done, HttpError):
            raise done
        return done

    return result


def _prefer(req: Request) -> set[str]:
    return {p.strip().lower() for p in req.headers.get("prefer", "").split(",") if p.strip()}


def _int_param(req: Request, name: str, default: int, lo: int, hi: int) -> int:
    raw = req.arg(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = lo - 1
    if not lo <= value <= hi:
        raise invalid_parameter(
            f"Invalid query parameter value '{raw}' for parameter '{name}'. "
            f"The value must be an integer between {lo} and {hi}.",
            extra={"o:errorQueryParam": name},
        )
    return value


class RestResources:
    def __init__(
        self,
        records: RecordService,
        renderer: RecordRenderer,
        jobs: AsyncJobs,
        suiteql: SuiteQL,
        transforms: Transforms,
        settings: NetSuiteSettings,
        budget: QueryBudget,
    ) -> None:
        self.records = records
        self.renderer = renderer
        self.jobs = jobs
        self.queries = suiteql
        self.transforms = transforms
        self.settings = settings
        #: the engine's time budget of one read query
        self.budget = budget
        #: list filters compiled once per type and text
        self.filters = CompiledFilters()

    # -- plumbing --------------------------------------------------------------------

    @staticmethod
    def base(req: Request) -> str:
        return f"{req.base_url}/services/rest"

    @staticmethod
    def tenant(req: Request) -> Tenant:
        assert req.tenant is not None
        return req.tenant

    def wrap(self, fn: Handler, *, asyncable: bool = True) -> Callable[[Request], Any]:
        """An async handler: optional processing delay, then sync or respond-async execution."""

        async def handler(req: Request) -> Response:
            delay = self.settings.processing_delay_ms
            if delay > 0:
                await asyncio.sleep(delay / 1000.0)
            if asyncable and "respond-async" in _prefer(req):
                return self.jobs.submit(
                    req, self.tenant(req), self.base(req), await _ready(fn, req)
                )
            if (
                self.settings.sync_idempotency_key == "reject"
                and "x-netsuite-idempotency-key" in req.headers
            ):
                raise sync_key_refused()
            result = fn(req)
            return await result if inspect.isawaitable(result) else result

        handler.__name__ = fn.__name__
        if inspect.iscoroutinefunction(fn):
            return handler

        def plain(req: Request) -> Response | Awaitable[Response]:
            # the usual call (no delay, no async job) stays a plain call the server steps
            # inline; the others are the coroutine above, which the pipeline awaits
            s = self.settings
            if s.processing_delay_ms > 0 or (
                asyncable and "prefer" in req.headers and "respond-async" in _prefer(req)
            ):
                return handler(req)
            if s.sync_idempotency_key == "reject" and "x-netsuite-idempotency-key" in req.headers:
                raise sync_key_refused()
            return fn(req)

        plain.__name__ = fn.__name__
        return plain

    def context(self, req: Request) -> WriteContext:
        raw = req.headers.get("x-netsuite-propertynamevalidation")
        mode = self.settings.default_property_validation
        if raw is not None:
            mode = raw.strip().lower()  # type: ignore[assignment]
            if mode not in ("error", "warning", "ignore"):
                raise invalid_header(
                    f"Invalid value '{raw}' of header "
                    "X-NetSuite-PropertyNameValidation. Use Error, Warning or Ignore.",
                    extra={"o:errorHeader": "X-NetSuite-PropertyNameValidation"},
                )
        arg = req.arg("replace")
        replace = {x.strip().lower() for x in arg.split(",") if x.strip()} if arg else set()
        return WriteContext(self.base(req), mode, replace)

    @staticmethod
    def _location(base: str, type_name: str, rid: str) -> list[tuple[str, str]]:
        return [("location", f"{base}/record/v1/{type_name}/{rid}")]

    # -- records ---------------------------------------------------------------------

    def create(self, req: Request) -> Response:
        rt = self.records.rtype(req.params["type"])
        ctx = self.context(req)
        rid = self.records.create(self.tenant(req), rt, req.json(), ctx)
        return Response.empty(204, self._location(ctx.base, rt.name, rid))

    def get(self, req: Request) -> Response:
        t = self.tenant(req)
        rt = self.records.rtype(req.params["type"])
        # the answer names referenced records and sublists: the store's read cache keeps it
        # for as long as no row of the tenant changed
        raw, base = req.params["id"], self.base(req)
        kind, key = "netsuite:" + rt.name, (base, req.query_string, t.store.conn.total_changes)
        cached = t.store.read_cache.get(kind, raw, key)
        if cached is not None:
            return Response(200, cached, [("content-type", SINGULAR_CT)])
        data = self.records.load(t, rt, raw)
        fields_arg = req.arg("fields")
        fields = [x.strip() for x in fields_arg.split(",") if x.strip()] if fields_arg else None
        expand = (req.arg("expandSubResources") or "").lower() == "true"
        resp = json_response(self.renderer.render(t, rt, data, base, fields=fields, expand=expand))
        t.store.read_cache.put(kind, raw, key, resp.body)
        return resp

    def patch(self, req: Request) -> Response:
        t = self.tenant(req)
        rt = self.records.rtype(req.params["type"])
        ctx = self.context(req)
        previous = self.records.load(t, rt, req.params["id"])
        self.records.update(t, rt, previous, req.json(), ctx)
        return Response.empty(204)

    def upsert(self, req: Request) -> Response:
        t = self.tenant(req)
        rt = self.records.rtype(req.params["type"])
        raw = req.params["id"]
        if raw[:4].lower() != "eid:" or len(raw) == 4:
            raise user_error(
                "Error while accessing a resource. The upsert operation (PUT) "
                "requires an external ID in the form eid:VALUE.",
                extra={"o:urlPath": raw},
            )
        ctx = self.context(req)
        body = req.json()
        rid = self.records.resolve_id(t, rt, raw, must_exist=False)
        if rid is None:
            rid = self.records.create(t, rt, body, ctx, external_id=raw[4:])
        else:
            previous = t.store.get(rt.name, rid)
            assert previous is not None
            self.records.update(t, rt, previous, body, ctx)
        return Response.empty(204, self._location(ctx.base, rt.name, rid))

    def delete(self, req: Request) -> Response:
        t = self.tenant(req)
        rt = self.records.rtype(req.params["type"])
        data = self.records.load(t, rt, req.params["id"])
        self.records.delete(t, rt, data, self.context(req))
        return Response.empty(204)

    def sublist(self, req: Request) -> Response:
        t = self.tenant(req)
        rt = self.records.rtype(req.params["type"])
        data = self.records.load(t, rt, req.params["id"])
        sl = rt.sublist(req.params["sublist"])
        if sl is None:
            raise nonexistent_id(
                f"Sublist '{req.params['sublist']}' does not exist on record type {rt.name}.",
                extra={"o:urlPath": req.params["sublist"]},
            )
        base = self.base(req)
        url = f"{self.renderer.record_url(base, rt, data['id'])}/{sl.name}"
        body = self.renderer.render_sublist(t, sl, data.get(sl.name) or [], url, base, True)
        return json_response(body, content_type=COLLECTION_CT)

    def transform(self, req: Request) -> Response:
        t = self.tenant(req)
        rt = self.records.rtype(req.params["type"])
        body = req.json() if req.body.strip() else {}
        target_t, rid = self.transforms.run(
            t, rt, req.params["id"], req.params["target"], body, self.context(req)
        )
        return Response.empty(204, self._location(self.base(req), target_t.name, rid))

    async def list(self, req: Request) -> Response:
        t = self.tenant(req)
        rt = self.records.rtype(req.params["type"])
        s = self.settings
        limit = _int_param(req, "limit", s.default_page_size, 1, s.max_page_size)
        offset = _int_param(req, "offset", 0, 0, 10**9)
        where, params = f"type = {type_literal(rt.name)} AND deleted = 0", []
        q = req.arg("q")
        if q:
            cond, qparams = self.filters.compile(rt, q)
            where += f" AND ({cond})"
            params += qparams

        def work(conn: sqlite3.Connection) -> tuple[int, list[Any]]:
            total = int(
                conn.execute(f"SELECT count(*) FROM records WHERE {where}", params).fetchone()[0]
            )
            rows = conn.execute(
                f"SELECT id FROM records WHERE {where} ORDER BY CAST(id AS INTEGER) LIMIT ? OFFSET ?",
                [*params, limit, offset],
            ).fetchall()
            return total, rows

        try:
            total, rows = await run_read(t.store, work, self.budget)
        except QueryTimeout:
            raise filter_error(
                f"The query exceeded the time limit of {self.budget.seconds:g} seconds."
            ) from None
        base = self.base(req)
        items = [
            {"links": [link("self", self.renderer.record_url(base, rt, r[0]))], "id": r[0]}
            for r in rows
        ]
        url = f"{base}/record/v1/{rt.name}"
        extra = {"q": q} if q else {}
        return json_response(
            page_body(url, items, total, limit, offset, extra), content_type=COLLECTION_CT
        )

    # -- SuiteQL ---------------------------------------------------------------------

    async def suiteql(self, req: Request) -> Response:
        if "transient" not in _prefer(req) and self.settings.suiteql_without_transient == "reject":
            raise HttpError(
                400,
                self.settings.transient_missing_code,
                "Invalid request header. The request must include the header 'Prefer: transient' to "
                "execute a SuiteQL query.",
                extra={"o:errorHeader": "Prefer"},
            )
        body = req.json()
        q = None
        if isinstance(body, dict):
            q = next((v for k, v in body.items() if k.lower() == "q"), None)
        if not isinstance(q, str):
            raise invalid_content(
                "Error while accessing a resource. The request body must be a "
                'JSON object with the query in the "q" property.',
                extra={"o:errorPath": "q"},
            )
        s = self.settings
        limit = _int_param(req, "limit", s.default_page_size, 1, s.max_page_size)
        offset = _int_param(req, "offset", 0, 0, s.suiteql_max_rows)
        t = self.tenant(req)
        items, total = await self.queries.run(t, q, limit, offset, self.budget)
        url = f"{self.base(req)}/query/v1/suiteql"
        return json_response(
            page_body(url, items, total, limit, offset, {}), content_type=COLLECTION_CT
        )

    # -- async jobs ------------------------------------------------------------------

    def job(self, req: Request) -> Response:
        return self.jobs.get_job(self.tenant(req), req.params["job"], self.base(req))

    def job_tasks(self, req: Request) -> Response:
        return self.jobs.get_tasks(self.tenant(req), req.params["job"], self.base(req))

    def job_task(self, req: Request) -> Response:
        return self.jobs.get_task(
            self.tenant(req), req.params["job"], req.params["task"], self.base(req)
        )

    def job_result(self, req: Request) -> Response:
        return self.jobs.get_result(self.tenant(req), req.params["job"], req.params["task"])


def page_body(
    url: str,
    items: list[dict[str, Any]],
    total: int,
    limit: int,
    offset: int,
    extra: dict[str, str],
) -> dict[str, Any]:
    """NetSuite's collection envelope with previous/first/next/last/self links."""

    # as ``urlencode({**extra, "limit": limit, "offset": off})``, the constant part encoded once
    head = (
        f"{url}?{urlencode(extra)}&limit={limit}&offset="
        if extra
        else f"{url}?limit={limit}&offset="
    )

    def href(off: int) -> str:
        return f"{head}{off}"

    links = []
    last_offset = max(0, ((total - 1) // limit) * limit) if total else 0
    if offset > 0:
        links.append(link("previous", href(max(0, offset - limit))))
        links.append(link("first", href(0)))
    has_more = offset + len(items) < total
    if has_more:
        links.append(link("next", href(offset + limit)))
        links.append(link("last", href(last_offset)))
    links.append(link("self", href(offset)))
    return {
        "links": links,
        "count": len(items),
        "hasMore": has_more,
        "items": items,
        "offset": offset,
        "totalResults": total,
    }
