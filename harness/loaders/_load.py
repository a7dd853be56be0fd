"""Push mapped batches into running simulators through their admin bulk-load API."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from harness.data import Firm

from .._errors import StackError
from ..stack._endpoints import admin_headers, simulator_endpoints
from ._businesscentral import businesscentral_batches, businesscentral_companies
from ._coupa import coupa_batches
from ._kantata import kantata_batches
from ._netsuite import netsuite_batches
from ._salesforce import salesforce_batches
from ._workday import workday_batches

Batches = Callable[[Firm], Iterator[tuple[str, list[dict[str, Any]]]]]
#: vendor -> mapping from the canonical firm to that vendor's records
MAPPINGS: dict[str, Batches] = {
    "salesforce": salesforce_batches,
    "kantata": kantata_batches,
    "workday": workday_batches,
    "netsuite": netsuite_batches,
    "businesscentral": businesscentral_batches,
    "coupa": coupa_batches,
}
CHUNK = 5000

Progress = Callable[[str, str, int, int], None]  # (system, record type, done, total)


@dataclass(slots=True)
class LoadReport:
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # system -> type -> records
    seconds: dict[str, float] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # systems without a mapping yet

    @property
    def total(self) -> int:
        return sum(sum(c.values()) for c in self.counts.values())


def load_firm(
    firm: Firm,
    endpoints: dict[str, Any],
    *,
    tenant: str = "default",
    on_progress: Progress | None = None,
    timeout: float = 120.0,
) -> LoadReport:
    """Load ``firm`` into every system of ``endpoints`` (the endpoints-file document).

    A Business Central section gains the firm's companies (``company_id``, ``companies``),
    so an endpoints file written after the load places a stack in them."""
    report = LoadReport()
    verify: Any = endpoints.get("ca_bundle") or True
    with httpx.Client(verify=verify, trust_env=False, timeout=timeout) as client:
        for system, ep in simulator_endpoints(endpoints):
            mapping = MAPPINGS.get(ep["vendor"])
            if mapping is None:
                report.skipped.append(system)
                continue
            started = time.perf_counter()
            counts = report.counts.setdefault(system, {})
            for record_type, records in mapping(firm):
                for start in range(0, len(records), CHUNK):
                    chunk = records[start : start + CHUNK]
                    url = f"{ep['admin_url']}/tenants/{tenant}/records/{record_type}"
                    r = client.post(
                        url,
                        content=orjson.dumps({"records": chunk}),
                        headers={"content-type": "application/json", **admin_headers(ep)},
                    )
                    if r.status_code != 201:
                        raise StackError(
                            f"loading {record_type} into the {system} simulator failed: HTTP {r.status_code} "
                            f"{r.text[:300]}",
                            hint="the simulator's journal and logs have the details",
                        )
                    counts[record_type] = counts.get(record_type, 0) + len(chunk)
                    if on_progress is not None:
                        on_progress(system, record_type, start + len(chunk), len(records))
            report.seconds[system] = time.perf_counter() - started
            if ep["vendor"] == "businesscentral":  # a stack finds the firm's companies here
                ep.update(businesscentral_companies(firm))
    return report
