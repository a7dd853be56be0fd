"""Retries with exponential backoff and full jitter that honour the vendor's own delay."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx

from .errors import VendorError
from .logs import get_logger
from .settings import RetrySettings

T = TypeVar("T")
log = get_logger("retry")


def backoff(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Full jitter: uniform in [0, min(cap, base * 2**attempt)], never below a tenth of base."""
    return max(base / 10, rng.uniform(0, min(cap, base * (2**attempt))))


def delay_for(exc: BaseException, attempt: int, policy: RetrySettings, rng: random.Random) -> float:
    wait = backoff(attempt, policy.base_seconds, policy.cap_seconds, rng)
    if isinstance(exc, VendorError) and exc.retry_after is not None:
        wait = max(wait, exc.retry_after)
    return wait


def retryable(exc: BaseException) -> bool:
    if isinstance(exc, VendorError):
        return exc.retryable
    return isinstance(exc, httpx.TransportError | ConnectionError | TimeoutError)


async def call_with_retry(
    fn: Callable[[], Awaitable[T]],
    policy: RetrySettings,
    what: str,
    rng: random.Random | None = None,
) -> T:
    """Run ``fn``; on a retryable error wait and try again, up to ``policy.attempts`` times."""
    rng = rng or random.Random()
    attempt = 0
    while True:
        try:
            return await fn()
        except Exception as exc:
            attempt += 1
            if not retryable(exc) or attempt >= policy.attempts:
                raise
            wait = delay_for(exc, attempt, policy, rng)
            log.info(
                "retrying call",
                extra={
                    "call": what,
                    "attempt": attempt,
                    "wait_s": round(wait, 3),
                    "error": str(exc),
                },
            )
            await asyncio.sleep(wait)
