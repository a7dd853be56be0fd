"""The record store's indexes for Business Central's lookups by field.

Each field looked up by value (a number, a code, a document's lines, a customer's
documents, an employee's time entries, a journal's payments) has one index over the rows
of the entity types that have it: ``(type, field)`` with ``WHERE type = 'a' OR type =
'b' ...``. A row pays only for the indexes of fields its type has (a customer's insert
for its number: one JSON parse, not one per field over every type's rows, nor a check per
type and field), and a query naming its type as a literal (``type_literal``) and the
field can use it; ``find_first`` names it outright. Earlier versions indexed these fields
(and the company) over every row, or per type and field; a persisted tenant or a snapshot
made then has those indexes dropped when it is set up.
"""

from __future__ import annotations

from simulators.engine import RecordStore, index_name, json_path, type_literal

from ._edm import PROPERTIES

_FIELDS = ("number", "code", "documentId", "customerId", "employeeId", "journalId")


def _types_with(field_name: str) -> tuple[str, ...]:
    return tuple(t for t, props in PROPERTIES.items() if any(p.name == field_name for p in props))


#: field -> the entity types that have it
TYPES: dict[str, tuple[str, ...]] = {f: _types_with(f) for f in _FIELDS}
#: (field, type) pairs an index serves
INDEXED = frozenset((f, t) for f, ts in TYPES.items() for t in ts)
#: the indexes of earlier versions: over every type's rows, and per type and field
_LEGACY = tuple(index_name(f) for f in (*_FIELDS, "_companyId")) + tuple(
    index_name(f, t) for f, t in sorted(INDEXED)
)


def name_of(field_name: str) -> str:
    """The index over ``field_name`` (for ``INDEXED BY``)."""
    return f"bc_{field_name.lower()}"


def _create_sql(field_name: str) -> str:
    where = " OR ".join(f"type = {type_literal(t)}" for t in TYPES[field_name])
    return (
        f"CREATE INDEX {name_of(field_name)} ON records(type, {json_path(field_name)})"
        f" WHERE {where}"
    )


def ensure_indexes(store: RecordStore) -> None:
    """The indexes in place as defined here, the legacy ones gone."""
    conn = store.conn
    for name in _LEGACY:
        conn.execute(f"DROP INDEX IF EXISTS {name}")
    have = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))
    for field_name in _FIELDS:
        name, sql = name_of(field_name), _create_sql(field_name)
        if have.get(name) == sql:
            continue
        if name in have:  # defined otherwise (another entity type has the field now)
            conn.execute(f"DROP INDEX {name}")
        conn.execute(sql)
