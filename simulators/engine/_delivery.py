"""Webhook delivery: one worker per subscription, retries on the vendor's schedule, dead letters.

Events of one record are delivered in order. An event the subscriber refuses is parked
with its record's later events behind it and retried on the subscription's
``RetryPolicy`` while events of other records keep flowing, so one bad event never holds
the whole queue. When the policy is exhausted the event becomes a dead letter: listed by
the admin API (``GET /__admin/deliveries?status=dead``), kept across restarts with the
tenant, and sent again on ``POST /__admin/deliveries/redeliver``.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import random
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import httpx

from ._errors import ConfigError

if TYPE_CHECKING:
    from ._events import DeliveryFaults, Event, EventBus

Outcome = Literal["delivered", "retry", "dead"]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How an undeliverable event is retried before it becomes a dead letter.

    Exponential backoff with jitter from ``backoff_base`` doubling up to ``backoff_max``;
    the event is dead once ``max_attempts`` attempts failed or it is ``max_age_seconds``
    old (wall clock since it was published), whichever comes first (None: no such bound).
    """

    backoff_base: float = 0.2
    backoff_max: float = 30.0
    max_attempts: int | None = None
    max_age_seconds: float | None = 3600.0
    source: str = "engine default: the vendor documents no push retry schedule"

    def __post_init__(self) -> None:
        if self.max_attempts is None and self.max_age_seconds is None:
            raise ConfigError("a retry policy needs max_attempts or max_age_seconds")
        if self.backoff_base <= 0 or self.backoff_max < self.backoff_base:
            raise ConfigError("backoff_base must be > 0 and backoff_max at least backoff_base")
        if self.max_attempts is not None and self.max_attempts < 1:
            raise ConfigError("max_attempts must be at least 1")

    def delay(self, attempts: int, rng: random.Random) -> float:
        base = min(self.backoff_max, self.backoff_base * 2.0 ** min(attempts - 1, 60))
        return base * (0.5 + rng.random())

    def exhausted(self, attempts: int, age: float) -> bool:
        if self.max_attempts is not None and attempts >= self.max_attempts:
            return True
        return self.max_age_seconds is not None and age >= self.max_age_seconds

    def with_overrides(self, m: dict[str, Any]) -> RetryPolicy:
        """This policy with a subscription's own settings (``max_attempts`` etc.) applied."""
        kw: dict[str, Any] = {}
        try:
            for name in ("backoff_base", "backoff_max", "max_age_seconds"):
                if name in m:
                    kw[name] = None if m[name] is None else float(m[name])
            if "max_attempts" in m:
                kw["max_attempts"] = None if m["max_attempts"] is None else int(m["max_attempts"])
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"invalid retry setting: {exc}") from None
        if not kw:
            return self
        if "backoff_base" in kw and "backoff_max" not in kw:
            kw["backoff_max"] = max(self.backoff_max, kw["backoff_base"])
        if "max_attempts" in kw and "max_age_seconds" not in kw:
            kw["max_age_seconds"] = None  # an explicit attempt count is the whole bound
        return RetryPolicy(
            **{
                "backoff_base": self.backoff_base,
                "backoff_max": self.backoff_max,
                "max_attempts": self.max_attempts,
                "max_age_seconds": self.max_age_seconds,
                **kw,
                "source": "subscription settings",
            }
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "backoff_base": self.backoff_base,
            "backoff_max": self.backoff_max,
            "max_attempts": self.max_attempts,
            "max_age_seconds": self.max_age_seconds,
            "source": self.source,
        }


@dataclass(slots=True)
class DeliveryRecord:
    id: str
    subscription: str
    event_seq: int
    record_id: str
    status: str = "pending"  # pending | retrying | delivered | dead | dropped
    attempts: int = 0
    last_status: int | None = None
    last_error: str = ""
    duplicate: bool = False
    delivered_at: float | None = None
    next_attempt_at: float | None = None
    tenant: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}


