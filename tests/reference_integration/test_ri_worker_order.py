"""The worker's picks: several tasks at once, one record's tasks in queue order, batches alone."""

from __future__ import annotations

from pathlib import Path

from reference_integration.store import Store
from reference_integration.worker import EXCLUSIVE, ordering_key, pick_due


def _store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "ri.sqlite3")
    events = [
        ("psa.event", "psa:1", {"subject_type": "TimeEntry", "subject_id": "10"}),
        ("psa.event", "psa:2", {"subject_type": "TimeEntry", "subject_id": "10"}),
        ("psa.event", "psa:3", {"subject_type": "TimeEntry", "subject_id": "11"}),
        ("crm.opportunity", "crm:1", {"id": "006A"}),
        ("billing.run", "billing:1", {"through": "2026-01-31"}),
        ("psa.event", "psa:4", {"subject_type": "TimeEntry", "subject_id": "12"}),
    ]
    for kind, key, payload in events:
        store.enqueue("test", kind, key, payload, key)
    return store


def test_distinct_records_start_together_and_one_records_tasks_wait(tmp_path: Path) -> None:
    store = _store(tmp_path)
    picked = pick_due(store, set(), 8)
    # the second event of time entry 10 waits for the first; the billing run waits for all
    assert [t.key for t in picked] == ["psa:1", "psa:3", "crm:1"]
    busy = {ordering_key(t) for t in picked}
    assert pick_due(store, busy, 8) == []  # the billing run holds back what follows it


def test_free_slots_bound_the_picks(tmp_path: Path) -> None:
    store = _store(tmp_path)
    assert [t.key for t in pick_due(store, set(), 2)] == ["psa:1", "psa:3"]
    assert pick_due(store, {"psa:TimeEntry:10"}, 0) == []


def test_a_batch_runs_alone_once_the_runs_in_flight_end(tmp_path: Path) -> None:
    store = _store(tmp_path)
    first = pick_due(store, set(), 8)
    for task in first:
        store.done(task.id)
    # psa:2 (time entry 10, now free) is queued before the billing run and starts first
    second = pick_due(store, set(), 8)
    assert [t.key for t in second] == ["psa:2"]
    store.done(second[0].id)
    third = pick_due(store, set(), 8)
    assert [t.key for t in third] == ["billing:1"]
    assert ordering_key(third[0]) == EXCLUSIVE
    assert pick_due(store, {EXCLUSIVE}, 8) == []
    store.done(third[0].id)
    assert [t.key for t in pick_due(store, set(), 8)] == ["psa:4"]
