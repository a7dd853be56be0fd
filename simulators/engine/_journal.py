"""Bounded request journal: every request and response with timing, tenant and correlation id.

A ring buffer (``collections.deque(maxlen=...)``) so that long runs never grow memory
without limit, unlike WireMock's default unbounded journal. Bodies are kept up to a
configurable size. Waiters (wait-for long-polls) are woken when a new entry arrives.

The hot path records a ``RawEntry``, a plain tuple: the request's own headers and the clipped
body bytes, no decoding and no redaction. The ``JournalEntry`` (decoded, secrets redacted) is
built the first time anything reads it, so a request nobody looks at costs one tuple.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from ._errors import ConfigError
from ._redact import redact_headers, redact_text

if TYPE_CHECKING:
    from ._http import Request

_perf_counter = time.perf_counter


@dataclass(slots=True)
class JournalEntry:
    seq: int
    at: float  # wall-clock epoch seconds when the request arrived
    tenant: str
    method: str
    path: str
    query: str
    route: str
    status: int
    duration_ms: float
    correlation_id: str
    request_headers: dict[str, str]
    request_body: str
    response_body: str
    fault: str = ""
    client: str = ""
    violations: list[dict[str, Any]] = field(default_factory=list)  # contract violations

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "tenant": self.tenant,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "route": self.route,
            "status": self.status,
            "duration_ms": round(self.duration_ms, 3),
            "correlation_id": self.correlation_id,
            "request_headers": self.request_headers,
            "request_body": self.request_body,
            "response_body": self.response_body,
            "fault": self.fault,
            "client": self.client,
            "violations": self.violations,
        }


#: What the pipeline hands the journal per request: a plain tuple (one ``BUILD_TUPLE`` on the
#: hot path, no object of a class of its own), built into a ``JournalEntry`` when first read.
#: Fields, in order: seq, at, tenant name, method, path, query, route (the ``Route`` or None),
#: status, duration_ms, correlation_id, headers, request body, response body, fault, client,
#: violations (None: none). A body over the journal's limit is held as (clipped bytes, full
#: length).
RawEntry = tuple[Any, ...]


def _entry(raw: RawEntry) -> JournalEntry:
    """The journal entry of a raw one, secrets redacted."""
    (
        seq,
        at,
        tenant,
        method,
        path,
        query,
        route,
        status,
        duration_ms,
        correlation_id,
        headers,
        request_body,
        response_body,
        fault,
        client,
        violations,
    ) = raw
    response = _decode(response_body)
    return JournalEntry(
        seq,
        at,
        tenant,
        method,
        path,
        redact_text(query),
        route.name if route is not None else "",
        status,
        duration_ms,
        correlation_id,
        redact_headers(headers),
        redact_text(_decode(request_body)),
        # secrets come back from token and login calls, never from a read
        redact_text(response) if method != "GET" else response,
        fault,
        f"{client[0]}:{client[1]}" if client else "",
        violations if violations is not None else [],
    )


def _decode(body: bytes | tuple[bytes, int]) -> str:
    if isinstance(body, tuple):  # clipped: (its first bytes, its full length)
        clipped, total = body
        return clipped.decode("utf-8", "replace") + f"...[{total} bytes]" if clipped else ""
    return body.decode("utf-8", "replace") if body else ""


def _built(x: JournalEntry | RawEntry) -> JournalEntry:
    return x if isinstance(x, JournalEntry) else _entry(x)


def _tenant_of(x: JournalEntry | RawEntry) -> str:
    return x.tenant if isinstance(x, JournalEntry) else str(x[2])


@dataclass(slots=True)
class JournalFilter:
    """Which entries a query or a wait-for wants; every set attribute must match."""

    tenant: str | None = None
    method: str | None = None
    path: str | None = None  # regular expression, searched in the path
    route: str | None = None
    status: int | None = None
    correlation_id: str | None = None
    body_contains: str | None = None
    since_seq: int | None = None

    @classmethod
    def from_mapping(cls, m: dict[str, Any]) -> JournalFilter:
        """A filter from query parameters or a JSON object; ConfigError names a bad value."""
        path = m.get("path") or m.get("path_pattern")
        if path is not None:
            path = str(path)
            try:
                re.compile(path)
            except re.error as exc:
                raise ConfigError(f"path is not a valid regular expression: {exc}") from None
        return cls(
            tenant=m.get("tenant"),
            method=(m.get("method") or None) and str(m["method"]).upper(),
            path=path,
            route=m.get("route"),
            status=_opt_int(m, "status"),
            correlation_id=m.get("correlation_id"),
            body_contains=m.get("body_contains"),
            since_seq=_opt_int(m, "since_seq"),
        )

    def matches(self, e: JournalEntry) -> bool:
        if self.tenant is not None and e.tenant != self.tenant:
            return False
        if self.method is not None and e.method != self.method:
            return False
        if self.status is not None and e.status != self.status:
            return False
        if self.correlation_id is not None and e.correlation_id != self.correlation_id:
            return False
        if self.route is not None and e.route != self.route:
            return False
        if self.since_seq is not None and e.seq <= self.since_seq:
            return False
        if self.path is not None and re.search(self.path, e.path) is None:
            return False
        return self.body_contains is None or self.body_contains in e.request_body


def _opt_int(m: dict[str, Any], name: str) -> int | None:
    v = m.get(name)
    if v in (None, ""):
        return None
    try:
        return int(v)
    except (TypeError, ValueError, OverflowError):
        raise ConfigError(f"{name} must be an integer, got {v!r}") from None


class Journal:
    """The request journal of one simulator."""

    def __init__(
        self, max_entries: int = 10_000, max_body_bytes: int = 4096, enabled: bool = True
    ) -> None:
        self.max_entries = max_entries
        self.max_body_bytes = max_body_bytes
        self.enabled = enabled
        self._entries: deque[JournalEntry | RawEntry] = deque(maxlen=max_entries)
        #: whether raw entries may be among them (built on the next read)
        self._raw = False
        self._seq = 0
        self._waiters: list[tuple[JournalFilter, asyncio.Future[JournalEntry]]] = []
        self.total_recorded = 0

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    @property
    def last_seq(self) -> int:
        return self._seq

    def clip(self, body: bytes) -> str:
        if not body:
            return ""
        if len(body) > self.max_body_bytes:
            return (
                body[: self.max_body_bytes].decode("utf-8", "replace") + f"...[{len(body)} bytes]"
            )
        return body.decode("utf-8", "replace")

    def add(
        self,
        req: Request,
        at: float,
        status: int,
        started: float,
        response_body: bytes,
        fault: str,
        violations: list[dict[str, Any]] | None = None,
    ) -> None:
        """Record one request as it came and went (``started``: its perf counter when it
        arrived): bodies clipped now (a large body is not kept whole), decoded and redacted
        when the entry is first read."""
        duration_ms = (_perf_counter() - started) * 1000.0
        most = self.max_body_bytes
        request_body: bytes | tuple[bytes, int] = req.body
        if len(request_body) > most:
            request_body = (req.body[:most], len(req.body))
        response: bytes | tuple[bytes, int] = response_body
        if len(response_body) > most:
            response = (response_body[:most], len(response_body))
        tenant = req.tenant
        self._seq = seq = self._seq + 1
        raw = (
            seq,
            at,
            tenant.name if tenant is not None else "",
            req.method,
            req.path,
            req.query_string,
            req.route,
            status,
            duration_ms,
            req.correlation_id,
            req.headers,
            request_body,
            response,
            fault,
            req.client,
            violations,
        )
        if self._waiters:  # built now, for the waiters, and kept built
            self.record(_entry(raw))
            return
        self._raw = True
        self._entries.append(raw)
        self.total_recorded += 1

    def _entries_built(self) -> deque[JournalEntry | RawEntry]:
        """The entries, every raw one replaced by its built form (each is built once)."""
        if self._raw:
            self._entries = deque(map(_built, self._entries), maxlen=self.max_entries)
            self._raw = False
        return self._entries

    def record(self, entry: JournalEntry | RawEntry) -> None:
        self._entries.append(entry)
        self.total_recorded += 1
        if self._waiters:
            entry = _built(entry)
            keep = []
            for flt, fut in self._waiters:
                if fut.done():
                    continue
                if flt.matches(entry):
                    fut.set_result(entry)
                else:
                    keep.append((flt, fut))
            self._waiters = keep

    def query(
        self, flt: JournalFilter | None = None, limit: int | None = None
    ) -> list[JournalEntry]:
        entries: Iterable[JournalEntry] = map(_built, self._entries_built())
        out = [e for e in entries if flt is None or flt.matches(e)]
        if limit is not None and limit >= 0:
            out = out[-limit:] if limit else []
        return out

    def clear(self, tenant: str | None = None) -> None:
        if tenant is None:
            self._entries.clear()
        else:
            self._entries = deque(
                (e for e in self._entries if _tenant_of(e) != tenant), maxlen=self.max_entries
            )

    def resize(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries = deque(self._entries, maxlen=max_entries)

    def export_jsonl(self, flt: JournalFilter | None = None) -> bytes:
        return b"".join(orjson.dumps(e.to_dict()) + b"\n" for e in self.query(flt))

    def __len__(self) -> int:
        return len(self._entries)

    async def wait_for(self, flt: JournalFilter, timeout: float) -> JournalEntry | None:
        """The first entry matching ``flt`` (already present, or arriving within ``timeout``)."""
        for e in map(_built, self._entries_built()):
            if flt.matches(e):
                return e
        fut: asyncio.Future[JournalEntry] = asyncio.get_running_loop().create_future()
        self._waiters.append((flt, fut))
        try:
            return await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            return None
        finally:
            if not fut.done():
                fut.cancel()
