"""The durable state: inbox (with dead letters), outbox, links between systems, cursors.

SQLite, one file. The inbox is keyed on the inbound event's id, so a duplicated event
is stored once; a task that fails for good stays in the inbox with status ``dead`` (the
dead-letter store) until it is replayed. Links map one system's id to another's (an
opportunity to its PSA workspace and ERP job) so a flow can find what it made before.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS inbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    correlation_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at REAL NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS inbox_due ON inbox(status, next_at);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    correlation_id TEXT NOT NULL,
    published_to TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS links (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE TABLE IF NOT EXISTS cursors (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True, slots=True)
class Task:
    id: int
    source: str
    kind: str
    key: str
    payload: dict[str, Any]
    correlation_id: str
    status: str
    attempts: int
    last_error: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "kind": self.kind,
            "key": self.key,
            "correlation_id": self.correlation_id,
            "status": self.status,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "payload": self.payload,
        }


def _task(row: sqlite3.Row) -> Task:
    return Task(
        row["id"],
        row["source"],
        row["kind"],
        row["key"],
        json.loads(row["payload"]),
        row["correlation_id"],
        row["status"],
        row["attempts"],
        row["last_error"],
    )


class Store:
    """All durable state of one integration instance."""

    def __init__(self, path: str | Path) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA busy_timeout=5000")
        self.conn.executescript(_SCHEMA)

    def close(self) -> None:
        self.conn.close()

    # -- inbox -----------------------------------------------------------------------

    def enqueue(
        self,
        source: str,
        kind: str,
        key: str,
        payload: dict[str, Any],
        correlation_id: str,
        *,
        reopen_done: bool = False,
    ) -> tuple[int, bool]:
        """Store an inbound event once; returns (task id, True if it is to run).

        ``reopen_done``: a key seen before whose task is done runs once more. For change
        notifications without an event id (NetSuite's carry a whole-second
        lastModifiedDate), a second edit in the same second has the same key; re-reading
        the record is harmless, missing that edit is not. Pending tasks still coalesce.
        """
        now = time.time()
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO inbox(source, kind, key, payload, correlation_id, created, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (source, kind, key, json.dumps(payload), correlation_id, now, now),
        )
        if cur.rowcount:
            return int(cur.lastrowid or 0), True
        row = self.conn.execute("SELECT id, status FROM inbox WHERE key = ?", (key,)).fetchone()
        if reopen_done and row["status"] in ("done", "pending"):
            # done: run again; pending (perhaps running now): done() sees the newer
            # `updated` and leaves it pending, so a run that read too early is repeated
            self.conn.execute(
                "UPDATE inbox SET status = 'pending', attempts = CASE status WHEN 'done' THEN 0"
                " ELSE attempts END, next_at = CASE status WHEN 'done' THEN 0 ELSE next_at END,"
                " updated = ? WHERE id = ?",
                (now, row["id"]),
            )
            return int(row["id"]), True
        return int(row["id"]), False

    def next_due(self, now: float) -> Task | None:
        row = self.conn.execute(
            "SELECT * FROM inbox WHERE status = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT 1",
            (now,),
        ).fetchone()
        return _task(row) if row else None

    def due(self, now: float, limit: int) -> list[Task]:
        """The first ``limit`` pending tasks due at ``now``, in the order they are to run."""
        rows = self.conn.execute(
            "SELECT * FROM inbox WHERE status = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT ?",
            (now, limit),
        )
        return [_task(r) for r in rows]

    def next_wakeup(self) -> float | None:
        row = self.conn.execute(
            "SELECT min(next_at) AS t FROM inbox WHERE status = 'pending'"
        ).fetchone()
        return float(row["t"]) if row and row["t"] is not None else None

    def done(self, task_id: int, started: float | None = None) -> None:
        """Mark a task done, unless (``started`` given) it was re-notified while it ran."""
        self.conn.execute(
            "UPDATE inbox SET status = CASE WHEN ? IS NOT NULL AND updated > ? THEN 'pending'"
            " ELSE 'done' END, attempts = attempts + 1, last_error = '', updated = ? WHERE id = ?",
            (started, started, time.time(), task_id),
        )

    def retry_later(self, task_id: int, at: float, error: str) -> None:
        self.conn.execute(
            "UPDATE inbox SET attempts = attempts + 1, next_at = ?, last_error = ?, updated = ?"
            " WHERE id = ?",
            (at, error[:2000], time.time(), task_id),
        )

    def dead_letter(self, task_id: int, error: str) -> None:
        self.conn.execute(
            "UPDATE inbox SET status = 'dead', attempts = attempts + 1, last_error = ?, updated = ?"
            " WHERE id = ?",
            (error[:2000], time.time(), task_id),
        )

    def dead_letters(self) -> list[Task]:
        rows = self.conn.execute("SELECT * FROM inbox WHERE status = 'dead' ORDER BY id")
        return [_task(r) for r in rows]

    def replay(self, task_id: int | None = None) -> list[int]:
        """Put dead letters (one, or all) back in the queue; returns their ids."""
        where = "status = 'dead'" + (" AND id = ?" if task_id is not None else "")
        params: tuple[Any, ...] = (task_id,) if task_id is not None else ()
        ids = [
            int(r["id"]) for r in self.conn.execute(f"SELECT id FROM inbox WHERE {where}", params)
        ]
        for i in ids:
            self.conn.execute(
                "UPDATE inbox SET status = 'pending', attempts = 0, next_at = 0, updated = ? WHERE id = ?",
                (time.time(), i),
            )
        return ids

    def task(self, task_id: int) -> Task | None:
        row = self.conn.execute("SELECT * FROM inbox WHERE id = ?", (task_id,)).fetchone()
        return _task(row) if row else None

    def counts(self) -> dict[str, int]:
        rows = self.conn.execute("SELECT status, count(*) AS n FROM inbox GROUP BY status")
        return {r["status"]: int(r["n"]) for r in rows}

    # -- outbox ----------------------------------------------------------------------

    def publish(
        self, type_: str, key: str, payload: dict[str, Any], correlation_id: str, to: str = ""
    ) -> bool:
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO outbox(type, key, payload, correlation_id, published_to, created)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (type_, key, json.dumps(payload), correlation_id, to, time.time()),
        )
        return bool(cur.rowcount)

    def events(self, after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT * FROM outbox WHERE id > ? ORDER BY id LIMIT ?", (after, limit)
        )
        return [
            {
                "id": r["id"],
                "type": r["type"],
                "key": r["key"],
                "correlation_id": r["correlation_id"],
                "published_to": r["published_to"] or None,
                "created": r["created"],
                "payload": json.loads(r["payload"]),
            }
            for r in rows
        ]

    # -- links and cursors -----------------------------------------------------------

    def link(self, kind: str, key: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT value FROM links WHERE kind = ? AND key = ?", (kind, key)
        ).fetchone()
        return json.loads(row["value"]) if row else None

    def set_link(self, kind: str, key: str, value: dict[str, Any]) -> None:
        self.conn.execute(
            "INSERT INTO links(kind, key, value) VALUES (?, ?, ?)"
            " ON CONFLICT(kind, key) DO UPDATE SET value = excluded.value",
            (kind, key, json.dumps(value)),
        )

    def links(self, kind: str) -> dict[str, dict[str, Any]]:
        rows = self.conn.execute("SELECT key, value FROM links WHERE kind = ?", (kind,))
        return {r["key"]: json.loads(r["value"]) for r in rows}

    def cursor(self, name: str) -> str | None:
        row = self.conn.execute("SELECT value FROM cursors WHERE name = ?", (name,)).fetchone()
        return str(row["value"]) if row else None

    def set_cursor(self, name: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO cursors(name, value) VALUES (?, ?)"
            " ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            (name, value),
        )
