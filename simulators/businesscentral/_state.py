"""What the dialect keeps per tenant beside its records, as one typed object.

Rebuilt whenever the tenant is set up again (created, reset, restored from a snapshot),
so nothing cached here can outlive the records it describes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulators.engine import ConcurrencyLimit, RollingQuota, Tenant

from ._indexes import FieldIndexes
from ._limits import QUEUED
from ._settings import BusinessCentralSettings


@dataclass(slots=True)
class TenantState:
    #: OData requests in the sliding window (6,000 per 5 minutes by default)
    quota: RollingQuota
    #: connections: the concurrent requests plus the queued ones
    slots: ConcurrencyLimit
    #: ids of companies known to exist (saves a read per request)
    companies: set[str] = field(default_factory=set)
    #: whether any webhook subscription exists; None: not looked up yet
    has_subscriptions: bool | None = None
    #: resource path -> what it names, for the entity sets of known companies (the same
    #: few paths take every create and query; bounded, cleared when full)
    collections: dict[str, Any] = field(default_factory=dict)
    #: (base URL, a read's path up to its key) -> (entity type, the ``@odata.context`` of the
    #: entities read through it): how their answers are kept (bounded)
    entity_paths: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    #: (entity type, company) -> a number of the type's series above which no record of the
    #: type had a number of its length (to the last number of that many digits) when it was
    #: looked up, and no record of the type and company has been given one since except by
    #: the series: the series' next numbers of that length are free without a lookup each
    series_clear: dict[tuple[str, str], str] = field(default_factory=dict)
    #: the indexes made on first use that exist (``_indexes.read``)
    indexes: FieldIndexes = field(default_factory=FieldIndexes)

    @classmethod
    def fresh(cls, settings: BusinessCentralSettings) -> TenantState:
        return cls(
            RollingQuota(settings.rate_limit_requests, settings.rate_limit_window_seconds, 1.0),
            ConcurrencyLimit(settings.max_concurrent_requests + QUEUED),
        )


def state_of(tenant: Tenant) -> TenantState:
    st: TenantState = tenant.state
    return st
