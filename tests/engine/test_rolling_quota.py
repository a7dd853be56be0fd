"""Rate limits. RollingQuota counts a request in its newest bucket without its general steps when it can
tell exactly that nothing expires; the answers and counts must be those of the general steps,
whatever the clock does (runs on, jumps, goes back, stands still)."""

from __future__ import annotations

import random
from collections import deque

import pytest

from simulators.engine import Clock, RollingQuota, TokenBucket

SEED = 20261207


class _Reference:
    """The quota's general steps alone: expire what left the window, then count."""

    def __init__(self, most: int, window: float, bucket: float) -> None:
        self.max, self.window, self.bucket = most, window, bucket
        self.buckets: deque[list[float]] = deque()
        self.used = 0

    def expire(self, now: float) -> None:
        horizon = now - self.window
        while self.buckets and self.buckets[0][0] + self.bucket <= horizon:
            self.used -= int(self.buckets.popleft()[1])

    def try_consume(self, now: float, n: int) -> bool:
        if self.buckets and self.buckets[0][0] + self.bucket <= now - self.window:
            self.expire(now)
        if self.used + n > self.max:
            return False
        start = now - (now % self.bucket)
        if self.buckets and self.buckets[-1][0] == start:
            self.buckets[-1][1] += n
        else:
            self.buckets.append([start, n])
        self.used += n
        return True


class _SetClock(Clock):
    """A tenant clock read at instants the test sets."""

    __slots__ = ("at",)

    def time(self) -> float:
        return self.at


@pytest.mark.parametrize(
    ("window", "bucket"),
    [(86400.0, 3600.0), (60, 1.0), (10.0, 1), (7, 2), (5.0, 0.1), (3.0, 0.7)],
)
def test_the_quota_counts_as_its_general_steps_do(window: float, bucket: float) -> None:
    rng = random.Random(f"{SEED}-{window}-{bucket}")
    for trial in range(150):
        most = rng.choice([3, 10, 100, 10**9])
        quota, ref, clock = (
            RollingQuota(most, window, bucket),
            _Reference(most, window, bucket),
            _SetClock(),
        )
        now = rng.choice([0.0, 3.0, 1.7e9, 1.7e9 + 0.123456, 2.0**52 - 50, 1e16])
        for step in range(150):
            k = rng.random()
            if k < 0.6:
                now += rng.random() * bucket * 0.3
            elif k < 0.7:
                now += rng.choice([bucket, window, window + bucket, bucket * 3])
            elif k < 0.75:
                now -= rng.random() * bucket * 2
            elif k < 0.8:
                now = float(int(now))
            clock.at = now
            where = f"seed {SEED}, window {window}, bucket {bucket}, trial {trial}, step {step}"
            if rng.random() < 0.05:
                ref.expire(now)
                assert quota.used(clock) == ref.used, where
            else:
                n = rng.choice([1, 1, 1, 2, 0])
                assert quota.try_consume(clock, n) == ref.try_consume(now, n), where
            assert quota.counted == ref.used, where
            assert [list(b) for b in quota._buckets] == [list(b) for b in ref.buckets], where


def test_a_spent_quota_refuses_until_its_oldest_bucket_leaves_the_window() -> None:
    quota, clock = RollingQuota(3, 10.0, 1.0), _SetClock()
    clock.at = 1.7e9
    assert [quota.try_consume(clock) for _ in range(4)] == [True, True, True, False]
    clock.at += 10.5
    assert not quota.try_consume(clock)  # the first bucket ends 11 s after it began
    clock.at += 0.5
    assert quota.try_consume(clock)
    assert quota.counted == 1


def test_the_token_bucket_refills_at_its_rate_up_to_its_burst() -> None:
    bucket, clock = TokenBucket(rate=2.0, burst=3.0), _SetClock()
    clock.at = 1.7e9
    assert [bucket.try_take(clock) for _ in range(4)] == [True, True, True, False]
    clock.at += 0.25  # half a token
    assert not bucket.try_take(clock)
    clock.at += 0.25
    assert bucket.try_take(clock) and not bucket.try_take(clock)
    clock.at += 100.0  # refilled, never beyond the burst
    assert [bucket.try_take(clock) for _ in range(4)] == [True, True, True, False]
    assert bucket.retry_after() == pytest.approx(0.5)
