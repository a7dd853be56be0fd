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

Every index costs every insert of any collection (its cursor and its condition, for each row
of the statement: a workspace create and its event paid about 1.5k instructions per index), so
only the roll-ups' (``ROLL_UPS``: a workspace's figures name them in ``INDEXED BY`` on every
read) are made with the tenant. The others are made when first used: by ``RefIndexes``, the
one place every Kantata read that compares a reference field goes through (list filters,
includes, roll-ups of stories, ``Records.find``); a query run before its index exists still
answers, by a scan of its collection. Those are the store's per-type indexes
(``RecordStore.ensure_index``: only rows with a value, dropped again by a rolled-back
transaction); a tenant saved with all of them made at once has the unused ones dropped.
"""

from __future__ import annotations

import re
from typing import Any

from simulators.engine import RecordStore, json_path, type_literal

from ._model import Catalog

#: the reference fields of the earlier layouts (each indexed over every row)
_EARLIER_FIELDS = ("workspace_id", "user_id", "story_id", "subject_id")
#: the reference fields lists filter on and roll-ups and includes join on (a story's
#: ``parent_id``: its sub-story count, read by every story shaped)
FIELDS = (*_EARLIER_FIELDS, "parent_id")
#: the collection whose indexed fields are read from the head of its JSON
EVENTS = "subscribed_events"
#: the indexes made with the tenant: a workspace's roll-ups read them by name on every read
ROLL_UPS = frozenset(
    (c, "workspace_id") for c in ("time_entries", "expenses", "timesheet_submissions", "stories")
)
#: the one index of the roll-ups' four collections on ``(type, workspace_id)``: partial on
#: ``type = 'time_entries' OR ...``, which each query's ``type = '<collection>'`` implies, so
#: every insert (a workspace and its event included) pays one index's cursor and condition
#: where it paid four
ROLL_UP_INDEX = "kt_rollups__workspace_id"
#: indexes of earlier tenants: over every row, four single-column workspace indexes, and the
#: events' over their whole JSON
_EARLIER = (
    tuple(f"ix_{f}" for f in _EARLIER_FIELDS)
    + tuple(
        f"ix_{c}__workspace_id"
        for c in ("time_entries", "expenses", "timesheet_submissions", "stories")
    )
    + tuple(f"kt_{EVENTS}__{f}" for f in _EARLIER_FIELDS)
    + tuple(f"kt_{EVENTS}__{f}__head" for f in _EARLIER_FIELDS)
    # the engine's index on each event's key, read from its whole JSON (lookups now go
    # through the subject's index)
    + ("ix_subscribed_events___key",)
    # the roll-ups' four indexes, one per collection (now ``ROLL_UP_INDEX``)
    + tuple(f"kt_{c}__{f}" for c, f in sorted(ROLL_UPS))
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
        (res.collection, f): ROLL_UP_INDEX
        if (res.collection, f) in ROLL_UPS
        else f"kt_{res.collection}__{f}" + ("__text" if res.collection == EVENTS else "")
        for res in catalog
        for f in FIELDS
        if f in res.stored
    }


#: the event filters that read an event index, by their query parameter
EVENT_FILTERS = {"subject_id": "subject_id", "user_ids": "user_id"}


def ensure_indexes(store: RecordStore, names: dict[tuple[str, str], str]) -> None:
    """Create the roll-ups' partial indexes, and drop the earlier layouts'. The events' are
    made when first read (``ensure_event_index``): each cost a create a twelfth of its
    instructions, and most tenants never filter their events; the other reference fields'
    when first compared (``RefIndexes``)."""
    for name in _EARLIER:
        store.conn.execute(f"DROP INDEX IF EXISTS {name}")
    for (collection, f), name in names.items():
        if (collection, f) not in ROLL_UPS and collection != EVENTS:
            store.conn.execute(f"DROP INDEX IF EXISTS {name}")  # made with the tenant before
    which = " OR ".join(f"type = {type_literal(c)}" for c, _ in sorted(ROLL_UPS))
    store.conn.execute(
        f"CREATE INDEX IF NOT EXISTS {ROLL_UP_INDEX} ON records(type, {json_path('workspace_id')})"
        f" WHERE {which}"
    )


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


#: an SQL string literal (a collection, in ``type = 'time_entries'``) and a JSON path
_LITERAL = re.compile(r"'([a-z_]+)'")
_PATH = re.compile(r"'\$\.([a-z_]+)'")
#: distinct SQL texts whose indexes are remembered (Kantata's reads build a few dozen)
_NAMED_MAX = 1024


class RefIndexes:
    """The reference-field indexes of a catalogue: the roll-ups' made with the tenant, every
    other one made by the first read that compares its field (see the module doc)."""

    def __init__(self, catalog: Catalog) -> None:
        #: (collection, field) -> the name of its partial index (``index_names``)
        self.names = index_names(catalog)
        #: the (collection, field) pairs made on first use
        self.on_use = frozenset(k for k in self.names if k[0] != EVENTS and k not in ROLL_UPS)
        #: SQL text -> the pairs of ``on_use`` it names
        self._named: dict[str, tuple[tuple[str, str], ...]] = {}

    def ensure(self, store: RecordStore, collection: str, field: str) -> str:
        """The name of ``collection``'s index on ``field``, made now unless it exists."""
        if (collection, field) in self.on_use:
            return store.ensure_index(field, collection)
        return self.names.get((collection, field)) or store.ensure_index(field, collection)

    def named(self, sql: str) -> tuple[tuple[str, str], ...]:
        """The pairs of ``on_use`` whose collection (as a literal) and field (as a JSON path)
        both occur in ``sql``: a few more than it compares, never fewer."""
        got = self._named.get(sql)
        if got is None:
            collections = set(_LITERAL.findall(sql))
            fields = set(_PATH.findall(sql))
            got = tuple(
                (c, f) for (c, f) in sorted(self.on_use) if c in collections and f in fields
            )
            if len(self._named) < _NAMED_MAX:
                self._named[sql] = got
        return got

    def ensure_named(self, store: RecordStore, sql: str) -> None:
        """Make the indexes ``sql`` may compare (``named``) unless they exist."""
        for collection, field in self.named(sql):
            store.ensure_index(field, collection)

    def execute(self, store: RecordStore, sql: str, params: Any = ()) -> Any:
        """``store.conn.execute`` of a read, its reference fields' indexes made first."""
        self.ensure_named(store, sql)
        return store.conn.execute(sql, params)
