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

    out: dict[str, Any] = {
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
                j.name: j.kpis.get("project_setup_cycle_time_s") for j in r.journeys
            },
            "billing_cycle_duration_by_journey_s": {
                j.name: j.kpis.get("billing_cycle_duration_s") for j in r.journeys
            },
            "time_to_invoice_s": {j.name: j.kpis.get("time_to_invoice_s") for j in r.journeys},
            "mean_project_setup_cycle_s": mean("project_setup_cycle_time_s"),
            "mean_time_to_invoice_s": mean("time_to_invoice_s"),
            "propagation_latency_s": {
                j.name: j.kpis.get("propagation_latency_s") for j in r.journeys
            },
            "retries": r.retries,
            "retries_total": sum(sum(v.values()) for v in r.retries.values()),
        },
        "journeys": journeys,
    }
    out["kpis"].update(suite_kpis(r))
    return out


def suite_kpis(r: RunResult) -> dict[str, Any]:
    """The run's KPIs as the firm names them, one number each (compared across runs)."""

    def mean(key: str) -> float | None:
        vals = [j.kpis[key] for j in r.journeys if j.kpis.get(key) is not None]
        return round(sum(vals) / len(vals), 4) if vals else None

    hops = [v for j in r.journeys for v in (j.kpis.get("propagation_latency_s") or {}).values()]
    leak = [
        j.kpis["invoice_leakage"] for j in r.journeys if j.kpis.get("invoice_leakage") is not None
    ]
    runs = len(r.journeys)
    return {
        "project_setup_cycle_time_s": mean("project_setup_cycle_time_s"),
        "billing_cycle_duration_s": mean("billing_cycle_duration_s"),
        "invoice_leakage": round(sum(abs(x) for x in leak), 2) if leak else 0.0,
        "integration_incident_rate_per_100_journeys": round(
            100 * sum(not j.ok for j in r.journeys) / runs, 2
        )
        if runs
        else None,
        "propagation_latency_per_hop_s": round(sum(hops) / len(hops), 4) if hops else None,
        "retries_total": sum(sum(v.values()) for v in r.retries.values()),
    }


class JsonSummaryReporter:
    """Writes ``path`` when the run finishes."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self, event: Event) -> None:
        if isinstance(event, RunFinished):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(summary(event.result), indent=2, default=str) + "\n")
