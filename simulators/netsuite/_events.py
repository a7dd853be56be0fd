"""NetSuite's change events: one afterSubmit notification per written record."""

from __future__ import annotations

from typing import Any

from simulators.engine import Change

from ._schema import RecordType

CHANNEL = "netsuite/afterSubmit"
_OPERATION = {"create": "create", "update": "edit", "delete": "delete", "undelete": "create"}


def after_submit(rt: RecordType, change: Change, account: str) -> tuple[str, dict[str, Any]]:
    """The channel and payload a user event script's afterSubmit would see."""
    payload = {
        "recordType": rt.script_type,
        "id": change.id,
        "operation": _OPERATION[change.op],
        "lastModifiedDate": change.data.get("lastModifiedDate"),
        "accountId": account,
    }
    return CHANNEL, payload
