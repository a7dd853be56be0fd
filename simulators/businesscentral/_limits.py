"""Business Central's request limits as the engine's admin API serves them: the OData
request window (6,000 per 5 minutes by default) and the connections (the concurrent
requests plus the queued ones)."""

from __future__ import annotations

from typing import Any

from simulators.engine import Clock, ConcurrencyLimit, HttpError, RollingQuota

QUEUED = 95  # requests the service queues beyond the concurrent ones before refusing


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
