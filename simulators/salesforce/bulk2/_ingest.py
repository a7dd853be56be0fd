"""Bulk API 2.0 ingest jobs: create, upload CSV, close, results, abort, delete, list.

Closing a job (``UploadComplete``) processes it at once: every row goes through the
dialect's ``RecordService`` in its own store transaction, so the REST rules, triggers of
derived fields and change events apply, and a failed row leaves nothing behind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulators.engine import HttpError, Request, RequestContracts, Response, Tenant

from .. import _ids
from .._errors import (
    ambiguous_external_id,
    duplicate_external_id,
    invalid_batch,
    invalid_entity,
    invalid_field,
    invalid_job,
    json_parser_error,
    malformed_id,
    missing_argument,
)
from .._release import check_bulk_columns
from .._schema import FieldDef, ObjectDef
from .._wire import json_response
from . import _csv
from ._jobs import (
    ABORTED,
    FAILED,
    FINISHED,
    IN_PROGRESS,
    JOB_COMPLETE,
    OPEN,
    UPLOAD_COMPLETE,
    Job,
    JobRegistry,
    RowResult,
    invalid_state,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from .._records import RecordService

OPERATIONS = ("insert", "update", "upsert", "delete", "hardDelete")
NULL = "#N/A"
_TRUE = frozenset({"true", "1", "yes", "y", "on"})
_FALSE = frozenset({"false", "0", "no", "n", "off"})


class _BatchError(Exception):
    """The whole upload is unusable (e.g. an unknown column): the job fails."""


def _error_text(exc: HttpError) -> str:
    """sf__Error as Salesforce writes it: CODE:message:fields --"""
    fields = ",".join(exc.fields or [])
    return f"{exc.code}:{exc.message}:{fields + ' --' if fields else '--'}"


class _Column:
    """One header column: a field, or ``Relationship.ExternalIdField`` for a lookup."""

    __slots__ = ("field", "lookup", "target")

    def __init__(
        self, field: FieldDef, target: ObjectDef | None = None, lookup: FieldDef | None = None
    ) -> None:
        self.field = field
        self.target = target
        self.lookup = lookup


class IngestResources:
    def __init__(
        self,
        records: RecordService,
        origin: Callable[[Request], str],
        registry: JobRegistry,
        contracts: RequestContracts | None = None,
    ) -> None:
        self.records = records
        #: the served release's checks of a job's CSV header (None: contract checks off)
        self.contracts = contracts
        self.schema = records.schema
        #: the write's origin for CDC (``changeOrigin``), as the REST resources name it
        self.origin = origin
        self.jobs = registry

    # -- job lifecycle -----------------------------------------------------------------

    def create(self, req: Request) -> Response:
        """POST /jobs/ingest"""
        body = req.json()
        if not isinstance(body, dict):
            raise json_parser_error("The request body must be a JSON object")
        operation = body.get("operation")
        if operation not in OPERATIONS:
            raise invalid_job(
                f"InvalidJob : Invalid operation: {operation}; valid values are "
                + ", ".join(OPERATIONS),
            )
        name = body.get("object")
        if not isinstance(name, str) or not name:
            raise invalid_job("InvalidJob : The object field is required")
        obj = self.schema.get(name)
        if obj is None or obj.is_platform_event:
            raise invalid_entity(
                f"InvalidEntity : Entity '{name}' is not supported by the Bulk API.",
            )
        ext = body.get("externalIdFieldName")
        if operation == "upsert":
            if not isinstance(ext, str) or not ext:
                raise invalid_job(
                    "InvalidJob : External ID was blank for "
                    + obj.name
                    + ". An External ID must be specified for upsert.",
                )
            f = obj.field(ext)
            if f is None or not (f.external_id or f.id_lookup or f.name == "Id"):
                raise invalid_job(
                    f"InvalidJob : Field name provided, {ext} does not match an External ID, "
                    f"Salesforce Id, or indexed field for {obj.name}",
                )
            ext = f.name
        job = self.jobs.new(req, "ingest", str(operation), obj.name, body)
        job.external_id = ext if operation == "upsert" else None
        return json_response(job.info(detail=False))

    def info(self, req: Request) -> Response:
        """GET /jobs/ingest/{id}"""
        return json_response(self.jobs.get(req, "ingest").info(detail=True))

    def listing(self, req: Request) -> Response:
        """GET /jobs/ingest"""
        return json_response(self.jobs.listing(req, "ingest"))

    def delete(self, req: Request) -> Response:
        """DELETE /jobs/ingest/{id}"""
        self.jobs.delete(req, "ingest")
        return Response.empty(204)

    def upload(self, req: Request) -> Response:
        """PUT /jobs/ingest/{id}/batches: CSV rows, appended while the job is Open."""
        job = self.jobs.get(req, "ingest")
        if job.state != OPEN:
            raise invalid_state(
                f"Job {job.id} is not in the Open state (state: {job.state}); data can only be "
                "uploaded to an open job"
            )
        ctype = req.headers.get("content-type", "")
        if ctype and not ctype.lower().startswith("text/csv"):
            raise invalid_batch(
                f"InvalidBatch : Unsupported content type {ctype.split(';')[0]}; use text/csv",
            )
        header, rows = _csv.parse(req.body, job.delimiter)
        if job.header and [h.lower() for h in header] != [h.lower() for h in job.header]:
            raise invalid_batch(
                "InvalidBatch : The header of this upload differs from the job's earlier uploads",
            )
        job.header = job.header or header
        job.rows.extend(rows)
        assert req.tenant is not None
        job.touch(req.tenant)
        return Response.empty(201)

    def patch(self, req: Request) -> Response:
        """PATCH /jobs/ingest/{id}: UploadComplete (then processed) or Aborted."""
        job = self.jobs.get(req, "ingest")
        target = self.jobs.set_state_body(req)
        t = req.tenant
        assert t is not None
        if target == ABORTED:
            if job.state in FINISHED:
                raise invalid_state(f"Cannot abort a job in state {job.state}")
            job.state = ABORTED
            job.touch(t)
            return json_response(job.info(detail=False))
        if target != UPLOAD_COMPLETE:
            raise invalid_state(f"Invalid state transition: {job.state} to {target}")
        if job.state != OPEN:
            raise invalid_state(f"Cannot close a job in state {job.state}; it must be Open")
        job.state = UPLOAD_COMPLETE
        job.touch(t)
        answer = job.info(detail=False)
        self._process(req, t, job)
        return json_response(answer)

    # -- results ------------------------------------------------------------------------

    def successful(self, req: Request) -> Response:
        job = self.jobs.get(req, "ingest")
        rows = [
            [r.record_id, "true" if r.created else "false", *r.row]
            for r in job.results
            if r.error is None
        ]
        return self._csv(job, ["sf__Id", "sf__Created", *job.header], rows)

    def failed(self, req: Request) -> Response:
        job = self.jobs.get(req, "ingest")
        rows = [[r.record_id, r.error, *r.row] for r in job.results if r.error is not None]
        return self._csv(job, ["sf__Id", "sf__Error", *job.header], rows)

    def unprocessed(self, req: Request) -> Response:
        job = self.jobs.get(req, "ingest")
        rows = job.rows[len(job.results) :] if job.state in (ABORTED, FAILED) else []
        return self._csv(job, list(job.header), rows)

    def _csv(self, job: Job, header: list[str], rows: list[list[Any]]) -> Response:
        body = _csv.write(header, rows, job.delimiter, job.newline) if header else b""
        return Response(200, body, [("content-type", _csv.CSV_CT)])

    # -- processing ---------------------------------------------------------------------

    def _process(self, req: Request, t: Tenant, job: Job) -> None:
        job.state = IN_PROGRESS
        obj = self.records.object(job.object)
        try:
            refused = check_bulk_columns(self.contracts, req, obj.name, job.operation, job.header)
            if refused:
                raise _BatchError(refused)
            columns = self._columns(obj, job)
        except _BatchError as exc:
            job.state = FAILED
            job.error_message = str(exc)
            job.touch(t)
            return
        origin = self.origin(req)
        width = len(job.header)
        for row in job.rows:
            cells = (row + [""] * width)[:width]
            result = RowResult(cells)
            try:
                with t.store.transaction():
                    self._row(t, obj, job, columns, cells, result, origin)
            except HttpError as exc:
                result.error = _error_text(exc)
                result.created = False
            job.results.append(result)
        job.state = JOB_COMPLETE
        job.touch(t)

    def _columns(self, obj: ObjectDef, job: Job) -> list[_Column]:
        if not job.header:
            return []
        cols: list[_Column] = []
        for name in job.header:
            f = obj.field(name)
            if f is not None:
                cols.append(_Column(f))
                continue
            rel, _, ext = name.partition(".")
            ref = obj.relationship(rel) if ext else None
            target = self.schema.get(ref.reference_to[0]) if ref and ref.reference_to else None
            lookup = target.field(ext) if target else None
            if ref is None or target is None or lookup is None:
                raise _BatchError(f"InvalidBatch : Field name not found : {name}")
            if not (lookup.external_id or lookup.id_lookup or lookup.name == "Id"):
                raise _BatchError(
                    f"InvalidBatch : Field {ext} on {target.name} is not an External ID field"
                )
            cols.append(_Column(ref, target, lookup))
        names = {c.field.name for c in cols if c.target is None}
        if job.operation in ("delete", "hardDelete") and names != {"Id"}:
            raise _BatchError(
                "InvalidBatch : The 'delete' batch must contain only 'Id' column, "
                + str(job.header)
            )
        if job.operation == "update" and "Id" not in names:
            raise _BatchError("InvalidBatch : Field name not found : Id")
        if job.operation == "upsert" and job.external_id not in names:
            raise _BatchError(
                f"InvalidBatch : The External ID field {job.external_id} must be in the header"
            )
        return cols

    def _value(self, t: Tenant, col: _Column, raw: str) -> Any:
        if raw == NULL:
            return None
        if col.target is not None and col.lookup is not None:
            if col.lookup.name == "Id":
                return raw
            ids = t.store.find_ids(col.target.name, col.lookup.name, raw)
            if not ids:
                raise invalid_field(
                    f"Foreign key external ID: {raw} not found for field {col.lookup.name} "
                    f"in entity {col.target.name}",
                    fields=[col.field.name],
                )
            if len(ids) > 1:
                raise duplicate_external_id(
                    f"{col.lookup.name}: more than one record found for external id field: {ids}",
                    fields=[col.field.name],
                )
            return ids[0]
        if col.field.type == "boolean":
            low = raw.strip().lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
        return raw

    def _row(
        self,
        t: Tenant,
        obj: ObjectDef,
        job: Job,
        columns: list[_Column],
        cells: list[str],
        result: RowResult,
        origin: str,
    ) -> None:
        records = self.records
        values: dict[str, Any] = {}
        raw_id = ""
        for col, raw in zip(columns, cells, strict=True):
            if col.field.name == "Id" and col.target is None:
                raw_id = raw.strip()
                continue
            if raw == "":
                continue  # an empty cell leaves the field as it is; #N/A sets it to null
            values[col.field.name] = self._value(t, col, raw)
        op = job.operation
        if op == "insert":
            if raw_id:
                raise invalid_field("cannot specify Id in an insert call", fields=["Id"])
            result.record_id = records.create(t, obj, values, origin=origin)
            result.created = True
            return
        if op == "upsert":
            assert job.external_id is not None
            ext = job.external_id
            key = raw_id if ext == "Id" else str(values.pop(ext, "") or "")
            if not key and job.external_id == "Id":
                result.record_id = records.create(t, obj, values, origin=origin)
                result.created = True
                return
            if not key:
                raise missing_argument(
                    f"{job.external_id} not specified",
                    fields=[job.external_id],
                )
            if job.external_id == "Id":
                result.record_id = self._id(obj, key)
                records.update(t, obj, result.record_id, values, origin=origin)
                return
            rid, created, several = records.upsert(
                t, obj, job.external_id, key, values, origin=origin
            )
            if several:
                raise ambiguous_external_id(
                    f"{job.external_id}: more than one record found for external id field: "
                    f"{several}",
                    fields=[job.external_id],
                )
            result.record_id, result.created = rid, created
            return
        if not raw_id:
            raise missing_argument(f"Id not specified in an {op} call", fields=["Id"])
        result.record_id = self._id(obj, raw_id)
        if op == "update":
            records.update(t, obj, result.record_id, values, origin=origin)
        else:
            records.delete(t, obj, result.record_id, origin=origin)
            if op == "hardDelete":
                t.store.conn.execute(
                    "DELETE FROM records WHERE type = ? AND id = ? AND deleted = 1",
                    (obj.name, result.record_id),
                )

    def _id(self, obj: ObjectDef, raw: str) -> str:
        norm = _ids.normalize(raw)
        if norm is None or not norm.startswith(obj.key_prefix):
            raise malformed_id(
                f"{obj.label} ID: id value of incorrect type: {raw}",
                fields=["Id"],
            )
        return norm
