"""The JSON summary: verdict, seed, how to reproduce, and each journey's KPIs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..journeys import Event, RunFinished, RunResult


def summary(r: RunResult) -> dict[str, Any]:
    journeys = []
    for j in r.journeys:
        d = j.to_dict()
        for s in d["steps"]:  # payloads only where they explain a failure
            if s["ok"]:
                s.pop("exchanges")
        journeys.append(d)
    kpis = [j.kpis for j in r.journeys]

    def mean(key: str) -> float | None:
        vals = [k[key] for k in kpis if k.get(key) is not None]
        return round(sum(vals) / len(vals), 4) if vals else None

    return {
        "kind": "harness-run",
        "ok": r.ok,
        "seed": r.seed,
        "size": r.size,
        "reproduce": r.command,
        "target": r.target,
        "started_at": r.started_at,
        "duration_s": round(r.seconds, 3),
        "error": r.error,
        "failures": r.failures,
        "faults": r.faults,
        "kpis": {
            "project_setup_cycle_s": {
                j.name: j.kpis.get("project_setup_cycle_s") for j in r.journeys
            },
            "time_to_invoice_s": {j.name: j.kpis.get("time_to_invoice_s") for j in r.journeys},
            "mean_project_setup_cycle_s": mean("project_setup_cycle_s"),
            "mean_time_to_invoice_s": mean("time_to_invoice_s"),
            "propagation_latency_s": {
                j.name: j.kpis.get("propagation_latency_s") for j in r.journeys
            },
            "retries": r.retries,
            "retries_total": sum(sum(v.values()) for v in r.retries.values()),
        },
        "journeys": journeys,
    }


class JsonSummaryReporter:
    """Writes ``path`` when the run finishes."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self, event: Event) -> None:
        if isinstance(event, RunFinished):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(summary(event.result), indent=2, default=str) + "\n")
