"""Replay ids numbered per channel, as Salesforce numbers them.

Salesforce: "The ID is unique for the org and the channel" (Streaming API guide, durability),
so ``/data/OpportunityChangeEvent``, ``/data/ChangeEvents`` and each ``/event/X__e`` count
on their own: one change has one id on its object's channel and another on
``/data/ChangeEvents``. Ids are handed out when the engine publishes the event, in commit
order, and kept for as many events per channel as the engine retains.
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable

from simulators.engine import Event, Tenant

from .._cdc import channel_for
from .._state import state_of

ALL_CHANGES = "/data/ChangeEvents"
_RECORD_OPS = frozenset({"create", "update", "delete", "undelete"})


class ChannelReplayIds:
    """Per channel, the replay id each retained event has on it."""

    def __init__(self, keep: int, gaps: bool = False) -> None:
        self.keep = max(1, keep)
        self.gaps = gaps
        self._last: dict[str, int] = {}
        # channel -> {event seq: replay id}, oldest first (an OrderedDict drops its oldest in
        # constant time; a dict's first key is found past every key deleted before it)
        self._ids: dict[str, OrderedDict[int, int]] = {}

    def assign(self, channel: str, seq: int) -> int:
        """The event's replay id on ``channel``, handed out on first ask (idempotent)."""
        ids = self._ids.get(channel)
        if ids is None:
            ids = self._ids[channel] = OrderedDict()
        rid = ids.get(seq)
        if rid is None:
            step = 1 + zlib.crc32(f"{channel}/{seq}".encode()) % 7 if self.gaps else 1
            rid = ids[seq] = self._last.get(channel, 0) + step
            self._last[channel] = rid
            if len(ids) > self.keep:
                ids.popitem(last=False)
        return rid

    def id_of(self, channel: str, seq: int) -> int | None:
        ids = self._ids.get(channel)
        return ids.get(seq) if ids is not None else None

    def last(self, channel: str) -> int:
        """The newest replay id handed out on ``channel`` (0 before the first event)."""
        return self._last.get(channel, 0)

    def on_publish(self, ev: Event) -> None:
        """Number a just-published event on every channel that carries it."""
        if ev.op in _RECORD_OPS:
            own = channel_for(ev.record_type)
            self.assign(own, ev.seq)
            self.assign(ALL_CHANGES, ev.seq)
        else:
            channel = ev.channel
            if channel:
                self.assign(channel, ev.seq)


def replay_ids_of(
    tenant: Tenant,
    keep: int,
    retained: Callable[[], Iterable[Event]] | None = None,
    gaps: bool = False,
) -> ChannelReplayIds:
    """The tenant's per-channel numbering, created on first use by numbering the events still
    retained, in order: a simulator restarted on its data directory reads them back, so
    the replay ids a client saw before the restart stay valid."""
    state = state_of(tenant)
    ids = state.replay_ids
    if ids is None:
        ids = state.replay_ids = ChannelReplayIds(keep, gaps)
        for ev in retained() if retained is not None else ():
            ids.on_publish(ev)
    return ids
