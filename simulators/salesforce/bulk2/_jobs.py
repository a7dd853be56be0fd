"""Bulk API 2.0 jobs: their state machine, per-tenant registry and the jobInfo wire shape."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from simulators.engine import HttpError, Request, Tenant

from .. import _ids
from .._bulk import BulkJob
from .._errors import (
    invalid_job,
    invalid_job_state,
    invalid_query_locator,
    json_parser_error,
    not_found,
)
from .._state import state_of
from .._wire import sf_datetime
from ._csv import DELIMITERS, LINE_ENDINGS

MAX_JOBS = 5000  # per tenant; the oldest finished jobs are forgotten first
LIST_PAGE = 1000

OPEN = "Open"
UPLOAD_COMPLETE = "UploadComplete"
IN_PROGRESS = "InProgress"
JOB_COMPLETE = "JobComplete"
ABORTED = "Aborted"
FAILED = "Failed"
FINISHED = frozenset({JOB_COMPLETE, ABORTED, FAILED})


@dataclass(slots=True)
class RowResult:
    """The outcome of one uploaded row: its id, whether it was created, or its error."""

    row: list[str]
    record_id: str = ""
    created: bool = False
    error: str | None = None


@dataclass(slots=True)
class Job(BulkJob):
    """One ingest or query job; ``kind`` is "ingest" or "query"."""

    kind: str
    column_delimiter: str = "COMMA"
    line_ending: str = "LF"
    external_id: str | None = None
    state: str = OPEN
    error_message: str | None = None
    # ingest
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    results: list[RowResult] = field(default_factory=list)
    # query
    query: str = ""
    columns: list[str] = field(default_factory=list)
    values: list[list[str]] = field(default_factory=list)
    observed: bool = False

    @property
    def delimiter(self) -> str:
        return DELIMITERS[self.column_delimiter]

    @property
    def newline(self) -> str:
        return LINE_ENDINGS[self.line_ending]

    @property
    def processed(self) -> int:
        return len(self.results) if self.kind == "ingest" else len(self.values)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if r.error is not None)

    def touch(self, t: Tenant) -> None:
        self.modstamp = sf_datetime(t.clock.time())

    def info(self, *, detail: bool) -> dict[str, Any]:
        """jobInfo as create/close/abort answer it; ``detail`` adds the counters of a GET."""
        out: dict[str, Any] = {
            "id": self.id,
            "operation": self.operation,
            "object": self.object,
            "createdById": self.created_by,
            "createdDate": self.created,
            "systemModstamp": self.modstamp,
            "state": self.state,
        }
        if self.kind == "ingest" and self.operation == "upsert":
            out["externalIdFieldName"] = self.external_id
        out.update(
            {
                "concurrencyMode": "Parallel",
                "contentType": "CSV",
                "apiVersion": float(self.api_version),
            }
        )
        if self.kind == "ingest":
            out["contentUrl"] = f"services/data/v{self.api_version}/jobs/ingest/{self.id}/batches"
        out["lineEnding"] = self.line_ending
        out["columnDelimiter"] = self.column_delimiter
        if detail:
            if self.kind == "ingest":
                out["jobType"] = "V2Ingest"
                out["numberRecordsProcessed"] = self.processed
                out["numberRecordsFailed"] = self.failed
            else:
                out["jobType"] = "V2Query"
                out["numberRecordsProcessed"] = self.processed if self.state == JOB_COMPLETE else 0
                out["isPkChunkingSupported"] = True
            out["retries"] = 0
            out["totalProcessingTime"] = 0
            out["apiActiveProcessingTime"] = 0
            if self.kind == "ingest":
                out["apexProcessingTime"] = 0
            if self.error_message:
                out["errorMessage"] = self.error_message
        return out


def job_not_found() -> HttpError:
    return not_found("The requested resource does not exist")


def invalid_state(message: str) -> HttpError:
    return invalid_job_state(message)


def encode_locator(offset: int) -> str:
    """Salesforce's locators are opaque base64 strings; ours encode the next row offset."""
    return base64.b64encode(str(offset).encode()).decode().rstrip("=")


