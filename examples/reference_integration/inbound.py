"""Turn each vendor's webhook body into inbox tasks: (kind, event key, payload).

The key is the vendor's own event id (CDC replay id, Kantata event id, Workday event
WID, NetSuite record + modification time, Business Central subscription + resource +
change time), so a redelivered event is stored once.
"""

from __future__ import annotations

import re
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


#: a Business Central notification's resource: ...companies({id})/{entity set}({id})
_BC_RESOURCE = re.compile(r"companies\(([0-9A-Fa-f-]{36})\)/([A-Za-z]+)(?:\(([0-9A-Fa-f-]{36})\))?")
#: Business Central entity sets and the record types flows know them as
_BC_TYPES = {"salesInvoices": "invoice"}


def erp(body: Any) -> Parsed:
    """A NetSuite afterSubmit notification ``{"recordType", "id", "operation", "lastModifiedDate"}``,
    or a Business Central notification batch ``{"value": [{"subscriptionId", "clientState",
    "resource", "changeType", "lastModifiedDateTime", ...}]}`` (a ``collection`` item names
    an entity set whose many changes were folded into one: every known record is re-read)."""
    if isinstance(body, dict) and isinstance(body.get("value"), list):
        return _bc_batch(body["value"])
    if not isinstance(body, dict) or "recordType" not in body:
        raise Unprocessable("expected a NetSuite notification with recordType and id")
    key = f"erp:{body['recordType']}:{body.get('id')}:{body.get('operation')}:{body.get('lastModifiedDate')}"
    return [("erp.event", key, dict(body))]


def _bc_batch(items: list[Any]) -> Parsed:
    out: Parsed = []
    for item in items:
        if not isinstance(item, dict) or "resource" not in item:
            raise Unprocessable(
                "expected Business Central notifications with resource and changeType"
            )
        m = _BC_RESOURCE.search(str(item["resource"]))
        kind = _BC_TYPES.get(m.group(2)) if m else None
        if kind is None:
            continue  # an entity set no flow follows
        assert m is not None
        change = str(item.get("changeType") or "")
        record = m.group(3) if change != "collection" and m.group(3) else "*"
        key = (
            f"erp:{item.get('subscriptionId')}:{item['resource']}:{change}:"
            f"{item.get('lastModifiedDateTime')}"
        )
        payload = {
            "recordType": kind,
            "id": record,
            "operation": "delete" if change == "deleted" else change,
            "clientState": item.get("clientState"),
        }
        out.append(("erp.event", key, payload))
    return out


def hcm(body: Any) -> Parsed:
    """A Workday business-process notification ``{"businessProcessType", "event": {"id"}, ...}``."""
    if not isinstance(body, dict) or "businessProcessType" not in body:
        raise Unprocessable("expected a Workday business process notification")
    event_id = (body.get("event") or {}).get("id")
    return [("hcm.event", f"hcm:{event_id}", dict(body))]


PARSERS = {"crm": crm, "psa": psa, "erp": erp, "hcm": hcm}
