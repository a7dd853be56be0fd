"""At the end of the load: let the stack drain, count what was lost, collect the
governance figures and the projection, judge them against the profile's thresholds,
and hand Locust the exit code (in its ``quitting`` listener)."""

from __future__ import annotations

import json
import time
from typing import Any

import gevent

from harness.load._profile import Limits, Thresholds, Volume
from harness.load._projection import VENDORS, project, unit_costs

from .clock import JOURNEY, METRICS, JourneyClock
from .context import LoadContext
from .ledger import Count, Ledger
from .state import RunState


def drain(ledger: Ledger, clock: JourneyClock, state: RunState, timeout: float) -> list[Count]:
    """Until everything acknowledged is stored and delivered and the stack is idle."""
    end = time.monotonic() + timeout
    counts: list[Count] = []
    while True:
        clock.poll()
        counts = ledger.count(state.acks)
        backlog = clock.sample_backlog()
        idle = not backlog["deliveries"] and not backlog["stack"]
        if (all(c.lost == 0 for c in counts) and idle) or time.monotonic() >= end:
            return counts
        gevent.sleep(0.5)


def _p95(stats: Any, name: str) -> float | None:
    entry = stats.entries.get((name, JOURNEY))
    if entry is None or not entry.num_requests:
        return None
    return float(entry.get_response_time_percentile(0.95))


def governance(
    ctx: LoadContext, clock: JourneyClock, state: RunState, counts: list[Count]
) -> dict[str, Any]:
    acks = {c.journey: c.acknowledged for c in counts}
    calls = dict(clock.calls)
    by_vendor: dict[str, dict[str, Any]] = {}
    for system, vendor in VENDORS.items():
        journeys = {j: n for (s, j), n in calls.items() if s == system}
        load = {j: n for (j, s), n in state.calls.items() if s == system}
        by_vendor[vendor] = {
            "requests": sum(journeys.values()),
            "by_journey": journeys,
            "from_load_users": load,
            "answers_429": clock.statuses.get((system, 429), 0),
            "answers_503": clock.statuses.get((system, 503), 0),
            "peak_requests_per_second": clock.peak_rate(system),
        }
    erp = by_vendor["netsuite"]
    limits = Limits(**ctx.profile.get("limits", {}))
    erp["concurrency_peak"] = clock.erp_concurrency_peak()
    erp["concurrency_limit"] = limits.netsuite_concurrency
    spans = clock.erp_spans
    mean = sum(b - a for a, b in spans) / len(spans) if spans else 0.0
    erp["mean_seconds"] = round(mean, 5)
    used, of = state.sf_usage
    by_vendor["salesforce"]["daily_api_requests_used"] = used
    by_vendor["salesforce"]["daily_api_requests_max"] = of
    costs = unit_costs(calls, acks)
    volume = Volume(**ctx.profile.get("volume", {}))
    projection = [p.to_dict() for p in project(costs, volume, limits, mean)]
    return {
        "vendors": by_vendor,
        "unit_costs": {
            j: {VENDORS[s]: round(c, 3) for s, c in v.items()} for j, v in costs.items()
        },
        "projection": projection,
        "volume": ctx.profile.get("volume", {}),
        "backlog": clock.backlog,
        "clock_errors": dict(clock.errors),
    }


def judge(
    ctx: LoadContext, stats: Any, counts: list[Count], gov: dict[str, Any]
) -> list[dict[str, Any]]:
    """One check per threshold: name, limit, measured value, passed."""
    th = Thresholds(**ctx.profile.get("thresholds", {}))
    checks: list[dict[str, Any]] = []
    for journey, bound in sorted(th.p95_ms.items()):
        p95 = _p95(stats, METRICS[journey]) if journey in METRICS else None
        checks.append(
            {
                "check": f"p95 {METRICS.get(journey, journey)} (ms)",
                "limit": bound,
                "value": p95,
                "passed": p95 is not None and p95 <= bound,
                "note": "" if p95 is not None else "never measured in this run",
            }
        )
    total = stats.total
    requests = total.num_requests - sum(
        e.num_requests for (_, method), e in stats.entries.items() if method == JOURNEY
    )
    ratio = total.num_failures / requests if requests else 0.0
    checks.append(
        {
            "check": "failure ratio",
            "limit": th.failure_ratio,
            "value": round(ratio, 5),
            "passed": ratio <= th.failure_ratio,
            "note": f"{total.num_failures} of {requests} requests",
        }
    )
    lost = sum(c.lost for c in counts)
    checks.append(
        {
            "check": "events lost",
            "limit": th.events_lost,
            "value": lost,
            "passed": lost <= th.events_lost,
            "note": "; ".join(f"{c.journey}: {c.missing[:3]}" for c in counts if c.lost),
        }
    )
    if th.quota_headroom is not None:
        worst = max(
            (p for p in gov["projection"] if p["peak_day_share"] is not None),
            key=lambda p: p["peak_day_share"],
            default=None,
        )
        value = worst["peak_day_share"] if worst else 0.0
        checks.append(
            {
                "check": "peak day's share of a vendor quota",
                "limit": round(1 - th.quota_headroom, 4),
                "value": value,
                "passed": value <= 1 - th.quota_headroom,
                "note": worst["vendor"] if worst else "",
            }
        )
    return checks


def write(ctx: LoadContext, name: str, doc: dict[str, Any]) -> None:
    ctx.report_dir.mkdir(parents=True, exist_ok=True)
    (ctx.report_dir / name).write_text(json.dumps(doc, indent=2, default=str) + "\n")
