"""Bulk API 2.0 for the CRM simulator: ingest jobs (CSV in, results out) and query jobs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulators.engine import QueryBudget, Request, Router

from ._ingest import IngestResources
from ._jobs import JobRegistry
from ._query import QueryJobResources

if TYPE_CHECKING:
    from collections.abc import Callable

    from .._records import RecordService

__all__ = ["Bulk2"]


class Bulk2:
    """The /jobs/ingest and /jobs/query resources of one dialect."""

    def __init__(
        self, records: RecordService, origin: Callable[[Request], str], budget: QueryBudget
    ) -> None:
        registry = JobRegistry()
        self.ingest = IngestResources(records, origin, registry)
        self.query = QueryJobResources(records.schema, budget, registry)

    def routes(self, r: Router) -> None:
        i, q = self.ingest, self.query
        base = "/services/data/v{version}/jobs"
        for slash in ("", "/"):
            r.add("POST", f"{base}/ingest{slash}", i.create, name="bulk2.ingest.create")
            r.add("GET", f"{base}/ingest{slash}", i.listing, name="bulk2.ingest.list")
            r.add("POST", f"{base}/query{slash}", q.create, name="bulk2.query.create")
            r.add("GET", f"{base}/query{slash}", q.listing, name="bulk2.query.list")
            j = f"{base}/ingest/{{id}}"
            r.add("GET", f"{j}{slash}", i.info, name="bulk2.ingest.info")
            r.add("PATCH", f"{j}{slash}", i.patch, name="bulk2.ingest.state")
            r.add("DELETE", f"{j}{slash}", i.delete, name="bulk2.ingest.delete")
            r.add("PUT", f"{j}/batches{slash}", i.upload, name="bulk2.ingest.upload")
            r.add("GET", f"{j}/successfulResults{slash}", i.successful, name="bulk2.ingest.ok")
            r.add("GET", f"{j}/failedResults{slash}", i.failed, name="bulk2.ingest.failed")
            for name in ("unprocessedrecords", "unprocessedRecords"):
                r.add("GET", f"{j}/{name}{slash}", i.unprocessed, name="bulk2.ingest.unprocessed")
            qj = f"{base}/query/{{id}}"
            r.add("GET", f"{qj}{slash}", q.info, name="bulk2.query.info")
            r.add("PATCH", f"{qj}{slash}", q.patch, name="bulk2.query.state")
            r.add("DELETE", f"{qj}{slash}", q.delete, name="bulk2.query.delete")
            r.add("GET", f"{qj}/results{slash}", q.results, name="bulk2.query.results")
