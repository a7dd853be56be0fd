"""Replay ids numbered per channel, as Salesforce numbers them.

Salesforce: "The ID is unique for the org and the channel" (Streaming API guide, durability),
so ``/data/OpportunityChangeEvent``, ``/data/ChangeEvents`` and each ``/event/X__e`` count
on their own: one change has one id on its object's channel and another on
``/data/ChangeEvents``. Ids follow publication (commit) order and are kept for as many
events per channel as the engine retains. They are worked out on the first question asked
of them (or once as many events as are retained wait), a batch at a time: most writes are
never streamed, and numbering each on its way out cost more than the rest of its event.
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
        # published events not numbered yet, oldest first
        self._pending: list[Event] = []

    def _ids_on(self, channel: str) -> OrderedDict[int, int]:
        ids = self._ids.get(channel)
        if ids is None:
            ids = self._ids[channel] = OrderedDict()
        return ids

    def _step(self, channel: str, seq: int) -> int:
        return 1 + zlib.crc32(f"{channel}/{seq}".encode()) % 7 if self.gaps else 1

    def _number_pending(self) -> None:
        """Number the waiting events: per channel in publication order, as ``assign`` would."""
        pending, self._pending = self._pending, []
        by_channel: dict[str, list[int]] = {}
        own: dict[str, str] = {}
        for ev in pending:
            if ev.op in _RECORD_OPS:
                channel = own.get(ev.record_type)
                if channel is None:
                    channel = own[ev.record_type] = channel_for(ev.record_type)
                by_channel.setdefault(channel, []).append(ev.seq)
                by_channel.setdefault(ALL_CHANGES, []).append(ev.seq)
            elif ev.channel:
                by_channel.setdefault(ev.channel, []).append(ev.seq)
        for channel, seqs in by_channel.items():
            ids = self._ids_on(channel)
            last = self._last.get(channel, 0)
            for seq in seqs:
                if seq not in ids:  # a platform event's id is handed out as it is built
                    last += self._step(channel, seq)
                    ids[seq] = last
            self._last[channel] = last
            while len(ids) > self.keep:
                ids.popitem(last=False)

    def assign(self, channel: str, seq: int) -> int:
        """The event's replay id on ``channel``, handed out on first ask (idempotent)."""
        if self._pending:
            self._number_pending()
        ids = self._ids.get(channel)
        if ids is None:
            ids = self._ids[channel] = OrderedDict()
        rid = ids.get(seq)
        if rid is None:
            rid = ids[seq] = self._last.get(channel, 0) + self._step(channel, seq)
            self._last[channel] = rid
            if len(ids) > self.keep:
                ids.popitem(last=False)
        return rid

    def id_of(self, channel: str, seq: int) -> int | None:
        if self._pending:
            self._number_pending()
        ids = self._ids.get(channel)
        return ids.get(seq) if ids is not None else None

    def last(self, channel: str) -> int:
        """The newest replay id handed out on ``channel`` (0 before the first event)."""
        if self._pending:
            self._number_pending()
        return self._last.get(channel, 0)

    def on_publish(self, ev: Event) -> None:
        """Take a just-published event into the numbering of every channel that carries it."""
        pending = self._pending
        pending.append(ev)
        if len(pending) >= self.keep:  # never hold more than the engine retains
            self._number_pending()


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
