"""Journey KPIs: how long the stack took to set up the project and to invoice, and
how long each effect took to show up in the next system (propagation latency)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._model import JourneyResult

if TYPE_CHECKING:
    from ._journeys import Scene


def journey_kpis(scene: Scene, result: JourneyResult) -> dict[str, Any]:
    marks = scene.marks
    closed = marks.get("closed")

    def since_close(mark: str) -> float | None:
        if closed is None or mark not in marks:
            return None
        return round(marks[mark] - closed, 4)

    return {
        "project_setup_cycle_s": since_close("set_up"),
        "time_to_invoice_s": since_close("invoiced"),
        "propagation_latency_s": {
            s.name: round(s.seconds, 4) for s in result.steps if s.kind == "wait"
        },
        "utilization_reporting_accuracy": scene.ids.get("utilization_reporting_accuracy"),
        "steps": len(result.steps),
        "vendor_calls": sum(len(s.exchanges) for s in result.steps),
    }
