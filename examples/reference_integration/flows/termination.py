"""A termination in the HCM ends the consultant's current assignments in the PSA."""

from __future__ import annotations

from typing import Any

from ..logs import correlation_id, get_logger
from ..services import Services

log = get_logger("termination")


async def on_business_process(svc: Services, note: dict[str, Any]) -> None:
    if note.get("businessProcessType") != "Termination":
        return
    wid = str((note.get("worker") or {}).get("id") or "")
    worker = await svc.hcm.worker(wid) if wid else None
    email = ""
    if worker is not None:
        email = str(
            (worker.get("person") or {}).get("email") or worker.get("primaryWorkEmail") or ""
        )
    if not email:
        rows = await svc.hcm.report(Include_Terminated_Workers="1")
        emp = str(note.get("employeeId") or "")
        email = next((str(r.get("Email")) for r in rows if str(r.get("Employee_ID")) == emp), "")
    if not email:
        log.warning("terminated worker has no e-mail", extra={"worker": wid})
        return
    users = await svc.psa.list("users", by_email_address=email)
    ended = 0
    for user in users:
        for a in await svc.psa.list("assignments", assignee_id=str(user["id"]), current="true"):
            await svc.psa.update("assignments", "assignment", str(a["id"]), {"current": False})
            ended += 1
    svc.store.publish(
        "consultant.terminated",
        f"consultant.terminated:{(note.get('event') or {}).get('id') or wid}",
        {
            "worker": wid,
            "email": email,
            "effective": note.get("effectiveDate"),
            "assignments_ended": ended,
        },
        correlation_id(),
    )
    log.info("assignments ended", extra={"worker": wid, "count": ended})
