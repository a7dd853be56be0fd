"""A record stored as the JSON its writer serialised: read back the same, one change event,
a taken key refused, held back inside a transaction until it commits."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from simulators.engine import Change, ConfigError, RecordStore


@pytest.mark.parametrize("on_file", [False, True])
def test_stored_as_given_and_announced_once(tmp_path: Path, on_file: bool) -> None:
    store = RecordStore("t", tmp_path / "t.sqlite3" if on_file else None)
    seen: list[Change] = []
    store.listener = seen.append
    data = {"id": "1", "name": "Ann", "blank": "", "_v": 1}
    text = orjson.dumps(data)
    change = store.insert_serialised("Doc", "1", data, text, "m", at=5.0, origin="api")
    assert store.get("Doc", "1") == data and store.get_raw("Doc", "1") == (text.decode(), False)
    assert seen == [change] and change.op == "create" and change.data is data
    assert change.at == 5.0 and change.origin == "api"
    with pytest.raises(ConfigError, match="already exists"):
        store.insert_serialised("Doc", "1", {"id": "1"}, b'{"id":"1"}', "m")
    assert store.get("Doc", "1") == data and len(seen) == 1
    store.insert_serialised("Doc", "2", {"id": "2"}, b'{"id":"2"}', "m", emit=False)
    assert store.get("Doc", "2") == {"id": "2"} and len(seen) == 1


def test_inside_a_transaction_its_change_waits_for_the_commit() -> None:
    store = RecordStore("t")
    seen: list[Change] = []
    store.listener = seen.append
    with pytest.raises(RuntimeError), store.transaction():
        store.insert_serialised("Doc", "1", {"id": "1"}, b'{"id":"1"}', "m")
        raise RuntimeError("roll back")
    assert store.get("Doc", "1") is None and seen == []
    with store.transaction():
        store.insert_serialised("Doc", "1", {"id": "1"}, b'{"id":"1"}', "m")
        assert seen == []
    assert [c.id for c in seen] == ["1"]
    # a single write after the transaction runs without the journal again
    store.insert_serialised("Doc", "2", {"id": "2"}, b'{"id":"2"}', "m")
    assert store.get("Doc", "2") == {"id": "2"}
