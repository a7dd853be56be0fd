"""The record store's lookup indexes for references looked up by value across types (admin
inspection, SuiteQL by external id): ``(type, field)`` over the rows that have a value.

An external id can be on any record, so its index covers every type. Each of the others
covers only the types whose records have the field (``WHERE (type = 'a' OR ...) AND field
IS NOT NULL``): the row of any other type costs a comparison of its type, not a parse of its
JSON, and a query naming its type as a literal and the field still uses the index. A
customer's own parent (a sub-customer) is left to the per-type index ``RecordStore.find_ids``
makes when first asked, so a customer's insert parses its JSON for its external id alone.
Earlier versions indexed every field over every type's rows under the same names; a
persisted tenant set up again has those indexes replaced.
"""

from __future__ import annotations

from simulators.engine import RecordStore, index_name, json_path, type_literal

from ._schema import RecordType

#: the reference fields looked up by value, each with one index
FIELDS = ("externalId", "parent", "entity", "customer", "employee")
#: (field, type) left to the per-type index made on first lookup (see the module doc)
_LEFT_OUT = frozenset({("parent", "customer")})


def create_sql(field_name: str, types: dict[str, RecordType]) -> str:
    """The CREATE INDEX statement of ``field_name``'s index, as SQLite keeps it."""
    expr = json_path(field_name)
    where = f"{expr} IS NOT NULL"
    if field_name != "externalId":
        having = [
            rt.name
            for rt in types.values()
            if field_name.lower() in rt.fields and (field_name, rt.name) not in _LEFT_OUT
        ]
        where = "(" + " OR ".join(f"type = {type_literal(t)}" for t in having) + f") AND {where}"
    return f"CREATE INDEX {index_name(field_name)} ON records(type, {expr}) WHERE {where}"


def ensure_indexes(store: RecordStore, types: dict[str, RecordType]) -> None:
    """The lookup indexes in place as defined here (one defined otherwise is made again)."""
    conn = store.conn
    have = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))
    for field_name in FIELDS:
        name, sql = index_name(field_name), create_sql(field_name, types)
        if have.get(name) == sql:
            continue
        if name in have:
            conn.execute(f"DROP INDEX {name}")
        conn.execute(sql)
