"""The number index reads the row's ``keys`` column, not the record: lookups by number, the
series and ``$filter`` find every record through it, and a tenant file whose index is on the
record (an earlier layout) gets the column filled and the index remade when it opens."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import httpx

from harness.testing import SimHandle

from ._file_backed import CUSTOMER, file_backed


def _index_sql(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'bc_number'").fetchone()
    return str(row[0])


def test_number_lookups_go_through_the_keys_column(api: httpx.Client, bc: SimHandle) -> None:
    given = api.post("/customers", json={**CUSTOMER, "number": "K200"})
    drawn = api.post("/customers", json=CUSTOMER)
    assert given.status_code == drawn.status_code == 201
    store = bc.sim.tenants.get("default").store
    keys = store.conn.execute(
        "SELECT keys FROM records WHERE type = 'customer' AND id = ?", (drawn.json()["id"],)
    ).fetchone()[0]
    assert json.loads(keys) == {"number": drawn.json()["number"]}
    plan = " ".join(
        str(r[-1])
        for r in store.conn.execute(
            "EXPLAIN QUERY PLAN SELECT data FROM records WHERE type = 'customer'"
            " AND json_extract(keys, '$.number') = 'K200' AND deleted = 0"
        )
    )
    assert "bc_number" in plan, plan
    for number, made in (("K200", given), (drawn.json()["number"], drawn)):
        found = api.get("/customers", params={"$filter": f"number eq '{number}'"})
        assert [c["id"] for c in found.json()["value"]] == [made.json()["id"]]
        again = api.post("/customers", json={**CUSTOMER, "number": number})
        assert again.status_code == 400
        assert again.json()["error"]["code"] == "Internal_EntityWithSameKeyExists"
    ordered = api.get("/customers", params={"$orderby": "number desc", "$select": "number"})
    numbers = [c["number"] for c in ordered.json()["value"]]
    assert numbers == sorted(numbers, reverse=True) and "K200" in numbers


def test_tenant_file_with_the_number_index_on_the_record_is_migrated(tmp_path: Path) -> None:
    with file_backed(tmp_path) as (handle, api):
        made = [api.post("/customers", json=CUSTOMER).json() for _ in range(3)]
        named = api.post("/customers", json={**CUSTOMER, "number": "K300"}).json()
        db = handle.sim.tenants.get("default").store.path
    assert db is not None and "json_extract(keys, '$.number')" in _index_sql(db)
    # the earlier layout: the index on the record, no number in the keys column
    with sqlite3.connect(db) as conn:
        sql = _index_sql(db).replace(
            "json_extract(keys, '$.number')", "json_extract(data, '$.number')"
        )
        conn.execute("DROP INDEX bc_number")
        conn.execute(sql)
        conn.execute("UPDATE records SET keys = NULL")
    with file_backed(tmp_path) as (handle, api):
        assert "json_extract(keys, '$.number')" in _index_sql(db)
        store = handle.sim.tenants.get("default").store
        filled = dict(store.conn.execute("SELECT id, keys FROM records WHERE type = 'customer'"))
        for rec in (*made, named):
            assert json.loads(filled[rec["id"]]) == {"number": rec["number"]}
            found = api.get("/customers", params={"$filter": f"number eq '{rec['number']}'"})
            assert [c["id"] for c in found.json()["value"]] == [rec["id"]]
        taken = api.post("/customers", json={**CUSTOMER, "number": made[0]["number"]})
        assert taken.status_code == 400
        fresh = api.post("/customers", json=CUSTOMER)
        assert fresh.status_code == 201
        assert fresh.json()["number"] not in {r["number"] for r in (*made, named)}
    # opened again: nothing left to migrate, the numbers still found
    with file_backed(tmp_path) as (handle, api):
        found = api.get("/customers", params={"$filter": "number eq 'K300'"})
        assert [c["id"] for c in found.json()["value"]] == [named["id"]]


def test_snapshot_restore_keeps_number_lookups(api: httpx.Client, bc: SimHandle) -> None:
    made = api.post("/customers", json={**CUSTOMER, "number": "K400"}).json()
    snap = bc.admin.post("/tenants/default/snapshots", json={"name": "numbers"})
    assert snap.status_code == 201, snap.text
    api.post("/customers", json={**CUSTOMER, "number": "K401"})
    back = bc.admin.post("/tenants/default/snapshots/numbers/restore")
    assert back.status_code == 200, back.text
    store = bc.sim.tenants.get("default").store
    indexes = {
        r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
    }
    # the dialect's number index only: no per-type index of the store beside it
    assert "bc_number" in indexes and not {i for i in indexes if i.endswith("__number")}
    # and none was made to be dropped again: the store restores only the indexes it owns
    assert not {i for i in store._indexed if i.endswith("__number")}
    found = api.get("/customers", params={"$filter": "number eq 'K400'"}).json()["value"]
    assert [c["id"] for c in found] == [made["id"]]
    assert api.get("/customers", params={"$filter": "number eq 'K401'"}).json()["value"] == []
    assert api.post("/customers", json={**CUSTOMER, "number": "K400"}).status_code == 400
    later = api.post("/customers", json={**CUSTOMER, "number": "K401"})
    assert later.status_code == 201
    assert json.loads(
        store.conn.execute(
            "SELECT keys FROM records WHERE type = 'customer' AND id = ?", (later.json()["id"],)
        ).fetchone()[0]
    ) == {"number": "K401"}
