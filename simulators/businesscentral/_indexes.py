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

The number (every numbered entity's) is indexed from the row's ``keys`` column, where the
store keeps it (``RecordStore.keep_keys``) as a JSON object of a few bytes, not from
``data``: an index on ``json_extract(data, ...)`` parses the whole record on every insert of
a numbered type. Queries on such a field use ``field_expr``, the index's own expression. A
tenant file or snapshot whose number index is on ``data`` has the column filled from the
records and the index remade, in one transaction, when it is set up.

Every index costs every insert of any type (SQLite opens it and evaluates its condition:
about 1.4k instructions each), so only the number's (``AT_SETUP``: every create of a
numbered type looks its number up) is made with the tenant. The others are made when first
used, by ``read``: the one place every Business Central read that compares such a field goes
through (it finds the field's JSON path in the statement's text); a read that runs before
its index exists still answers, by a scan of the type. An index made inside a transaction
is remembered only once it is committed (a rollback drops it again). A tenant saved with
all of them made keeps them.
"""

from __future__ import annotations

from typing import Any

from simulators.engine import RecordStore, Tenant, index_name, json_path, type_literal

from ._edm import PROPERTIES

_FIELDS = ("number", "code", "documentId", "customerId", "employeeId", "journalId")
#: the fields indexed from the ``keys`` column rather than from ``data``
_KEYED = ("number",)
#: the fields whose index is made with the tenant; the others' are made on first use
AT_SETUP = ("number",)
#: field -> the JSON path a read comparing it names, for the fields indexed on first use
_ON_USE = {f: f"'$.{f}'" for f in _FIELDS if f not in AT_SETUP}
#: distinct SQL texts whose fields are remembered (the reads build a bounded set of them)
_NAMED_MAX = 1024


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


#: (field, type) pairs whose value the store keeps in the ``keys`` column
KEYED = frozenset((f, t) for f in _KEYED for t in TYPES[f])


def _key_expr(field_name: str) -> str:
    return f"json_extract(keys, '$.{field_name}')"


def field_expr(field_name: str, type_name: str) -> str:
    """The SQL expression of a field of a type's records: the one its index is on."""
    if (field_name, type_name) in KEYED:
        return _key_expr(field_name)
    return json_path(field_name)


def name_of(field_name: str) -> str:
    """The index over ``field_name`` (for ``INDEXED BY``)."""
    return f"bc_{field_name.lower()}"


def _create_sql(field_name: str) -> str:
    where = " OR ".join(f"type = {type_literal(t)}" for t in TYPES[field_name])
    expr = _key_expr(field_name) if field_name in _KEYED else json_path(field_name)
    return f"CREATE INDEX {name_of(field_name)} ON records(type, {expr}) WHERE {where}"


def ensure_indexes(store: RecordStore) -> None:
    """The indexes in place as defined here, the legacy ones gone; the keyed fields kept in
    the ``keys`` column by the store (and filled from ``data`` where an index is remade)."""
    conn = store.conn
    for field_name in _KEYED:
        for type_name in TYPES[field_name]:
            store.keep_keys(type_name, (field_name,))
    for name in _LEGACY:
        conn.execute(f"DROP INDEX IF EXISTS {name}")
    have = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))
    for field_name in _FIELDS:
        name, sql = name_of(field_name), _create_sql(field_name)
        if have.get(name) == sql:
            continue
        if field_name not in AT_SETUP:  # made on first use (``read``) as defined now
            if name in have:  # defined otherwise (another type has the field, an older layout)
                conn.execute(f"DROP INDEX {name}")
            continue
        with store.transaction():
            if name in have:  # defined otherwise (another type has the field, an older layout)
                conn.execute(f"DROP INDEX {name}")
            if field_name in _KEYED:
                _fill_keys(store, field_name)
            conn.execute(sql)


def _fill_keys(store: RecordStore, field_name: str) -> None:
    """The ``keys`` column of the rows that have ``field_name``, from their ``data``."""
    types = ", ".join(type_literal(t) for t in TYPES[field_name])
    path = json_path(field_name)
    store.conn.execute(
        f"UPDATE records SET keys = json_set(coalesce(keys, '{{}}'), '$.{field_name}', {path})"
        f" WHERE type IN ({types}) AND {path} IS NOT NULL"
    )


class FieldIndexes:
    """Which of a tenant's first-use indexes are known to exist, and the fields SQL texts
    compare (kept in the tenant's state, so a reset or a restored snapshot starts afresh)."""

    __slots__ = ("_named", "made")

    def __init__(self) -> None:
        #: the fields whose index was made (or found) outside a transaction
        self.made: set[str] = set()
        #: SQL text -> the first-use fields it names
        self._named: dict[str, tuple[str, ...]] = {}

    def named(self, sql: str) -> tuple[str, ...]:
        """The first-use fields whose JSON path occurs in ``sql``."""
        got = self._named.get(sql)
        if got is None:
            got = tuple(f for f, path in _ON_USE.items() if path in sql)
            if len(self._named) < _NAMED_MAX:
                self._named[sql] = got
        return got

    def ensure(self, store: RecordStore, field_name: str) -> None:
        """The index on ``field_name`` made now unless it exists."""
        if field_name in self.made or field_name not in _ON_USE:
            return
        store.conn.execute(_create_sql(field_name).replace("INDEX", "INDEX IF NOT EXISTS", 1))
        if not store.conn.in_transaction:  # else a rollback may drop it again
            self.made.add(field_name)


def ensure_field(tenant: Tenant, field_name: str) -> None:
    """The index on ``field_name`` made unless it exists (before a read of the engine's that
    compares it, e.g. ``RecordStore.find``)."""
    tenant.state.indexes.ensure(tenant.store, field_name)


def read(tenant: Tenant, sql: str, params: Any = ()) -> Any:
    """``execute`` of a read of the tenant's records, the indexes of the first-use fields it
    compares made first; its cursor."""
    indexes: FieldIndexes = tenant.state.indexes
    for field_name in indexes.named(sql):
        indexes.ensure(tenant.store, field_name)
    return tenant.store.conn.execute(sql, params)
