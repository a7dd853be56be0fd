"""Bulk API 2.0 query jobs: SOQL through the soql package, results as paged CSV.

The result is captured when the job is created (a snapshot, as Salesforce's is), with
parent fields flattened into ``Account.Name`` columns. The job reads ``UploadComplete``
in the create response and ``JobComplete`` from then on, so an abort right after create
is still possible, as it is against Salesforce.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from simulators.engine import HttpError, QueryBudget, QueryTimeout, Request, Response, run_read

from .. import soql
from .._errors import (
    api_error,
    invalid_argument,
    invalid_job,
    invalid_query_locator,
    json_parser_error,
    malformed_query,
)
from .._wire import json_response
from ..soql import _ast as ast
from . import _csv
from ._jobs import (
    ABORTED,
    FAILED,
    FINISHED,
    JOB_COMPLETE,
    UPLOAD_COMPLETE,
    Job,
    JobRegistry,
    decode_locator,
    encode_locator,
    invalid_state,
)

if TYPE_CHECKING:
    from .._schema import Schema

_AGGREGATES = frozenset({"COUNT", "COUNT_DISTINCT", "SUM", "AVG", "MIN", "MAX", "FIELDS"})
_FETCH = 2000
MAX_RECORDS_DEFAULT = 50_000  # without maxRecords, pages are bounded by size; we use rows


def _unsupported(message: str) -> HttpError:
    return api_error(message)


def _columns(q: ast.Query) -> list[tuple[str, tuple[str, ...]]]:
    """(header, key path in the shaped record) per selected item, or Bulk's refusal."""
    if q.group_by:
        raise _unsupported("GROUP BY is not supported by Bulk API 2.0 query")
    if q.offset:
        raise _unsupported("OFFSET is not supported by Bulk API 2.0 query")
    alias = (q.alias or "").lower()
    out: list[tuple[str, tuple[str, ...]]] = []
    for item in q.select:
        if isinstance(item, ast.SelectSubquery):
            raise _unsupported(
                "Parent-to-child relationship queries (nested queries) are not supported "
                "by Bulk API 2.0 query"
            )
        if not isinstance(item, ast.SelectField):
            raise _unsupported("TYPEOF is not supported by Bulk API 2.0 query")
        expr = item.expr
        if isinstance(expr, ast.FuncCall):
            if expr.name in _AGGREGATES:
                raise _unsupported(
                    f"{expr.raw_name or expr.name}() is not supported by Bulk API 2.0 query"
                )
            arg = expr.args[0] if expr.args else None
            if not isinstance(arg, ast.FieldPath):
                raise _unsupported("Unsupported function in Bulk API 2.0 query")
            parts = arg.parts
        else:
            parts = expr.parts
        if alias and len(parts) > 1 and parts[0].lower() == alias:
            parts = parts[1:]
        key = (item.alias,) if item.alias else parts
        out.append((item.alias or ".".join(parts), key))
    return out