@dataclass(slots=True)
class DeadLetter:
    """An event a subscription gave up on; kept until redelivered or the subscription goes."""

    record: DeliveryRecord
    event: Event
    dead_at: float

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.record.subscription, self.event.tenant, self.event.seq)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.record.to_dict(),
            "tenant": self.event.tenant,
            "record_type": self.event.record_type,
            "op": self.event.op,
            "dead_at": self.dead_at,
        }


@dataclass(slots=True)
class Pending:
    ev: Event
    rec: DeliveryRecord
    next_at: float = 0.0  # monotonic


RecordKey = tuple[str, str, str]


@dataclass(slots=True)
class Subscription:
    id: str
    url: str
    tenant: str | None = None
    types: frozenset[str] | None = None  # record types; None = all
    ops: frozenset[str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    faults: DeliveryFaults | None = None
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    timeout: float = 10.0
    spec: dict[str, Any] = field(default_factory=dict)  # what was asked for; persisted
    ready: deque[Event] = field(default_factory=deque)
    chains: dict[RecordKey, deque[Pending]] = field(default_factory=dict)
    #: (when, tie-breaker, record) of every parked chain's next try, earliest first
    due: list[tuple[float, int, RecordKey]] = field(default_factory=list)
    _ticks: int = 0
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    rng: random.Random = field(default_factory=random.Random)
    stats: dict[str, int] = field(
        default_factory=lambda: {
            "delivered": 0,
            "retried": 0,
            "dead": 0,
            "dropped": 0,
            "duplicated": 0,
            "reordered": 0,
            "attempts": 0,
        }
    )

    def wants(self, ev: Event) -> bool:
        if self.tenant is not None and ev.tenant != self.tenant:
            return False
        if self.types is not None and ev.record_type not in self.types:
            return False
        return self.ops is None or ev.op in self.ops

    def pending(self) -> int:
        return len(self.ready) + sum(len(c) for c in self.chains.values())

    def enqueue(self, ev: Event) -> None:
        self.ready.append(ev)
        self.wake.set()

    def schedule(self, key: RecordKey, at: float) -> None:
        self._ticks += 1
        heapq.heappush(self.due, (at, self._ticks, key))

    def forget_tenant(self, tenant: str) -> None:
        self.ready = deque(e for e in self.ready if e.tenant != tenant)
        for key in [k for k in self.chains if k[0] == tenant]:
            del self.chains[key]

    def to_dict(self) -> dict[str, Any]:
        assert self.faults is not None
        return {
            "id": self.id,
            "url": self.url,
            "tenant": self.tenant,
            "types": sorted(self.types) if self.types is not None else None,
            "ops": sorted(self.ops) if self.ops is not None else None,
            "faults": self.faults.to_dict(),
            "max_attempts": self.policy.max_attempts,
            "retry": self.policy.to_dict(),
            "pending": self.pending(),
            "retrying": len(self.chains),
            "stats": dict(self.stats),
        }


# -- the worker ------------------------------------------------------------------------


async def run_worker(bus: EventBus, sub: Subscription) -> None:
    """Deliver ``sub``'s events until cancelled."""
    held: Event | None = None  # an event held back to be delivered after the next one
    while True:
        await _retry_due(bus, sub)
        if sub.ready:
            ev = sub.ready.popleft()
            f = sub.faults
            assert f is not None
            if f.drop and sub.rng.random() * 100 < f.drop:
                sub.stats["dropped"] += 1
                rec = _record(sub, ev, status="dropped")
                bus.record(rec)
                bus.settled(sub, ev)
                continue
            if held is None and f.reorder and sub.rng.random() * 100 < f.reorder:
                held = ev
                sub.stats["reordered"] += 1
                if not sub.ready:
                    await asyncio.sleep(0.05)  # give the next event a moment to arrive
                continue
            await _offer(bus, sub, ev)
            if held is not None:
                await _offer(bus, sub, held)
                held = None
            continue
        if held is not None:  # nothing to swap with: deliver it rather than keep it for ever
            await _offer(bus, sub, held)
            held = None
            continue
        timeout = max(0.0, sub.due[0][0] - time.monotonic()) if sub.due else None
        sub.wake.clear()
        if sub.ready:
            continue
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(sub.wake.wait(), timeout)


def _record(
    sub: Subscription, ev: Event, *, status: str = "pending", duplicate: bool = False
) -> DeliveryRecord:
    return DeliveryRecord(
        uuid.uuid4().hex,
        sub.id,
        ev.seq,
        ev.record_id,
        status=status,
        duplicate=duplicate,
        tenant=ev.tenant,
    )


async def _offer(bus: EventBus, sub: Subscription, ev: Event, *, duplicate: bool = False) -> None:
    """First delivery of an event: behind its record's parked events, or now."""
    f = sub.faults
    assert f is not None
    if not duplicate and f.delay_ms and sub.rng.random() * 100 < f.delay_percentage:
        await asyncio.sleep(f.delay_ms / 1000.0)
    rec = _record(sub, ev, duplicate=duplicate)
    bus.record(rec)
    p = Pending(ev, rec)
    key = (ev.tenant, ev.record_type, ev.record_id)
    chain = sub.chains.get(key)
    if chain:
        chain.append(p)
        return
    outcome = await _attempt(bus, sub, p)
    if outcome == "retry":
        sub.chains[key] = deque([p])
        sub.schedule(key, p.next_at)
    elif (
        outcome == "delivered"
        and not duplicate
        and f.duplicate
        and sub.rng.random() * 100 < f.duplicate
    ):
        sub.stats["duplicated"] += 1
        await _offer(bus, sub, ev, duplicate=True)


async def _retry_due(bus: EventBus, sub: Subscription) -> None:
    """Try the head of every parked chain whose time has come (a heap: no scan of them all)."""
    while sub.due and sub.due[0][0] <= time.monotonic():
        at, _, key = heapq.heappop(sub.due)
        chain = sub.chains.get(key)
        if not chain or chain[0].next_at != at:
            continue  # the chain went (tenant reset) or was rescheduled
        while chain:
            p = chain[0]
            if await _attempt(bus, sub, p) == "retry":
                sub.schedule(key, p.next_at)
                break
            chain.popleft()
        if not chain:
            sub.chains.pop(key, None)


async def _attempt(bus: EventBus, sub: Subscription, p: Pending) -> Outcome:
    ev, rec = p.ev, p.rec
    rec.attempts += 1
    sub.stats["attempts"] += 1
    headers = {
        "content-type": "application/json",
        "x-correlation-id": f"evt-{ev.tenant}-{ev.seq}",
        "x-simulator-event-seq": str(ev.seq),
        "x-simulator-tenant": ev.tenant,
        **sub.headers,
    }
    rendered = bus.render(ev) if bus.render is not None else None
    if rendered is not None:  # the dialect's own body, e.g. Workday's SOAP notification
        headers.update(rendered[1])
        headers.update(sub.headers)
    try:
        if rendered is not None:
            resp = await bus.http().post(
                sub.url, content=rendered[0], headers=headers, timeout=sub.timeout
            )
        else:
            resp = await bus.http().post(
                sub.url, json=ev.payload, headers=headers, timeout=sub.timeout
            )
        rec.last_status = resp.status_code
        if 200 <= resp.status_code < 300:
            rec.status = "delivered"
            rec.delivered_at = time.time()
            rec.next_attempt_at = None
            sub.stats["delivered"] += 1
            if not rec.duplicate:
                bus.settled(sub, ev)
            return "delivered"
        rec.last_error = f"HTTP {resp.status_code}"
    except httpx.HTTPError as exc:
        rec.last_error = f"{type(exc).__name__}: {exc}"
    if sub.policy.exhausted(rec.attempts, time.time() - ev.published):
        rec.status = "dead"
        rec.next_attempt_at = None
        sub.stats["dead"] += 1
        if not rec.duplicate:
            bus.dead_letter(sub, DeadLetter(rec, ev, time.time()))
        return "dead"
    wait = sub.policy.delay(rec.attempts, sub.rng)
    rec.status = "retrying"
    rec.next_attempt_at = time.time() + wait
    p.next_at = time.monotonic() + wait
    sub.stats["retried"] += 1
    return "retry"
