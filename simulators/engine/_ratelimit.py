"""Rate-limit primitives that dialects combine into each vendor's own limits.

- ``RollingQuota``: N requests per rolling window (Salesforce's daily API request
  allocation, answered with 403 REQUEST_LIMIT_EXCEEDED).
- ``ConcurrencyLimit``: at most N requests in flight (NetSuite's concurrency governance).
- ``TokenBucket``: a sustained rate with bursts (Kantata's and Workday's 429s).

All read time from the tenant's clock so tests can advance past a window.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from ._clock import Clock


@dataclass(slots=True)
class RollingQuota:
    """``max`` requests in any ``window`` seconds, counted in ``bucket``-second buckets."""

    max: int
    window: float = 86400.0
    bucket: float = 3600.0
    _buckets: deque[list[float]] = field(default_factory=deque)  # [bucket_start, count]
    _used: int = 0
    #: the instants [_lo, _hi) in which a request only adds to the newest bucket: inside
    #: it and before the oldest leaves the window (empty when that cannot be told exactly)
    _lo: float = 0.0
    _hi: float = 0.0

    def _expire(self, now: float) -> None:
        horizon = now - self.window
        while self._buckets and self._buckets[0][0] + self.bucket <= horizon:
            self._used -= int(self._buckets.popleft()[1])
        self._hi = 0.0  # worked out again by the next try_consume

    def used(self, clock: Clock) -> int:
        self._expire(clock.time())
        return self._used

    @property
    def counted(self) -> int:
        """Requests counted as of the last ``used`` or ``try_consume`` (no expiry check)."""
        return self._used

    def try_consume(self, clock: Clock, n: int = 1) -> bool:
        """Count ``n`` requests; False (and nothing counted) when the quota is spent."""
        now = clock.time()
        if self._lo <= now < self._hi:  # the usual request: the newest bucket, nothing expires
            used = self._used + n
            if used > self.max:
                return False
            self._buckets[-1][1] += n
            self._used = used
            return True
        buckets = self._buckets
        if buckets and buckets[0][0] + self.bucket <= now - self.window:
            self._expire(now)
        if self._used + n > self.max:
            return False
        start = now - (now % self.bucket)
        if buckets and buckets[-1][0] == start:
            buckets[-1][1] += n
        else:
            buckets.append([start, n])
        self._used += n
        self._span(start)
        return True

    def _span(self, start: float) -> None:
        """Work out [_lo, _hi) after a request counted in the bucket starting at ``start``.

        Only for whole-second buckets and windows, at instants from ``window`` to 2**52:
        there every number compared is a whole number or an exact difference, so
        ``_lo <= now < _hi`` holds exactly when the steps of ``try_consume`` would find
        ``start`` and expire nothing."""
        bucket, window = float(self.bucket), float(self.window)
        if bucket > 0 and bucket.is_integer() and window.is_integer() and start >= window:
            hi = min(start + bucket, self._buckets[0][0] + bucket + window)
            if hi < _EXACT:
                self._lo, self._hi = start, hi
                return
        self._hi = 0.0

    def reset(self) -> None:
        self._buckets.clear()
        self._used = 0
        self._hi = 0.0


#: below this, every whole number of seconds and every difference of one with a time is exact
_EXACT = float(2**52)


@dataclass(slots=True)
class ConcurrencyLimit:
    max: int
    in_flight: int = 0
    rejected: int = 0

    def try_acquire(self) -> bool:
        if self.in_flight >= self.max:
            self.rejected += 1
            return False
        self.in_flight += 1
        return True

    def release(self) -> None:
        if self.in_flight > 0:
            self.in_flight -= 1


@dataclass(slots=True)
class TokenBucket:
    """``rate`` requests per second sustained, up to ``burst`` at once."""

    rate: float
    burst: float
    _tokens: float = -1.0
    _last: float = 0.0

    def try_take(self, clock: Clock) -> bool:
        now = clock.time()
        tokens = self._tokens
        if tokens < 0:  # the first request: a full bucket
            tokens = self.burst
            self._last = now
        tokens += (now - self._last) * self.rate
        if tokens > self.burst:
            tokens = self.burst
        self._last = now
        if tokens >= 1.0:
            self._tokens = tokens - 1.0
            return True
        self._tokens = tokens
        return False

    def retry_after(self) -> float:
        return max(0.0, (1.0 - self._tokens) / self.rate) if self.rate > 0 else 1.0
