"""The /services/async/{version}/job resources (JSON content), as simple-salesforce's
``sf.bulk`` calls them: create job, add batch, batch info and results, close job.

Records in a batch are the REST API's JSON records; each is written through the same rules
as a REST call, one result per record (``{"success", "created", "id", "errors"}``). Query
result records carry ``attributes`` and, as Bulk API 1.0's JSON format does, date and
datetime values as epoch milliseconds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import orjson

from simulators.engine import HttpError, Request, Response

from .. import soql
from .._errors import (
    ambiguous_external_id,
    bulk_client_input_error,
    bulk_exceeded_quota,
    bulk_invalid_batch,
    bulk_invalid_job,
    bulk_invalid_job_state,
    invalid_field,
    malformed_query,
    missing_argument,
)
from .._schema import ObjectDef
from .._state import state_of
from ._model import OPERATIONS, Batch, Job, Registry

if TYPE_CHECKING:
    from collections.abc import Callable

    from .._records import RecordService

JSON_CT = [("content-type", "application/json")]
_FETCH = 2000


def _json(data: Any, status: int = 200) -> Response:
    return Response(status, orjson.dumps(data), list(JSON_CT))


def _body(req: Request) -> Any:
    try:
        return orjson.loads(req.body) if req.body else None
    except orjson.JSONDecodeError as exc:
        raise bulk_client_input_error(f"Failed to parse the request body: {exc}") from None


class Bulk1Resources:
    def __init__(self, records: RecordService, origin: Callable[[Request], str]) -> None:
        self.records = records
        self.schema = records.schema
        #: the write's origin for CDC (``changeOrigin``), as the REST resources name it
        self.origin = origin
        self.reg = Registry()

    # -- jobs ------------------------------------------------------------------------

    def create_job(self, req: Request) -> Response:
        """POST /services/async/{version}/job"""
        t = req.tenant
        assert t is not None
        body = _body(req)
        if not isinstance(body, dict):
            raise bulk_invalid_job("The job request must be a JSON object")
        operation = body.get("operation")
        if operation not in OPERATIONS:
            raise bulk_invalid_job(f"Invalid operation: {operation}")
        obj = self.schema.get(str(body.get("object") or ""))
        if obj is None or obj.is_platform_event:
            raise bulk_invalid_job(f"Unable to find object: {body.get('object')}")
        content = body.get("contentType") or "JSON"
        if content != "JSON":
            raise bulk_invalid_job(f"Content type {content} is not served here; use JSON")
        ext = body.get("externalIdFieldName")
        if operation == "upsert":
            f = obj.field(str(ext or ""))
            if f is None or not (f.external_id or f.name == "Id"):
                raise bulk_invalid_job(f"External ID was blank or not an external ID field: {ext}")
            ext = f.name
        mode = body.get("concurrencyMode", "Parallel")
        serial = mode in (1, "1", "Serial")
        stamp = self.reg.stamp(t)
        job = Job(
            id=self.reg.new_id(t, "750"),
            operation=str(operation),
            object=obj.name,
            created_by=state_of(t).user_id,
            created=stamp,
            modstamp=stamp,
            api_version=req.params["version"],
            concurrency="Serial" if serial else "Parallel",
            external_id=ext if operation == "upsert" else None,
        )
        self.reg.add(t, job)
        return _json(job.info(), 201)

    def job(self, req: Request) -> Response:
        """GET /job/{id}"""
        assert req.tenant is not None
        return _json(self.reg.job(req.tenant, req.params["id"]).info())

    def change_job(self, req: Request) -> Response:
        """POST /job/{id} {"state": "Closed" | "Aborted"}"""
        t = req.tenant
        assert t is not None
        job = self.reg.job(t, req.params["id"])
        body = _body(req)
        target = body.get("state") if isinstance(body, dict) else None
        if target not in ("Closed", "Aborted"):
            raise bulk_invalid_job_state(f"Invalid state: {target}; use Closed or Aborted")
        if job.state != "Open":
            raise bulk_invalid_job_state(f"Job not open: {job.state}")
        job.state = str(target)
        job.modstamp = self.reg.stamp(t)
        return _json(job.info())

    # -- batches ---------------------------------------------------------------------

    def add_batch(self, req: Request) -> Response:
        """POST /job/{id}/batch: the records (or, for a query job, the SOQL text)."""
        t = req.tenant
        assert t is not None
        job = self.reg.job(t, req.params["id"])
        if job.state != "Open":
            raise bulk_invalid_job_state(f"Job not open: {job.id}")
        stamp = self.reg.stamp(t)
        if job.operation in ("query", "queryAll"):
            request: Any = req.body.decode("utf-8", "replace").strip()
            if request.startswith('"') and request.endswith('"'):
                request = str(orjson.loads(request))
        else:
            request = _body(req)
            if not isinstance(request, list) or not all(isinstance(r, dict) for r in request):
                raise bulk_invalid_batch("A batch must be a JSON array of records")
            if len(request) > 10_000:
                raise bulk_exceeded_quota("Records in a batch cannot exceed 10000")
        batch = Batch(self.reg.new_id(t, "751"), job.id, stamp, stamp, request)
        job.batches[batch.id] = batch
        self._run(req, job, batch)
        return _json(batch.info(), 201)

    def batches(self, req: Request) -> Response:
        """GET /job/{id}/batch"""
        assert req.tenant is not None
        job = self.reg.job(req.tenant, req.params["id"])
        for b in job.batches.values():
            b.observed = True
        return _json({"batchInfo": [b.info() for b in job.batches.values()]})

    def batch(self, req: Request) -> Response:
        """GET /job/{id}/batch/{batch}"""
        assert req.tenant is not None
        _, batch = self.reg.batch(req.tenant, req.params["id"], req.params["batch"])
        batch.observed = True
        return _json(batch.info())

    def batch_request(self, req: Request) -> Response:
        """GET /job/{id}/batch/{batch}/request: the records as they were sent."""
        assert req.tenant is not None
        _, batch = self.reg.batch(req.tenant, req.params["id"], req.params["batch"])
        return _json(batch.request)

    def results(self, req: Request) -> Response:
        """GET /job/{id}/batch/{batch}/result: per-record results, or the query's result ids."""
        assert req.tenant is not None
        _, batch = self._completed(req)
        if batch.result_id:
            return _json([batch.result_id])
        return _json(batch.results)

    def query_result(self, req: Request) -> Response:
        """GET /job/{id}/batch/{batch}/result/{result}: the records of a query result set."""
        _, batch = self._completed(req)
        if not batch.result_id or batch.result_id != req.params["result"]:
            raise bulk_invalid_batch(f"Unable to find result for id: {req.params['result']}")
        return _json(batch.records)

    def _completed(self, req: Request) -> tuple[Job, Batch]:
        assert req.tenant is not None
        job, batch = self.reg.batch(req.tenant, req.params["id"], req.params["batch"])
        batch.observed = True
        if batch.state == "Failed":
            raise bulk_invalid_batch(f"Batch failed: {batch.state_message}")
        return job, batch

    # -- processing ------------------------------------------------------------------

    def _run(self, req: Request, job: Job, batch: Batch) -> None:
        obj = self.schema.get(job.object)
        assert obj is not None
        try:
            if job.operation in ("query", "queryAll"):
                self._query(req, job, batch, obj)
            else:
                origin = self.origin(req)
                batch.results = [self._record(req, job, obj, r, origin) for r in batch.request]
            batch.state = "Completed"
        except HttpError as exc:
            batch.state = "Failed"
            batch.state_message = f"{exc.code} : {exc.message}"
            batch.observed = True

    def _record(
        self, req: Request, job: Job, obj: ObjectDef, rec: dict[str, Any], origin: str
    ) -> dict[str, Any]:
        t = req.tenant
        assert t is not None
        records = self.records
        values = {k: v for k, v in rec.items() if k not in ("attributes", "Id")}
        raw_id = str(rec.get("Id") or "")
        try:
            op = job.operation
            if op == "insert":
                if raw_id:
                    raise invalid_field("cannot specify Id in an insert call", fields=["Id"])
                return _ok(records.create(t, obj, values, origin=origin), True)
            if op == "upsert" and job.external_id and job.external_id != "Id":
                key = values.pop(job.external_id, None)
                if key in (None, ""):
                    raise missing_argument(
                        f"{job.external_id} not specified",
                        fields=[job.external_id],
                    )
                rid, created, several = records.upsert(
                    t, obj, job.external_id, str(key), values, origin=origin
                )
                if several:
                    raise ambiguous_external_id(
                        f"{job.external_id}: more than one record found for external id "
                        f"field: {several}",
                        fields=[job.external_id],
                    )
                return _ok(rid, created)
            if op == "upsert" and not raw_id:
                return _ok(records.create(t, obj, values, origin=origin), True)
            if not raw_id:
                raise missing_argument(f"Id not specified in an {op} call", fields=["Id"])
            rid = records.resolve_id(obj, raw_id)
            if op in ("update", "upsert"):
                records.update(t, obj, rid, values, origin=origin)
            else:
                records.delete(t, obj, rid, origin=origin)
                if op == "hardDelete":
                    t.store.conn.execute(
                        "DELETE FROM records WHERE type = ? AND id = ? AND deleted = 1",
                        (obj.name, rid),
                    )
            return _ok(rid, False)
        except HttpError as exc:
            return {
                "success": False,
                "created": False,
                "id": None,
                "errors": [
                    {
                        "fields": list(exc.fields or []),
                        "message": exc.message,
                        "statusCode": exc.code,
                        "extendedErrorDetails": None,
                    }
                ],
            }

    def _query(self, req: Request, job: Job, batch: Batch, obj: ObjectDef) -> None:
        t = req.tenant
        assert t is not None
        text = batch.request
        if not isinstance(text, str) or not text:
            raise malformed_query("The batch must contain a SOQL query")
        ctx = soql.QueryContext(
            conn=t.store.conn,
            index_on_use=t.store.index_on_use,
            schema=self.schema,
            now=t.clock.now(),
            include_deleted=job.operation == "queryAll",
            api_version=job.api_version,
        )
        try:
            prepared = soql.prepare(text, ctx)
        except soql.SoqlError as exc:
            raise HttpError(400, exc.error_code, exc.message) from None
        if prepared.sobject.lower() != obj.name.lower():
            raise bulk_invalid_batch(
                f"The query's object {prepared.sobject} is not the job's object {obj.name}",
            )
        if prepared.is_count:
            raise bulk_invalid_batch("Aggregate queries are not supported")
        offset = 0
        while True:
            page = prepared.fetch(offset, _FETCH)
            batch.records.extend(self._epoch(obj, r) for r in page)
            offset += len(page)
            if len(page) < _FETCH:
                break
        batch.result_id = self.reg.new_id(t, "752")

    def _epoch(self, obj: ObjectDef, rec: dict[str, Any]) -> dict[str, Any]:
        """Dates and datetimes as epoch milliseconds (Bulk API 1.0 JSON results)."""
        out = dict(rec)
        for k, v in rec.items():
            f = obj.field(k)
            if f is None or not isinstance(v, str):
                continue
            if f.type == "datetime":
                out[k] = _millis(v.replace("+0000", "+00:00"))
            elif f.type == "date":
                out[k] = _millis(v + "T00:00:00+00:00")
        return out


def _millis(text: str) -> Any:
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return text
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp() * 1000)


def _ok(rid: str, created: bool) -> dict[str, Any]:
    return {"success": True, "created": created, "id": rid, "errors": []}
