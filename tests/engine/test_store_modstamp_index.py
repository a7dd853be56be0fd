"""The (type, modstamp) index is kept only for a vendor whose API reads records in that order;
a tenant file or snapshot of the other layout is brought to the dialect's when opened."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from harness.testing import start_simulator
from simulators.engine import RecordStore
from simulators.engine._store import MODSTAMP_INDEX


def _indexes(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'").fetchall()
    return {r[0] for r in rows}


def _plan(conn: sqlite3.Connection, sql: str, params: tuple[object, ...]) -> str:
    return " | ".join(r[-1] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, params))


def _fill(store: RecordStore) -> None:
    # written out of id order, so modstamp order differs from id order
    for i, stamp in (
        (3, "2026-01-01T00:00:03Z"),
        (1, "2026-01-01T00:00:05Z"),
        (2, "2026-01-01T00:00:01Z"),
    ):
        store.insert("Thing", str(i), {"id": str(i), "n": i}, stamp)


@pytest.mark.parametrize("wanted", [True, False])
def test_a_store_keeps_the_index_only_when_asked(wanted: bool) -> None:
    store = RecordStore("t", modstamp_index=wanted)
    _fill(store)
    assert (MODSTAMP_INDEX in _indexes(store.conn)) is wanted
    # the admin read keeps modstamp order with or without the index
    assert [r["id"] for r in store.find("Thing")] == ["2", "3", "1"]
    assert [r[0] for r in store.ids_modified_between("Thing", "2026", "2027")] == ["2", "3", "1"]
    plan = _plan(
        store.conn,
        "SELECT id FROM records WHERE type = 'Thing' AND modstamp >= ? ORDER BY modstamp",
        ("2026",),
    )
    assert (MODSTAMP_INDEX in plan) is wanted, plan


def test_a_file_made_with_the_index_loses_it_when_opened_without(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    first = RecordStore("t", path)
    _fill(first)
    assert MODSTAMP_INDEX in _indexes(first.conn)
    first.close()
    second = RecordStore("t", path, modstamp_index=False)
    assert MODSTAMP_INDEX not in _indexes(second.conn)
    assert [r["id"] for r in second.find("Thing")] == ["2", "3", "1"]
    second.close()
    third = RecordStore("t", path)  # and back, for a dialect that reads in modstamp order
    assert MODSTAMP_INDEX in _indexes(third.conn)
    third.close()


def test_a_snapshot_restored_is_brought_to_the_stores_layout() -> None:
    with_index = RecordStore("a")
    _fill(with_index)
    snapshot = with_index.snapshot_to(None)
    assert snapshot is not None
    without = RecordStore("b", modstamp_index=False)
    without.restore_from(snapshot)
    assert MODSTAMP_INDEX not in _indexes(without.conn)
    assert [r["id"] for r in without.find("Thing")] == ["2", "3", "1"]


@pytest.mark.parametrize(
    ("module", "kept"),
    [
        ("salesforce", True),
        ("kantata", False),
        ("netsuite", False),
        ("workday", False),
        ("businesscentral", False),
        ("coupa", False),
    ],
)
def test_only_the_crm_keeps_the_index(module: str, kept: bool) -> None:
    """Salesforce's getUpdated and recently viewed read in modstamp order; no other vendor's
    API does, and their writes do not pay for the index."""
    mod = __import__(f"simulators.{module}", fromlist=["create_simulator"])
    sim = mod.create_simulator()
    handle = start_simulator(sim)
    try:
        assert handle.admin.get("/health").status_code == 200
        store = sim.tenants.get("default").store
        assert (MODSTAMP_INDEX in _indexes(store.conn)) is kept
    finally:
        handle.close()
