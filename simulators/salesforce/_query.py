"""The query and queryAll resources: SOQL execution with nextRecordsUrl paging.

A query's result is kept as a cursor (the prepared query plus its position) so that
``nextRecordsUrl`` pages read the next rows with LIMIT/OFFSET instead of re-running
everything into memory. Cursors are per tenant and bounded (oldest dropped first).
"""

from __future__ import annotations

import re
import sqlite3
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

from simulators.engine import (
    HttpError,
    QueryBudget,
    QueryTimeout,
    Request,
    Response,
    Tenant,
    run_read,
)

from . import soql
from ._errors import invalid_query_locator, malformed_query, malformed_search, query_timeout
from ._render import query_result
from ._state import state_of
from ._wire import json_response

if TYPE_CHECKING:
    from ._schema import Schema
    from ._settings import SalesforceSettings

T = TypeVar("T")

_BATCH_RE = re.compile(r"batchSize\s*=\s*(\d+)", re.IGNORECASE)


@dataclass(slots=True)
class Cursor:
    id: str
    query: soql.PreparedQuery
    batch: int
    include_deleted: bool


class QueryResources:
    def __init__(self, schema: Schema, settings: SalesforceSettings, budget: QueryBudget) -> None:
        self.schema = schema
        self.settings = settings
        #: the engine's time budget of one read query
        self.budget = budget

    def _cursors(self, t: Tenant) -> OrderedDict[str, Cursor]:
        cursors: OrderedDict[str, Cursor] = state_of(t).cursors
        return cast("OrderedDict[str, Cursor]", cursors)

    def _batch_size(self, req: Request) -> int:
        opts = req.headers.get("sforce-query-options", "")
        m = _BATCH_RE.search(opts)
        if not m:
            return self.settings.query_batch_default
        # Salesforce treats batchSize as a hint between 200 and 2000
        return max(200, min(2000, int(m.group(1))))

    async def query(self, req: Request) -> Response:
        return await self._run(req, include_deleted=False)

    async def query_all(self, req: Request) -> Response:
        return await self._run(req, include_deleted=True)

    async def _read(self, t: Tenant, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run a read through the engine's query budget; Salesforce's errors when it fails."""
        try:
            return await run_read(t.store, work, self.budget)
        except QueryTimeout:
            raise query_timeout("Your query request was running for too long.") from None
        except soql.SoqlError as exc:
            raise HttpError(400, exc.error_code, exc.message) from None
        except (sqlite3.Error, OverflowError) as exc:
            raise malformed_query(f"The query cannot be run: {exc}") from None

    async def _run(self, req: Request, *, include_deleted: bool) -> Response:
        t = req.tenant
        assert t is not None
        q = req.arg("q")
        if q is None:
            if req.arg("explain") is not None:
                raise malformed_query("Query plan explain is not supported by the simulator")
            raise malformed_query("A query string has to be specified")
        version = req.params["version"]
        ctx = soql.QueryContext(
            conn=t.store.conn,
            index_on_use=t.store.index_on_use,
            schema=self.schema,
            now=t.clock.now(),
            include_deleted=include_deleted,
            api_version=version,
        )
        try:
            prepared = soql.prepare(q, ctx)
        except soql.SoqlError as exc:
            raise HttpError(400, exc.error_code, exc.message) from None
        if prepared.is_count:
            total = await self._read(t, lambda conn: prepared.on(conn).total_size)
            return json_response(query_result(total, []))
        batch = self._batch_size(req)
        return await self._page(req, t, prepared, 0, batch, include_deleted)

    async def _page(
        self,
        req: Request,
        t: Tenant,
        prepared: soql.PreparedQuery,
        offset: int,
        batch: int,
        include_deleted: bool,
        cursor_id: str | None = None,
    ) -> Response:

        def work(conn: sqlite3.Connection) -> tuple[int, list[dict[str, Any]]]:
            return prepared.on(conn).page(offset, batch)

        total, records = await self._read(t, work)
        prepared.remember_total(total)
        end = offset + len(records)
        next_url = None
        cursors = self._cursors(t)
        if end < total:
            if cursor_id is None:
                n = t.store.next_sequence("sf.query_locator")
                from ._ids import make_id

                cursor_id = make_id("01g", n, state_of(t).id_space or 0)
            cursors[cursor_id] = Cursor(cursor_id, prepared, batch, include_deleted)
            cursors.move_to_end(cursor_id)
            while len(cursors) > self.settings.max_open_cursors:
                cursors.popitem(last=False)
            kind = "queryAll" if include_deleted else "query"
            next_url = f"/services/data/v{req.params['version']}/{kind}/{cursor_id}-{end}"
        elif cursor_id is not None:
            cursors.pop(cursor_id, None)
        return json_response(query_result(total, records, next_url))

    async def next_page(self, req: Request) -> Response:
        """GET /query/{locator}-{offset}"""
        t = req.tenant
        assert t is not None
        locator = req.params["locator"]
        cursor_id, _, offset_s = locator.rpartition("-")
        cursor = self._cursors(t).get(cursor_id) if cursor_id else None
        if cursor is None or not offset_s.isdigit():
            raise invalid_query_locator("invalid query locator")
        return await self._page(
            req, t, cursor.query, int(offset_s), cursor.batch, cursor.include_deleted, cursor_id
        )

    async def search(self, req: Request) -> Response:
        """GET /search/?q=FIND {...}: SOSL's searchRecords."""
        from . import sosl

        t = req.tenant
        assert t is not None
        q = req.arg("q")
        if not q:
            raise malformed_search("A search string has to be specified")
        schema, version = self.schema, req.params["version"]
        try:
            found = await self._read(t, lambda conn: sosl.search(q, conn, schema, version))
        except sosl.SoslError as exc:
            raise HttpError(400, exc.error_code, exc.message) from None
        return json_response({"searchRecords": found})
