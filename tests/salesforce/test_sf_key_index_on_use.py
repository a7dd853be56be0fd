"""External-id key indexes made on first use: an Account insert pays for no index until a
lookup by external id needs one, and every lookup still finds records written before it."""

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


def _fill(store: RecordStore, first: int, last: int) -> None:
    for i in range(first, last + 1):
        data: dict[str, Any] = {"Id": f"001RO00000000{i:02d}AAA", "Name": f"A{i}"}
        if i % 2:
            data["External_Id__c"] = f"EXT-{i}"
        store.insert("Account", data["Id"], data, "2024-01-05T10:00:00.000+0000")


def test_find_ids_makes_the_index_and_finds_earlier_records() -> None:
    store = RecordStore("t")
    store.ensure_key_index("External_Id__c", "Account", on_use=True)
    _fill(store, 1, 6)
    assert NAME not in _indexes(store)
    assert store.find_ids("Account", "External_Id__c", "EXT-5") == ["001RO0000000005AAA"]
    assert NAME in _indexes(store)
    _fill(store, 7, 9)
    assert store.find_ids("Account", "External_Id__c", "EXT-9") == ["001RO0000000009AAA"]


def test_a_soql_filter_makes_the_index_it_uses() -> None:
    store = RecordStore("t")
    store.ensure_key_index("External_Id__c", "Account", on_use=True)
    _fill(store, 1, 8)
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
    _fill(store, 1, 4)
    try:
        with store.transaction():
            assert store.find_ids("Account", "External_Id__c", "EXT-1")
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert NAME not in _indexes(store)
    assert store.find_ids("Account", "External_Id__c", "EXT-3") == ["001RO0000000003AAA"]
    assert NAME in _indexes(store)


def test_a_persisted_tenant_finds_records_before_and_after_the_index(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    store = RecordStore("t", path)
    store.ensure_key_index("External_Id__c", "Account", on_use=True)
    _fill(store, 1, 4)
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
