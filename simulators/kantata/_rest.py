"""HTTP handlers of /api/v1: list, show, create (single and bulk), update, delete, and the extras."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import orjson

from simulators.engine import (
    HttpError,
    QueryBudget,
    QueryTimeout,
    Request,
    Response,
    Tenant,
    run_read,
)

from ._errors import bad_request, not_found, query_too_slow, validation_error
from ._ids import writing
from ._indexes import EVENT_FILTERS, EVENTS, ensure_event_index
from ._model import Resource
from ._query import ListQuery
from ._records import Ctx
from ._render import Presenter, parse_includes, parse_optional_fields
from ._spliced import spliced
from ._wire import JSON_CT, json_response, request_body

if TYPE_CHECKING:
    from ._model import Catalog
    from ._records import Records
    from ._settings import KantataSettings


class Handlers:
    def __init__(
        self, records: Records, catalog: Catalog, settings: KantataSettings, budget: QueryBudget
    ) -> None:
        self.records = records
        self.catalog = catalog
        self.settings = settings
        #: the engine's time budget of one read query
        self.budget = budget
        self.queries = {r.collection: ListQuery(r) for r in catalog}

    # -- helpers ---------------------------------------------------------------------

    def ctx(self, req: Request) -> Ctx:
        assert req.tenant is not None
        return Ctx(req.tenant, str(req.principal or self.settings.api_user_id))

    def presenter(self, req: Request, tenant: Tenant, ctx: Ctx | None = None) -> Presenter:
        return Presenter(
            self.catalog,
            self.settings,
            tenant,
            parse_includes(req.arg("include")),
            parse_optional_fields(
                req.query.get("optional_fields", []) + req.query.get("optional_fields[]", [])
            ),
            ctx.still_shown() if ctx is not None else None,
        )

    def _id(self, req: Request) -> str:
        rid = req.params.get("id", "")
        if not rid.isdigit():
            raise not_found()
        return str(int(rid))

    def respond(
        self, req: Request, res: Resource, records: list[dict[str, Any]], ctx: Ctx | None = None
    ) -> Response:
        """The envelope of ``records``; ``ctx`` of a write lends the shapes its events made."""
        assert req.tenant is not None
        if ctx is not None and len(records) == 1 and not req.query_string:
            answer = _as_shown(ctx, res, records[0]["id"])
            if answer is not None:
                return answer
        p = self.presenter(req, req.tenant, ctx)
        n = len(records)
        body = p.envelope(res, records, n, 1, max(n, 1))
        if n == 1 and p.shown:
            # a record shown as its event showed it: its JSON was written with the event
            rid = records[0]["id"]
            hit = p.shown.get((res.collection, rid))
            shown = body[res.collection]
            if hit is not None and shown.get(rid) is hit[0]:
                return Response(200, spliced(body, shown, rid, hit[1]), [("content-type", JSON_CT)])
        return json_response(body)

    # -- generic endpoints -----------------------------------------------------------

    async def list(self, req: Request, res: Resource) -> Response:
        assert req.tenant is not None
        s = self.settings
        limit = s.time_entries_max_per_page if res.collection == "time_entries" else s.max_per_page
        query = self.queries[res.collection]
        if res.collection == EVENTS:
            for param, field in EVENT_FILTERS.items():
                if req.arg(param) is not None:
                    ensure_event_index(req.tenant.store, self.records.indexes, field)
        try:
            where = query.where(req)
            # a filter's reference field is indexed on the tenant's own connection, before
            # the query may move to a read connection of its own
            self.catalog.refs.ensure_named(req.tenant.store, where[0])
            page = await run_read(
                req.tenant.store,
                lambda conn: query.run(req, conn, s.default_per_page, limit, where),
                self.budget,
            )
        except QueryTimeout:
            raise query_too_slow() from None
        except OverflowError:
            raise bad_request("a number in the filters is out of range") from None
        p = self.presenter(req, req.tenant)
        loaded = p.load(res.collection, page.ids)
        records = [loaded[i] for i in page.ids if i in loaded]
        return json_response(p.envelope(res, records, page.total, page.page, page.per_page))

    def show(self, req: Request, res: Resource) -> Response:
        ctx = self.ctx(req)
        rid = self._id(req)
        # the answer reads the record, its includes and roll-ups over other records: the
        # store's read cache keeps it for as long as no row of the tenant changed
        store = ctx.tenant.store
        kind, key = "kantata:" + res.collection, (req.query_string, store.conn.total_changes)
        cached = store.read_cache.get(kind, rid, key)
        if cached is not None:
            return Response(200, cached, [("content-type", JSON_CT)])
        rec = self.records.require(ctx, res.collection, rid)
        resp = self.respond(req, res, [rec])
        store.read_cache.put(kind, rid, key, resp.body)
        return resp

    def create(self, req: Request, res: Resource) -> Response:
        ctx = self.ctx(req)
        body = request_body(req)
        s = self.settings
        if (
            res.collection in body
            and isinstance(body[res.collection], list)
            and res.singular not in body
        ):
            items = body[res.collection]
            if not items:
                raise bad_request(f"param is missing or the value is empty: {res.collection}")
            if len(items) > s.max_bulk_create:
                raise validation_error(
                    [
                        (
                            None,
                            f"You can create at most {s.max_bulk_create} {res.collection} "
                            "in one request",
                        )
                    ]
                )
        elif res.singular in body:
            items = [body[res.singular]]
        else:
            raise bad_request(f"param is missing or the value is empty: {res.singular}")
        created: list[dict[str, Any]] = []
        if len(items) == 1 and self.records.alone(res, items[0]):
            try:
                created.append(self.records.create(ctx, res, items[0]))
            except BaseException:
                # numbered on as the transaction every create ran in used to leave it
                ctx.tenant.store.drop_reserved_sequences()
                raise
            return self.respond(req, res, created, ctx)
        with writing(ctx.tenant):
            for item in items:
                try:
                    created.append(self.records.create(ctx, res, item))
                except HttpError as exc:
                    if len(items) > 1 and exc.status == 422:
                        index = len(created)
                        msgs = exc.extra.get("errors") or [{"message": exc.message}]
                        raise validation_error(
                            [
                                (m.get("field"), f"{res.singular} {index}: {m['message']}")
                                for m in msgs
                            ]
                        ) from None
                    raise
        return self.respond(req, res, created, ctx)

    def update(self, req: Request, res: Resource) -> Response:
        ctx = self.ctx(req)
        rid = self._id(req)
        body = request_body(req)
        old = self.records.require(ctx, res.collection, rid)
        if res.singular not in body:
            raise bad_request(f"param is missing or the value is empty: {res.singular}")
        with writing(ctx.tenant):
            rec = self.records.update(ctx, res, rid, body[res.singular], old)
        return self.respond(req, res, [rec], ctx)

    def delete(self, req: Request, res: Resource) -> Response:
        ctx = self.ctx(req)
        rid = self._id(req)
        with writing(ctx.tenant):
            self.records.delete(ctx, res, rid)
        return Response.empty(204)

    # -- extras ----------------------------------------------------------------------

    def bulk_delete(self, req: Request, res: Resource) -> Response:
        """DELETE /time_entries.json?ids=1,2 (or {"ids": "1,2"}): all or nothing, up to 100."""
        ctx = self.ctx(req)
        raw: Any = req.arg("ids")
        if raw is None:
            raw = request_body(req).get("ids")
        if isinstance(raw, list):
            raw = ",".join(str(x) for x in raw)
        ids = [x.strip() for x in str(raw or "").split(",") if x.strip()]
        if not ids:
            raise bad_request("param is missing or the value is empty: ids")
        if len(ids) > self.settings.max_bulk_create:
            raise validation_error(
                [
                    (
                        None,
                        f"You can delete at most {self.settings.max_bulk_create} "
                        f"{res.collection} in one request",
                    )
                ]
            )
        if any(not x.isdigit() for x in ids):
            raise not_found()
        with writing(ctx.tenant):
            for rid in ids:
                self.records.delete(ctx, res, str(int(rid)))
        return Response.empty(204)

    def me(self, req: Request) -> Response:
        ctx = self.ctx(req)
        res = self.catalog.by_collection["users"]
        return self.respond(req, res, [self.records.require(ctx, "users", ctx.user_id)])

    def external_reference(self, req: Request) -> Response:
        ctx = self.ctx(req)
        body = request_body(req)
        if "external_reference" not in body:
            raise bad_request("param is missing or the value is empty: external_reference")
        with writing(ctx.tenant):
            rec = self.records.external_reference(ctx, body["external_reference"])
        return self.respond(req, self.catalog.by_collection["external_references"], [rec])

    def resolution(self, req: Request, kind: str) -> Response:
        """POST /timesheet_approvals|rejections|cancellations.json {"resolution": {"submission_ids": [...]}}."""
        ctx = self.ctx(req)
        body = request_body(req)
        data = body.get("resolution", body)
        if not isinstance(data, dict) or "submission_ids" not in data:
            raise bad_request("param is missing or the value is empty: submission_ids")
        raw = data["submission_ids"]
        items = raw.split(",") if isinstance(raw, str) else raw if isinstance(raw, list) else None
        if not items:
            raise validation_error([("submission_ids", "Submission ids can't be blank")])
        description = data.get("description")
        if description is not None and not isinstance(description, str):
            raise validation_error([("description", "Description is invalid")])
        out = []
        with writing(ctx.tenant):
            for item in items:
                sid = str(item).strip()
                sub = self.records.get(ctx, "timesheet_submissions", sid) if sid.isdigit() else None
                if sub is None:
                    raise validation_error(
                        [("submission_ids", f"Timesheet submission {sid} was not found")]
                    )
                if sub.get("status") != "pending":
                    raise validation_error(
                        [("submission_ids", f"Timesheet submission {sid} is not pending")]
                    )
                out.append(self.records.rules.resolve(ctx, sub, kind, description))
        return json_response({"resolutions": out})

    def event_types(self, req: Request) -> Response:
        types = sorted(
            f"{r.singular}:{op}"
            for r in self.catalog
            if r.events
            for op in ("created", "updated", "deleted")
        )
        return json_response({"subscribed_event_types": types})


_ENVELOPE_END = b'},"meta":{"count":1,"page_count":1,"page_number":1,"page_size":1}}'


@functools.cache
def _envelope(collection: str) -> tuple[bytes, bytes]:
    """The JSON of a one-record envelope of ``collection`` before its id, and between its id
    and the record's id (``_as_shown``)."""
    key = orjson.dumps(collection)
    return b'{"count":1,"results":[{"key":' + key + b',"id":"', b'"}],' + key + b':{"'


def _as_shown(ctx: Ctx, res: Resource, rid: str) -> Response | None:
    """The answer to a write of one record asked without includes or optional fields, when the
    record is shown as its event showed it: the envelope ``Presenter.envelope`` makes of it,
    around the JSON written with the event. None otherwise."""
    hit = ctx.shown.get((res.collection, rid))
    if hit is None or hit[0] != ctx.conn.total_changes:
        return None
    if rid.isdigit():  # the envelope's JSON around the record's, written as orjson writes it
        head, middle = _envelope(res.collection)
        rid_bytes = rid.encode()
        data = b"".join((head, rid_bytes, middle, rid_bytes, b'":', hit[2], _ENVELOPE_END))
        return Response(200, data, [("content-type", JSON_CT)])
    shown: dict[str, Any] = {rid: ctx.shaped((res.collection, rid))}
    body = {
        "count": 1,
        "results": [{"key": res.collection, "id": rid}],
        res.collection: shown,
        "meta": {"count": 1, "page_count": 1, "page_number": 1, "page_size": 1},
    }
    return Response(200, spliced(body, shown, rid, hit[2]), [("content-type", JSON_CT)])
