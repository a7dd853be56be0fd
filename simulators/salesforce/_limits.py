"""The daily API request quota as the engine's admin API serves it (``/__admin/tenants/{t}/limits``)."""

from __future__ import annotations

from typing import Any

from simulators.engine import Clock, RollingQuota


class DailyQuota:
    """``{"daily_api_requests", "used"}``; a PUT sets the allocation and the calls used."""

    def __init__(self, quota: RollingQuota, clock: Clock) -> None:
        self.quota = quota
        self.clock = clock

    def to_dict(self) -> dict[str, Any]:
        return {"daily_api_requests": self.quota.max, "used": self.quota.used(self.clock)}

    def configure(self, body: dict[str, Any]) -> None:
        q = self.quota
        if "daily_api_requests" in body:
            q.max = int(body["daily_api_requests"])
        if "used" in body:
            q.reset()
            if int(body["used"]):
                q.try_consume(self.clock, int(body["used"]))
