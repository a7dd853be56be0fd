"""Coupa's rate limit: 25 requests per second ("Exception Handling and Error Codes"), a token
bucket per tenant that the engine's admin API serves (``/__admin/tenants/{t}/limits``)."""

from __future__ import annotations

from dataclasses import dataclass

from simulators.engine import BucketLimiter, TokenBucket

from ._settings import CoupaSettings


@dataclass(slots=True)
class CoupaState:
    """One tenant's dialect state, rebuilt on reset (credentials live in store meta)."""

    bucket: TokenBucket


def fresh_state(settings: CoupaSettings) -> CoupaState:
    return CoupaState(TokenBucket(settings.rate_limit_per_second, settings.rate_limit_burst))


def limiter(state: CoupaState, settings: CoupaSettings) -> BucketLimiter:
    """The bucket as the admin API reads and replaces it."""

    def install(bucket: TokenBucket) -> None:
        state.bucket = bucket

    return BucketLimiter(
        settings.rate_limit_per_second, settings.rate_limit_burst, state.bucket, install
    )
