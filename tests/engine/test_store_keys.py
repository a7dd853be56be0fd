"""Key indexes: external-id values kept in the records' ``keys`` column, the index on it, and
tenant files and snapshots of the earlier layout (an index on ``data``) brought over."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from simulators.engine import ConfigError, RecordStore

_OLD_TABLE = """
CREATE TABLE records (
  type TEXT NOT NULL, id TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,
  modstamp TEXT NOT NULL, data TEXT NOT NULL, UNIQUE (type, id)
);
CREATE INDEX ix_account__ext ON records(json_extract(data, '$.Ext'))
  WHERE type = 'Account' AND json_extract(data, '$.Ext') IS NOT NULL;
"""


def _index_sql(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'ix_account__ext'").fetchone()
    return str(row[0])


def _uses_index(store: RecordStore) -> bool:
    plan = store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM records INDEXED BY ix_account__ext"
        " WHERE type = 'Account' AND json_extract(keys, '$.Ext') = ?",
        ("E1",),
    ).fetchall()
    return "USING INDEX ix_account__ext" in plan[0][3]


def test_key_values_follow_every_write_and_lookups_use_the_index() -> None:
    store = RecordStore("t")
    assert store.ensure_key_index("Ext", "Account") == "ix_account__ext"
    store.insert("Account", "a", {"Ext": "E1", "Name": "A"}, "m", compact=True)
    store.insert("Account", "b", {"Name": "B"}, "m")
    store.insert("Contact", "c", {"Ext": "E1"}, "m")  # another type: no key kept
    keys = dict(store.conn.execute("SELECT id, keys FROM records"))
    assert keys == {"a": '{"Ext":"E1"}', "b": None, "c": None}
    assert store.find_ids("Account", "Ext", "E1") == ["a"] and _uses_index(store)
    store.update("Account", "b", {"Ext": "E2"}, {"Name": "B"}, "m2", changed_fields=["Ext"])
    store.update("Account", "a", {"Name": "A"}, {"Ext": "E1"}, "m2", changed_fields=["Ext"])
    assert store.find_ids("Account", "Ext", "E2") == ["b"]
    assert store.find_ids("Account", "Ext", "E1") == []
    store.delete("Account", "b", {"Ext": "E2", "IsDeleted": True}, "m3")
    assert store.find_ids("Account", "Ext", "E2") == []
    assert store.find_ids("Account", "Ext", "E2", include_deleted=True) == ["b"]
    store.undelete("Account", "b", {"Ext": "E2"}, "m4")
    store.bulk_insert("Account", [("d", "m", {"Ext": "E4"}), ("e", "m", {"Name": "E"})])
    store.insert_with("Account", "f", {"Ext": "E6"}, "m", [("Note", "n", {"Ext": "x"}, "m")])
    found = {v: store.find_ids("Account", "Ext", v) for v in ("E2", "E4", "E6", "x")}
    assert found == {"E2": ["b"], "E4": ["d"], "E6": ["f"], "x": []}
    # ensure_index of a keyed field answers with the key index, not a second one on ``data``
    assert store.ensure_index("Ext", "Account") == "ix_account__ext"
    assert "json_extract(keys, '$.Ext')" in _index_sql(store.conn)


def test_a_tenant_file_of_the_earlier_layout_is_migrated_on_open(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(_OLD_TABLE)
    old.executemany(
        "INSERT INTO records(type, id, modstamp, data) VALUES ('Account', ?, 'm', ?)",
        [("a", '{"Ext":"E1","Name":"A"}'), ("b", '{"Name":"B"}'), ("c", '{"Ext":7}')],
    )
    old.commit()
    old.close()
    store = RecordStore("t", path)
    store.ensure_key_index("Ext", "Account")
    assert "json_extract(keys, '$.Ext')" in _index_sql(store.conn) and _uses_index(store)
    assert dict(store.conn.execute("SELECT id, keys FROM records")) == {
        "a": '{"Ext":"E1"}',
        "b": None,
        "c": '{"Ext":7}',
    }
    assert store.find_ids("Account", "Ext", "E1") == ["a"]
    assert store.find_ids("Account", "Ext", 7) == ["c"]
    store.insert("Account", "d", {"Ext": "E4"}, "m")
    store.close()
    again = RecordStore("t", path)  # reopened: nothing to migrate twice
    again.ensure_key_index("Ext", "Account")
    assert again.find_ids("Account", "Ext", "E4") == ["d"]
    assert again.find_ids("Account", "Ext", "E1") == ["a"]


def test_a_snapshot_of_the_earlier_layout_is_migrated_on_restore() -> None:
    store = RecordStore("t")
    store.ensure_key_index("Ext", "Account")
    snap = sqlite3.connect(":memory:")
    snap.executescript(_OLD_TABLE)
    snap.execute(
        "INSERT INTO records(type, id, modstamp, data) VALUES ('Account', 'a', 'm', ?)",
        ('{"Ext":"E1"}',),
    )
    snap.commit()
    store.restore_from(snap)
    assert "json_extract(keys, '$.Ext')" in _index_sql(store.conn)
    assert store.find_ids("Account", "Ext", "E1") == ["a"]
    store.insert("Account", "b", {"Ext": "E2"}, "m")
    assert store.find_ids("Account", "Ext", "E2") == ["b"]


def test_one_statement_writes_refuse_a_type_with_key_indexes() -> None:
    """They store rows without the ``keys`` column: a keyed type would be missed by its
    lookups, so it is refused out loud, and other types are written as before."""
    store = RecordStore("t")
    store.ensure_key_index("Ext", "Account")
    with pytest.raises(ConfigError, match="Account has key indexes"):
        store.insert_with_unjournaled("Contact", "c", {"N": 1}, "m", [("Account", "a", {}, "m")])
    assert store.get("Account", "a") is None and store.get("Contact", "c") is None
    store.insert_with_unjournaled("Contact", "c", {"N": 1}, "m", [])
    assert store.get("Contact", "c") == {"N": 1}


def test_a_record_stored_as_the_writer_serialised_it_keeps_its_key_values() -> None:
    store = RecordStore("t")
    store.ensure_key_index("Ext", "Account")
    store.insert_serialised("Account", "a", {"Ext": "E1"}, b'{"Ext":"E1"}', "m")
    assert store.find_ids("Account", "Ext", "E1") == ["a"]
    assert store.get("Account", "a") == {"Ext": "E1"}
