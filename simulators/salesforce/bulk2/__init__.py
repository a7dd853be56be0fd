"""Bulk API 2.0 for the CRM simulator: ingest jobs (CSV in, results out) and query jobs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulators.engine import OPTIONAL_SLASH as SLASH
from simulators.engine import QueryBudget, Request, RequestContracts, Router

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
        self,
        records: RecordService,
        origin: Callable[[Request], str],
        budget: QueryBudget,
        contracts: RequestContracts | None = None,
    ) -> None:
        registry = JobRegistry()
        self.ingest = IngestResources(records, origin, registry, contracts)
        self.query = QueryJobResources(records.schema, budget, registry)

    def routes(self, r: Router) -> None:
        i, q = self.ingest, self.query
        base = "/services/data/v{version}/jobs"
        r.add("POST", f"{base}/ingest", i.create, name="bulk2.ingest.create", suffixes=SLASH)
        r.add("GET", f"{base}/ingest", i.listing, name="bulk2.ingest.list", suffixes=SLASH)
        r.add("POST", f"{base}/query", q.create, name="bulk2.query.create", suffixes=SLASH)
        r.add("GET", f"{base}/query", q.listing, name="bulk2.query.list", suffixes=SLASH)
        j = f"{base}/ingest/{{id}}"
        r.add("GET", f"{j}", i.info, name="bulk2.ingest.info", suffixes=SLASH)
        r.add("PATCH", f"{j}", i.patch, name="bulk2.ingest.state", suffixes=SLASH)
        r.add("DELETE", f"{j}", i.delete, name="bulk2.ingest.delete", suffixes=SLASH)
        r.add("PUT", f"{j}/batches", i.upload, name="bulk2.ingest.upload", suffixes=SLASH)
        r.add("GET", f"{j}/successfulResults", i.successful, name="bulk2.ingest.ok", suffixes=SLASH)
        r.add("GET", f"{j}/failedResults", i.failed, name="bulk2.ingest.failed", suffixes=SLASH)
        for name in ("unprocessedrecords", "unprocessedRecords"):
            r.add(
                "GET", f"{j}/{name}", i.unprocessed, name="bulk2.ingest.unprocessed", suffixes=SLASH
            )
        qj = f"{base}/query/{{id}}"
        r.add("GET", f"{qj}", q.info, name="bulk2.query.info", suffixes=SLASH)
        r.add("PATCH", f"{qj}", q.patch, name="bulk2.query.state", suffixes=SLASH)
        r.add("DELETE", f"{qj}", q.delete, name="bulk2.query.delete", suffixes=SLASH)
        r.add("GET", f"{qj}/results", q.results, name="bulk2.query.results", suffixes=SLASH)
