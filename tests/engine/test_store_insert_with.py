"""A record and the rows written with it in one statement: all or none, one change event."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulators.engine import Change, ConfigError, RecordStore


@pytest.mark.parametrize("on_file", [False, True])
def test_a_refused_row_undoes_the_rows_before_it(tmp_path: Path, on_file: bool) -> None:
    store = RecordStore("t", tmp_path / "t.sqlite3" if on_file else None)
    seen: list[Change] = []
    store.listener = seen.append
    store.insert("Event", "2", {"n": 0}, "m", emit=False)
    with pytest.raises(ConfigError, match="already exists"):
        store.insert_with("Doc", "1", {"n": 1}, "m", [("Event", "2", {"n": 2}, "m")])
    assert store.get("Doc", "1") is None
    assert store.get("Event", "2") == {"n": 0}
    assert seen == []
    change = store.insert_with("Doc", "1", {"n": 1}, "m", [("Event", "3", '{"n":3}', "m")])
    assert store.get("Doc", "1") == {"n": 1} and store.get("Event", "3") == {"n": 3}
    assert [(c.type, c.id, c.op) for c in seen] == [("Doc", "1", "create")] and seen[0] is change


def test_inside_a_transaction_it_rolls_back_with_it() -> None:
    store = RecordStore("t")
    with pytest.raises(RuntimeError), store.transaction():
        store.insert_with("Doc", "1", {"n": 1}, "m", [("Event", "1", {"n": 1}, "m")])
        raise RuntimeError("roll back")
    assert store.get("Doc", "1") is None and store.get("Event", "1") is None


@pytest.mark.parametrize("on_file", [False, True])
@pytest.mark.parametrize("taken", ["Doc", "Event", "Note"])
def test_unjournaled_a_refused_row_leaves_nothing_written(
    tmp_path: Path, on_file: bool, taken: str
) -> None:
    """Without the journal, the rows written before or after a taken key are deleted again."""
    store = RecordStore("t", tmp_path / "t.sqlite3" if on_file else None)
    seen: list[Change] = []
    store.listener = seen.append
    store.insert(taken, "2", {"n": 0}, "m", emit=False)
    store.insert("Other", "9", {"n": 9}, "m", emit=False)
    rows = [("Event", "2", '{"n":2}', "m"), ("Note", "2", {"n": 3}, "m")]
    with pytest.raises(ConfigError, match="already exists"):
        store.insert_with_unjournaled("Doc", "2", {"n": 1}, "m", rows)
    assert {t: store.get(t, "2") for t in ("Doc", "Event", "Note")} == {
        t: ({"n": 0} if t == taken else None) for t in ("Doc", "Event", "Note")
    }
    assert store.get("Other", "9") == {"n": 9} and seen == []
    rows = [("Event", "3", '{"n":2}', "m"), ("Note", "3", {"n": 3}, "m")]
    change = store.insert_with_unjournaled("Doc", "3", {"n": 1}, "m", rows)
    assert store.get("Doc", "3") == {"n": 1} and store.get("Event", "3") == {"n": 2}
    assert store.get("Note", "3") == {"n": 3}
    assert [(c.type, c.id, c.op) for c in seen] == [("Doc", "3", "create")] and seen[0] is change
