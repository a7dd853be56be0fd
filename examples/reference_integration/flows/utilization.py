"""The nightly utilization batch: hours by consultant and project, to the analytics ingest.

Hours come from the PSA's time entries performed in the period; the consultant's
identity and capacity (scheduled weekly hours) from the HCM staffing report, matched by
e-mail. One row per (consultant, project): logged and billable hours, the consultant's
capacity in the period and the utilization share. Rows go to Power BI's push dataset in
requests of at most 10,000.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from ..errors import ConfigurationError
from ..logs import get_logger
from ..services import Services

log = get_logger("utilization")


def _workdays(start: date, end: date) -> int:
    days = (end - start).days + 1
    return sum(1 for i in range(days) if (start + timedelta(days=i)).weekday() < 5)


async def run(svc: Services, payload: dict[str, Any]) -> None:
    if svc.powerbi is None:
        raise ConfigurationError(
            "the utilization batch needs an analytics ingest",
            hint="add an 'analytics' section (rows_url, access_token) under 'peripherals' "
            "in the endpoints file",
        )
    start, end = date.fromisoformat(payload["from"]), date.fromisoformat(payload["to"])
    entries = await svc.psa.list(
        "time_entries", date_performed_between=f"{start.isoformat()}:{end.isoformat()}"
    )
    users = {str(u["id"]): u for u in await svc.psa.list("users")}
    workers = {
        str(r.get("Email", "")).lower(): r
        for r in await svc.hcm.report(Include_Terminated_Workers="1")
        if r.get("Email")
    }
    minutes: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for te in entries:
        key = (str(te["user_id"]), str(te["workspace_id"]))
        minutes[key][0] += int(te["time_in_minutes"])
        if te.get("billable"):
            minutes[key][1] += int(te["time_in_minutes"])
    workdays = _workdays(start, end)
    rows = []
    for (user_id, workspace_id), (logged, billable) in sorted(minutes.items()):
        email = str((users.get(user_id) or {}).get("email_address") or "").lower()
        worker = workers.get(email) or {}
        weekly = float(worker.get("Scheduled_Weekly_Hours") or 40)
        capacity = round(weekly / 5 * workdays, 2)
        rows.append(
            {
                "period_start": start.isoformat(),
                "period_end": end.isoformat(),
                "employee_id": str(worker.get("Employee_ID") or ""),
                "psa_user_id": user_id,
                "consultant": str(
                    worker.get("Worker") or (users.get(user_id) or {}).get("full_name") or ""
                ),
                "psa_workspace_id": workspace_id,
                "hours": round(logged / 60, 4),
                "billable_hours": round(billable / 60, 4),
                "capacity_hours": capacity,
                "utilization": round(billable / 60 / capacity, 4) if capacity else 0.0,
            }
        )
    requests = await svc.powerbi.push_rows(rows)
    log.info(
        "utilization batch pushed",
        extra={
            "from": start.isoformat(),
            "to": end.isoformat(),
            "rows": len(rows),
            "requests": requests,
        },
    )
