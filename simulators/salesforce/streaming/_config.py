"""Settings of the Streaming API and of Outbound Messages (validated once, at start).

Defaults are Salesforce's: a 110 s long-poll, a 40 s reconnect deadline, a 72 hour
event retention window and 24 hours of Outbound Message retries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from simulators.engine import ConfigError

_CONDITION = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=|==|!=|<>)\s*(.+?)\s*$")


@dataclass(slots=True, frozen=True)
class Condition:
    """One criterion of an Outbound Message rule: ``field`` equals (or not) ``value``."""

    field: str
    value: Any
    negate: bool = False

    def matches(self, record: dict[str, Any]) -> bool:
        actual = _field_value(record, self.field)
        equal = _same(actual, self.value)
        return not equal if self.negate else equal


def _field_value(record: dict[str, Any], name: str) -> Any:
    if name in record:
        return record[name]
    lname = name.lower()
    for k, v in record.items():
        if k.lower() == lname:
            return v
    return None


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return bool(actual) is expected if isinstance(expected, bool) else actual == expected
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return float(actual) == float(expected)
    return actual == expected


def _literal(text: str) -> Any:
    t = text.strip()
    if len(t) >= 2 and t[0] == t[-1] and t[0] in "'\"":
        return t[1:-1]
    low = t.lower()
    if low in ("true", "false"):
        return low == "true"
    if low == "null":
        return None
    try:
        return int(t)
    except ValueError:
        pass
    try:
        return float(t)
    except ValueError:
        return t


def parse_criteria(spec: Any) -> tuple[Condition, ...]:
    """``"StageName = 'Closed Won' AND IsWon = true"``, ``{"StageName": "Closed Won"}`` or a list."""
    if spec is None or spec == "":
        return ()
    if isinstance(spec, dict):
        return tuple(Condition(str(k), v) for k, v in spec.items())
    if isinstance(spec, str):
        parts = re.split(r"\s+AND\s+", spec.strip(), flags=re.IGNORECASE)
        out = []
        for part in parts:
            m = _CONDITION.match(part)
            if m is None:
                raise ConfigError(
                    f"outbound message criterion {part!r} is not understood",
                    hint="use Field = 'value' (or !=), joined by AND",
                )
            out.append(Condition(m.group(1), _literal(m.group(3)), m.group(2) in ("!=", "<>")))
        return tuple(out)
    if isinstance(spec, (list, tuple)):
        conds: list[Condition] = []
        for item in spec:
            if isinstance(item, Condition):
                conds.append(item)
            else:
                conds.extend(parse_criteria(item))
        return tuple(conds)
    raise ConfigError(f"invalid outbound message criteria {spec!r}")


EVALUATIONS = ("created_and_edited_to_meet", "created_and_every_edit", "created")


@dataclass(slots=True)
class OutboundMessageConfig:
    """An Outbound Message: when a record of ``object`` meets ``criteria``, POST ``fields``."""

    name: str
    object: str
    endpoint_url: str
    fields: list[str] = field(default_factory=lambda: ["Id"])
    criteria: Any = None
    #: workflow evaluation: created_and_edited_to_meet (default), created_and_every_edit, created
    evaluation: str = "created_and_edited_to_meet"
    send_session_id: bool = False
    conditions: tuple[Condition, ...] = ()

    def __post_init__(self) -> None:
        if self.evaluation not in EVALUATIONS:
            raise ConfigError(
                f"outbound message {self.name!r}: unknown evaluation {self.evaluation!r}",
                hint=f"one of {list(EVALUATIONS)}",
            )
        self.conditions = parse_criteria(self.criteria)
        if "Id" not in self.fields:
            self.fields = ["Id", *self.fields]

    @classmethod
    def from_mapping(cls, m: dict[str, Any]) -> OutboundMessageConfig:
        required = ("name", "object", "endpoint_url")
        missing = [k for k in required if not m.get(k)]
        if missing:
            raise ConfigError(f"outbound message needs {missing}")
        known = set(cls.__dataclass_fields__) - {"conditions"}
        unknown = set(m) - known
        if unknown:
            raise ConfigError(f"unknown outbound message settings {sorted(unknown)}")
        return cls(**m)

    def matches(self, record: dict[str, Any]) -> bool:
        return all(c.matches(record) for c in self.conditions)


@dataclass(slots=True)
class StreamingSettings:
    """CometD timing, replay retention, per-client buffering and Outbound Message retries."""

    #: advice.timeout: how long /meta/connect is held when no events are waiting (ms)
    connect_timeout_ms: int = 110_000
    #: advice.interval (ms)
    interval_ms: int = 0
    #: a client that does not reconnect within this many seconds is dropped (403::Unknown client)
    reconnect_timeout_s: float = 40.0
    #: events stay replayable this long, on the tenant's clock
    retention_hours: float = 72.0
    #: events buffered per client before further change events become GAP events
    client_buffer: int = 1000
    #: most events sent in one /meta/connect response
    max_batch: int = 1000
    #: first retry delay of an Outbound Message, doubled each attempt up to the cap (seconds)
    outbound_retry_base_s: float = 15.0
    outbound_retry_max_s: float = 7200.0
    #: retries stop this long after the message was queued, on the tenant's clock
    outbound_lifetime_hours: float = 24.0
    outbound_timeout_s: float = 10.0
    #: delivery faults (engine DeliveryFaults settings) applied to CometD clients and outbound messages
    faults: dict[str, Any] = field(default_factory=dict)
    #: replay ids with gaps between them (Salesforce's are opaque positions, not a count), so
    #: a client that computes the next id by adding 1 is caught; off: 1, 2, 3 per channel
    replay_id_gaps: bool = False
