"""``RecordStore.insert_restamping``: a record kept beside a re-stamp of another, on real SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulators.engine import Change, ConfigError, RecordStore


def _row(store: RecordStore, type_: str, id_: str) -> tuple[str, str]:
    return store.conn.execute(
        "SELECT modstamp, data FROM records WHERE type = ? AND id = ?", (type_, id_)
    ).fetchone()


@pytest.mark.parametrize("on_file", [False, True])
def test_the_stamped_record_keeps_its_json_and_announces_an_update(
    tmp_path: Path, on_file: bool
) -> None:
    store = RecordStore("t", tmp_path / "t.sqlite3" if on_file else None)
    seen: list[Change] = []
    store.listener = seen.append
    store.insert("Worker", "w1", {"id": "w1", "name": "Ann"}, "m1", emit=False)
    json_before = _row(store, "Worker", "w1")[1]
    worker = store.get("Worker", "w1")
    assert worker is not None
    change = store.insert_restamping(
        "Event", "w1|1", {"n": 1}, "m2", ("Worker", "w1", worker), at=5.0, origin="bp:w1|1"
    )
    assert _row(store, "Worker", "w1") == ("m2", json_before)
    assert _row(store, "Event", "w1|1") == ("m2", '{"n":1}')
    assert seen == [change]  # one event: the stamped record's, not the inserted one's
    assert (change.type, change.id, change.op, change.origin, change.at) == (
        "Worker",
        "w1",
        "update",
        "bp:w1|1",
        5.0,
    )
    assert change.data == worker and list(change.changed_fields) == []
    assert not store.conn.in_transaction


def test_a_refused_insert_stamps_nothing_and_announces_nothing() -> None:
    store = RecordStore("t")
    seen: list[Change] = []
    store.listener = seen.append
    store.insert("Worker", "w1", {"id": "w1"}, "m1", emit=False)
    store.insert("Event", "w1|1", {"n": 1}, "m1", emit=False)
    with pytest.raises(ConfigError):
        store.insert_restamping("Event", "w1|1", {"n": 2}, "m2", ("Worker", "w1", {"id": "w1"}))
    assert _row(store, "Worker", "w1")[0] == "m1" and store.get("Event", "w1|1") == {"n": 1}
    assert seen == []


def test_inside_a_transaction_it_rolls_back_with_it() -> None:
    store = RecordStore("t")
    seen: list[Change] = []
    store.listener = seen.append
    store.insert("Worker", "w1", {"id": "w1"}, "m1", emit=False)
    with pytest.raises(RuntimeError), store.transaction():
        store.insert_restamping("Event", "w1|1", {"n": 1}, "m2", ("Worker", "w1", {"id": "w1"}))
        raise RuntimeError("roll back")
    assert _row(store, "Worker", "w1")[0] == "m1" and store.get("Event", "w1|1") is None
    assert seen == []
