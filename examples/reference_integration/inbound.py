"""Turn each vendor's webhook body into inbox tasks: (kind, event key, payload).

The key is the vendor's own event id (CDC replay id, Kantata event id, Workday event
WID, NetSuite record + modification time), so a redelivered event is stored once.
"""

from __future__ import annotations

from typing import Any

from .errors import Unprocessable

Parsed = list[tuple[str, str, dict[str, Any]]]
#: sources whose keys are not unique per change (see Store.enqueue's reopen_done)
REOPEN_WHEN_DONE = frozenset({"erp"})


def crm(body: Any) -> Parsed:
    """Salesforce CDC message ``{"channel", "data": {"payload", "event": {"replayId"}}}``."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        raise Unprocessable('expected a CDC message {"channel", "data": {"payload", "event"}}')
    data = body["data"]
    payload = data.get("payload") or {}
    header = payload.get("ChangeEventHeader") or {}
    if header.get("entityName") != "Opportunity":
        return []
    replay = (data.get("event") or {}).get("replayId")
    tx = header.get("transactionKey")
    out: Parsed = []
    for rid in header.get("recordIds") or []:
        out.append(
            (
                "crm.opportunity",
                f"crm:{replay if replay is not None else tx}:{rid}",
                {
                    "id": rid,
                    "changeType": header.get("changeType"),
                    "changedFields": header.get("changedFields") or [],
                },
            )
        )
    return out


def psa(body: Any) -> Parsed:
    """A Kantata subscribed event ``{"id", "event_type", "subject_type", "subject_id", ...}``."""
    if not isinstance(body, dict) or "subject_type" not in body:
        raise Unprocessable("expected a Kantata subscribed event with subject_type and subject_id")
    keep = ("id", "event_type", "subject_type", "subject_id", "payload_changes")
    return [("psa.event", f"psa:{body.get('id')}", {k: body.get(k) for k in keep})]


def erp(body: Any) -> Parsed:
    """A NetSuite afterSubmit notification ``{"recordType", "id", "operation", "lastModifiedDate"}``."""
    if not isinstance(body, dict) or "recordType" not in body:
        raise Unprocessable("expected a NetSuite notification with recordType and id")
    key = f"erp:{body['recordType']}:{body.get('id')}:{body.get('operation')}:{body.get('lastModifiedDate')}"
    return [("erp.event", key, dict(body))]


def hcm(body: Any) -> Parsed:
    """A Workday business-process notification ``{"businessProcessType", "event": {"id"}, ...}``."""
    if not isinstance(body, dict) or "businessProcessType" not in body:
        raise Unprocessable("expected a Workday business process notification")
    event_id = (body.get("event") or {}).get("id")
    return [("hcm.event", f"hcm:{event_id}", dict(body))]


PARSERS = {"crm": crm, "psa": psa, "erp": erp, "hcm": hcm}
