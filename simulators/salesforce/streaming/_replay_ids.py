"""Replay ids numbered per channel, as Salesforce numbers them.

Salesforce: "The ID is unique for the org and the channel" (Streaming API guide, durability),
so ``/data/OpportunityChangeEvent``, ``/data/ChangeEvents`` and each ``/event/X__e`` count
on their own: one change has one id on its object's channel and another on
``/data/ChangeEvents``. Ids follow publication (commit) order and are kept for as many
events per channel as the engine retains. They are worked out on the first question asked
of them (or once 256 events wait), a batch at a time: most writes are
never streamed, and numbering each on its way out cost more than the rest of its event.
"""

from __future__ import annotations

import zlib
from bisect import bisect_left
from collections.abc import Callable, Iterable
from itertools import pairwise

from simulators.engine import Event, Tenant

from .._cdc import channel_for
from .._state import state_of

ALL_CHANGES = "/data/ChangeEvents"
_RECORD_OPS = frozenset({"create", "update", "delete", "undelete"})


#: events numbered at a time at most: the numbering of a batch runs inside one request, so a
#: batch as large as the retention (10,000 events) would hold that request for milliseconds
_BATCH = 256
#: positions left behind by evictions before a channel's lists are compacted
_COMPACT = 1024


class _Channel:
    """One channel's replay ids, oldest first: event seqs and their ids in parallel lists.

    Kept in the order ids were handed out; evicting the oldest moves ``start``, and the lists
    are cut only once as many positions are left behind as stay (a copy of the kept part,
    not a rehash of a whole table as a dict's growth is, which stalled a write every ~11,000
    events for milliseconds). Seqs arrive in increasing order, so a lookup bisects; an id handed
    out late for an older event (out of order) makes lookups linear until it is evicted.
    """

    __slots__ = ("in_order", "last", "rids", "seqs", "start")

    def __init__(self) -> None:
        self.seqs: list[int] = []
        self.rids: list[int] = []
        self.start = 0
        self.in_order = True
        #: the newest replay id handed out (0 before the first)
        self.last = 0

    def get(self, seq: int) -> int | None:
        seqs, start = self.seqs, self.start
        if self.in_order:
            i = bisect_left(seqs, seq, start)
            return self.rids[i] if i < len(seqs) and seqs[i] == seq else None
        try:
            return self.rids[seqs.index(seq, start)]
        except ValueError:
            return None

    def add(self, seq: int, rid: int, keep: int) -> None:
        """``seq``'s id is ``rid`` (the newest); the oldest beyond ``keep`` are forgotten."""
        seqs = self.seqs
        if self.in_order and len(seqs) > self.start and seqs[-1] >= seq:
            self.in_order = False
        seqs.append(seq)
        self.rids.append(rid)
        self.last = rid
        if len(seqs) - self.start > keep:
            self._evict(keep)

    def extend(self, seqs: list[int], keep: int) -> None:
        """Ids in a row for ``seqs``, increasing and all newer than the channel's newest."""
        first = self.last + 1
        self.seqs += seqs
        self.last = first + len(seqs) - 1
        self.rids += range(first, self.last + 1)
        if len(self.seqs) - self.start > keep:
            self._evict(keep)

    def _evict(self, keep: int) -> None:
        seqs = self.seqs
        self.start = start = len(seqs) - keep
        if start >= _COMPACT and start >= keep:
            del seqs[:start]
            del self.rids[:start]
            self.start = 0
            if not self.in_order:
                self.in_order = all(a < b for a, b in pairwise(seqs))


class ChannelReplayIds:
    """Per channel, the replay id each retained event has on it."""

    def __init__(self, keep: int, gaps: bool = False) -> None:
        self.keep = max(1, keep)
        self.gaps = gaps
        self._channels: dict[str, _Channel] = {}
        #: published events not numbered yet, oldest first (a list replaced by each numbering)
        self.pending: list[Event] = []
        #: pending events numbered at a time at most
        self.batch = min(self.keep, _BATCH)

    def _on(self, channel: str) -> _Channel:
        ch = self._channels.get(channel)
        if ch is None:
            ch = self._channels[channel] = _Channel()
        return ch

    def _step(self, channel: str, seq: int) -> int:
        return 1 + zlib.crc32(f"{channel}/{seq}".encode()) % 7 if self.gaps else 1

    def number_pending(self) -> None:
        """Number the waiting events: per channel in publication order, as ``assign`` would."""
        pending, self.pending = self.pending, []
        by_channel: dict[str, list[int]] = {}
        own: dict[str, str] = {}
        # channels whose waiting seqs do not rise strictly: an event taken in twice (the
        # numbering started from the retained events, the newest of them published again)
        irregular: set[str] = set()
        types = {ev.record_type for ev in pending}
        if len(types) == 1 and {ev.op for ev in pending} <= _RECORD_OPS:
            # the usual batch: changes of one object (a load, a benchmark), grouped without a
            # Python step per event
            in_row = [ev.seq for ev in pending]
            of_type = channel_for(next(iter(types)))
            if in_row != sorted(set(in_row)):
                irregular.update((of_type, ALL_CHANGES))
            by_channel = {of_type: in_row, ALL_CHANGES: in_row}
            pending = []
        for ev in pending:
            seq = ev.seq
            if ev.op in _RECORD_OPS:
                channel = own.get(ev.record_type)
                if channel is None:
                    channel = own[ev.record_type] = channel_for(ev.record_type)
                names: tuple[str, ...] = (channel, ALL_CHANGES)
            elif ev.channel:
                names = (ev.channel,)
            else:
                continue
            for name in names:
                seqs = by_channel.get(name)
                if seqs is None:
                    by_channel[name] = [seq]
                else:
                    if seqs[-1] >= seq:
                        irregular.add(name)
                    seqs.append(seq)
        keep, gaps = self.keep, self.gaps
        for channel, seqs in by_channel.items():
            ch = self._on(channel)
            have = ch.seqs
            if (
                not gaps
                and channel not in irregular
                and (len(have) == ch.start or have[-1] < seqs[0])
            ):
                # the usual batch: every event newer than the channel's newest, ids in a row
                ch.extend(seqs, keep)
                continue
            for seq in seqs:
                # a platform event's id is handed out as it is built
                if len(have) > ch.start and have[-1] >= seq and ch.get(seq) is not None:
                    continue
                ch.add(seq, ch.last + (self._step(channel, seq) if gaps else 1), keep)

    def assign(self, channel: str, seq: int) -> int:
        """The event's replay id on ``channel``, handed out on first ask (idempotent)."""
        if self.pending:
            self.number_pending()
        ch = self._on(channel)
        rid = ch.get(seq)
        if rid is None:
            rid = ch.last + self._step(channel, seq)
            ch.add(seq, rid, self.keep)
        return rid

    def id_of(self, channel: str, seq: int) -> int | None:
        if self.pending:
            self.number_pending()
        ch = self._channels.get(channel)
        return ch.get(seq) if ch is not None else None

    def last(self, channel: str) -> int:
        """The newest replay id handed out on ``channel`` (0 before the first event)."""
        if self.pending:
            self.number_pending()
        ch = self._channels.get(channel)
        return ch.last if ch is not None else 0

    def on_publish(self, ev: Event) -> None:
        """Take a just-published event into the numbering of every channel that carries it."""
        pending = self.pending
        pending.append(ev)
        if len(pending) >= self.batch:  # numbered a batch at a time, never a long one
            self.number_pending()


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
