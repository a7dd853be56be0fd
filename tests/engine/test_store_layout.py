"""The records table's row layout: a realistic record stays in its page; old files migrate."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import orjson
import pytest

from simulators.engine import RecordStore

#: about 1 KB of JSON, like a 16-field Account
REALISTIC = {
    "Name": "Layout Consulting Group",
    "Type": "Customer - Direct",
    "Industry": "Consulting",
    "AnnualRevenue": 12500000,
    "NumberOfEmployees": 240,
    "Phone": "+1 617 555 0100",
    "Fax": "+1 617 555 0101",
    "Website": "https://layout-consulting.example",
    "BillingStreet": "100 Summer Street, Floor 12",
    "BillingCity": "Boston",
    "BillingState": "MA",
    "BillingPostalCode": "02110",
    "BillingCountry": "United States",
    "AccountNumber": "LCG-0001",
    "Rating": "Hot",
    "Description": "x" * 560,
}

OLD_SCHEMA = """
CREATE TABLE records (
  type TEXT NOT NULL, id TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,
  modstamp TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (type, id)
) WITHOUT ROWID;
CREATE INDEX records_modstamp ON records(type, modstamp);
CREATE INDEX ix_account__accountnumber ON records(json_extract(data, '$.AccountNumber'))
  WHERE type = 'Account';
CREATE TABLE sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
"""


def _table_sql(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'records'").fetchone()
    return str(row[0])


def _bytes_per_record(conn: sqlite3.Connection, n: int) -> float:
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    return pages * size / n


def _fill(conn: sqlite3.Connection, n: int) -> None:
    conn.executemany(
        "INSERT INTO records(type, id, deleted, modstamp, data) VALUES ('Account', ?, 0, 'm', ?)",
        [
            (f"001{i:015d}", orjson.dumps({**REALISTIC, "AccountNumber": f"A{i}"}).decode())
            for i in range(n)
        ],
    )


def test_a_realistic_record_takes_about_its_own_size() -> None:
    store = RecordStore("t")
    _fill(store.conn, 2000)
    assert 950 < len(orjson.dumps(REALISTIC)) < 1100
    per_record = _bytes_per_record(store.conn, 2000)
    assert per_record < 1500, f"{per_record:.0f} bytes per ~1 KB record"
    old = sqlite3.connect(":memory:")
    old.executescript(OLD_SCHEMA)
    _fill(old, 2000)
    assert _bytes_per_record(old, 2000) > 2 * per_record  # what the layout change is for


def test_a_file_of_the_old_layout_is_migrated_with_rows_and_indexes(tmp_path: Path) -> None:
    path = tmp_path / "tenant.sqlite3"
    old = sqlite3.connect(str(path))
    old.executescript(OLD_SCHEMA)
    _fill(old, 50)
    old.execute("UPDATE records SET deleted = 1 WHERE id = ?", ("001000000000000007",))
    old.execute("INSERT INTO sequences VALUES ('acct', 64)")
    old.commit()
    old.close()

    store = RecordStore("t", path)
    assert "WITHOUT ROWID" not in _table_sql(store.conn).upper()
    assert store.count("Account", include_deleted=True) == 50
    assert store.get("Account", "001000000000000007") is None  # still deleted
    got = store.get("Account", "001000000000000003")
    assert got is not None and got["AccountNumber"] == "A3"
    names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"records_modstamp", "ix_account__accountnumber"} <= names
    assert store.find_ids("Account", "AccountNumber", "A42") == ["001000000000000042"]
    assert store.next_sequence("acct") > 64
    with pytest.raises(sqlite3.IntegrityError):  # the (type, id) key is still unique
        store.conn.execute(
            "INSERT INTO records(type, id, deleted, modstamp, data) "
            "VALUES ('Account', '001000000000000003', 0, 'm', '{}')"
        )
    store.insert("Account", "001000000000000999", {"Name": "After"}, "m2")
    store.close()

    again = RecordStore("t", path)  # a second open finds nothing to migrate
    assert again.count("Account", include_deleted=True) == 51
    again.close()
