"""Read queries that may be expensive (SOQL, SuiteQL, searches, list filters), run under a budget.

A query first runs on the tenant's own connection for a short slice; almost every query
ends there, at no extra cost. One that is still running is interrupted and run again off
the event loop, in a worker thread, on a read connection of its own: a second connection
to the tenant's file (WAL lets it read while the loop writes), or an in-memory copy made
with SQLite's backup API. Either way other requests, the admin API included, are served
meanwhile, and the query is interrupted once its whole budget is spent; the dialect then
answers with its vendor's timeout error.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from ._store import RecordStore

T = TypeVar("T")

#: SQLite virtual-machine steps between two looks at the clock
_PROGRESS_STEPS = 2_000


@dataclass(frozen=True, slots=True)
class QueryBudget:
    """How long one query may run: ``seconds`` in all, ``inline_seconds`` on the event loop."""

    seconds: float = 20.0
    inline_seconds: float = 0.05


class QueryTimeout(Exception):
    """A query ran past its budget; dialects turn this into the vendor's timeout error."""


def _interrupted(exc: sqlite3.OperationalError) -> bool:
    return "interrupted" in str(exc)


def _bounded(conn: sqlite3.Connection, work: Callable[[sqlite3.Connection], T], until: float) -> T:
    conn.set_progress_handler(lambda: 1 if time.monotonic() > until else 0, _PROGRESS_STEPS)
    try:
        return work(conn)
    finally:
        conn.set_progress_handler(None, 0)


def _reader(store: RecordStore) -> sqlite3.Connection:
    """A connection for one off-loop query: the tenant's file read-only, or an in-memory copy."""
    if store.path is not None:
        uri = store.path.resolve().as_uri() + "?mode=ro"
        return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    copy = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    store.conn.backup(copy)  # on the loop: no write transaction of another request is half done
    return copy


def _off_loop(
    conn: sqlite3.Connection,
    work: Callable[[sqlite3.Connection], T],
    until: float,
    setup: Callable[[sqlite3.Connection], None] | None,
) -> T:
    try:
        if setup is not None:
            setup(conn)
        return _bounded(conn, work, until)
    finally:
        conn.close()


async def run_read(
    store: RecordStore,
    work: Callable[[sqlite3.Connection], T],
    budget: QueryBudget,
    *,
    setup: Callable[[sqlite3.Connection], None] | None = None,
) -> T:
    """Run ``work(conn)`` (reads only) within ``budget``; raises ``QueryTimeout`` past it.

    ``setup`` prepares a fresh read connection the way the store's own one was prepared
    (temporary views, SQL functions). Inside an open transaction (a composite request)
    the query stays on the store's connection, bounded by the whole budget.
    """
    start = time.monotonic()
    until = start + budget.seconds
    conn = store.conn
    inline_until = until if conn.in_transaction else min(until, start + budget.inline_seconds)
    try:
        return _bounded(conn, work, inline_until)
    except sqlite3.OperationalError as exc:
        if not _interrupted(exc):
            raise
        if inline_until >= until:
            raise QueryTimeout() from None
    reader = _reader(store)
    try:
        return await asyncio.to_thread(_off_loop, reader, work, until, setup)
    except sqlite3.OperationalError as exc:
        if _interrupted(exc):
            raise QueryTimeout() from None
        raise
