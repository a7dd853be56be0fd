"""A worker's business-process events, each a record of its own.

Kept inside the worker record, the history was re-read, re-sorted and re-written whole on
every job change, so a change cost more the longer the worker's history. Each completed
process is now a ``BusinessProcessEvent`` record keyed ``<worker>|<kind>|<effective>|<seq>``:
the store's (type, id) key orders a worker's events by effective date and sequence, and the
employment events (hire, termination), all that a new process checks, are a key range of
their own, so a job change reads a row or two whatever the length of the history.

Tenants written before kept the list as the worker's ``timeline`` field; ``migrate`` moves
it into event records once, when the tenant is opened or restored.
"""

from __future__ import annotations

from typing import Any

import orjson

from simulators.engine import RecordStore

from ._ids import is_wid

EVENT = "BusinessProcessEvent"
WORKER = "Worker"
#: processes that start or end employment; every other process is a change of the job
EMPLOYMENT = ("Hire", "Termination")
#: store meta: the layout a tenant's histories are kept in (absent: the worker's ``timeline``)
LAYOUT_KEY = "workday.history_layout"
LAYOUT = "event-records"

_RANGE = f"SELECT data FROM records WHERE type = '{EVENT}' AND id >= ? AND id < ? AND deleted = 0"


def event_key(worker: str, e: dict[str, Any]) -> str:
    """The record id of event ``e`` of ``worker``: its kind, effective date and sequence."""
    kind = "E" if e["type"] in EMPLOYMENT else "J"
    # ``zfill`` spells ``{seq:012d}`` (sign included) without the format mini-language
    return f"{worker}|{kind}|{e['effective']}|{str(int(e['seq'])).zfill(12)}"


def order(e: dict[str, Any]) -> tuple[str, int]:
    """The order processes apply in: effective date, then completion sequence."""
    return e["effective"], e["seq"]


def entry(stored: dict[str, Any]) -> dict[str, Any]:
    """An event as the worker's timeline lists it (without the worker it belongs to)."""
    return {k: v for k, v in stored.items() if k != "worker"}


def events(
    store: RecordStore, worker: str, *, employment_only: bool = False
) -> list[dict[str, Any]]:
    """The worker's events in the order they apply (only hires and terminations on request)."""
    prefix = f"{worker}|E|" if employment_only else f"{worker}|"
    rows = store.conn.execute(_RANGE, (prefix, prefix[:-1] + "}"))
    # the worker check keeps a worker whose id holds a "|" from reading another's range
    found = [e for e in (orjson.loads(r[0]) for r in rows) if e.get("worker") == worker]
    found.sort(key=order)
    return found


_WORKER_AND_EMPLOYMENT = (
    f"SELECT 0, data, deleted FROM records WHERE type = '{WORKER}' AND id = ?1"
    f" UNION ALL SELECT 1, data, 0 FROM records WHERE type = '{EVENT}' AND id >= ?2 AND id < ?3"
    " AND deleted = 0"
)


#: the read cache's key for a worker's (record, employment) as a process reads them
EMPLOYED_KEY = "workday.employed"


def worker_and_employment(
    store: RecordStore, worker: str
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """``store.get`` of the worker and ``events(..., employment_only=True)`` in one statement
    (what every process reads first); (None, []) when there is no such live worker.

    A live worker's pair is kept in the store's read cache under the worker's own (type,
    id), which every write of the worker row drops; every event is written with its
    worker (``BusinessProcesses._write``, the loader's bulk insert), so a kept pair is never
    older than the rows. Callers only read the pair: it is shared until dropped.
    """
    hit: tuple[dict[str, Any], list[dict[str, Any]]] | None = store.read_cache.get(
        WORKER, worker, EMPLOYED_KEY
    )
    if hit is not None:
        return hit
    prefix = f"{worker}|E|"
    rec: dict[str, Any] | None = None
    found: list[dict[str, Any]] = []
    for part, data, deleted in store.conn.execute(
        _WORKER_AND_EMPLOYMENT, (worker, prefix, prefix[:-1] + "}")
    ):
        if part == 0:
            rec = None if deleted else store.load(WORKER, data)
        else:
            e = orjson.loads(data)
            if e.get("worker") == worker:
                found.append(e)
    if rec is None:
        return None, []
    found.sort(key=order)
    store.read_cache.put(WORKER, worker, EMPLOYED_KEY, (rec, found))
    return rec, found


def keep_employed(
    store: RecordStore,
    rec: dict[str, Any],
    employment: list[dict[str, Any]],
    *,
    wid_checked: bool = False,
) -> None:
    """Keep the worker's pair again after a process that changed neither its row's JSON
    nor its employment (a job or compensation change) dropped it with the re-stamp.

    Pairs are kept under WIDs only, as ``worker_and_employment`` keeps them, so a hit
    names a worker by WID (a worker loaded with another id is read by employee id);
    ``wid_checked``: the caller knows the id is one.
    """
    if wid_checked or is_wid(rec["id"]):
        store.read_cache.put(WORKER, rec["id"], EMPLOYED_KEY, (rec, employment))


def all_events(store: RecordStore) -> dict[str, list[dict[str, Any]]]:
    """Every worker's events in the order they apply, by worker id."""
    out: dict[str, list[dict[str, Any]]] = {}
    for e in store.iter_type(EVENT):
        out.setdefault(e["worker"], []).append(e)
    for found in out.values():
        found.sort(key=order)
    return out


def stored(worker: str, e: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The record id and stored form of event ``e`` of ``worker``."""
    return event_key(worker, e), {**e, "worker": worker}


def rows(worker: str, timeline: list[dict[str, Any]]) -> list[tuple[str, str, dict[str, Any]]]:
    """(id, modstamp, data) rows of a bulk load for the worker's events."""
    return [(event_key(worker, e), e["completedOn"], {**e, "worker": worker}) for e in timeline]


def migrate(store: RecordStore) -> int:
    """Move every worker's ``timeline`` field into event records; the number of workers moved.

    Runs once per tenant (a meta key remembers the layout), in one transaction; the workers'
    modstamps stay as they were, and no change events are sent.
    """
    if store.meta_get(LAYOUT_KEY) == LAYOUT:
        return 0
    moved = 0
    with store.transaction():
        found = store.conn.execute(
            f"SELECT id, data FROM records WHERE type = '{WORKER}'"
            " AND json_type(data, '$.timeline') IS NOT NULL"
        ).fetchall()
        for wid, data in found:
            rec = orjson.loads(data)
            timeline = rec.pop("timeline") or []
            store.conn.execute(
                f"UPDATE records SET data = ? WHERE type = '{WORKER}' AND id = ?",
                (orjson.dumps(rec).decode(), wid),
            )
            store.bulk_insert(EVENT, rows(wid, timeline))
            moved += 1
        store.meta_set(LAYOUT_KEY, LAYOUT)
    store.read_cache.clear()
    return moved
