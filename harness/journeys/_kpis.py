"""Journey KPIs, named as the firm's integration KPIs are: project setup cycle time,
billing cycle duration, invoice leakage, propagation latency per hop, retries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._model import JourneyResult

if TYPE_CHECKING:
    from ._journeys import Scene


def journey_kpis(scene: Scene, result: JourneyResult) -> dict[str, Any]:
    marks = scene.marks

    def between(start: str | None, end: str) -> float | None:
        if start is None or start not in marks or end not in marks:
            return None
        return round(marks[end] - marks[start], 4)

    # billing starts when time is approved (T&M) or a milestone is completed
    billable = "approved" if "approved" in marks else "billable"
    if "billable" in marks and "approved" in marks:
        billable = min(("approved", "billable"), key=lambda m: marks[m])
    return {
        "project_setup_cycle_time_s": between("closed", "set_up"),
        "billing_cycle_duration_s": between(billable, "invoiced"),
        "time_to_invoice_s": between("closed", "invoiced"),
        "invoice_leakage": scene.ledger.leakage,
        "propagation_latency_s": {
            s.name: round(s.seconds, 4) for s in result.steps if s.kind == "wait"
        },
        # the harness's own share: the journey's time less its waits on the stack
        # (the people's vendor calls, reading the state, judging the invariants)
        "harness_overhead_s": round(
            max(result.seconds - sum(s.seconds for s in result.steps if s.kind == "wait"), 0.0),
            4,
        ),
        "utilization_reporting_accuracy": scene.ids.get("utilization_reporting_accuracy"),
        "steps": len(result.steps),
        "vendor_calls": sum(len(s.exchanges) for s in result.steps),
    }
