"""The replay extension: which retained events a new subscription receives first.

``-1`` is new events only, ``-2`` every event still in the retention window, and a
replay id the events after it. A replay id older than the window (or newer than any
event) is refused on /meta/subscribe as Salesforce refuses it.
"""

from __future__ import annotations

from simulators.engine import Event, EventBus

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
    bus: EventBus, tenant: str, replay: int, now: float, retention_seconds: float
) -> list[Event]:
    """Retained events to deliver after ``replay`` (all channels; the caller filters)."""
    if replay == NEW_EVENTS:
        return []
    cutoff = now - retention_seconds
    retained = bus.events(tenant, after_seq=0, limit=_SCAN)
    live = [ev for ev in retained if ev.at >= cutoff]
    if replay == ALL_EVENTS:
        return live
    last = retained[-1].seq if retained else 0
    expired = [ev.seq for ev in retained if ev.at < cutoff]
    oldest_known = retained[0].seq - 1 if retained else 0
    if replay > last or replay < oldest_known or (expired and replay <= expired[-1]):
        raise invalid(replay)
    return [ev for ev in live if ev.seq > replay]
