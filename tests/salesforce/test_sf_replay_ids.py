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
