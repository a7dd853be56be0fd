"""Workday's unpublished rate limit as a configurable token bucket answering 429 + Retry-After."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from simulators.engine import Clock, ConfigError, TokenBucket

from ._rules import check_fields


@dataclass(slots=True)
class RateLimit:
    enabled: bool
    rate: float
    burst: float
    _bucket: TokenBucket | None = field(default=None, repr=False)
    rejected: int = 0

    def reset(self) -> None:
        self._bucket = None

    def try_take(self, clock: Clock) -> bool:
        if not self.enabled:
            return True
        if self._bucket is None:
            self._bucket = TokenBucket(self.rate, self.burst)
        if self._bucket.try_take(clock):
            return True
        self.rejected += 1
        return False

    def retry_after(self) -> int:
        return max(1, math.ceil(self._bucket.retry_after())) if self._bucket else 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "rate_per_second": self.rate,
            "burst": self.burst,
            "rejected": self.rejected,
        }

    def configure(self, body: dict[str, Any]) -> None:
        """The admin API's PUT: rate, burst, on or off; the bucket starts full again."""
        check_fields(body, {"rate_per_second", "burst", "enabled"}, "limits")
        try:
            if "rate_per_second" in body:
                self.rate = float(body["rate_per_second"])
            if "burst" in body:
                self.burst = float(body["burst"])
            if "enabled" in body:
                self.enabled = bool(body["enabled"])
        except (TypeError, ValueError):
            raise ConfigError("rate_per_second and burst must be numbers") from None
        if self.rate <= 0 or self.burst < 1:
            raise ConfigError("rate_per_second must be positive and burst at least 1")
        self.reset()
