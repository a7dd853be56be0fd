"""The tenant's indexes on reference fields: one per collection that stores the field.

An index over every row on ``json_extract(data, '$.workspace_id')`` made each insert parse
the whole record once per indexed field, whatever its collection, a subscribed event (its
record's whole payload inside) included. Each index is now partial, ``(type, field) WHERE
type = '<collection>'``, on the collections that store the field only: a query that names
its collection as a literal (every query here does) uses it as it used the index over every
row, and a record pays only for the references it holds.

A subscribed event keeps its record's whole payload (some 3 KB), and SQLite parses the whole
JSON to read one field of it. Its own fields come first, before ``current_payload`` (the
event writer's order, and the only writer of those rows), so its indexes read them from that
head alone (``event_field``): a few hundred bytes parsed instead of the whole event.
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
)
#: where an event's own fields end: the first key after them, as the event writer puts it
_HEAD_END = ',"current_payload":'


def event_field(field: str) -> str:
    """SQL for ``field`` of a subscribed event read from the event's head (its JSON up to
    ``current_payload``, closed), or from the whole event when it has no such head. Inside a
    JSON string a quote is always escaped, so the mark found is a key; the value is the one
    ``json_extract`` over the whole event gives, for the events the writer makes. Without
    the mark the head is ``}``, not JSON, and the whole event is read."""
    head = f"substr(data, 1, instr(data, '{_HEAD_END}') - 1) || '}}'"
    return f"json_extract(CASE WHEN json_valid({head}) THEN {head} ELSE data END, '$.{field}')"


def index_expr(collection: str, field: str) -> str:
    """The expression a collection's index on ``field`` is made over, and queries compare."""
    return event_field(field) if collection == EVENTS else json_path(field)


def index_names(catalog: Catalog) -> dict[tuple[str, str], str]:
    """(collection, field) -> index name, for every collection that stores one of ``FIELDS``."""
    return {
        (res.collection, f): f"kt_{res.collection}__{f}"
        + ("__head" if res.collection == EVENTS else "")
        for res in catalog
        for f in FIELDS
        if f in res.stored
    }


def ensure_indexes(store: RecordStore, names: dict[tuple[str, str], str]) -> None:
    """Create the partial indexes ``names`` lists, and drop the earlier layout's."""
    for name in _EARLIER:
        store.conn.execute(f"DROP INDEX IF EXISTS {name}")
    for (collection, f), name in names.items():
        store.conn.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON records(type, {index_expr(collection, f)})"
            f" WHERE type = {type_literal(collection)}"
        )