def decode_locator(locator: str) -> int | None:
    try:
        raw = base64.b64decode(locator + "=" * (-len(locator) % 4), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return int(raw) if raw.isdigit() else None


class JobRegistry:
    """The jobs of each tenant, kept in the tenant's state (dropped with the tenant)."""

    def jobs(self, t: Tenant) -> dict[str, Job]:
        return state_of(t).bulk2_jobs

    def new(self, req: Request, kind: str, operation: str, obj: str, body: dict[str, Any]) -> Job:
        t = req.tenant
        assert t is not None
        delimiter = body.get("columnDelimiter") or "COMMA"
        if delimiter not in DELIMITERS:
            raise invalid_job(
                f"InvalidJob : Invalid column delimiter: {delimiter}; valid values are "
                + ", ".join(DELIMITERS),
            )
        ending = body.get("lineEnding") or "LF"
        if ending not in LINE_ENDINGS:
            raise invalid_job(f"InvalidJob : Invalid line ending: {ending}; use LF or CRLF")
        content = body.get("contentType") or "CSV"
        if content != "CSV":
            raise invalid_job(f"InvalidJob : Invalid content type: {content}; only CSV")
        stamp = sf_datetime(t.clock.time())
        job = Job(
            id=_ids.new_id(t, "750"),
            kind=kind,
            operation=operation,
            object=obj,
            created_by=state_of(t).user_id,
            created=stamp,
            modstamp=stamp,
            api_version=req.params["version"],
            column_delimiter=str(delimiter),
            line_ending=str(ending),
        )
        jobs = self.jobs(t)
        jobs[job.id] = job
        if len(jobs) > MAX_JOBS:
            for old in [j for j in jobs.values() if j.state in FINISHED][: len(jobs) - MAX_JOBS]:
                del jobs[old.id]
        return job

    def get(self, req: Request, kind: str) -> Job:
        t = req.tenant
        assert t is not None
        raw = req.params["id"]
        norm = _ids.normalize(raw)
        job = self.jobs(t).get(norm) if norm else None
        if job is None or job.kind != kind:
            raise job_not_found()
        return job

    def listing(self, req: Request, kind: str) -> dict[str, Any]:
        """GET /jobs/{kind}: a page of jobInfo with done / nextRecordsUrl."""
        t = req.tenant
        assert t is not None
        jobs = [j for j in self.jobs(t).values() if j.kind == kind]
        job_type = req.arg("jobType")
        if job_type:
            wanted = "V2Ingest" if kind == "ingest" else "V2Query"
            jobs = [j for j in jobs if job_type == wanted]
        start = 0
        loc = req.arg("queryLocator")
        if loc:
            decoded = decode_locator(loc)
            if decoded is None:
                raise invalid_query_locator("invalid query locator")
            start = decoded
        page = jobs[start : start + LIST_PAGE]
        end = start + len(page)
        done = end >= len(jobs)
        return {
            "done": done,
            "records": [j.info(detail=True) for j in page],
            "nextRecordsUrl": None
            if done
            else f"/services/data/v{req.params['version']}/jobs/{kind}?queryLocator="
            + encode_locator(end),
        }

    def delete(self, req: Request, kind: str) -> None:
        t = req.tenant
        assert t is not None
        job = self.get(req, kind)
        if job.state == OPEN:
            raise invalid_state(
                "Job must be in UploadComplete, JobComplete, Aborted or Failed state to be "
                f"deleted; the job is {job.state}"
            )
        del self.jobs(t)[job.id]

    def set_state_body(self, req: Request) -> str:
        body = req.json()
        if not isinstance(body, dict) or not isinstance(body.get("state"), str):
            raise json_parser_error("The request body must set a job state")
        return str(body["state"])
