"""The tenant's indexes on reference fields: one per collection that stores the field.

An index over every row on ``json_extract(data, '$.workspace_id')`` made each insert parse
the whole record once per indexed field, whatever its collection, a subscribed event (its
record's whole payload inside) included. Each index is now partial, ``(type, field) WHERE
type = '<collection>'``, on the collections that store the field only: a query that names
its collection as a literal (every query here does) uses it as it used the index over every
row, and a record pays only for the references it holds.
"""

from __future__ import annotations

from simulators.engine import RecordStore, json_path, type_literal

from ._model import Catalog

#: the reference fields lists filter on and roll-ups and includes join on
FIELDS = ("workspace_id", "user_id", "story_id", "subject_id")
#: indexes of earlier tenants: over every row, and four single-column workspace indexes
_EARLIER = tuple(f"ix_{f}" for f in FIELDS) + tuple(
    f"ix_{c}__workspace_id"
    for c in ("time_entries", "expenses", "timesheet_submissions", "stories")
)


def index_names(catalog: Catalog) -> dict[tuple[str, str], str]:
    """(collection, field) -> index name, for every collection that stores one of ``FIELDS``."""
    return {
        (res.collection, f): f"kt_{res.collection}__{f}"
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
            f"CREATE INDEX IF NOT EXISTS {name} ON records(type, {json_path(f)})"
            f" WHERE type = {type_literal(collection)}"
        )
