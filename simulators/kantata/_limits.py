"""Kantata's rate limits: what its reference says, and the guesses where it says nothing.

developer.kantata.com: "the API may reply with the HTTP code 429 Too Many Requests. In that
case, simply retry your request after a small delay. There are general rate limits applied
to all requests", and eight operations carry "their own rate limits" on top. No number and
no Retry-After (nor any RateLimit-*) header is documented or observed (summary in
api-evangelist/mavenlink ``rate-limits/mavenlink-rate-limits.yml``). So the general rate,
the per-endpoint rates and the header are settings (docs/vendor-variants.md).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from simulators.engine import Clock, TokenBucket

log = logging.getLogger("simulators.kantata")

#: Retry-After on a 429: "off" (Kantata documents none) or "seconds" (delta-seconds)
RETRY_AFTER = ("off", "seconds")
#: the per-endpoint limits: "guessed" (buckets at the guessed rate) or "off"
ENDPOINT_LIMITS = ("guessed", "off")
#: the operations Kantata's reference names as limited on their own (as route names here)
LIMITED_ENDPOINTS = (
    "workspaces.list",
    "workspaces.create",
    "workspaces.invite",
    "account_invitations.create",
    "account_invitations.resend",
    "custom_field_values.list",
    "custom_field_values.create",
    "project_snapshots.create",
)


def check(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")


def report_unserved(served: Iterable[str]) -> None:
    """Say once which documented per-endpoint limits have no route here to apply to."""
    names = set(served)
    missing = [e for e in LIMITED_ENDPOINTS if e not in names]
    if missing:
        log.info(
            "per-endpoint rate limits for %s apply to nothing: those operations are not served",
            ", ".join(missing),
        )


class EndpointBuckets:
    """One token bucket per limited endpoint, created on first use."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self.buckets: dict[str, TokenBucket] = {}

    def try_take(self, endpoint: str, clock: Clock) -> TokenBucket | None:
        """None when admitted; the exhausted bucket otherwise."""
        b = self.buckets.get(endpoint)
        if b is None:
            b = self.buckets[endpoint] = TokenBucket(self.rate, self.burst)
        return None if b.try_take(clock) else b
