"""Records kept without their null fields: every reader still sees the whole record.

A dialect that writes every field of a type (nulls included, in a fixed order) gives the
store a template per type; the store drops the nulls the template restores and completes
each record on read. Rows written whole (the earlier format) read the same.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from harness.testing import start_simulator
from simulators.engine import RecordStore, SimulatorSettings
from simulators.netsuite import create_simulator as create_erp
from simulators.salesforce import create_simulator

from .._clients import crm_client

V = "/services/data/v68.0"
TEMPLATE: dict[str, None] = {"Id": None, "Name": None, "Phone": None, "Active": None, "Web": None}
#: a record as its dialect writes it: template order, one field the template does not know
WHOLE: dict[str, Any] = {
    "Id": "a1",
    "Name": "Acme",
    "Phone": None,
    "Active": False,
    "Web": None,
    "Note": None,
}


def _templates(type_: str) -> Mapping[str, None] | None:
    return TEMPLATE if type_ == "Item" else None


def _store(path: Path | None = None) -> RecordStore:
    store = RecordStore("t", path)
    store.templates = _templates
    return store


def _stored(store: RecordStore, id_: str) -> dict[str, Any]:
    row = store.conn.execute("SELECT data FROM records WHERE id = ?", (id_,)).fetchone()
    return dict(orjson.loads(row[0]))


def _reads(store: RecordStore, id_: str) -> list[list[tuple[str, Any]]]:
    """The record through every read of the store, as ordered (key, value) pairs."""
    raw = store.get_raw("Item", id_)
    assert raw is not None
    got = store.get("Item", id_, include_deleted=True)
    assert got is not None
    found = [r for r in store.find("Item", include_deleted=True) if r["Id"] == id_]
    listed = [r for r in store.iter_type("Item", include_deleted=True) if r["Id"] == id_]
    return [list(d.items()) for d in (got, orjson.loads(raw[0]), *found, *listed)]


def test_nulls_are_left_out_of_the_row_and_restored_in_order_on_every_read() -> None:
    store = _store()
    store.insert("Item", "a1", dict(WHOLE), "m1")
    # the template's nulls are gone; a null the template does not know stays
    assert _stored(store, "a1") == {"Id": "a1", "Name": "Acme", "Active": False, "Note": None}
    assert _reads(store, "a1") == [list(WHOLE.items())] * 4
    raw = store.get_raw("Item", "a1")
    assert raw is not None and raw[0] == orjson.dumps(WHOLE).decode()  # byte for byte
    # SQL filters cannot tell a left-out null from a stored one
    assert [r["Id"] for r in store.find("Item", {"Phone": None})] == ["a1"]
    assert store.find("Item", {"Name": "Acme"})[0] == WHOLE

    changed = dict(WHOLE, Phone="555", Name=None)
    store.update("Item", "a1", changed, WHOLE, "m2", changed_fields=["Phone", "Name"])
    assert "Name" not in _stored(store, "a1") and _stored(store, "a1")["Phone"] == "555"
    assert _reads(store, "a1") == [list(changed.items())] * 4

    gone = dict(changed, Active=None)
    store.delete("Item", "a1", gone, "m3")
    assert "Active" not in _stored(store, "a1")
    assert store.get("Item", "a1") is None
    assert _reads(store, "a1") == [list(gone.items())] * 4
    store.undelete("Item", "a1", changed, "m4")
    assert store.get("Item", "a1") == changed


def test_bulk_loads_are_compact_and_other_types_are_stored_as_given() -> None:
    store = _store()
    rows = [(f"b{i}", "m", dict(WHOLE, Id=f"b{i}")) for i in range(3)]
    assert store.bulk_insert("Item", rows) == 3
    assert "Phone" not in _stored(store, "b1")
    assert store.get("Item", "b1") == dict(WHOLE, Id="b1")
    store.insert("Other", "o1", {"Id": "o1", "Phone": None}, "m")
    assert _stored(store, "o1") == {"Id": "o1", "Phone": None}


def test_rows_written_whole_read_the_same_and_compact_on_their_next_write(tmp_path: Path) -> None:
    path = tmp_path / "tenant.sqlite3"
    old = RecordStore("t", path)  # no templates: rows are written whole, as before
    old.insert("Item", "a1", dict(WHOLE), "m1")
    old.close()
    assert "Phone" in _stored(RecordStore("t", path), "a1")

    store = _store(path)
    assert _reads(store, "a1") == [list(WHOLE.items())] * 4
    store.update("Item", "a1", dict(WHOLE, Name="Acme 2"), WHOLE, "m2", changed_fields=["Name"])
    assert "Phone" not in _stored(store, "a1")
    assert store.get("Item", "a1") == dict(WHOLE, Name="Acme 2")
    store.close()


def _account_answers(api: Any, acc: str) -> dict[str, Any]:
    """What a client sees of one Account: GET (whole and some fields), SOQL, SOSL-free."""
    q = f"SELECT FIELDS(ALL) FROM Account WHERE Id = '{acc}'"
    filtered = "SELECT Id FROM Account WHERE Fax = null AND Phone != null AND Name = 'Kept Ltd'"
    return {
        "get": api.get(f"{V}/sobjects/Account/{acc}").content,
        "get_fields": api.get(f"{V}/sobjects/Account/{acc}", params={"fields": "Name,Fax"}).content,
        "fields_all": api.get(f"{V}/query/", params={"q": q}).content,
        "null_filter": api.get(f"{V}/query/", params={"q": filtered}).json()["totalSize"],
    }


def test_a_crm_record_reads_the_same_from_either_row_format(tmp_path: Path) -> None:
    """A tenant file whose Accounts are stored whole (as before) answers byte for byte what
    the compact rows answer: GET, GET ?fields=, SOQL FIELDS(ALL) and filters on null."""
    settings = SimulatorSettings(data_dir=tmp_path)
    sim = start_simulator(create_simulator(None, settings))
    try:
        api = crm_client(sim)
        r = api.post(f"{V}/sobjects/Account/", json={"Name": "Kept Ltd", "Phone": "+1 555 0100"})
        assert r.status_code == 201, r.text
        acc = r.json()["id"]
        before = _account_answers(api, acc)
        describe = api.get(f"{V}/sobjects/Account/describe").json()
    finally:
        sim.close()
    whole = orjson.loads(before["get"])
    assert list(whole) == ["attributes", *(f["name"] for f in describe["fields"])]
    assert whole["Fax"] is None and before["null_filter"] == 1

    db = sqlite3.connect(str(tmp_path / "tenants" / "default.sqlite3"))
    (raw,) = db.execute("SELECT data FROM records WHERE id = ?", (acc,)).fetchone()
    assert "Fax" not in orjson.loads(raw)  # stored compact
    del whole["attributes"]
    db.execute("UPDATE records SET data = ? WHERE id = ?", (orjson.dumps(whole).decode(), acc))
    db.commit()
    db.close()

    again = start_simulator(create_simulator(None, SimulatorSettings(data_dir=tmp_path)))
    try:
        assert _account_answers(crm_client(again), acc) == before
    finally:
        again.close()


def test_each_dialect_chooses_the_page_size_of_its_in_memory_stores() -> None:
    """The CRM's one-record writes pack onto 16 KB pages; vendors that write several rows per
    transaction stay on SQLite's 4 KB pages, which their rollback journal copies cheaper."""

    def page_size(sim: Any) -> int:
        store = sim.tenants.get_or_create("pages").store
        return int(store.conn.execute("PRAGMA page_size").fetchone()[0])

    assert page_size(create_simulator()) == 16384
    assert page_size(create_erp()) == 4096
    assert RecordStore("plain").conn.execute("PRAGMA page_size").fetchone()[0] == 4096
