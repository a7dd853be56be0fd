"""One tenant's Workday state, built by ``WorkdayDialect.new_state`` and rebuilt on reset
(the credentials are also in store meta, where they outlive a restart)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulators.engine import Tenant

from ._limits import RateLimit


@dataclass(slots=True)
class WorkdayState:
    #: the tenant's API client, ISU and notification credentials (None: not made yet)
    credentials: dict[str, str] | None = None
    #: the request rate limit (None: built from the settings on first use)
    limit: RateLimit | None = None
    #: job change bodies checked before, by their bytes (``_job_change.Plan``)
    job_change_plans: dict[bytes, Any] = field(default_factory=dict)
    #: workers' job change descriptors, by WID: (the record they were spelt from, JSON)
    descriptors: dict[str, tuple[dict[str, Any], str]] = field(default_factory=dict)


def state_of(tenant: Tenant) -> WorkdayState:
    st: WorkdayState = tenant.state
    return st
