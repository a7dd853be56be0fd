"""Business Central's change events: one webhook notification per written entity."""

from __future__ import annotations

from typing import Any

from simulators.engine import Change

from ._edm import ENTITIES
from ._records import COMPANY
from ._webhooks import notification_resource
from ._wire import bc_datetime

CHANNEL = "businesscentral/webhook"


def notification(change: Change) -> tuple[str, dict[str, Any]] | None:
    """One notification in a batch envelope, for subscribers wired through the admin API."""
    ent = ENTITIES.get(change.type)
    company = change.data.get(COMPANY)
    if ent is None or company is None:
        return None
    op = {"create": "created", "update": "updated", "delete": "deleted"}.get(change.op, "updated")
    return CHANNEL, {
        "value": [
            {
                "subscriptionId": "",
                "clientState": "",
                "expirationDateTime": "",
                "resource": notification_resource(ent.set_name, company, change.id),
                "changeType": op,
                "lastModifiedDateTime": bc_datetime(change.at),
            }
        ]
    }
