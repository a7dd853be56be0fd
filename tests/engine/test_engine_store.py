"""The record store's sequences and indexes, on real SQLite databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulators.engine import ConfigError, RecordStore


def test_sequences_are_monotonic_across_restarts(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    store = RecordStore("t", path)
    first = [store.next_sequence("acct") for _ in range(5)]
    assert first == [1, 2, 3, 4, 5]
    store.close()
    again = RecordStore("t", path)
    later = again.next_sequence("acct")
    assert later > 5  # numbering resumes past the reserved block: gaps, never reuse


def test_bump_beyond_the_cached_block_is_respected() -> None:
    store = RecordStore("t")
    assert store.next_sequence("id") == 1  # caches a block
    store.bump_sequence("id", 10)  # a bulk load brought id 10
    assert store.next_sequence("id") == 11
    store.bump_sequence("id", 5)  # already past: no effect
    assert store.next_sequence("id") == 12


def test_rolled_back_reservations_are_not_reused() -> None:
    store = RecordStore("t")
    with pytest.raises(RuntimeError), store.transaction():
        assert store.next_sequence("tx") == 1
        raise RuntimeError("roll back")
    values = {store.next_sequence("tx") for _ in range(3)}
    assert len(values) == 3
    store.insert("Doc", "a", {"n": 1}, "m")
    with pytest.raises(RuntimeError), store.transaction():
        store.insert("Doc", "b", {"n": 2}, "m")
        raise RuntimeError("roll back")
    assert store.get("Doc", "b") is None and store.get("Doc", "a") == {"n": 1}


def test_lookups_by_field_use_a_partial_index() -> None:
    store = RecordStore("t")
    store.bulk_insert("Account", ((f"id{i}", "m", {"Ext": f"E{i}"}) for i in range(2000)))
    store.bulk_insert("Contact", ((f"c{i}", "m", {"Ext": f"E{i}"}) for i in range(10)))
    assert store.find_ids("Account", "Ext", "E1999") == ["id1999"]
    assert store.find_ids("Contact", "Ext", "E3") == ["c3"]
    plan = store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM records INDEXED BY ix_account__ext WHERE type = 'Account'"
        " AND json_extract(data, '$.Ext') = ?",
        ("E5",),
    ).fetchall()
    assert "USING INDEX ix_account__ext" in plan[0][3]
    sql = store.conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'ix_account__ext'"
    ).fetchone()[0]
    # only rows with a value pay for the index on insert
    assert sql.endswith("WHERE type = 'Account' AND json_extract(data, '$.Ext') IS NOT NULL")
    store.bulk_insert("Account", ((f"n{i}", "m", {"Other": i}) for i in range(50)))
    entries = store.conn.execute(
        "SELECT count(*) FROM records INDEXED BY ix_account__ext"
        " WHERE type = 'Account' AND json_extract(data, '$.Ext') IS NOT NULL"
    ).fetchone()[0]
    assert entries == 2000 and store.find_ids("Account", "Ext", "E0") == ["id0"]


def test_change_events_of_a_rolled_back_transaction_are_never_published() -> None:
    store = RecordStore("t")
    seen: list[str] = []
    store.listener = lambda change: seen.append(change.id)
    with pytest.raises(RuntimeError), store.transaction():
        store.insert("Doc", "x", {}, "m")
        raise RuntimeError
    with store.transaction():
        store.insert("Doc", "y", {}, "m")
        assert seen == []  # held until commit
    assert seen == ["y"]


def test_an_in_memory_store_journals_only_its_transactions() -> None:
    store = RecordStore("t")
    mode = lambda: store.conn.execute("PRAGMA journal_mode").fetchone()[0]  # noqa: E731
    assert mode() == "off"  # a single write needs no rollback journal
    store.insert("Doc", "a", {"n": 1}, "m1")
    with pytest.raises(ConfigError):  # refused by the (type, id) key before anything is written
        store.insert("Doc", "a", {"n": 2}, "m2")
    assert store.get("Doc", "a") == {"n": 1} and store.count("Doc") == 1
    with pytest.raises(RuntimeError), store.transaction():
        assert mode() == "memory"
        store.insert("Doc", "b", {"n": 3}, "m3")
        store.update("Doc", "a", {"n": 4}, {"n": 1}, "m4", changed_fields=["n"])
        raise RuntimeError("roll back")
    assert store.get("Doc", "a") == {"n": 1} and store.get("Doc", "b") is None
    with store.transaction():  # the journal stays on from one transaction to the next
        assert mode() == "memory"
        store.insert("Doc", "c", {"n": 5}, "m5")
    store.update("Doc", "a", {"n": 6}, {"n": 1}, "m6", changed_fields=["n"])
    assert mode() == "off"  # and goes off for the next single write
    assert store.get("Doc", "a") == {"n": 6} and store.get("Doc", "c") == {"n": 5}
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_file_store_keeps_its_write_ahead_log(tmp_path: Path) -> None:
    store = RecordStore("t", tmp_path / "t.sqlite3")
    with store.transaction():
        store.insert("Doc", "a", {"n": 1}, "m1")
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
