"""Load profiles (TOML): who acts, how many, for how long, the firm's monthly volume and
the vendor limits for the projection, and the thresholds that decide the verdict.

Profiles never hold credentials: staging credentials come from the environment or a
credentials file (see ``harness load --help``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from .._errors import ConfigurationError

#: journey -> the monthly volume key that counts its business events
VOLUME_OF = {
    "closed_won": "deals_won",
    "change_order": "change_orders",
    "month_end": "time_entries",
    "billing_run": "billing_runs",
    "hcm_wave": "hcm_events",
}
_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$")


def parse_duration(text: str | int | float) -> float:
    """Seconds from Locust's duration syntax (``90``, ``90s``, ``2m``, ``1h30m``)."""
    if isinstance(text, (int, float)):
        return float(text)
    m = _DURATION.match(str(text).strip())
    if not m or not any(m.groups()):
        raise ConfigurationError(
            f"invalid duration {text!r}", hint="write seconds, or e.g. 30s, 2m, 1h30m"
        )
    h, mi, s = (int(g or 0) for g in m.groups())
    return float(h * 3600 + mi * 60 + s)


@dataclass(frozen=True, slots=True)
class Volume:
    """The firm's business volume in one month, and how it is spread over the days."""

    working_days: int = 21
    busy_hours: float = 10.0  # hours a working day's traffic is spread over
    deals_won: float = 0
    change_orders: float = 0
    time_entries: float = 0
    billing_runs: float = 0
    hcm_events: float = 0  # hires and terminations
    month_end_days: int = 3  # the last working days of the month ...
    month_end_share: float = 0.5  # ... carry this share of the time entries


@dataclass(frozen=True, slots=True)
class Limits:
    """The firm's vendor governance (defaults: the simulators' defaults)."""

    salesforce_daily_api_requests: int = 100_000
    netsuite_concurrency: int = 5
    kantata_requests_per_second: float = 50.0
    workday_requests_per_second: float = 0.0  # 0: none published


@dataclass(frozen=True, slots=True)
class Thresholds:
    p95_ms: dict[str, float] = field(default_factory=dict)  # journey -> p95 latency bound
    failure_ratio: float = 0.01
    events_lost: int = 0
    quota_headroom: float | None = None  # share of every quota that must stay free


@dataclass(frozen=True, slots=True)
class LoadProfile:
    name: str
    path: Path | None = None
    description: str = ""
    locustfile: str = "business"
    users: int = 10
    spawn_rate: float = 5.0
    run_time: float = 30.0
    seed: int = 1
    size: str = "small"
    drain_timeout: float = 30.0
    mix: dict[str, int] = field(default_factory=dict)  # Locust user class -> weight
    pace: dict[str, float] = field(default_factory=dict)  # user class -> seconds per task
    pools: dict[str, int] = field(default_factory=dict)
    endpoints: str | None = None  # staging: an endpoints file instead of local simulators
    volume: Volume = field(default_factory=Volume)
    limits: Limits = field(default_factory=Limits)
    thresholds: Thresholds = field(default_factory=Thresholds)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["path"] = str(self.path) if self.path else None
        return d


def _section(doc: dict[str, Any], key: str, cls: type, source: Path) -> Any:
    raw = doc.get(key) or {}
    if not isinstance(raw, dict):
        raise ConfigurationError(f"[{key}] in {source} must be a table")
    known = {f.name for f in fields(cls)}
    unknown = set(raw) - known
    if unknown:
        raise ConfigurationError(
            f"unknown keys in [{key}] of {source}: {', '.join(sorted(unknown))}",
            hint=f"known: {', '.join(sorted(known))}",
        )
    try:
        return cls(**raw)
    except TypeError as exc:
        raise ConfigurationError(f"[{key}] in {source}: {exc}") from None


def load_profile(path: Path) -> LoadProfile:
    """Read and check a profile; every key must mean something."""
    try:
        doc = tomllib.loads(path.read_text())
    except OSError as exc:
        raise ConfigurationError(f"cannot read profile {path}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"profile {path} is not valid TOML: {exc}") from None
    top = {f.name for f in fields(LoadProfile)} - {"path", "volume", "limits", "thresholds"}
    unknown = set(doc) - top - {"volume", "limits", "thresholds"}
    if unknown:
        raise ConfigurationError(
            f"unknown keys in profile {path}: {', '.join(sorted(unknown))}",
            hint=f"known: {', '.join(sorted(top | {'volume', 'limits', 'thresholds'}))}",
        )
    thresholds = _section(doc, "thresholds", Thresholds, path)
    bad = set(thresholds.p95_ms) - set(VOLUME_OF)
    if bad:
        raise ConfigurationError(
            f"[thresholds] p95_ms in {path} names unknown journeys: {', '.join(sorted(bad))}",
            hint=f"journeys with a latency: {', '.join(('closed_won', 'month_end', 'billing_run'))}",
        )
    try:
        profile = LoadProfile(
            name=str(doc.get("name") or path.stem),
            path=path,
            description=str(doc.get("description") or ""),
            locustfile=str(doc.get("locustfile") or "business"),
            users=int(doc.get("users", 10)),
            spawn_rate=float(doc.get("spawn_rate", 5)),
            run_time=parse_duration(doc.get("run_time", 30)),
            seed=int(doc.get("seed", 1)),
            size=str(doc.get("size") or "small"),
            drain_timeout=parse_duration(doc.get("drain_timeout", 30)),
            mix={str(k): int(v) for k, v in (doc.get("mix") or {}).items()},
            pools={str(k): int(v) for k, v in (doc.get("pools") or {}).items()},
            pace={str(k): float(v) for k, v in (doc.get("pace") or {}).items()},
            endpoints=str(doc["endpoints"]) if doc.get("endpoints") else None,
            volume=_section(doc, "volume", Volume, path),
            limits=_section(doc, "limits", Limits, path),
            thresholds=thresholds,
        )
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"profile {path}: {exc}") from None
    if any(v <= 0 for v in profile.pace.values()):
        raise ConfigurationError(f"profile {path}: [pace] values are seconds per task, > 0")
    if profile.users < 1 or profile.spawn_rate <= 0 or profile.run_time <= 0:
        raise ConfigurationError(f"profile {path}: users, spawn_rate and run_time must be positive")
    return profile
