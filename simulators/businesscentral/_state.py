"""What the dialect keeps per tenant beside its records, as one typed object.

Rebuilt whenever the tenant is set up again (created, reset, restored from a snapshot),
so nothing cached here can outlive the records it describes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulators.engine import Clock, ConcurrencyLimit, HttpError, RollingQuota, Tenant

from ._settings import BusinessCentralSettings

QUEUED = 95  # requests the service queues beyond the concurrent ones before refusing


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

    @classmethod
    def fresh(cls, settings: BusinessCentralSettings) -> TenantState:
        return cls(
            RollingQuota(settings.rate_limit_requests, settings.rate_limit_window_seconds, 1.0),
            ConcurrencyLimit(settings.max_concurrent_requests + QUEUED),
        )


def state_of(tenant: Tenant) -> TenantState:
    st: TenantState = tenant.state
    return st


class RequestLimits:
    """The request window and connections as the engine's admin API serves them
    (``/__admin/tenants/{t}/limits``, also under ``.../businesscentral/limits``)."""

    def __init__(self, quota: RollingQuota, slots: ConcurrencyLimit, clock: Clock) -> None:
        self.quota = quota
        self.slots = slots
        self.clock = clock

    def to_dict(self) -> dict[str, Any]:
        quota, slots = self.quota, self.slots
        return {
            "rate_limit_requests": quota.max,
            "rate_limit_window_seconds": quota.window,
            "used": quota.used(self.clock),
            "connections": slots.max,
            "in_flight": slots.in_flight,
            "rejected": slots.rejected,
        }

    def configure(self, body: dict[str, Any]) -> None:
        if set(body) - {"rate_limit_requests", "rate_limit_window_seconds", "reset"}:
            raise HttpError(
                400,
                "INVALID_INPUT",
                "allowed: rate_limit_requests, rate_limit_window_seconds, reset",
            )
        quota = self.quota
        try:
            if "rate_limit_requests" in body:
                quota.max = max(1, int(body["rate_limit_requests"]))
            if "rate_limit_window_seconds" in body:
                quota.window = max(1.0, float(body["rate_limit_window_seconds"]))
        except (TypeError, ValueError):
            raise HttpError(400, "INVALID_INPUT", "limits must be numbers") from None
        if body.get("reset"):
            quota.reset()
