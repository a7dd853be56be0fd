"""The store survives a rejected write: lookups keep working after a rolled-back transaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulators.engine import RecordStore


class Rejected(Exception):
    """Stands for a validation error raised after the write looked something up."""


@pytest.mark.parametrize("persistent", [False, True])
def test_lookup_index_created_inside_a_rolled_back_transaction_is_recreated(
    tmp_path: Path, persistent: bool
) -> None:
    store = RecordStore("t", tmp_path / "t.sqlite3" if persistent else None)
    with pytest.raises(Rejected), store.transaction():
        assert store.find_ids("invoice", "externalId", "INV-1") == []
        raise Rejected
    # the ROLLBACK dropped the index the lookup created; the next lookup must not fail
    assert store.find_ids("invoice", "externalId", "INV-1") == []
    store.insert("invoice", "1", {"externalId": "INV-1"}, "2026-01-01T00:00:00Z")
    assert store.find_ids("invoice", "externalId", "INV-1") == ["1"]
    store.close()


def test_index_created_before_the_transaction_survives_its_rollback() -> None:
    store = RecordStore("t")
    store.ensure_index("externalId", "invoice")
    with pytest.raises(Rejected), store.transaction():
        store.insert("invoice", "1", {"externalId": "INV-1"}, "2026-01-01T00:00:00Z")
        raise Rejected
    assert store.find_ids("invoice", "externalId", "INV-1") == []
    names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "ix_invoice__externalid" in names
