"""Limiters the engine's admin API serves (``/__admin/tenants/{t}/limits``) that several
vendors share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._errors import ConfigError
from ._ratelimit import TokenBucket


class BucketLimiter:
    """A request-rate token bucket: ``{"rate_per_second", "burst"}``; a PUT builds a new
    bucket and hands it to ``install`` (the dialect keeps it in the tenant's state)."""

    def __init__(
        self,
        default_rate: float | None,
        default_burst: float,
        bucket: TokenBucket | None,
        install: Callable[[TokenBucket], None],
    ) -> None:
        self.default_rate = default_rate
        self.default_burst = default_burst
        self.bucket = bucket
        self.install = install

    def to_dict(self) -> dict[str, Any]:
        b = self.bucket
        return {"rate_per_second": b.rate if b else None, "burst": b.burst if b else None}

    def configure(self, body: dict[str, Any]) -> None:
        try:
            rate = float(body.get("rate_per_second", self.default_rate or 0))
            burst = float(body.get("burst", self.default_burst))
        except (TypeError, ValueError):
            raise ConfigError("rate_per_second and burst must be numbers") from None
        if rate <= 0 or burst < 1:
            raise ConfigError("rate_per_second must be > 0 and burst >= 1")
        self.bucket = TokenBucket(rate, burst)
        self.install(self.bucket)
