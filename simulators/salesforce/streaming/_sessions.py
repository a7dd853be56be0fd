"""Per-tenant streaming state: CometD client sessions and their delivery queues.

Each client has a bounded queue of Bayeux messages. Delivery faults (drop, duplicate,
reorder, delay) are applied as an event enters the queue; a client whose queue is full
gets GAP events instead of change events, and a held /meta/connect is woken on arrival.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from simulators.engine import DeliveryFaults, Tenant

from .._state import state_of
from ._channels import gap_message

_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_REORDER_HOLD_S = 0.05


def new_client_id() -> str:
    """A CometD client id shaped like Salesforce's (lower-case base 36)."""
    n = secrets.randbits(130)
    out = []
    while n:
        n, r = divmod(n, 36)
        out.append(_B36[r])
    return "".join(out)[:26].rjust(26, "0")


@dataclass(slots=True)
class StreamingClient:
    """One CometD client session (a handshake's client id)."""

    id: str
    tenant: str
    version: int
    last_seen: float = field(default_factory=time.monotonic)
    connected: bool = False
    subscriptions: dict[str, int] = field(default_factory=dict)  # channel -> replay option
    queue: deque[dict[str, Any]] = field(default_factory=deque)
    waiter: asyncio.Future[None] | None = None
    held: dict[str, Any] | None = None  # a message held back by the reorder fault
    stats: dict[str, int] = field(
        default_factory=lambda: {
            "delivered": 0,
            "dropped": 0,
            "duplicated": 0,
            "reordered": 0,
            "delayed": 0,
            "gaps": 0,
            "overflow_dropped": 0,
        }
    )

    def wake(self) -> None:
        fut = self.waiter
        if fut is None or fut.done():
            return
        loop = fut.get_loop()
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            fut.set_result(None)
        else:
            loop.call_soon_threadsafe(_resolve, fut)

    def take(self, limit: int) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        while self.queue and len(out) < limit:
            out.append(self.queue.popleft())
        self.stats["delivered"] += len(out)
        return out

    def to_dict(self, now: float) -> dict[str, Any]:
        return {
            "client_id": self.id,
            "api_version": f"{self.version}.0",
            "subscriptions": dict(self.subscriptions),
            "pending": len(self.queue),
            "connect_held": self.waiter is not None and not self.waiter.done(),
            "idle_seconds": round(now - self.last_seen, 3),
            "stats": dict(self.stats),
        }


def _resolve(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


class TenantStreams:
    """A tenant's CometD clients and the delivery faults applied to them."""

    def __init__(self, buffer: int, faults: DeliveryFaults) -> None:
        self.clients: dict[str, StreamingClient] = {}
        self.buffer = max(1, buffer)
        self.faults = faults
        self.rng = random.Random(faults.seed)

    def set_faults(self, faults: DeliveryFaults) -> None:
        self.faults = faults
        self.rng = random.Random(faults.seed)

    def expire(self, now: float, reconnect_timeout: float) -> None:
        """Drop clients that neither hold a connect nor came back in time."""
        for cid, c in list(self.clients.items()):
            holding = c.waiter is not None and not c.waiter.done()
            if not holding and now - c.last_seen > reconnect_timeout:
                del self.clients[cid]

    def remove(self, client_id: str) -> StreamingClient | None:
        c = self.clients.pop(client_id, None)
        if c is not None:
            c.wake()
        return c

    # -- delivery with faults --------------------------------------------------------

    def deliver(self, client: StreamingClient, msg: dict[str, Any]) -> None:
        f, rng = self.faults, self.rng
        if f.drop and rng.random() * 100 < f.drop:
            client.stats["dropped"] += 1
            return
        loop = _running_loop()
        copies = 1
        if f.duplicate and rng.random() * 100 < f.duplicate:
            client.stats["duplicated"] += 1
            copies = 2
        if f.delay_ms and loop is not None and rng.random() * 100 < f.delay_percentage:
            client.stats["delayed"] += 1
            for _ in range(copies):
                loop.call_later(f.delay_ms / 1000.0, self._ordered, client, msg, False)
            return
        reorder = bool(f.reorder) and loop is not None and rng.random() * 100 < f.reorder
        for i in range(copies):
            self._ordered(client, msg, reorder and i == 0)

    def _ordered(self, client: StreamingClient, msg: dict[str, Any], hold: bool) -> None:
        if hold and client.held is None:
            client.held = msg
            client.stats["reordered"] += 1
            loop = _running_loop()
            if loop is not None:
                loop.call_later(_REORDER_HOLD_S, self._release_held, client, msg)
            return
        self._push(client, msg)
        self._release_held(client, None)

    def _release_held(self, client: StreamingClient, expected: dict[str, Any] | None) -> None:
        held = client.held
        if held is None or (expected is not None and held is not expected):
            return
        client.held = None
        self._push(client, held)

    def _push(self, client: StreamingClient, msg: dict[str, Any]) -> None:
        if client.id not in self.clients:
            return
        if len(client.queue) >= self.buffer:
            gap = gap_message(msg)
            if gap is None or len(client.queue) >= self.buffer * 11:
                client.stats["overflow_dropped"] += 1
            else:
                client.stats["gaps"] += 1
                client.queue.append(gap)
        else:
            client.queue.append(msg)
        client.wake()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    with contextlib.suppress(RuntimeError):
        return asyncio.get_running_loop()
    return None


def streams_of(tenant: Tenant, buffer: int, faults: dict[str, Any]) -> TenantStreams:
    """The tenant's streaming state, created on first use (dropped with the tenant's state)."""
    state = state_of(tenant)
    if state.streams is None:
        state.streams = TenantStreams(buffer, DeliveryFaults.from_mapping(faults))
    return state.streams
