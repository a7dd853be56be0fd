"""The record store's indexes for Business Central's lookups by field.

Each field looked up by value (a number, a code, a document's lines, a customer's
documents, an employee's time entries, a journal's payments) is indexed for each entity
type that has it, as a partial index: a row pays only for the indexes of its own type
(a customer's insert for its number, not for six fields over every type's rows), and
queries name the type as a literal (``type_literal``) so SQLite can use them. Earlier
versions indexed these fields (and the company) over every row; a persisted tenant or a
snapshot made then has those indexes dropped when it is set up.
"""

from __future__ import annotations

from simulators.engine import RecordStore, index_name

from ._edm import PROPERTIES

_FIELDS = ("number", "code", "documentId", "customerId", "employeeId", "journalId")
#: (field, entity type) for every type with the field
INDEXES = tuple(
    (f, t) for f in _FIELDS for t, props in PROPERTIES.items() if any(p.name == f for p in props)
)
#: the indexes over every type's rows of earlier versions
_LEGACY = tuple(index_name(f) for f in (*_FIELDS, "_companyId"))


def ensure_indexes(store: RecordStore) -> None:
    """The partial indexes in place, the legacy ones gone."""
    for name in _LEGACY:
        store.conn.execute(f"DROP INDEX IF EXISTS {name}")
    for field_name, type_ in INDEXES:
        store.ensure_index(field_name, type_)
