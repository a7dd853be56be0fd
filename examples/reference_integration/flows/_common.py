"""Lookups several flows share: the project of an opportunity or workspace, employees."""

from __future__ import annotations

from typing import Any

from ..errors import NotReady
from ..services import Services

CRM_SERVICE = "salesforce"


def project_of_workspace(svc: Services, workspace_id: str) -> dict[str, Any] | None:
    ref = svc.store.link("workspace", str(workspace_id))
    return svc.store.link("project", ref["opportunity"]) if ref else None


def save_project(svc: Services, project: dict[str, Any]) -> None:
    svc.store.set_link("project", project["opportunity"], project)
    svc.store.set_link(
        "workspace", project["workspace_id"], {"opportunity": project["opportunity"]}
    )


async def ensure_employee(svc: Services, psa_user_id: str) -> str:
    """The ERP employee's external id for a PSA user (matched to the HCM by e-mail)."""
    known = svc.store.link("psa_user", str(psa_user_id))
    if known:
        return str(known["employee_eid"])
    user = await svc.psa.get("users", str(psa_user_id))
    if user is None or not user.get("email_address"):
        raise NotReady(f"PSA user {psa_user_id} has no e-mail to match in the HCM")
    email = str(user["email_address"]).lower()
    rows = await svc.hcm.report(Include_Terminated_Workers="1")
    row = next((r for r in rows if str(r.get("Email", "")).lower() == email), None)
    if row is None:
        raise NotReady(f"no HCM worker with e-mail {email}")
    return await upsert_employee(svc, str(psa_user_id), row)


async def upsert_employee(svc: Services, psa_user_id: str, row: dict[str, Any]) -> str:
    """The consultant as an ERP employee (for time bills); the key the ERP knows it by."""
    eid = await svc.erp_port.employee(row)
    svc.store.set_link(
        "psa_user",
        psa_user_id,
        {"employee_eid": eid, "worker": row.get("Worker_WID"), "employee_id": row["Employee_ID"]},
    )
    return eid
