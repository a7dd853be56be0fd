"""External-id key indexes made on first use: an Account insert pays for no index until a
lookup by external id or a record with one needs it, and every lookup still finds records
written before it (in a store of an earlier run too)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from harness.testing import SimHandle
from simulators.engine import RecordStore
from simulators.salesforce._schema import build_schema, default_custom_fields
from simulators.salesforce.soql import QueryContext, prepare

V = "/services/data/v68.0"
NAME = "ix_account__external_id__c"


def _indexes(store: RecordStore) -> set[str]:
    rows = store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
    return {r[0] for r in rows}


def _fill(store: RecordStore, first: int, last: int, *, ext: bool = True) -> None:
    for i in range(first, last + 1):
        data: dict[str, Any] = {"Id": f"001RO00000000{i:02d}AAA", "Name": f"A{i}"}
        if i % 2 and ext:
            data["External_Id__c"] = f"EXT-{i}"
        store.insert("Account", data["Id"], data, "2024-01-05T10:00:00.000+0000")


def _ext(store: RecordStore, i: int) -> None:
    """An external id given to record ``i`` by an update (the store's own write path)."""
    id_ = f"001RO00000000{i:02d}AAA"
    data = store.get("Account", id_)
    assert data is not None
    new = {**data, "External_Id__c": f"EXT-{i}"}
    stamp = "2024-01-06T10:00:00.000+0000"
    store.update("Account", id_, new, data, stamp, changed_fields=["External_Id__c"])


def test_records_without_a_key_make_no_index_and_a_lookup_makes_it() -> None:
    store = RecordStore("t")
    store.ensure_key_index("External_Id__c", "Account", on_use=True)
    _fill(store, 1, 6, ext=False)
    assert NAME not in _indexes(store)
    assert store.find_ids("Account", "External_Id__c", "EXT-5") == []
    assert NAME in _indexes(store)
    _fill(store, 7, 9)
    assert store.find_ids("Account", "External_Id__c", "EXT-9") == ["001RO0000000009AAA"]


def test_the_first_record_with_a_key_makes_the_index() -> None:
    store = RecordStore("t")
    store.ensure_key_index("External_Id__c", "Account", on_use=True)
    _fill(store, 1, 4, ext=False)
    _ext(store, 3)
    assert NAME in _indexes(store)
    assert store.find_ids("Account", "External_Id__c", "EXT-3") == ["001RO0000000003AAA"]
    fresh = RecordStore("u")
    fresh.ensure_key_index("External_Id__c", "Account", on_use=True)
    _fill(fresh, 1, 3)
    assert NAME in _indexes(fresh)
    assert fresh.find_ids("Account", "External_Id__c", "EXT-3") == ["001RO0000000003AAA"]


def test_a_soql_filter_makes_the_index_it_uses() -> None:
    store = RecordStore("t")
    store.ensure_key_index("External_Id__c", "Account", on_use=True)
    _fill(store, 1, 8, ext=False)
    _ext(store, 3)  # the index made now is dropped: the query must find the row without it
    store.conn.execute(f"DROP INDEX {NAME}")
    store._indexed.clear()
    ctx = QueryContext(
        conn=store.conn,
        schema=build_schema(default_custom_fields()),
        now=datetime(2024, 3, 13, tzinfo=UTC),
        index_on_use=store.index_on_use,
    )
    rows = prepare("SELECT Name FROM Account WHERE External_Id__c = 'EXT-3'", ctx).fetch(0, 10)
    assert [r["Name"] for r in rows] == ["A3"]
    assert NAME in _indexes(store)


def test_a_rolled_back_index_is_made_again(tmp_path: Path) -> None:
    store = RecordStore("t")
    store.ensure_key_index("External_Id__c", "Account", on_use=True)
    _fill(store, 1, 4, ext=False)
    try:
        with store.transaction():
            _ext(store, 1)
            assert store.find_ids("Account", "External_Id__c", "EXT-1")
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert NAME not in _indexes(store)
    _ext(store, 3)
    assert store.find_ids("Account", "External_Id__c", "EXT-3") == ["001RO0000000003AAA"]
    assert NAME in _indexes(store)


def test_a_persisted_tenant_finds_records_before_and_after_the_index(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    store = RecordStore("t", path)
    store.ensure_key_index("External_Id__c", "Account", on_use=True)
    _fill(store, 1, 4)  # the index is made, then dropped as a file of no index has none
    store.conn.execute(f"DROP INDEX {NAME}")
    store.conn.execute("UPDATE records SET keys = NULL")  # nor (an earlier layout) the keys
    store.close()
    again = RecordStore("t", path)
    again.ensure_key_index("External_Id__c", "Account", on_use=True)
    assert NAME not in _indexes(again)
    assert again.find_ids("Account", "External_Id__c", "EXT-3") == ["001RO0000000003AAA"]
    again.close()
    third = RecordStore("t", path)
    third.ensure_key_index("External_Id__c", "Account", on_use=True)
    _fill(third, 5, 7)  # the index of the last run is kept and used
    assert NAME in _indexes(third)
    assert third.find_ids("Account", "External_Id__c", "EXT-7") == ["001RO0000000007AAA"]
    third.close()


def test_every_wire_lookup_finds_an_account_written_before_any(
    api: httpx.Client, crm: SimHandle
) -> None:
    created = api.post(f"{V}/sobjects/Account/", json={"Name": "Late", "External_Id__c": "L-1"})
    assert created.status_code == 201
    id_ = created.json()["id"]
    got = api.get(f"{V}/sobjects/Account/External_Id__c/L-1")
    assert (got.status_code, got.json()["Id"]) == (200, id_)
    q = api.get(f"{V}/query", params={"q": "SELECT Id FROM Account WHERE External_Id__c = 'L-1'"})
    assert [r["Id"] for r in q.json()["records"]] == [id_]
    up = api.patch(f"{V}/sobjects/Account/External_Id__c/L-1", json={"Phone": "1"})
    assert up.status_code == 200 and up.json()["id"] == id_ and up.json()["created"] is False
    dup = api.post(f"{V}/sobjects/Account/", json={"Name": "Twin", "External_Id__c": "L-1"})
    assert dup.status_code == 400
