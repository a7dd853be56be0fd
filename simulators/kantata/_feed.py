"""Subscribed events: Kantata's change feed, one event per committed change.

Each event is kept as a ``subscribed_events`` record (polled through the API) and is
also the payload the engine pushes to webhook subscribers.

A create event whose record's shape reads nothing but the record (a new workspace with
nothing pointing at it, a time entry: ``Presenter.pure``) is stored compact: its own fields
with the record as written under ``_record`` in place of its three payloads, which every
reader rebuilds (``expand_event``) as the create made them. The full event was three times
the record (the shaped record and ``payload_changes``) and writing it cost a tenth of a
create; events stored whole (by earlier versions, or of any other change) read as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from simulators.engine import Change, RecordStore, Tenant

from ._indexes import EVENTS, ensure_event_index, event_field, event_value
from ._wire import iso_timestamp

if TYPE_CHECKING:
    from ._model import Catalog, Resource
    from ._render import Presenter
    from ._settings import KantataSettings

#: the key of a compact event's record, in place of its payloads (see the module doc)
RECORD = "_record"
#: how ``RECORD`` starts in a compact event's JSON, after the fields before it
_RECORD_KEY = ',"' + RECORD + '":'

_OPS = {"create": "created", "update": "updated", "delete": "deleted", "undelete": "created"}


def change_key(change: Change) -> str:
    """Identifies the subscribed event kept for ``change`` (the webhook payload is the same)."""
    return f"{change.type}/{change.id}/{change.op}/{float_text(change.at)}"


def float_text(value: float) -> str:
    """``repr(value)``. A timestamp's through orjson, a fifth of the instructions: both write
    the shortest text that reads back as the value, the same text for every timestamp from
    2001 to 5138 (positional, at least one decimal); any other value through ``repr``."""
    if type(value) is float and 1e9 <= value < 1e11:
        return orjson.dumps(value).decode()
    return repr(value)


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
    if change.op == "create":
        return with_payloads(
            head(res, tenant, change, event_id, account_id, fallback_user),
            current,
            create_changes(catalog, change.data),
        )
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
    ev = head(res, tenant, change, event_id, account_id, fallback_user)
    return with_payloads(ev, current, changes, previous)


def head(
    res: Resource,
    tenant: Tenant,
    change: Change,
    event_id: str,
    account_id: int,
    fallback_user: str,
) -> dict[str, Any]:
    """The event of ``change`` without its payloads: its own fields, in the order of the
    event's JSON, the payloads' place held by ``RECORD`` (the change's record)."""
    first, last = head_parts(res, tenant, change, event_id, account_id, fallback_user)
    first[RECORD] = change.data
    first.update(last)
    return first


def head_parts(
    res: Resource,
    tenant: Tenant,
    change: Change,
    event_id: str,
    account_id: int,
    fallback_user: str,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``head`` in two parts: its fields before ``RECORD`` and those after it (a compact
    event's JSON is written around its record's stored JSON: ``compact_json``)."""
    user = change.origin or fallback_user
    at = change.at or tenant.clock.time()
    stamp = iso_timestamp(at)
    first = {
        "id": event_id,
        "event_type": f"{res.singular}:{_OPS[change.op]}",
        "account_id": account_id,
        "user_id": int(user) if user.isdigit() else None,
        "subject_id": int(change.id) if change.id.isdigit() else change.id,
        "subject_type": res.subject_type,
        "subject_changed_at": stamp,
    }
    return first, {"created_at": stamp, "_created": at}


def compact_json(first: dict[str, Any], last: dict[str, Any], stored: str) -> str:
    """``orjson.dumps`` of the compact event ``{**first, RECORD: record, **last}`` (as text),
    the record written as ``stored``, its JSON as the store keeps it: the two parts
    serialised around it, with no copy of the record's JSON as bytes."""
    return "".join(
        (
            orjson.dumps(first).decode()[:-1],
            _RECORD_KEY,
            stored,
            ",",
            orjson.dumps(last).decode()[1:],
        )
    )


def create_changes(catalog: Catalog, rec: dict[str, Any]) -> dict[str, list[Any]]:
    """A create event's ``payload_changes``: every public field set, from nothing."""
    public = catalog.public_copy(rec)
    public.pop("id", None)
    return {k: [None, v] for k, v in public.items() if v is not None}


def with_payloads(
    ev: dict[str, Any],
    current: dict[str, Any] | None,
    changes: dict[str, list[Any]],
    previous: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``ev`` with its three payloads in the place ``RECORD`` holds."""
    out: dict[str, Any] = {}
    for k, v in ev.items():
        if k == RECORD:
            out["current_payload"] = current
            out["previous_payload"] = previous
            out["payload_changes"] = changes
        else:
            out[k] = v
    return out


def expand_event(
    catalog: Catalog, settings: KantataSettings, tenant: Tenant, ev: dict[str, Any]
) -> dict[str, Any]:
    """A stored event as its create made it: a compact one (``RECORD``) with its payloads
    rebuilt from its record, the shape a pure ``Presenter`` gives it; any other as stored."""
    rec = ev.get(RECORD)
    if rec is None:
        return ev
    from ._render import Presenter  # late: the presenter's module reads this one's

    res = catalog.get(str(ev.get("_key", "")).split("/", 1)[0])
    if res is None:  # a compact event is written only for a collection of the catalogue
        raise ValueError(f"subscribed event {ev.get('id')} names no collection")
    presenter = Presenter(catalog, settings, tenant, [])
    presenter.created = presenter.replayed = True
    return with_payloads(ev, presenter.shape(res, rec), create_changes(catalog, rec))
