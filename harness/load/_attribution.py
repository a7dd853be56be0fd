"""Which business journey a change event belongs to, so that the calls a stack makes
while handling it (under its correlation id ``evt-<tenant>-<seq>``) count for that
journey in the governance figures."""

from __future__ import annotations

from typing import Any


def classify_event(system: str, record_type: str, payload: dict[str, Any]) -> str:
    """Which business journey a change event belongs to (for the stack's calls it causes)."""
    if record_type == "Opportunity":
        cdc = (payload.get("data") or {}).get("payload") or payload  # a CometD/CDC message
        header = cdc.get("ChangeEventHeader") or {}
        changed = set(header.get("changedFields") or [])
        if "StageName" in changed or not changed:
            return "closed_won"
        if changed & {"Amount", "CloseDate"}:
            return "change_order"
        if "Invoice_Status__c" in changed:
            return "billing_run"
        return "closed_won"
    return {
        "time_entries": "month_end",
        "timesheet_submissions": "month_end",
        "expenses": "month_end",
        "stories": "billing_run",
        "invoice": "billing_run",
        "Worker": "hcm_wave",
        "workspaces": "closed_won",
    }.get(record_type, "other")
