"""The tenant's indexes on reference fields: one per collection that stores the field.

An index over every row on ``json_extract(data, '$.workspace_id')`` made each insert parse
the whole record once per indexed field, whatever its collection, a subscribed event (its
record's whole payload inside) included. Each index is now partial, ``(type, field) WHERE
type = '<collection>'``, on the collections that store the field only: a query that names
its collection as a literal (every query here does) uses it as it used the index over every
row, and a record pays only for the references it holds.

A subscribed event keeps its record's whole payload (some 3 KB), and SQLite's JSON functions
parse the whole text to read one field of it. Its own fields come first, each written by the
event writer (the only writer of those rows) as ``"name":value,`` with a number or null as
value, so its indexes take the value's text between its key and the next comma
(``event_field``): two scans of a few dozen bytes, no JSON parsed. (Parsing the event's head
instead, its JSON up to ``current_payload``, cost a quarter of a workspace create.)
"""

from __future__ import annotations

from simulators.engine import RecordStore, json_path, type_literal

from ._model import Catalog

#: the reference fields lists filter on and roll-ups and includes join on
FIELDS = ("workspace_id", "user_id", "story_id", "subject_id")
#: the collection whose indexed fields are read from the head of its JSON
EVENTS = "subscribed_events"
#: indexes of earlier tenants: over every row, four single-column workspace indexes, and the
#: events' over their whole JSON
_EARLIER = (
    tuple(f"ix_{f}" for f in FIELDS)
    + tuple(
        f"ix_{c}__workspace_id"
        for c in ("time_entries", "expenses", "timesheet_submissions", "stories")
    )
    + tuple(f"kt_{EVENTS}__{f}" for f in FIELDS)
    + tuple(f"kt_{EVENTS}__{f}__head" for f in FIELDS)
    # the engine's index on each event's key, read from its whole JSON (lookups now go
    # through the subject's index)
    + ("ix_subscribed_events___key",)
)
#: how many characters of an event's own field's value are looked at (an id is at most 20)
_VALUE_SPAN = 24


def event_field(field: str) -> str:
    """SQL for the JSON text of ``field`` of a subscribed event (``1``, ``null``): the text
    between its key and the next comma. The writer puts the event's own fields first, so the
    first ``"field":`` is the key (a quote inside a JSON string is escaped). Compare it with
    ``event_value``: a number's text is equal exactly when json_extract's values are."""
    key = f'"{field}":'
    at = f"instr(data, '{key}') + {len(key)}"
    return f"substr(data, {at}, instr(substr(data, {at}, {_VALUE_SPAN}), ',') - 1)"


def event_value(value: int) -> str:
    """A number as ``event_field`` reads it."""
    return str(int(value))


def index_expr(collection: str, field: str) -> str:
    """The expression a collection's index on ``field`` is made over, and queries compare."""
    return event_field(field) if collection == EVENTS else json_path(field)


def index_names(catalog: Catalog) -> dict[tuple[str, str], str]:
    """(collection, field) -> index name, for every collection that stores one of ``FIELDS``."""
    return {
        (res.collection, f): f"kt_{res.collection}__{f}"
        + ("__text" if res.collection == EVENTS else "")
        for res in catalog
        for f in FIELDS
        if f in res.stored
    }


#: the event filters that read an event index, by their query parameter
EVENT_FILTERS = {"subject_id": "subject_id", "user_ids": "user_id"}


def ensure_indexes(store: RecordStore, names: dict[tuple[str, str], str]) -> None:
    """Create the partial indexes ``names`` lists, and drop the earlier layout's. The events'
    are made when first read (``ensure_event_index``): each cost a create a twelfth of its
    instructions, and most tenants never filter their events."""
    for name in _EARLIER:
        store.conn.execute(f"DROP INDEX IF EXISTS {name}")
    for (collection, f), name in names.items():
        if collection != EVENTS:
            _create(store, collection, f, name)


def ensure_event_index(store: RecordStore, names: dict[tuple[str, str], str], field: str) -> str:
    """The events' index on ``field``, made now unless it exists; its name."""
    name = names[(EVENTS, field)]
    _create(store, EVENTS, field, name)
    return name


def _create(store: RecordStore, collection: str, f: str, name: str) -> None:
    store.conn.execute(
        f"CREATE INDEX IF NOT EXISTS {name} ON records(type, {index_expr(collection, f)})"
        f" WHERE type = {type_literal(collection)}"
    )
