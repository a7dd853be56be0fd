"""The record store's lookup indexes for references looked up by value (admin inspection,
SuiteQL, a write's external-id check): ``(type, field)`` over the rows that have a value.

A reference field has one index covering only the types whose records have the field
(``WHERE (type = 'a' OR ...) AND field IS NOT NULL``): the row of any other type costs a
comparison of its type, not a parse of its JSON, and a query naming its type as a literal
and the field still uses the index. A customer's own parent (a sub-customer) is left to the
per-type index ``RecordStore.find_ids`` makes when first asked.

External ids, which any record may carry, are indexed per type (``RecordStore.ensure_index``)
from the first write, lookup or bulk load of that type that names one: a type whose records
never had one (the usual customer) pays nothing on insert, and a query by external id then
finds nothing by a scan rather than by an index.

Earlier versions indexed every field over every type's rows under the same names; a
persisted tenant set up again has those indexes replaced, its types with external ids
indexed per type first.
"""

from __future__ import annotations

from simulators.engine import RecordStore, index_name, json_path, type_literal

from ._schema import RecordType

#: the reference fields looked up by value across types, each with one index
FIELDS = ("parent", "entity", "customer", "employee")
EXTERNAL_ID = "externalId"
#: (field, type) left to the per-type index made on first lookup (see the module doc)
_LEFT_OUT = frozenset({("parent", "customer")})


def create_sql(field_name: str, types: dict[str, RecordType]) -> str:
    """The CREATE INDEX statement of ``field_name``'s index, as SQLite keeps it."""
    expr = json_path(field_name)
    having = [
        rt.name
        for rt in types.values()
        if field_name.lower() in rt.fields and (field_name, rt.name) not in _LEFT_OUT
    ]
    where = " OR ".join(f"type = {type_literal(t)}" for t in having)
    return (
        f"CREATE INDEX {index_name(field_name)} ON records(type, {expr})"
        f" WHERE ({where}) AND {expr} IS NOT NULL"
    )


def ensure_indexes(store: RecordStore, types: dict[str, RecordType]) -> None:
    """The lookup indexes in place as defined here (one defined otherwise is made again)."""
    conn = store.conn
    have = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))
    earlier = index_name(EXTERNAL_ID)
    if earlier in have:  # over every type: each type with external ids gets its own first
        expr = json_path(EXTERNAL_ID)
        with_ids = [
            r[0]
            for r in conn.execute(f"SELECT DISTINCT type FROM records WHERE {expr} IS NOT NULL")
        ]
        for type_ in with_ids:
            store.ensure_index(EXTERNAL_ID, type_)
        conn.execute(f"DROP INDEX {earlier}")
    for field_name in FIELDS:
        name, sql = index_name(field_name), create_sql(field_name, types)
        if have.get(name) == sql:
            continue
        if name in have:
            conn.execute(f"DROP INDEX {name}")
        conn.execute(sql)
