"""run_read: a long query leaves the event loop and stops at its budget; short ones stay inline."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from simulators.engine import QueryBudget, QueryTimeout, RecordStore, run_read

ENDLESS = (
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) "
    "SELECT count(*) FROM (SELECT x FROM n LIMIT 4000000000)"
)


async def _ticks_during(store: RecordStore, budget: QueryBudget) -> tuple[int, BaseException]:
    ticks = 0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    try:
        await run_read(store, lambda c: c.execute(ENDLESS).fetchone(), budget)
    except BaseException as exc:
        outcome: BaseException = exc
    else:
        outcome = AssertionError("the endless query returned")
    done.set()
    await task
    return ticks, outcome


@pytest.mark.parametrize("persistent", [False, True])
def test_endless_query_times_out_off_the_loop(tmp_path: Path, persistent: bool) -> None:
    store = RecordStore("t", tmp_path / "t.sqlite3" if persistent else None)
    store.insert("A", "1", {"Name": "x"}, "2026-01-01")
    ticks, outcome = asyncio.run(_ticks_during(store, QueryBudget(0.5, 0.01)))
    assert isinstance(outcome, QueryTimeout)
    assert ticks > 100  # the loop kept running while the query did
    # the store's own connection is usable and carries no progress handler afterwards
    assert store.get("A", "1") == {"Name": "x"}
    store.close()


def test_inside_a_transaction_the_query_stays_on_the_store_connection() -> None:
    store = RecordStore("t")

    async def scenario() -> BaseException | None:
        with store.transaction():
            store.insert("A", "1", {"Name": "uncommitted"}, "2026-01-01")
            seen = await run_read(
                store,
                lambda c: c.execute("SELECT count(*) FROM records").fetchone()[0],
                QueryBudget(5.0, 0.0),
            )
            assert seen == 1  # its own uncommitted write, as on one connection
            try:
                await run_read(store, lambda c: c.execute(ENDLESS).fetchone(), QueryBudget(0.2))
            except QueryTimeout as exc:
                return exc
        return None

    assert isinstance(asyncio.run(scenario()), QueryTimeout)


def test_other_errors_pass_through_and_cheap_queries_answer() -> None:
    store = RecordStore("t")
    store.insert("A", "1", {"Name": "x"}, "2026-01-01")
    budget = QueryBudget(5.0, 0.05)
    got = asyncio.run(
        run_read(store, lambda c: c.execute("SELECT id FROM records").fetchall(), budget)
    )
    assert got == [("1",)]
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        asyncio.run(run_read(store, lambda c: c.execute("SELECT * FROM nope").fetchall(), budget))
