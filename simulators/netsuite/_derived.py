"""What the dialect derives from one stored record (its row's JSON, its rendered reference),
kept in the store's read cache under the record's own (type, id).

The store drops that entry whenever the record is written (update, delete, undelete, bulk
load) and clears the cache on a rollback, clear and restore; an insert drops nothing, as an
entry exists only for a stored row. So what is kept here is never older than the row, and a
write's reference check, its rules and the rendering of references all read a shared record
(a customer's subsidiary) once until it changes.
"""

from __future__ import annotations

from typing import Any

import orjson

from simulators.engine import RecordStore

#: the read cache's key of the entry (one entry per record; its parts by name inside)
_ENTRY = "ns.derived"
#: the part holding the row's JSON
ROW = "row"


def derived(store: RecordStore, type_: str, id_: str, part: Any) -> Any:
    """The part of ``(type_, id_)``'s entry, or None."""
    entry: dict[Any, Any] | None = store.read_cache.get(type_, id_, _ENTRY)
    return None if entry is None else entry.get(part)


def keep(store: RecordStore, type_: str, id_: str, part: Any, value: Any) -> None:
    """Keep ``value`` as a part of the entry of a stored record ``(type_, id_)``."""
    cache = store.read_cache
    entry: dict[Any, Any] | None = cache.get(type_, id_, _ENTRY)
    if entry is None:
        entry = {}
        cache.put(type_, id_, _ENTRY, entry)
    entry[part] = value


def live_row(store: RecordStore, type_: str, id_: str) -> str | None:
    """The JSON of a live record, or None (a missing or deleted record is not kept)."""
    hit: str | None = derived(store, type_, id_, ROW)
    if hit is not None:
        return hit
    row = store.get_raw(type_, id_)
    if row is None or row[1]:
        return None
    keep(store, type_, id_, ROW, row[0])
    return row[0]


#: the part holding the parsed row, handed to no one (``live_value`` reads it)
_DOC = "doc"


def live_value(store: RecordStore, type_: str, id_: str, name: str) -> Any:
    """A scalar field of a live record; None when the record is missing or deleted."""
    doc: dict[str, Any] | None = derived(store, type_, id_, _DOC)
    if doc is None:
        raw = live_row(store, type_, id_)
        if raw is None:
            return None
        doc = orjson.loads(raw)
        keep(store, type_, id_, _DOC, doc)
    return doc.get(name)
