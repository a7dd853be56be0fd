"""Change events, webhook subscriptions and undelivered events kept in the tenant's database.

With ``--data-dir`` each tenant's SQLite file also holds its event log (the replay window),
the subscriptions scoped to it, the events still owed to each subscription and the dead
letters, so a simulator killed with -9 and restarted keeps all of them. An event row is
written before the write that made it is answered, so no acknowledged change loses its
event. In-memory tenants skip all of this (nothing would outlive the process anyway).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from typing import Any

import orjson

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sim_events (
  seq INTEGER PRIMARY KEY, record_type TEXT NOT NULL, record_id TEXT NOT NULL, op TEXT NOT NULL,
  at REAL NOT NULL, published REAL NOT NULL, channel TEXT NOT NULL, payload TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sim_subscriptions (id TEXT PRIMARY KEY, spec TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sim_pending (
  sub_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (sub_id, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sim_pending_seq ON sim_pending(seq);
CREATE TABLE IF NOT EXISTS sim_dead (
  sub_id TEXT NOT NULL, seq INTEGER NOT NULL, info TEXT NOT NULL, event TEXT NOT NULL,
  PRIMARY KEY (sub_id, seq)
) WITHOUT ROWID;
"""

#: events written between two trims of the log to its retention
_TRIM_EVERY = 256


class Outbox:
    """The event tables of one tenant's database."""

    def __init__(self, conn: sqlite3.Connection, retention: int) -> None:
        self.conn = conn
        self.retention = retention
        self._since_trim = 0
        conn.executescript(_SCHEMA)

    @contextlib.contextmanager
    def _atomic(self) -> Iterator[sqlite3.Connection]:
        c = self.conn
        if c.in_transaction:  # inside a store transaction: its commit covers these rows
            yield c
            return
        c.execute("BEGIN")
        try:
            yield c
        except BaseException:
            c.execute("ROLLBACK")
            raise
        c.execute("COMMIT")

    # -- the event log ---------------------------------------------------------------

    def add_event(
        self,
        seq: int,
        record_type: str,
        record_id: str,
        op: str,
        at: float,
        published: float,
        channel: str,
        payload: dict[str, Any],
        owed_to: list[str],
    ) -> None:
        """The event and the subscriptions that are owed it, in one commit."""
        with self._atomic() as c:
            c.execute(
                "INSERT OR REPLACE INTO sim_events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (seq, record_type, record_id, op, at, published, channel, orjson.dumps(payload)),
            )
            if owed_to:
                c.executemany(
                    "INSERT OR IGNORE INTO sim_pending(sub_id, seq) VALUES (?, ?)",
                    [(s, seq) for s in owed_to],
                )
        self._since_trim += 1
        if self._since_trim >= _TRIM_EVERY:
            self._since_trim = 0
            self.trim(seq)

    def trim(self, last_seq: int) -> None:
        """Keep the newest ``retention`` events, and any event still owed to a subscriber."""
        self.conn.execute(
            "DELETE FROM sim_events WHERE seq <= ? AND seq NOT IN (SELECT seq FROM sim_pending)",
            (last_seq - self.retention,),
        )

    def recent_events(self) -> list[tuple[Any, ...]]:
        """The retained events, oldest first: (seq, type, id, op, at, published, channel, payload)."""
        rows = self.conn.execute(
            "SELECT * FROM sim_events ORDER BY seq DESC LIMIT ?", (self.retention,)
        ).fetchall()
        rows.reverse()
        return rows

    def event(self, seq: int) -> tuple[Any, ...] | None:
        return self.conn.execute("SELECT * FROM sim_events WHERE seq = ?", (seq,)).fetchone()

    def clear_events(self) -> None:
        self.conn.executescript(
            "DELETE FROM sim_events; DELETE FROM sim_pending; DELETE FROM sim_dead;"
        )

    # -- subscriptions ---------------------------------------------------------------

    def save_subscription(self, sub_id: str, spec: dict[str, Any]) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO sim_subscriptions(id, spec) VALUES (?, ?)",
            (sub_id, orjson.dumps(spec).decode()),
        )

    def delete_subscription(self, sub_id: str) -> None:
        with self._atomic() as c:
            c.execute("DELETE FROM sim_subscriptions WHERE id = ?", (sub_id,))
            c.execute("DELETE FROM sim_pending WHERE sub_id = ?", (sub_id,))
            c.execute("DELETE FROM sim_dead WHERE sub_id = ?", (sub_id,))

    def subscriptions(self) -> list[dict[str, Any]]:
        return [orjson.loads(r[0]) for r in self.conn.execute("SELECT spec FROM sim_subscriptions")]

    # -- what is owed ----------------------------------------------------------------

    def owe(self, sub_id: str, seq: int) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO sim_pending(sub_id, seq) VALUES (?, ?)", (sub_id, seq)
        )

    def settle(self, sub_id: str, seq: int) -> None:
        self.conn.execute("DELETE FROM sim_pending WHERE sub_id = ? AND seq = ?", (sub_id, seq))

    def pending(self) -> Iterator[tuple[str, int]]:
        yield from self.conn.execute("SELECT sub_id, seq FROM sim_pending ORDER BY seq")

    # -- dead letters ----------------------------------------------------------------

    def add_dead(self, sub_id: str, seq: int, info: dict[str, Any], event: dict[str, Any]) -> None:
        with self._atomic() as c:
            c.execute(
                "INSERT OR REPLACE INTO sim_dead(sub_id, seq, info, event) VALUES (?, ?, ?, ?)",
                (sub_id, seq, orjson.dumps(info).decode(), orjson.dumps(event).decode()),
            )
            c.execute("DELETE FROM sim_pending WHERE sub_id = ? AND seq = ?", (sub_id, seq))

    def revive(self, sub_id: str, seq: int) -> None:
        """A dead letter queued again: owed once more."""
        with self._atomic() as c:
            c.execute("DELETE FROM sim_dead WHERE sub_id = ? AND seq = ?", (sub_id, seq))
            c.execute("INSERT OR IGNORE INTO sim_pending(sub_id, seq) VALUES (?, ?)", (sub_id, seq))

    def dead(self) -> list[tuple[str, int, dict[str, Any], dict[str, Any]]]:
        return [
            (r[0], int(r[1]), orjson.loads(r[2]), orjson.loads(r[3]))
            for r in self.conn.execute("SELECT sub_id, seq, info, event FROM sim_dead ORDER BY seq")
        ]
