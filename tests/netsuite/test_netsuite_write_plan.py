"""The create path's shortcuts change nothing a client sees: a type's write plan follows every
field it gains, a write's stamps read the clock once, the last row read never outlives a
write, and lookup indexes hold only rows with a value."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulators.engine import RecordStore, index_name
from simulators.netsuite import create_simulator
from simulators.netsuite._derived import live_row
from simulators.netsuite._indexes import create_sql, ensure_indexes
from simulators.netsuite._records import RecordService, stamp
from simulators.netsuite._schema import FieldDef, build_types
from simulators.netsuite._settings import NetSuiteSettings


def test_a_field_added_after_the_plan_was_built_is_in_the_next_write() -> None:
    rt = build_types()["customer"]
    before = rt.plan()
    assert "isInactive" in before.booleans and before.has_created
    rt.set_field("custentity_vip", FieldDef("custentity_vip", "boolean"))
    rt.set_field("custentity_code", FieldDef("custentity_code", required=True))
    data: dict[str, object] = {}
    RecordService.fill_defaults(rt, data)
    assert data["custentity_vip"] is False and data["isInactive"] is False
    assert rt.plan().required[-1] == "custentity_code"
    assert rt.plan().booleans == (*before.booleans, "custentity_vip")


class _Clock:
    def __init__(self, ts: float) -> None:
        self.ts = ts

    def time(self) -> float:
        return self.ts


class _Tenant:
    def __init__(self, ts: float) -> None:
        self.clock = _Clock(ts)


def test_a_write_stamps_as_the_clock_reading_formatted_whole() -> None:
    records = RecordService(NetSuiteSettings())
    for ts in (1_765_000_000.0, 1_765_000_000.25, 1_765_000_000.9999996, 1_765_000_001.5):
        assert records.stamp(_Tenant(ts)) == stamp(_Tenant(ts))  # type: ignore[arg-type]
    assert records.stamp(_Tenant(1_765_000_000.9999996)) == (  # type: ignore[arg-type]
        "2025-12-06T05:46:40Z",
        "2025-12-06T05:46:41.000000Z",
    )


def test_the_last_row_read_never_outlives_a_write_or_a_rollback() -> None:
    store = RecordStore("t")
    store.insert("subsidiary", "1", {"id": "1", "currency": "1"}, "m")
    assert live_row(store, "subsidiary", "1") == '{"id":"1","currency":"1"}'
    store.update("subsidiary", "1", {"id": "1", "currency": "2"}, {}, "m", changed_fields=[])
    assert live_row(store, "subsidiary", "1") == '{"id":"1","currency":"2"}'
    with pytest.raises(RuntimeError), store.transaction():
        store.insert("subsidiary", "2", {"id": "2"}, "m")
        assert live_row(store, "subsidiary", "2") == '{"id":"2"}'
        raise RuntimeError("roll back")
    assert live_row(store, "subsidiary", "2") is None
    store.delete("subsidiary", "1", {"id": "1"}, "m")
    assert live_row(store, "subsidiary", "1") is None


def test_lookup_indexes_hold_only_rows_with_a_value() -> None:
    sim = create_simulator()
    store = sim.tenants.get_or_create("default").store
    store.insert("customer", "900", {"id": "900", "companyName": "A"}, "m")
    store.insert("job", "901", {"id": "901", "parent": "900"}, "m")
    count = "SELECT count(*) FROM records INDEXED BY ix_parent WHERE type = 'job' AND {} = ?"
    sql = count.format("json_extract(data, '$.parent')")
    assert store.conn.execute(sql, ("900",)).fetchone()[0] == 1
    entries = store.conn.execute(
        "SELECT count(*) FROM records INDEXED BY ix_parent"
        " WHERE type = 'job' AND json_extract(data, '$.parent') IS NOT NULL"
    ).fetchone()[0]
    with_parent = store.conn.execute(
        "SELECT count(*) FROM records WHERE json_extract(data, '$.parent') IS NOT NULL"
    ).fetchone()[0]
    assert entries == with_parent
    plan = store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM records WHERE type = 'job' AND deleted = 0"
        " AND json_extract(data, '$.parent') = ?",
        ("900",),
    ).fetchall()
    assert "ix_parent" in plan[0][3]


def test_lookup_indexes_cover_the_types_that_have_the_field() -> None:
    sim = create_simulator()
    store = sim.tenants.get_or_create("default").store
    store.insert("customer", "910", {"id": "910", "externalId": "C-910"}, "m")
    store.insert("salesOrder", "911", {"id": "911", "entity": "910", "externalId": "S-1"}, "m")
    store.insert("customer", "912", {"id": "912", "parent": "910"}, "m")
    assert store.find_ids("customer", "externalId", "C-910") == ["910"]  # indexed from now on
    for sql, index in (
        ("type = 'salesOrder' AND json_extract(data, '$.entity') = ?", "ix_entity"),
        (
            "type = 'customer' AND json_extract(data, '$.externalId') = ?",
            index_name("externalId", "customer"),
        ),
        ("type = 'job' AND json_extract(data, '$.parent') = ?", "ix_parent"),
    ):
        plan = store.conn.execute(f"EXPLAIN QUERY PLAN SELECT id FROM records WHERE {sql}", ("x",))
        assert index in plan.fetchall()[0][3], sql
    entity = "SELECT id FROM records INDEXED BY ix_entity WHERE type = 'salesOrder' AND "
    assert store.conn.execute(entity + "json_extract(data, '$.entity') = '910'").fetchall() == [
        ("911",)
    ]
    # a customer's parent is found through the per-type index made when first asked
    assert store.find_ids("customer", "parent", "910") == ["912"]
    assert store.find("customer", {"externalId": "C-910"})[0]["id"] == "910"


def test_a_persisted_tenant_with_the_earlier_indexes_is_set_up_on_the_new_ones(
    tmp_path: Path,
) -> None:
    db = tmp_path / "default.sqlite3"
    earlier = RecordStore("default", db)
    for name in ("externalId", "parent", "entity", "customer", "employee"):
        expr = f"json_extract(data, '$.{name}')"
        earlier.conn.execute(
            f"CREATE INDEX ix_{name.lower()} ON records(type, {expr}) WHERE {expr} IS NOT NULL"
        )
    earlier.insert("salesOrder", "1001", {"id": "1001", "entity": "100"}, "m")
    earlier.insert("customer", "100", {"id": "100", "externalId": "C-100"}, "m")
    earlier.close()
    store = RecordStore("default", db)
    types = build_types()
    ensure_indexes(store, types)
    have = dict(store.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))
    for name in ("parent", "entity", "customer", "employee"):
        assert have[f"ix_{name.lower()}"] == create_sql(name, types)
    assert "type = 'salesOrder' OR" in have["ix_entity"]
    # external ids: indexed per type that has them, the index over every type gone
    assert "ix_externalid" not in have and index_name("externalId", "customer") in have
    assert index_name("externalId", "salesOrder") not in have
    plan = store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM records WHERE type = 'customer'"
        " AND json_extract(data, '$.externalId') = 'C-100'"
    ).fetchall()
    assert index_name("externalId", "customer") in plan[0][3]
    assert store.find("customer", {"externalId": "C-100"})[0]["id"] == "100"
    assert store.find_ids("salesOrder", "entity", "100") == ["1001"]
    rows = "SELECT id FROM records INDEXED BY ix_entity WHERE type = 'salesOrder' AND "
    assert store.conn.execute(rows + "json_extract(data, '$.entity') = '100'").fetchall() == [
        ("1001",)
    ]
    ensure_indexes(store, types)  # set up again: nothing to change
    again = dict(store.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))
    assert {k: again[k] for k in have} == have
    store.close()
