"""Serialised answers derived from one stored record, dropped whenever that record is written.

A read by id is the commonest call an integration makes, and its answer only changes when
the record does: the store keeps the bytes a dialect built for it (a GET body) and drops
them in every write path of the store (insert, update, delete, undelete, bulk load, clear,
restore, rollback), so a cached answer is never older than the row. One variant per record
(``key``: what else the answer depends on, such as the API version); bounded, oldest out.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any


class ReadCache:
    """``(type, id) -> (key, value)``, at most ``max_entries`` records, oldest put out first."""

    __slots__ = ("_d", "max_entries")

    def __init__(self, max_entries: int = 10_000) -> None:
        self.max_entries = max_entries
        # an OrderedDict drops its oldest in constant time; a dict's first key is found by
        # walking past every slot deleted before it, which grows with what was evicted
        self._d: OrderedDict[tuple[str, str], tuple[Any, Any]] = OrderedDict()

    def get(self, type_: str, id_: str, key: Any) -> Any:
        """The value built for ``key``, or None."""
        hit = self._d.get((type_, id_))
        if hit is not None and hit[0] == key:
            return hit[1]
        return None

    def put(self, type_: str, id_: str, key: Any, value: Any) -> None:
        d = self._d
        if len(d) >= self.max_entries and (type_, id_) not in d:
            d.popitem(last=False)
        d[(type_, id_)] = (key, value)

    def drop(self, type_: str, id_: str) -> None:
        self._d.pop((type_, id_), None)

    def clear(self) -> None:
        self._d.clear()

    def __len__(self) -> int:
        return len(self._d)
