"""Change Data Capture events with Salesforce's ChangeEventHeader.

The event is shaped as the Streaming API delivers it over CometD:
``{"channel": "/data/OpportunityChangeEvent", "data": {"schema", "payload", "event": {"replayId"}}}``;
webhook subscribers receive exactly that message.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Mapping
from typing import Any

from simulators.engine import Change

from ._schema import ObjectDef

_OPS = {"create": "CREATE", "update": "UPDATE", "delete": "DELETE", "undelete": "UNDELETE"}
_SKIP_ON_UPDATE = {"SystemModstamp", "LastModifiedById"}


@functools.lru_cache(maxsize=1024)
def channel_for(obj_name: str) -> str:
    if obj_name.endswith("__c"):
        return f"/data/{obj_name[:-3]}__ChangeEvent"
    return f"/data/{obj_name}ChangeEvent"


def schema_id(obj: ObjectDef) -> str:
    """A stable schema id per object shape (Salesforce sends one per event schema)."""
    return _schema_id(obj.name, tuple(sorted(f.name for f in obj.fields.values())))


@functools.lru_cache(maxsize=1024)
def _schema_id(name: str, field_names: tuple[str, ...]) -> str:
    digest = hashlib.sha256(("|".join(field_names) + name).encode()).digest()
    import base64

    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def change_event(
    obj: ObjectDef,
    change: Change,
    seq: int,
    commit_user: str,
    template: Mapping[str, None] | None = None,
) -> dict[str, Any]:
    """The event of one change; ``template``: the object's blank record, which puts the fields
    of a create's compact record (only fields with a value) in describe order."""
    change_type = _OPS[change.op]
    header: dict[str, Any] = {
        "entityName": obj.name,
        "recordIds": [change.id],
        "changeType": change_type,
        "changeOrigin": change.origin or "com/salesforce/api/rest/68.0",
        "transactionKey": str(
            uuid.uuid5(uuid.NAMESPACE_URL, f"{change.tenant}/{change.type}/{change.id}/{seq}")
        ),
        "sequenceNumber": 1,
        "commitTimestamp": int(change.at * 1000),
        "commitNumber": 10_000_000_000 + seq,
        "commitUser": commit_user,
        "nulledFields": [],
        "diffFields": [],
        "changedFields": [],
    }
    payload: dict[str, Any] = {"ChangeEventHeader": header}
    data = change.data
    if change_type in ("CREATE", "UNDELETE"):
        for k, v in (data if template is None else {**template, **data}).items():
            if v is not None and k not in ("Id", "IsDeleted", "SystemModstamp"):
                payload[k] = v
    elif change_type == "UPDATE":
        changed = [f for f in change.changed_fields if f not in _SKIP_ON_UPDATE]
        header["changedFields"] = changed
        header["nulledFields"] = [f for f in changed if data.get(f) is None]
        for f in changed:
            if data.get(f) is not None:
                payload[f] = data[f]
    return {
        "channel": channel_for(obj.name),
        "data": {
            "schema": schema_id(obj),
            "payload": payload,
            "event": {"replayId": seq},
        },
    }
