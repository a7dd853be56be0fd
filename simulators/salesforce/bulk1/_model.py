"""Bulk API 1.0 jobs and batches: states, per-tenant registry and the JSON wire shapes.

A job (``750`` ids) takes batches (``751``) while Open; each batch runs when it is added
and answers ``Queued`` the way Salesforce does, then reads ``Completed`` (or ``Failed``).
Query batches keep their records as one result set (``752``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulators.engine import Tenant

from .. import _ids
from .._bulk import BulkJob
from .._errors import bulk_invalid_batch, bulk_invalid_job
from .._state import state_of
from .._wire import sf_datetime

MAX_JOBS = 2000  # per tenant; the oldest closed jobs are forgotten first
OPERATIONS = ("insert", "update", "upsert", "delete", "hardDelete", "query", "queryAll")


@dataclass(slots=True)
class Batch:
    id: str
    job_id: str
    created: str
    modstamp: str
    request: Any
    state: str = "Queued"
    state_message: str | None = None
    results: list[dict[str, Any]] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)  # query result set
    result_id: str = ""
    observed: bool = False

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if not r.get("success"))

    @property
    def processed(self) -> int:
        return len(self.records) if self.result_id else len(self.results)

    def info(self) -> dict[str, Any]:
        state = self.state
        if state == "Completed" and not self.observed:
            state = "Queued"  # the answer to the POST; the next GET sees the outcome
        return {
            "apexProcessingTime": 0,
            "apiActiveProcessingTime": 0,
            "createdDate": self.created,
            "id": self.id,
            "jobId": self.job_id,
            "numberRecordsFailed": self.failed if state == "Completed" else 0,
            "numberRecordsProcessed": self.processed if state == "Completed" else 0,
            "state": state,
            "stateMessage": self.state_message,
            "systemModstamp": self.modstamp,
            "totalProcessingTime": 0,
        }


@dataclass(slots=True)
class Job(BulkJob):
    content_type: str = "JSON"
    concurrency: str = "Parallel"
    external_id: str | None = None
    state: str = "Open"
    batches: dict[str, Batch] = field(default_factory=dict)

    def info(self) -> dict[str, Any]:
        done = [b for b in self.batches.values() if b.observed or b.state != "Completed"]
        return {
            "apexProcessingTime": 0,
            "apiActiveProcessingTime": 0,
            "apiVersion": float(self.api_version),
            "assignmentRuleId": None,
            "concurrencyMode": self.concurrency,
            "contentType": self.content_type,
            "createdById": self.created_by,
            "createdDate": self.created,
            "externalIdFieldName": self.external_id,
            "fastPathEnabled": False,
            "id": self.id,
            "numberBatchesCompleted": sum(1 for b in done if b.state == "Completed"),
            "numberBatchesFailed": sum(1 for b in done if b.state == "Failed"),
            "numberBatchesInProgress": 0,
            "numberBatchesQueued": len(self.batches) - len(done),
            "numberBatchesTotal": len(self.batches),
            "numberRecordsFailed": sum(b.failed for b in self.batches.values()),
            "numberRecordsProcessed": sum(b.processed for b in self.batches.values()),
            "numberRetries": 0,
            "object": self.object,
            "operation": self.operation,
            "state": self.state,
            "systemModstamp": self.modstamp,
            "totalProcessingTime": 0,
        }


class Registry:
    """The jobs of each tenant, kept in the tenant's state (dropped with the tenant)."""

    def jobs(self, t: Tenant) -> dict[str, Job]:
        return state_of(t).bulk1_jobs

    def add(self, t: Tenant, job: Job) -> None:
        jobs = self.jobs(t)
        if len(jobs) >= MAX_JOBS:
            for jid, old in list(jobs.items()):
                if old.state != "Open":
                    del jobs[jid]
                    break
        jobs[job.id] = job

    def job(self, t: Tenant, raw: str) -> Job:
        norm = _ids.normalize(raw)
        job = self.jobs(t).get(norm) if norm else None
        if job is None:
            raise bulk_invalid_job(f"Unable to find job for id: {raw}")
        return job

    def batch(self, t: Tenant, job_raw: str, raw: str) -> tuple[Job, Batch]:
        job = self.job(t, job_raw)
        norm = _ids.normalize(raw)
        batch = job.batches.get(norm) if norm else None
        if batch is None:
            raise bulk_invalid_batch(f"Unable to find batch for id: {raw}")
        return job, batch

    @staticmethod
    def new_id(t: Tenant, prefix: str) -> str:
        return _ids.make_id(prefix, t.store.next_sequence(f"id:{prefix}"))

    @staticmethod
    def stamp(t: Tenant) -> str:
        return sf_datetime(t.clock.time())
