"""The run's context: endpoints, pools of the seeded firm, profile settings.

``harness load`` prepares it before Locust starts and names the file in
``HARNESS_LOAD_CONTEXT``; every Locust process (master, workers, on any machine) reads
the same file, so the data each user draws from is decided before the run.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENV = "HARNESS_LOAD_CONTEXT"


@dataclass(frozen=True, slots=True)
class LoadContext:
    run_id: str
    seed: int
    endpoints: dict[str, Any]
    target: dict[str, Any]  # base_url, health_url, billing_run_url, task_url
    pools: dict[str, Any]
    profile: dict[str, Any]  # the profile as a plain mapping (thresholds, volume, mix, ...)
    report_dir: Path
    day: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def verify(self) -> Any:
        return self.endpoints.get("ca_bundle") or True

    def admin_headers(self, system: str) -> dict[str, str]:
        """The header a simulator's admin API wants: the run's admin token, when it has one."""
        token = (self.endpoints.get(system) or {}).get("admin_token")
        return {"Authorization": f"Bearer {token}"} if token else {}

    def weight(self, user_class: str, default: int = 1) -> int:
        return int((self.profile.get("mix") or {}).get(user_class, default))

    def pace(self, user_class: str, default: Any) -> Any:
        """The class's wait time: the profile's ``[pace]`` (seconds per task, Locust's
        ``constant_pacing``) when it names the class, else ``default``."""
        seconds = (self.profile.get("pace") or {}).get(user_class)
        if seconds is None:
            return default
        from locust import constant_pacing

        return constant_pacing(float(seconds))


def load_context(path: str | None = None) -> LoadContext:
    """Read the context named by ``HARNESS_LOAD_CONTEXT`` (or ``path``)."""
    where = path or os.environ.get(ENV)
    if not where:
        raise SystemExit(
            f"{ENV} is not set: start load runs with `harness load PROFILE`, "
            "or point it at the load-context.json a run wrote"
        )
    try:
        doc = json.loads(Path(where).read_text())
    except (OSError, ValueError) as exc:
        raise SystemExit(f"cannot read the load context {where}: {exc}") from None
    return LoadContext(
        run_id=str(doc["run_id"]),
        seed=int(doc.get("seed", 1)),
        endpoints=dict(doc["endpoints"]),
        target=dict(doc.get("target") or {}),
        pools=dict(doc.get("pools") or {}),
        profile=dict(doc.get("profile") or {}),
        report_dir=Path(doc.get("report_dir") or "."),
        day=str(doc.get("day") or ""),
        extra=dict(doc.get("extra") or {}),
    )
