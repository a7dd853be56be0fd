"""Change events: one per committed change, kept per tenant and pushed to webhook subscribers.

Delivery is at least once and in order per subscription (hence per record): each
subscription has its own queue and worker, retries with exponential backoff and jitter,
and gives up after ``max_attempts`` (the event is then marked failed, never silently
lost). Delivery faults (delay, duplicate, reorder, drop) are drawn from a seeded random
per subscription so a run repeats.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import random
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from ._errors import ConfigError


class Event:
    """A change event in the dialect's shape, with the replay id it was given.

    The payload may be built lazily (``make``) on first access: most events are never
    read, and formatting them on the write path would cost every write.
    """

    __slots__ = (
        "_channel",
        "_make",
        "_payload",
        "at",
        "op",
        "record_id",
        "record_type",
        "seq",
        "tenant",
    )

    def __init__(
        self,
        seq: int,
        tenant: str,
        record_type: str,
        record_id: str,
        op: str,
        at: float,
        payload: dict[str, Any] | None = None,
        channel: str = "",
        make: Callable[[], tuple[str, dict[str, Any]] | None] | None = None,
    ) -> None:
        self.seq = seq
        self.tenant = tenant
        self.record_type = record_type
        self.record_id = record_id
        self.op = op
        self.at = at
        self._payload = payload
        self._channel = channel
        self._make = make

    def _build(self) -> None:
        made = self._make() if self._make is not None else None
        self._make = None
        self._channel, self._payload = made if made is not None else (self._channel, {})

    @property
    def payload(self) -> dict[str, Any]:
        if self._payload is None:
            self._build()
        assert self._payload is not None
        return self._payload

    @property
    def channel(self) -> str:
        if self._payload is None and self._make is not None:
            self._build()
        return self._channel

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "tenant": self.tenant,
            "record_type": self.record_type,
            "record_id": self.record_id,
            "op": self.op,
            "at": self.at,
            "channel": self.channel,
            "payload": self.payload,
        }


@dataclass(slots=True)
class DeliveryFaults:
    """Percentages (0-100) of events to drop, duplicate or reorder; a delay for all or some."""

    delay_ms: float = 0.0
    delay_percentage: float = 100.0
    duplicate: float = 0.0
    reorder: float = 0.0
    drop: float = 0.0
    seed: int = 0

    @classmethod
    def from_mapping(cls, m: dict[str, Any] | None) -> DeliveryFaults:
        if not m:
            return cls()
        unknown = set(m) - set(cls.__slots__)
        if unknown:
            raise ConfigError(
                f"unknown delivery fault settings {sorted(unknown)}",
                hint=f"allowed: {sorted(cls.__slots__)}",
            )
        try:
            f = cls(seed=int(m.get("seed", 0)))
            for k, v in m.items():
                if k != "seed":
                    setattr(f, k, float(v))
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"invalid delivery faults: {exc}") from None
        for name in ("duplicate", "reorder", "drop", "delay_percentage"):
            if not 0.0 <= getattr(f, name) <= 100.0:
                raise ConfigError(f"delivery fault {name} must be a percentage between 0 and 100")
        return f

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}


@dataclass(slots=True)
class DeliveryRecord:
    id: str
    subscription: str
    event_seq: int
    record_id: str
    status: str = "pending"  # pending | delivered | failed | dropped
    attempts: int = 0
    last_status: int | None = None
    last_error: str = ""
    duplicate: bool = False
    delivered_at: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}


@dataclass(slots=True)
class Subscription:
    id: str
    url: str
    tenant: str | None = None
    types: frozenset[str] | None = None  # record types; None = all
    ops: frozenset[str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    faults: DeliveryFaults = field(default_factory=DeliveryFaults)
    max_attempts: int = 8
    backoff_base: float = 0.2
    backoff_max: float = 10.0
    timeout: float = 10.0
    queue: asyncio.Queue[Event] | None = None
    task: asyncio.Task[None] | None = None
    rng: random.Random = field(default_factory=random.Random)
    stats: dict[str, int] = field(
        default_factory=lambda: {
            "delivered": 0,
            "failed": 0,
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

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "tenant": self.tenant,
            "types": sorted(self.types) if self.types is not None else None,
            "ops": sorted(self.ops) if self.ops is not None else None,
            "faults": self.faults.to_dict(),
            "max_attempts": self.max_attempts,
            "pending": self.queue.qsize() if self.queue else 0,
            "stats": dict(self.stats),
        }


def check_webhook_url(url: str, allow_remote: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"webhook url {url!r} must be an absolute http(s) URL")
    if allow_remote:
        return
    host = parts.hostname
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise ConfigError(
        f"webhook url {url!r} is not on loopback",
        hint="this simulator runs with allow_remote_webhooks off: subscribers must listen on 127.0.0.1 or ::1",
    )


class EventBus:
    """Keeps recent events per tenant and delivers them to subscribers."""

    def __init__(
        self,
        *,
        retention: int = 10_000,
        allow_remote: bool = True,
        ca_bundle: str | None = None,
        max_deliveries: int = 10_000,
    ) -> None:
        self.retention = retention
        self.allow_remote = allow_remote
        self.ca_bundle = ca_bundle
        self._events: dict[str, deque[Event]] = {}
        self.subscriptions: dict[str, Subscription] = {}
        self.deliveries: deque[DeliveryRecord] = deque(maxlen=max_deliveries)
        self.listeners: list[Callable[[Event], None]] = []
        self._client: httpx.AsyncClient | None = None
        self._next_sub = 0

    # -- events ----------------------------------------------------------------------

    def publish(self, ev: Event) -> None:
        log = self._events.get(ev.tenant)
        if log is None:
            log = self._events[ev.tenant] = deque(maxlen=self.retention)
        log.append(ev)
        for listener in self.listeners:
            listener(ev)
        for sub in self.subscriptions.values():
            if sub.queue is not None and sub.wants(ev):
                sub.queue.put_nowait(ev)

    def events(
        self, tenant: str, *, after_seq: int = 0, record_type: str | None = None, limit: int = 1000
    ) -> list[Event]:
        out = []
        for ev in self._events.get(tenant, ()):
            if ev.seq > after_seq and (record_type is None or ev.record_type == record_type):
                out.append(ev)
                if len(out) >= limit:
                    break
        return out

    def drop_tenant(self, tenant: str) -> None:
        self._events.pop(tenant, None)

    # -- subscriptions ---------------------------------------------------------------

    def subscribe(self, m: dict[str, Any]) -> Subscription:
        if not isinstance(m, dict) or not isinstance(m.get("url"), str):
            raise ConfigError('a subscription needs {"url": "http://HOST:PORT/path", ...}')
        check_webhook_url(m["url"], self.allow_remote)
        self._next_sub += 1
        types = m.get("types")
        ops = m.get("ops")
        faults = DeliveryFaults.from_mapping(m.get("faults"))
        try:
            sub = Subscription(
                id=m.get("id") or f"sub-{self._next_sub}",
                url=m["url"],
                tenant=m.get("tenant"),
                types=frozenset(types) if types else None,
                ops=frozenset(ops) if ops else None,
                headers={str(k): str(v) for k, v in (m.get("headers") or {}).items()},
                faults=faults,
                max_attempts=int(m.get("max_attempts", 8)),
                backoff_base=float(m.get("backoff_base", 0.2)),
                backoff_max=float(m.get("backoff_max", 10.0)),
                timeout=float(m.get("timeout", 10.0)),
            )
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"invalid subscription: {exc}") from None
        sub.rng = random.Random(faults.seed)
        old = self.subscriptions.pop(sub.id, None)
        if old is not None and old.task is not None:
            old.task.cancel()
        sub.queue = asyncio.Queue()
        sub.task = asyncio.get_running_loop().create_task(self._worker(sub))
        self.subscriptions[sub.id] = sub
        return sub

    def set_faults(self, sub_id: str, m: dict[str, Any] | None) -> Subscription:
        sub = self.subscriptions.get(sub_id)
        if sub is None:
            raise ConfigError(f"no subscription {sub_id!r}")
        sub.faults = DeliveryFaults.from_mapping(m)
        sub.rng = random.Random(sub.faults.seed)
        return sub

    def unsubscribe(self, sub_id: str) -> bool:
        sub = self.subscriptions.pop(sub_id, None)
        if sub is None:
            return False
        if sub.task is not None:
            sub.task.cancel()
        return True

    async def close(self) -> None:
        for sub in list(self.subscriptions.values()):
            if sub.task is not None:
                sub.task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await sub.task
        self.subscriptions.clear()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def pending(self) -> int:
        return sum(s.queue.qsize() for s in self.subscriptions.values() if s.queue is not None)

    # -- delivery --------------------------------------------------------------------

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(verify=self.ca_bundle or True, trust_env=False)
        return self._client

    async def _worker(self, sub: Subscription) -> None:
        assert sub.queue is not None
        held: Event | None = None  # an event held back to be delivered after the next one
        while True:
            if held is not None and sub.queue.empty():
                # nothing to swap with: deliver the held event rather than keep it for ever
                await self._deliver_with_faults(sub, held)
                held = None
            ev = await sub.queue.get()
            f = sub.faults
            if f.drop and sub.rng.random() * 100 < f.drop:
                sub.stats["dropped"] += 1
                self.deliveries.append(
                    DeliveryRecord(uuid.uuid4().hex, sub.id, ev.seq, ev.record_id, "dropped")
                )
                continue
            if held is None and f.reorder and sub.rng.random() * 100 < f.reorder:
                held = ev
                sub.stats["reordered"] += 1
                await asyncio.sleep(0.05)  # give the next event a moment to arrive
                continue
            await self._deliver_with_faults(sub, ev)
            if held is not None:
                await self._deliver_with_faults(sub, held)
                held = None

    async def _deliver_with_faults(self, sub: Subscription, ev: Event) -> None:
        f = sub.faults
        if f.delay_ms and sub.rng.random() * 100 < f.delay_percentage:
            await asyncio.sleep(f.delay_ms / 1000.0)
        await self._deliver(sub, ev, duplicate=False)
        if f.duplicate and sub.rng.random() * 100 < f.duplicate:
            sub.stats["duplicated"] += 1
            await self._deliver(sub, ev, duplicate=True)

    async def _deliver(self, sub: Subscription, ev: Event, *, duplicate: bool) -> None:
        rec = DeliveryRecord(uuid.uuid4().hex, sub.id, ev.seq, ev.record_id, duplicate=duplicate)
        self.deliveries.append(rec)
        headers = {
            "content-type": "application/json",
            "x-correlation-id": f"evt-{ev.tenant}-{ev.seq}",
            "x-simulator-event-seq": str(ev.seq),
            "x-simulator-tenant": ev.tenant,
            **sub.headers,
        }
        delay = sub.backoff_base
        while rec.attempts < sub.max_attempts:
            rec.attempts += 1
            sub.stats["attempts"] += 1
            try:
                resp = await self._http().post(
                    sub.url, json=ev.payload, headers=headers, timeout=sub.timeout
                )
                rec.last_status = resp.status_code
                if 200 <= resp.status_code < 300:
                    rec.status = "delivered"
                    rec.delivered_at = time.time()
                    sub.stats["delivered"] += 1
                    return
                rec.last_error = f"HTTP {resp.status_code}"
            except httpx.HTTPError as exc:
                rec.last_error = f"{type(exc).__name__}: {exc}"
            await asyncio.sleep(min(sub.backoff_max, delay) * (0.5 + sub.rng.random()))
            delay *= 2
        rec.status = "failed"
        sub.stats["failed"] += 1
