"""Subscribed events: Kantata's change feed, one event per committed change.

Each event is kept as a ``subscribed_events`` record (polled through the API) and is
also the payload the engine pushes to webhook subscribers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulators.engine import Change, RecordStore, Tenant

from ._indexes import EVENTS, ensure_event_index, event_field, event_value
from ._wire import iso_timestamp

if TYPE_CHECKING:
    from ._model import Catalog
    from ._render import Presenter

_OPS = {"create": "created", "update": "updated", "delete": "deleted", "undelete": "created"}


def change_key(change: Change) -> str:
    """Identifies the subscribed event kept for ``change`` (the webhook payload is the same)."""
    return f"{change.type}/{change.id}/{change.op}/{change.at!r}"


def find_event(
    store: RecordStore, change: Change, indexes: dict[tuple[str, str], str]
) -> tuple[str] | None:
    """The stored subscribed event of ``change`` (its JSON), or None: looked up among its
    subject's events through their index, then by its key (an index on the key read every
    event's whole JSON on each insert)."""
    key = change_key(change)
    if not change.id.isdigit():  # every record id is a number; else a scan finds it
        sql = (
            f"SELECT data FROM records WHERE type = '{EVENTS}' AND json_extract(data, '$._key') = ?"
        )
        return store.conn.execute(sql, (key,)).fetchone()
    index = ensure_event_index(store, indexes, "subject_id")
    return store.conn.execute(
        f"SELECT data FROM records INDEXED BY {index} WHERE type = '{EVENTS}'"
        f" AND {event_field('subject_id')} = ? AND json_extract(data, '$._key') = ?",
        (event_value(int(change.id)), key),
    ).fetchone()


def build_event(
    catalog: Catalog,
    presenter: Presenter,
    tenant: Tenant,
    change: Change,
    event_id: str,
    account_id: int,
    fallback_user: str,
) -> dict[str, Any] | None:
    res = catalog.get(change.type)
    if res is None or not res.events:
        return None
    current = presenter.shape(res, change.data) if change.op != "delete" else None
    previous_raw = (
        change.previous
        if change.op == "update"
        else (change.data if change.op == "delete" else None)
    )
    previous = presenter.shape(res, previous_raw) if previous_raw is not None else None
    changes: dict[str, list[Any]] = {}
    if change.op == "update" and change.previous is not None:
        for key in change.changed_fields:
            if key.startswith("_") or key == "updated_at":
                continue
            changes[key] = [change.previous.get(key), change.data.get(key)]
    elif change.op == "create":
        public = catalog.public_copy(change.data)
        public.pop("id", None)
        changes = {k: [None, v] for k, v in public.items() if v is not None}
    user = change.origin or fallback_user
    stamp = iso_timestamp(change.at or tenant.clock.time())
    return {
        "id": event_id,
        "event_type": f"{res.singular}:{_OPS[change.op]}",
        "account_id": account_id,
        "user_id": int(user) if user.isdigit() else None,
        "subject_id": int(change.id) if change.id.isdigit() else change.id,
        "subject_type": res.subject_type,
        "subject_changed_at": stamp,
        "current_payload": current,
        "previous_payload": previous,
        "payload_changes": changes,
        "created_at": stamp,
        "_created": change.at or tenant.clock.time(),
    }
