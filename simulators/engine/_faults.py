"""Fault rules: latency, vendor errors, hangs and connection resets on chosen routes.

A rule matches by tenant, method and a path pattern (glob, or regex when it starts with
``^``), and fires by percentage (from the rule's own seeded random, so a run repeats),
after N matching calls, at most ``times`` times, or inside a time window on the tenant's
clock. Rules are evaluated in order; the first that fires applies.
"""

from __future__ import annotations

import fnmatch
import random
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from ._errors import ConfigError

FaultKind = Literal["latency", "error", "hang", "reset"]


@dataclass(slots=True)
class Fault:
    """What happens to a request a rule fires on."""

    kind: FaultKind
    # latency: fixed ms, or a distribution
    ms: float = 0.0
    distribution: str | None = None  # "uniform" | "normal" | "lognormal" | "exponential"
    min_ms: float = 0.0
    max_ms: float = 0.0
    mean_ms: float = 0.0
    stddev_ms: float = 0.0
    # error: status and the vendor's error code/message (the dialect renders the body)
    status: int = 500
    code: str = ""
    message: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    # hang: how long to hold the request before answering (past the client's timeout)
    seconds: float = 0.0

    def latency_ms(self, rng: random.Random) -> float:
        d = self.distribution
        if d is None:
            return self.ms
        if d == "uniform":
            return rng.uniform(self.min_ms, self.max_ms)
        if d == "normal":
            return max(0.0, rng.gauss(self.mean_ms, self.stddev_ms))
        if d == "lognormal":
            import math

            mu = math.log(max(self.mean_ms, 0.001))
            sigma = self.stddev_ms / max(self.mean_ms, 0.001)
            return rng.lognormvariate(mu, sigma)
        if d == "exponential":
            return rng.expovariate(1.0 / max(self.mean_ms, 0.001))
        raise ConfigError(
            f"unknown latency distribution {d!r}", hint="uniform, normal, lognormal or exponential"
        )


@dataclass(slots=True)
class FaultRule:
    id: str
    fault: Fault
    path: str = "*"
    method: str | None = None
    tenant: str | None = None
    percentage: float = 100.0
    after_calls: int = 0
    times: int | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    seed: int = 0
    calls: int = 0
    fired: int = 0
    _rng: random.Random = field(default_factory=random.Random, repr=False)
    _regex: re.Pattern[str] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        pattern = self.path if self.path.startswith("^") else fnmatch.translate(self.path)
        try:
            self._regex = re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"invalid path pattern {self.path!r}: {exc}") from None

    def evaluate(self, tenant: str, method: str, path: str, now: datetime) -> bool:
        """Count a matching call and say whether the rule fires on it."""
        if self.tenant is not None and tenant != self.tenant:
            return False
        if self.method is not None and method != self.method:
            return False
        assert self._regex is not None
        if self._regex.match(path) is None:
            return False
        self.calls += 1
        if self.calls <= self.after_calls:
            return False
        if self.times is not None and self.fired >= self.times:
            return False
        if self.window_start is not None and now < self.window_start:
            return False
        if self.window_end is not None and now >= self.window_end:
            return False
        if self.percentage < 100.0 and self._rng.random() * 100.0 >= self.percentage:
            return False
        self.fired += 1
        return True

    def to_dict(self) -> dict[str, Any]:
        f = self.fault
        return {
            "id": self.id,
            "path": self.path,
            "method": self.method,
            "tenant": self.tenant,
            "percentage": self.percentage,
            "after_calls": self.after_calls,
            "times": self.times,
            "window": {
                "start": self.window_start.isoformat() if self.window_start else None,
                "end": self.window_end.isoformat() if self.window_end else None,
            },
            "seed": self.seed,
            "calls": self.calls,
            "fired": self.fired,
            "fault": {
                k: getattr(f, k) for k in f.__slots__ if getattr(f, k) not in (None, "", 0, 0.0, {})
            }
            | {"kind": f.kind},
        }


def _parse_dt(value: Any, what: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(f"{what} must be an ISO 8601 datetime, got {value!r}") from None
    if dt.tzinfo is None:
        raise ConfigError(f"{what} needs a UTC offset, e.g. 2026-01-01T00:00:00Z")
    return dt


#: every key a rule may have; anything else is refused, never ignored
_RULE_KEYS = frozenset(
    [
        "id",
        "path",
        "method",
        "tenant",
        "percentage",
        "after_calls",
        "times",
        "window",
        "seed",
        "fault",
    ]
)


def rule_from_mapping(m: dict[str, Any], rule_id: str) -> FaultRule:
    """Build a rule from the admin API's JSON; raises ConfigError with what to fix."""
    if not isinstance(m, dict):
        raise ConfigError("a fault rule must be a JSON object")
    unknown_keys = set(m) - _RULE_KEYS
    if unknown_keys:  # a mistyped key would otherwise make the rule match more than meant
        raise ConfigError(
            f"unknown fault rule keys {sorted(unknown_keys)}", hint=f"allowed: {sorted(_RULE_KEYS)}"
        )
    fault_m = m.get("fault")
    if not isinstance(fault_m, dict):
        raise ConfigError('a fault rule needs "fault": {"kind": "latency|error|hang|reset", ...}')
    kind = fault_m.get("kind")
    if kind not in ("latency", "error", "hang", "reset"):
        raise ConfigError(f"unknown fault kind {kind!r}", hint="latency, error, hang or reset")
    allowed = set(Fault.__slots__)
    unknown = set(fault_m) - allowed
    if unknown:
        raise ConfigError(
            f"unknown fault settings {sorted(unknown)}", hint=f"allowed: {sorted(allowed)}"
        )
    try:
        fault = Fault(**fault_m)
        if fault.kind == "error" and not (400 <= int(fault.status) <= 599):
            raise ConfigError("an error fault needs a status between 400 and 599")
        window = m.get("window") or {}
        rule = FaultRule(
            id=rule_id,
            fault=fault,
            path=str(m.get("path", "*")),
            method=str(m["method"]).upper() if m.get("method") else None,
            tenant=m.get("tenant"),
            percentage=float(m.get("percentage", 100.0)),
            after_calls=int(m.get("after_calls", 0)),
            times=int(m["times"]) if m.get("times") is not None else None,
            window_start=_parse_dt(window.get("start"), "window.start"),
            window_end=_parse_dt(window.get("end"), "window.end"),
            seed=int(m.get("seed", 0)),
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"invalid fault rule: {exc}") from None
    if not 0.0 <= rule.percentage <= 100.0:
        raise ConfigError("percentage must be between 0 and 100")
    return rule


class FaultRules:
    """The ordered fault rules of one simulator."""

    def __init__(self) -> None:
        self.rules: list[FaultRule] = []
        self._next = 0

    def add(self, m: dict[str, Any]) -> FaultRule:
        self._next += 1
        rule = rule_from_mapping(m, m.get("id") or f"fault-{self._next}")
        self.rules = [r for r in self.rules if r.id != rule.id] + [rule]
        return rule

    def remove(self, rule_id: str) -> bool:
        before = len(self.rules)
        self.rules = [r for r in self.rules if r.id != rule_id]
        return len(self.rules) != before

    def clear(self, tenant: str | None = None) -> None:
        self.rules = [] if tenant is None else [r for r in self.rules if r.tenant != tenant]

    def match(self, tenant: str, method: str, path: str, now: datetime) -> FaultRule | None:
        for rule in self.rules:
            if rule.evaluate(tenant, method, path, now):
                return rule
        return None