def _lookup(rec: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(rec, dict):
            return None
        if part in rec:
            rec = rec[part]
            continue
        low = part.lower()
        rec = next((v for k, v in rec.items() if k.lower() == low), None)
    return rec


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return repr(value)
    return str(value)


def _headers(rec: Any, paths: list[tuple[str, ...]]) -> list[str]:
    """Header names in the canonical case of the records (Account.Name, not account.name)."""
    names: list[str] = []
    for path in paths:
        cur = rec
        canon: list[str] = []
        for part in path:
            if isinstance(cur, dict):
                low = part.lower()
                k = next((k for k in cur if k.lower() == low), part)
                canon.append(k)
                cur = cur.get(k)
            else:
                canon.append(part)
                cur = None
        names.append(".".join(canon))
    return names


class QueryJobResources:
    def __init__(self, schema: Schema, budget: QueryBudget, registry: JobRegistry) -> None:
        self.schema = schema
        #: the engine's time budget of one read query
        self.budget = budget
        self.jobs = registry

    async def create(self, req: Request) -> Response:
        """POST /jobs/query"""
        t = req.tenant
        assert t is not None
        body = req.json()
        if not isinstance(body, dict):
            raise json_parser_error("The request body must be a JSON object")
        operation = body.get("operation") or "query"
        if operation not in ("query", "queryAll"):
            raise invalid_job(
                f"InvalidJob : Invalid operation: {operation}; valid values are query, queryAll",
            )
        text = body.get("query")
        if not isinstance(text, str) or not text.strip():
            raise invalid_job("InvalidJob : A query must be specified")
        ctx = soql.QueryContext(
            conn=t.store.conn,
            index_on_use=t.store.index_on_use,
            schema=self.schema,
            now=t.clock.now(),
            include_deleted=operation == "queryAll",
            api_version=req.params["version"],
        )
        try:
            prepared = soql.prepare(text, ctx)
        except soql.SoqlError as exc:
            raise HttpError(400, exc.error_code, exc.message) from None
        if prepared.is_count:
            raise _unsupported("COUNT() is not supported by Bulk API 2.0 query")
        cols = _columns(prepared.query)
        paths = [p for _, p in cols]

        def capture(conn: sqlite3.Connection) -> tuple[Any, list[list[str]]]:
            on, first, offset = prepared.on(conn), None, 0
            values: list[list[str]] = []
            while True:
                page = on.fetch(offset, _FETCH)
                if not page:
                    break
                if first is None:
                    first = page[0]
                values.extend([_cell(_lookup(r, p)) for p in paths] for r in page)
                offset += len(page)
                if len(page) < _FETCH:
                    break
            return first, values

        first: Any = None
        values: list[list[str]] = []
        failed = ""
        try:
            first, values = await run_read(t.store, capture, self.budget)
        except QueryTimeout:
            # the job exists and fails, as a Bulk API 2.0 query that runs too long does
            failed = "QUERY_TIMEOUT: Your query request was running for too long."
        except (sqlite3.Error, OverflowError) as exc:
            raise malformed_query(f"The query cannot be run: {exc}") from None
        job = self.jobs.new(req, "query", str(operation), prepared.sobject, body)
        job.query = text
        job.state = FAILED if failed else UPLOAD_COMPLETE
        job.error_message = failed or None
        job.values.extend(values)
        job.columns = _headers(first, paths) if first is not None else [h for h, _ in cols]
        return json_response(job.info(detail=False))

    def _observe(self, job: Job) -> None:
        if job.state == UPLOAD_COMPLETE:
            job.state = JOB_COMPLETE

    def info(self, req: Request) -> Response:
        """GET /jobs/query/{id}"""
        job = self.jobs.get(req, "query")
        self._observe(job)
        return json_response(job.info(detail=True))

    def listing(self, req: Request) -> Response:
        """GET /jobs/query"""
        t = req.tenant
        assert t is not None
        for job in self.jobs.jobs(t).values():
            if job.kind == "query":
                self._observe(job)
        return json_response(self.jobs.listing(req, "query"))

    def delete(self, req: Request) -> Response:
        """DELETE /jobs/query/{id}"""
        self.jobs.delete(req, "query")
        return Response.empty(204)

    def patch(self, req: Request) -> Response:
        """PATCH /jobs/query/{id} {"state": "Aborted"}: the only change a query job takes."""
        job = self.jobs.get(req, "query")
        target = self.jobs.set_state_body(req)
        if target != ABORTED:
            raise invalid_state(f"Invalid state transition: {job.state} to {target}")
        if job.state in FINISHED:
            raise invalid_state(f"Cannot abort a job in state {job.state}")
        job.state = ABORTED
        job.values = []
        assert req.tenant is not None
        job.touch(req.tenant)
        return json_response(job.info(detail=False))

    def results(self, req: Request) -> Response:
        """GET /jobs/query/{id}/results?maxRecords=&locator="""
        job = self.jobs.get(req, "query")
        self._observe(job)
        if job.state != JOB_COMPLETE:
            raise invalid_state(f"Job is in state {job.state}; results need JobComplete")
        raw_max = req.arg("maxRecords")
        size = MAX_RECORDS_DEFAULT
        if raw_max not in (None, ""):
            if not raw_max.isdigit() or int(raw_max) <= 0:
                raise invalid_argument(f"maxRecords must be a positive integer: {raw_max}")
            size = int(raw_max)
        start = 0
        loc = req.arg("locator")
        if loc not in (None, "", "null"):
            decoded = decode_locator(loc)
            if decoded is None or decoded > len(job.values):
                raise invalid_query_locator(f"Invalid locator: {loc}")
            start = decoded
        rows = job.values[start : start + size]
        end = start + len(rows)
        locator = encode_locator(end) if end < len(job.values) else "null"
        body = _csv.write(job.columns, rows, job.delimiter, job.newline)
        return Response(
            200,
            body,
            [
                ("content-type", _csv.CSV_CT),
                ("sforce-numberofrecords", str(len(rows))),
                ("sforce-locator", locator),
            ],
        )
