"""Change events: one per committed change, kept per tenant and pushed to webhook subscribers.

Delivery is at least once and in order per record: each subscription has its own worker
(``_delivery``) that retries on the vendor's schedule and turns an event it gives up on
into a dead letter, never silently lost. With a persistent tenant the event log, the
subscriptions, what each subscription is still owed and the dead letters live in the
tenant's database (``_outbox``) and survive a crash. Delivery faults (delay, duplicate,
reorder, drop) are drawn from a seeded random per subscription so a run repeats.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import random
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
import orjson

from ._delivery import DeadLetter, DeliveryRecord, RetryPolicy, Subscription, run_worker
from ._errors import ConfigError
from ._outbox import Outbox

if TYPE_CHECKING:
    from ._store import RecordStore

log = logging.getLogger("simulators.events")

_new_object = object.__new__
_wall_clock = time.time


class Event:
    """A change event in the dialect's shape, with the replay id it was given.

    The payload may be built lazily (``make``) on first access: most events are never
    read, and formatting them on the write path would cost every write.
    """

    __slots__ = (
        "_args",
        "_channel",
        "_make",
        "_payload",
        "at",
        "op",
        "published",
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
        published: float | None = None,
    ) -> None:
        self.published = time.time() if published is None else published  # wall clock
        self.seq = seq
        self.tenant = tenant
        self.record_type = record_type
        self.record_id = record_id
        self.op = op
        self.at = at
        self._payload = payload
        self._channel = channel
        self._make = make
        self._args: tuple[Any, ...] | None = None

    def _build(self) -> None:
        make, args = self._make, self._args
        made = None if make is None else make() if args is None else make(*args)
        self._make = self._args = None  # what it was built from is no longer held
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


def change_event_of(
    seq: int,
    tenant: str,
    record_type: str,
    record_id: str,
    op: str,
    at: float,
    make: Callable[..., tuple[str, dict[str, Any]] | None],
    args: tuple[Any, ...],
) -> Event:
    """A record's change event, published now, its payload built on first read by
    ``make(*args)`` (one per write: no partial object, no keyword handling)."""
    ev: Event = _new_object(Event)
    ev.published = _wall_clock()
    ev.seq = seq
    ev.tenant = tenant
    ev.record_type = record_type
    ev.record_id = record_id
    ev.op = op
    ev.at = at
    ev._payload = None
    ev._channel = ""
    ev._make = make
    ev._args = args
    return ev


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


_SPEC_KEYS = frozenset(
    {
        "id",
        "url",
        "tenant",
        "types",
        "ops",
        "headers",
        "faults",
        "timeout",
        "max_attempts",
        "backoff_base",
        "backoff_max",
        "max_age_seconds",
    }
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
        max_dead_letters: int = 10_000,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.retention = retention
        self.allow_remote = allow_remote
        self.ca_bundle = ca_bundle
        self.policy = policy or RetryPolicy()
        self.max_dead_letters = max_dead_letters
        self._events: dict[str, deque[Event]] = {}
        self.subscriptions: dict[str, Subscription] = {}
        self.deliveries: deque[DeliveryRecord] = deque(maxlen=max_deliveries)
        # oldest first: the oldest is dropped in constant time when too many are kept
        self.dead: OrderedDict[tuple[str, str, int], DeadLetter] = OrderedDict()
        self.listeners: list[Callable[[Event], None]] = []
        self._outboxes: dict[str, Outbox] = {}
        #: a dialect's own webhook body (e.g. a SOAP envelope) as (body, headers); None: JSON
        self.render: Callable[[Event], tuple[bytes, dict[str, str]] | None] | None = None
        self._client: httpx.AsyncClient | None = None
        self._next_sub = 0
        self._running = False

    # -- persistence -----------------------------------------------------------------

    def attach_store(self, tenant: str, store: RecordStore) -> None:
        """Keep ``tenant``'s events in its database when it is a file; reload what is there."""
        if store.path is None:
            return
        ob = Outbox(store.conn, self.retention)
        self._outboxes[tenant] = ob
        ring = self._ring(tenant)
        for row in ob.recent_events():
            ring.append(_event_from_row(tenant, row))

    def restore(self) -> None:
        """Bring back the persisted subscriptions, what they are owed and their dead letters.

        Called once all persisted tenants are attached (a subscription spanning tenants is
        stored with the default tenant but owed events of every tenant).
        """
        for ob in self._outboxes.values():
            for spec in ob.subscriptions():
                try:
                    self._add_subscription(spec, persist=False)
                except ConfigError as exc:
                    log.warning("persisted subscription %s not restored: %s", spec.get("id"), exc)
        for tenant, ob in self._outboxes.items():
            by_seq = {ev.seq: ev for ev in self._events.get(tenant, ())}
            for sub_id, seq in list(ob.pending()):
                sub = self.subscriptions.get(sub_id)
                ev = by_seq.get(seq) or self._load_event(tenant, ob, seq)
                if sub is None or ev is None:
                    ob.settle(sub_id, seq)
                    continue
                sub.ready.append(ev)
            for sub_id, seq, info, event in ob.dead():
                if sub_id not in self.subscriptions:
                    continue
                rec = DeliveryRecord(**{k: info[k] for k in DeliveryRecord.__slots__ if k in info})
                ev = Event(
                    seq,
                    tenant,
                    event["record_type"],
                    event["record_id"],
                    event["op"],
                    event["at"],
                    event["payload"],
                    event["channel"],
                    published=event.get("published"),
                )
                dl = DeadLetter(rec, ev, float(info.get("dead_at") or time.time()))
                self.dead[dl.key] = dl

    def _load_event(self, tenant: str, ob: Outbox, seq: int) -> Event | None:
        row = ob.event(seq)
        return _event_from_row(tenant, row) if row is not None else None

    def _outbox_for_subscription(self, sub: Subscription) -> Outbox | None:
        return self._outboxes.get(sub.tenant or "default")

    def resync(self, tenant: str) -> None:
        """After a snapshot restore replaced the tenant's tables: write back the live state."""
        ob = self._outboxes.get(tenant)
        if ob is None:
            return
        ob.conn.executescript(
            "DELETE FROM sim_subscriptions; DELETE FROM sim_pending; DELETE FROM sim_dead;"
        )
        for sub in self.subscriptions.values():
            if self._outbox_for_subscription(sub) is ob:
                ob.save_subscription(sub.id, sub.spec)
            for ev in [*sub.ready, *(p.ev for c in sub.chains.values() for p in c)]:
                if ev.tenant == tenant:
                    self._persist_event(ob, ev, [sub.id])
        for dl in self.dead.values():
            if dl.event.tenant == tenant:
                ob.add_dead(
                    dl.record.subscription, dl.event.seq, _dead_info(dl), _event_dict(dl.event)
                )

    # -- events ----------------------------------------------------------------------

    def _ring(self, tenant: str) -> deque[Event]:
        ring = self._events.get(tenant)
        if ring is None:
            ring = self._events[tenant] = deque(maxlen=self.retention)
        return ring

    def publish(self, ev: Event) -> None:
        subs = self.subscriptions
        if not subs and not self._outboxes:
            # no subscriber and nothing persisted (the usual case): nothing to match, queue,
            # build or store
            ring = self._events.get(ev.tenant)
            if ring is None:
                ring = self._ring(ev.tenant)
            ring.append(ev)
            for listener in self.listeners:
                listener(ev)
            return
        owed = [s for s in subs.values() if s.wants(ev)] if subs else []
        ob = self._outboxes.get(ev.tenant) if self._outboxes else None
        if ob is not None:
            self._persist_event(ob, ev, [s.id for s in owed])
        ring = self._events.get(ev.tenant)
        if ring is None:
            ring = self._ring(ev.tenant)
        ring.append(ev)
        for listener in self.listeners:
            listener(ev)
        for sub in owed:
            sub.enqueue(ev)

    @staticmethod
    def _persist_event(ob: Outbox, ev: Event, owed_to: list[str]) -> None:
        payload = ev.payload
        ob.add_event(
            ev.seq,
            ev.record_type,
            ev.record_id,
            ev.op,
            ev.at,
            ev.published,
            ev.channel,
            payload,
            owed_to,
        )

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

    def drop_tenant(self, tenant: str, *, forget: bool = False) -> None:
        """Forget the tenant's events (reset); ``forget`` also detaches its database (delete)."""
        self._events.pop(tenant, None)
        for sub in self.subscriptions.values():
            sub.forget_tenant(tenant)
        for key in [k for k in self.dead if k[1] == tenant]:
            del self.dead[key]
        ob = self._outboxes.pop(tenant, None) if forget else self._outboxes.get(tenant)
        if ob is not None and not forget:
            ob.clear_events()

    # -- subscriptions ---------------------------------------------------------------

    def subscribe(self, m: dict[str, Any]) -> Subscription:
        sub = self._add_subscription(m, persist=True)
        self._start(sub)
        return sub

    def _add_subscription(self, m: dict[str, Any], *, persist: bool) -> Subscription:
        if not isinstance(m, dict) or not isinstance(m.get("url"), str):
            raise ConfigError('a subscription needs {"url": "http://HOST:PORT/path", ...}')
        unknown = set(m) - _SPEC_KEYS
        if unknown:
            raise ConfigError(
                f"unknown subscription settings {sorted(unknown)}",
                hint=f"allowed: {sorted(_SPEC_KEYS)}",
            )
        check_webhook_url(m["url"], self.allow_remote)
        types = m.get("types")
        ops = m.get("ops")
        faults = DeliveryFaults.from_mapping(m.get("faults"))
        policy = self.policy.with_overrides(m)
        sub_id = str(m.get("id") or "")
        if not sub_id:
            self._next_sub += 1
            sub_id = f"sub-{self._next_sub}"
            while sub_id in self.subscriptions:
                self._next_sub += 1
                sub_id = f"sub-{self._next_sub}"
        elif sub_id.startswith("sub-") and sub_id[4:].isdigit():
            self._next_sub = max(self._next_sub, int(sub_id[4:]))
        try:
            sub = Subscription(
                id=sub_id,
                url=m["url"],
                tenant=m.get("tenant"),
                types=frozenset(types) if types else None,
                ops=frozenset(ops) if ops else None,
                headers={str(k): str(v) for k, v in (m.get("headers") or {}).items()},
                faults=faults,
                policy=policy,
                timeout=float(m.get("timeout", 10.0)),
                spec={**m, "id": sub_id},
            )
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"invalid subscription: {exc}") from None
        sub.rng = random.Random(faults.seed)
        old = self.subscriptions.get(sub_id)
        if old is not None and (old.url, old.tenant, old.types, old.ops) == (
            sub.url,
            sub.tenant,
            sub.types,
            sub.ops,
        ):
            # the same subscriber registering again (e.g. after its own restart): it keeps
            # what it is owed and its dead letters; only its settings change
            old.headers, old.faults, old.policy = sub.headers, sub.faults, sub.policy
            old.timeout, old.spec, old.rng = sub.timeout, sub.spec, sub.rng
            sub = old
        elif old is not None:
            self.unsubscribe(sub_id)
        self.subscriptions[sub.id] = sub
        if persist:
            ob = self._outbox_for_subscription(sub)
            if ob is not None:
                ob.save_subscription(sub.id, sub.spec)
        return sub

    def _start(self, sub: Subscription) -> None:
        if sub.task is None:
            sub.task = asyncio.get_running_loop().create_task(run_worker(self, sub))

    def start(self) -> None:
        """Start the workers of restored subscriptions (on the server's event loop)."""
        self._running = True
        for sub in self.subscriptions.values():
            self._start(sub)

    def set_faults(self, sub_id: str, m: dict[str, Any] | None) -> Subscription:
        sub = self.subscriptions.get(sub_id)
        if sub is None:
            raise ConfigError(f"no subscription {sub_id!r}")
        sub.faults = DeliveryFaults.from_mapping(m)
        sub.rng = random.Random(sub.faults.seed)
        sub.spec["faults"] = sub.faults.to_dict()
        ob = self._outbox_for_subscription(sub)
        if ob is not None:
            ob.save_subscription(sub.id, sub.spec)
        return sub

    def unsubscribe(self, sub_id: str) -> bool:
        sub = self.subscriptions.pop(sub_id, None)
        if sub is None:
            return False
        if sub.task is not None:
            sub.task.cancel()
        for key in [k for k in self.dead if k[0] == sub_id]:
            del self.dead[key]
        for ob in self._outboxes.values():
            ob.delete_subscription(sub_id)
        return True

    async def close(self) -> None:
        """Stop delivering; what is still owed stays in the tenants' databases."""
        for sub in list(self.subscriptions.values()):
            if sub.task is not None:
                sub.task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await sub.task
                sub.task = None
        self.subscriptions.clear()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def pending(self) -> int:
        return sum(s.pending() for s in self.subscriptions.values())

    # -- what the workers report -----------------------------------------------------

    def http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(verify=self.ca_bundle or True, trust_env=False)
        return self._client

    def record(self, rec: DeliveryRecord) -> None:
        self.deliveries.append(rec)

    def settled(self, sub: Subscription, ev: Event) -> None:
        ob = self._outboxes.get(ev.tenant)
        if ob is not None:
            ob.settle(sub.id, ev.seq)

    def dead_letter(self, sub: Subscription, dl: DeadLetter) -> None:
        self.dead[dl.key] = dl
        while len(self.dead) > self.max_dead_letters:
            oldest, gone = self.dead.popitem(last=False)
            log.warning("dead letter %s dropped: more than %d kept", oldest, self.max_dead_letters)
            ob = self._outboxes.get(gone.event.tenant)
            if ob is not None:
                ob.conn.execute(
                    "DELETE FROM sim_dead WHERE sub_id = ? AND seq = ?", (oldest[0], oldest[2])
                )
        ob = self._outboxes.get(dl.event.tenant)
        if ob is not None:
            ob.add_dead(sub.id, dl.event.seq, _dead_info(dl), _event_dict(dl.event))

    def dead_letters(
        self, subscription: str | None = None, tenant: str | None = None
    ) -> list[DeadLetter]:
        return [
            dl
            for dl in self.dead.values()
            if (subscription is None or dl.record.subscription == subscription)
            and (tenant is None or dl.event.tenant == tenant)
        ]

    def redeliver(self, letters: list[DeadLetter]) -> int:
        """Queue dead letters again with a fresh set of attempts; returns how many."""
        n = 0
        for dl in letters:
            sub = self.subscriptions.get(dl.record.subscription)
            if sub is None or self.dead.pop(dl.key, None) is None:
                continue
            ob = self._outboxes.get(dl.event.tenant)
            if ob is not None:
                if ob.event(dl.event.seq) is None:
                    self._persist_event(ob, dl.event, [])
                ob.revive(sub.id, dl.event.seq)
            dl.event.published = time.time()  # the retry window starts again
            sub.enqueue(dl.event)
            n += 1
        return n


def _event_from_row(tenant: str, row: tuple[Any, ...]) -> Event:
    seq, record_type, record_id, op, at, published, channel, payload = row
    return Event(
        int(seq),
        tenant,
        record_type,
        record_id,
        op,
        float(at),
        channel=channel,
        make=lambda: (channel, orjson.loads(payload)),
        published=float(published),
    )


def _event_dict(ev: Event) -> dict[str, Any]:
    return {**ev.to_dict(), "published": ev.published}


def _dead_info(dl: DeadLetter) -> dict[str, Any]:
    return {**dl.record.to_dict(), "dead_at": dl.dead_at}
