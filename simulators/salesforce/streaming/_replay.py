"""The replay extension: which retained events a new subscription receives first.

``-1`` is new events only, ``-2`` every event still in the retention window, and a
replay id the events after it. A replay id older than the window (or newer than any
event on that channel) is refused on /meta/subscribe as Salesforce refuses it. Replay
ids count per channel (``_replay_ids.py``).
"""

from __future__ import annotations

from simulators.engine import Event, EventBus

from ._channels import carries
from ._replay_ids import ChannelReplayIds

NEW_EVENTS = -1
ALL_EVENTS = -2
_SCAN = 1_000_000


class ReplayError(Exception):
    """An invalid replay id; ``str`` is the Bayeux error."""


def invalid(replay_id: object) -> ReplayError:
    return ReplayError(
        f"400::The replayId {{{replay_id}}} you provided was invalid. Please provide a valid ID, "
        "-2 to replay all events, or -1 to replay only new events."
    )


def parse_replay(value: object) -> int:
    """The replay option as an int, or ReplayError."""
    if isinstance(value, bool):
        raise invalid(value)
    if isinstance(value, int):
        replay = value
    elif isinstance(value, str) and value.lstrip("-").isdigit():
        replay = int(value)
    else:
        raise invalid(value)
    if replay < ALL_EVENTS:
        raise invalid(value)
    return replay


def backlog(
    bus: EventBus,
    tenant: str,
    channel: str,
    replay: int,
    now: float,
    retention_seconds: float,
    ids: ChannelReplayIds,
) -> list[tuple[Event, int]]:
    """Retained events of ``channel`` to deliver after ``replay``, with their replay ids.

    ``replay`` is a position in this channel's own numbering: an id beyond the channel's
    newest (an id taken from another channel, for one) or older than its retained events
    is refused as Salesforce refuses it.
    """
    if replay == NEW_EVENTS:
        return []
    cutoff = now - retention_seconds
    retained: list[tuple[Event, int]] = []
    for ev in bus.events(tenant, after_seq=0, limit=_SCAN):
        if carries(channel, ev):
            rid = ids.id_of(channel, ev.seq)
            if rid is not None:
                retained.append((ev, rid))
    live = [(ev, rid) for ev, rid in retained if ev.at >= cutoff]
    if replay == ALL_EVENTS:
        return live
    last = ids.last(channel)
    expired = [rid for ev, rid in retained if ev.at < cutoff]
    oldest_known = retained[0][1] - 1 if retained else last
    if replay > last or replay < oldest_known or (expired and replay <= expired[-1]):
        raise invalid(replay)
    return [(ev, rid) for ev, rid in live if rid > replay]
