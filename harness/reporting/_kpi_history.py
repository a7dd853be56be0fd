"""KPI history: each run's KPIs appended to a JSON-lines file; ``--compare last`` shows
each KPI against the previous run and flags a regression beyond a threshold.

Times regress when they grow by more than the threshold (a share, 0.5 = 50%) and by at
least ``min_seconds`` (so a busy machine's jitter on sub-second figures is no finding);
invoice leakage and the incident rate regress on any increase.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from ..journeys import Event, RunFinished
from ._summary import suite_kpis

#: KPIs where any increase is a regression (money, incidents)
STRICT = ("invoice_leakage", "integration_incident_rate_per_100_journeys")


def read_history(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return []
    out = []
    for line in lines:
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def compare(
    prev: dict[str, Any], now: dict[str, Any], threshold: float, min_seconds: float = 0.5
) -> list[tuple[str, Any, Any, bool]]:
    """(kpi, previous, now, regressed) for every KPI of ``now``."""
    rows = []
    for key, value in now.items():
        old = prev.get(key)
        bad = False
        if isinstance(value, int | float) and isinstance(old, int | float):
            if key in STRICT:
                bad = value > old + 1e-9
            elif key.endswith("_s"):
                bad = value > old * (1 + threshold) and value - old >= min_seconds
            else:
                bad = value > old * (1 + threshold) and value - old >= 1
        rows.append((key, old, value, bad))
    return rows


@dataclass(slots=True)
class KpiHistory:
    """Reporter: appends the run's KPIs to ``path``; with ``compare`` prints the table
    against the previous entry and records whether a KPI regressed."""

    path: Path
    compare_last: bool = False
    threshold: float = 0.5
    console: Console | None = None
    regressions: list[str] = field(default_factory=list)

    def __call__(self, event: Event) -> None:
        if not isinstance(event, RunFinished):
            return
        r = event.result
        kpis = suite_kpis(r)
        history = read_history(self.path)
        if self.compare_last:
            self._compare(history[-1]["kpis"] if history else None, kpis)
        entry = {
            "started_at": r.started_at,
            "seed": r.seed,
            "reproduce": r.command,
            "journeys": [j.name for j in r.journeys],
            "ok": r.ok,
            "kpis": kpis,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a") as fh:
            fh.write(json.dumps(entry) + "\n")

    def _compare(self, prev: dict[str, Any] | None, now: dict[str, Any]) -> None:
        console = self.console or Console()
        if prev is None:
            console.print(f"compare: no previous run in {self.path}; this run is the baseline")
            return
        table = Table(title=f"KPIs against the previous run (threshold {self.threshold:.0%})")
        for col in ("KPI", "previous", "now", "verdict"):
            table.add_column(col)
        for key, old, value, bad in compare(prev, now, self.threshold):
            table.add_row(key, str(old), str(value), "REGRESSED" if bad else "ok")
            if bad:
                self.regressions.append(f"KPI {key} regressed: {old} -> {value}")
        console.print(table)
        for line in self.regressions:
            console.print(f"FAIL {line}", soft_wrap=True)
