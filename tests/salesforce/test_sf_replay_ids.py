"""Replay ids numbered in batches are the ids numbering each event as published would give."""

from __future__ import annotations

import pytest

from simulators.engine import Event
from simulators.salesforce.streaming._replay_ids import ALL_CHANGES, ChannelReplayIds


def _events() -> list[Event]:
    out = []
    for seq in range(1, 41):
        if seq % 9 == 0:  # a platform event among the record changes
            out.append(Event(seq, "t", "Alert__e", "", "publish", 0.0, {}, "/event/Alert__e"))
        else:
            rtype = ("Account", "Contact", "Invoice__c")[seq % 3]
            out.append(Event(seq, "t", rtype, f"r{seq}", "create", 0.0, {}))
    return out


@pytest.mark.parametrize("gaps", [False, True])
@pytest.mark.parametrize("keep", [5, 100])
def test_ids_asked_late_equal_ids_asked_at_once(gaps: bool, keep: int) -> None:
    channels = (
        "/data/AccountChangeEvent",
        "/data/ContactChangeEvent",
        "/data/Invoice__ChangeEvent",
        ALL_CHANGES,
        "/event/Alert__e",
    )
    eager, lazy = ChannelReplayIds(keep, gaps), ChannelReplayIds(keep, gaps)
    seen = []
    for ev in _events():
        if ev.op == "publish":  # a platform event gets its id as its payload is built
            assert eager.assign(ev.channel, ev.seq) == lazy.assign(ev.channel, ev.seq)
        eager.on_publish(ev)
        seen.append({c: eager.id_of(c, ev.seq) for c in channels})  # asked each time
        lazy.on_publish(ev)  # never asked until the end
    for ev, ids in zip(_events(), seen, strict=True):
        for c in channels:
            asked = ids[c]
            # ids of events already out of the kept window are forgotten by both
            if eager.id_of(c, ev.seq) is not None:
                assert lazy.id_of(c, ev.seq) == asked
            else:
                assert lazy.id_of(c, ev.seq) is None
    assert {c: lazy.last(c) for c in channels} == {c: eager.last(c) for c in channels}
    assert lazy.last(ALL_CHANGES) >= 36 and lazy.last("/data/AccountChangeEvent") >= 9


def test_ids_stay_exact_across_evictions_and_an_id_handed_out_late() -> None:
    """Past many evictions (the kept lists cut more than once) every kept event has the id its
    place in publication order gives it, evicted ones none; an id asked late for an evicted
    event is handed out anew as the newest, and the others are still found."""
    keep, channel = 300, "/data/AccountChangeEvent"
    ids = ChannelReplayIds(keep)
    total = 3000
    for seq in range(1, total + 1):
        ids.on_publish(Event(seq, "t", "Account", f"r{seq}", "create", 0.0, {}))
        if seq % 997 == 0:  # asked now and then, as a streaming client does
            assert ids.id_of(channel, seq) == seq
    assert ids.last(channel) == total and ids.last(ALL_CHANGES) == total
    assert ids.id_of(channel, total - keep) is None
    assert [ids.id_of(channel, s) for s in (total - keep + 1, total)] == [total - keep + 1, total]
    assert ids.assign(channel, 5) == total + 1  # late, for an event out of the window
    assert ids.id_of(channel, 5) == total + 1 and ids.id_of(channel, total) == total
    for seq in range(total + 1, total + 2 * keep):  # the late id is evicted in its turn
        ids.on_publish(Event(seq, "t", "Account", f"r{seq}", "create", 0.0, {}))
    assert ids.id_of(channel, 5) is None
    assert ids.id_of(channel, total + 2 * keep - 1) == total + 2 * keep


@pytest.mark.parametrize("gaps", [False, True])
def test_an_event_taken_in_twice_is_numbered_once(gaps: bool) -> None:
    """The numbering starts from the retained events, the newest of which is then published to
    it again: one id, not two."""
    ids = ChannelReplayIds(100, gaps)
    first = Event(1, "t", "Account", "r1", "create", 0.0, {})
    ids.on_publish(first)
    ids.on_publish(first)
    ids.on_publish(Event(2, "t", "Account", "r2", "update", 0.0, {}))
    once = ChannelReplayIds(100, gaps)
    once.on_publish(first)
    once.on_publish(Event(2, "t", "Account", "r2", "update", 0.0, {}))
    for c in ("/data/AccountChangeEvent", ALL_CHANGES):
        assert [ids.id_of(c, s) for s in (1, 2)] == [once.id_of(c, s) for s in (1, 2)]
        assert ids.last(c) == once.last(c)
    assert ids.id_of(ALL_CHANGES, 2) == (2 if not gaps else ids.last(ALL_CHANGES))
