"""Business-process notifications, as a customer wires a Workday outbound subscription.

Workday itself has no REST webhooks: a business process subscription (or an outbound
message integration) posts a SOAP/XML envelope to the customer's endpoint when a process
completes, and the subscriber then reads the worker. The simulator delivers the same
facts as JSON (the only configured delivery format), once per completed process, at
completion time (not at the effective date)::

    {
      "notificationType": "BUSINESS_PROCESS_COMPLETED",
      "tenant": "psharness_default",
      "businessProcessType": "Hire" | "Job Change" | "Request Compensation Change" | "Termination",
      "event": {"id": "<event WID>", "descriptor": "Hire: Ada Lovelace"},
      "worker": {"id": "<worker WID>", "descriptor": "Ada Lovelace", "href": "..."},
      "employeeId": "21001",
      "effectiveDate": "2026-05-01",
      "completedOn": "2026-04-10T12:00:00.000Z",
      "status": "Successfully Completed",
      "reason": {"id": "...", "descriptor": "..."}          (when the process had one)
      "changedFields": ["supervisoryOrganization", ...]     (job and compensation changes)
    }
"""

from __future__ import annotations

from typing import Any

from ._model import worker_name

_FIELD_NAMES = {
    "jobProfileId": "jobProfile",
    "supervisoryOrganizationId": "supervisoryOrganization",
    "locationId": "location",
    "costCenterId": "costCenter",
    "managerId": "manager",
}


def notification(
    wd_tenant: str, base_url: str, rec: dict[str, Any], entry: dict[str, Any]
) -> dict[str, Any]:
    name = worker_name(rec)
    body: dict[str, Any] = {
        "notificationType": "BUSINESS_PROCESS_COMPLETED",
        "tenant": wd_tenant,
        "businessProcessType": entry["type"],
        "event": {"id": entry["eventId"], "descriptor": f"{entry['type']}: {name}"},
        "worker": {
            "id": rec["id"],
            "descriptor": name,
            "href": f"{base_url}/ccx/api/common/v1/{wd_tenant}/workers/{rec['id']}",
        },
        "employeeId": rec.get("employeeId"),
        "effectiveDate": entry["effective"],
        "completedOn": entry["completedOn"],
        "status": "Successfully Completed",
    }
    if entry.get("reason"):
        body["reason"] = entry["reason"]
    if entry["type"] not in ("Hire", "Termination"):
        body["changedFields"] = sorted(_FIELD_NAMES.get(k, k) for k in entry.get("changes") or {})
    return body
