"""The engine's own HTTP/1.1 server: an asyncio Protocol with httptools, no ASGI in between.

An ASGI server hands every request through message dicts, tasks and (granian) thread
switches; for the simulators' handlers, which take microseconds, that glue costs more than
the work. Here each request is parsed straight into the engine's ``Request`` and, when its
handler is a plain function and no fault rule is set (the usual case), the
``Simulator.respond`` coroutine is stepped to its end inline, with no task, and the response
leaves in one write. Otherwise (an async handler, a fault rule) it runs in a task; the
connection stops reading meanwhile and keeps the answers of pipelined requests in order.

The requests of one round of reads are answered once the round is read, the connection
answered longest ago first (``NativeServer.answer_turns``): the order their clients sent them
in, which the loop's polling loses. Under load that keeps every client's wait the same.

Refused input never reaches a handler and never yields a traceback: malformed HTTP is a 400,
a request head over ``max_header_bytes`` a 431, a body over the engine's ``max_body_bytes``
a 413, a body that stalls a 408, each in the vendor's error format, then the connection
closes. Idle keep-alive connections are closed after ``keep_alive_seconds``.
"""

from __future__ import annotations

import asyncio
import contextlib
import http
import logging
import ssl
import sys
import time
from collections import deque
from collections.abc import Coroutine
from dataclasses import dataclass
from functools import partial
from operator import itemgetter, setitem
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import unquote

import httptools

from ._http import Request, Response
from ._tls import TlsFiles

if TYPE_CHECKING:
    import socket

    from ._app import Simulator

log = logging.getLogger("simulators")

_EAGER_TASKS = sys.version_info >= (3, 12)
#: request methods as text, without a decode per request (others are decoded)
_METHODS = {m.encode(): m for m in ("GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS")}
_RESET_HEAD = b"HTTP/1.1 200 OK\r\ncontent-length: 1048576\r\n\r\n"
#: the status line with its line end
_STATUS = {s.value: f"HTTP/1.1 {s.value} {s.phrase}\r\n" for s in http.HTTPStatus}
#: body sizes whose ``content-length`` line a server keeps made (an int's decimal text costs
#: more than the rest of a head's line)
_LENGTHS_KEPT = 4096
#: the blank line that ends a head (after a ``connection: close`` line when closing)
_END_KEEP_ALIVE = "\r\n"
_END_CLOSE = "connection: close\r\n\r\n"
#: the clock of requests' durations and of connections' idleness: the perf counter, read
#: once per read (the requests whose heads complete in it start then)
_clock = time.perf_counter
_wall_clock = time.time
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
#: a turn's sort key: when its connection was last answered
_ANSWERED = itemgetter(0)


@dataclass(frozen=True, slots=True)
class NativeOptions:
    """Limits of the native server (body size and body timeout come from SimulatorSettings)."""

    #: request line plus headers; more is answered 431
    max_header_bytes: int = 64 * 1024
    #: a connection with no request in progress is closed after this long
    keep_alive_seconds: float = 30.0
    #: on shutdown, requests in flight get this long to finish before connections are cut
    shutdown_grace_seconds: float = 2.0
    backlog: int = 2048


class NativeServer:
    """Serves one Simulator on a bound socket until ``request_stop``."""

    def __init__(
        self, sim: Simulator, tls: TlsFiles | None = None, options: NativeOptions | None = None
    ) -> None:
        self.sim = sim
        self.options = options or NativeOptions()
        self.ssl = _ssl_context(tls) if tls is not None else None
        self.scheme = "https" if tls is not None else "http"
        self.connections: set[_Connection] = set()
        #: body size -> its ``content-length`` line, shared by the connections (bounded)
        self.length_lines: dict[int, str] = {}
        #: the requests of the current round of reads, each as (when its connection was last
        #: answered, the connection, then ``_Item``'s first five): answered when the round is
        #: read (``answer_turns``)
        self.turns: list[tuple[float, _Connection, Request, bool, bool, float, float]] = []
        self.started = False
        self.stopping = False
        self._stop_requested = False
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        assert self._loop is not None, "the server is not serving"
        return self._loop

    async def serve(self, sock: socket.socket) -> None:
        """Accept connections on ``sock`` until stopped, then shut down cleanly."""
        loop = asyncio.get_running_loop()
        self._loop = loop
        self._stop = asyncio.Event()
        server = await loop.create_server(
            lambda: _Connection(self),
            sock=sock,
            ssl=self.ssl,
            backlog=self.options.backlog,
            ssl_handshake_timeout=10.0 if self.ssl is not None else None,
        )
        sweeper = loop.create_task(self._sweep())
        self.started = True
        if self._stop_requested:
            self._stop.set()
        try:
            await self._stop.wait()
        finally:
            self.stopping = True
            server.close()
            sweeper.cancel()
            await self._drain()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), 1.0)
            await self.sim.aclose()

    def request_stop(self) -> None:
        """Ask the server to stop (from any thread); returns at once."""
        self._stop_requested = True
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(stop.set)

    def answer_turns(self) -> None:
        """Answer the requests of the round of reads just done, the connection answered
        longest ago first.

        The loop polls level-triggered: a socket is reported in the order it was reported
        before, not in the order its data came. Under load a client answered last in one
        round sends its next request just after the loop polled again; served in socket
        order it would wait out that round and the next, twice the others' wait (at c=32 that
        alone made the p99 about twice the median). A client sends its next request after
        its last answer, so the order of last answers is the order of arrival."""
        turns = self.turns
        self.turns = []
        if len(turns) > 1:
            turns.sort(key=_ANSWERED)  # stable: a tie keeps the order of reads
        for _, conn, req, too_large, keep_alive, started, at in turns:
            conn.queued = False
            try:
                conn._serve(req, too_large, keep_alive, started, at)
                if conn.pending or conn.wind_down:  # what was pipelined behind it, or a close
                    conn._next()
            except Exception:  # never leave the rest of the round unanswered
                log.exception("unexpected error answering %s %s", req.method, req.path)
                conn.abort()

    async def _drain(self) -> None:
        """Close idle connections now, busy ones once their answer is out, the rest at the end."""
        for conn in list(self.connections):
            conn.close_when_idle()
        deadline = time.monotonic() + self.options.shutdown_grace_seconds
        while self.connections and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        for conn in list(self.connections):
            conn.abort()

    async def _sweep(self) -> None:
        """Close keep-alive connections idle longer than ``keep_alive_seconds``."""
        limit = self.options.keep_alive_seconds
        interval = min(5.0, max(0.05, limit / 4))
        while True:
            await asyncio.sleep(interval)
            now = _clock()
            for conn in list(self.connections):
                if conn.idle_since(now) > limit:
                    conn.abort()


def _ssl_context(tls: TlsFiles) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(str(tls.cert_file), str(tls.key_file))
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


#: "#" as a byte value: ``int in bytes`` is a byte scan, where ``b"#" in bytes`` first fails
#: to read its operand as an int (an exception raised and cleared on every request)
_HASH = ord("#")
_QUERY = ord("?")


class _Refused(Exception):
    """Raised from a parser callback to stop parsing; the connection answers ``status``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


#: a parsed request waiting for its turn: (request, body over the limit, keep alive, started
#: (perf counter), arrived (wall clock), a refusal to send in its place); a plain tuple, as
#: one is made per request
_Item = tuple[Request, bool, bool, float, float, Response | None]


class _Callbacks:
    """What the parser calls (it looks the callbacks up once, when it is made): the URL's
    pieces and the header lines are stored by C methods of the connection's containers,
    without a Python call per header; the rest are the connection's methods."""

    __slots__ = (
        "on_body",
        "on_header",
        "on_headers_complete",
        "on_message_begin",
        "on_message_complete",
        "on_url",
    )

    def __init__(self, conn: _Connection) -> None:
        self.on_message_begin = conn.on_message_begin
        self.on_url = conn.url_parts.append
        # a partial of operator.setitem is called through vectorcall; the dict's bound
        # ``__setitem__`` is a method-wrapper, called with an argument tuple made per header
        self.on_header = partial(setitem, conn.raw_headers)
        self.on_headers_complete = conn.on_headers_complete
        self.on_body = conn.on_body
        self.on_message_complete = conn.on_message_complete


class _Connection(asyncio.Protocol):
    """One client connection: parse, answer in order, keep alive, refuse bad input."""

    def __init__(self, server: NativeServer) -> None:
        self.server = server
        self.sim = server.sim
        self.loop = server.loop
        # the request line's pieces and the header lines go straight into these containers
        # (C calls, no Python frame per header); decoded once the head is complete
        self.url_parts: list[bytes] = []
        self.raw_headers: dict[bytes, bytes] = {}
        # the last head's headers, decoded: a client repeats the same headers on a connection
        self.last_raw: dict[bytes, bytes] = {}
        self.last_headers: dict[str, str] = {}
        self.read_size = 0
        self.parser = httptools.HttpRequestParser(_Callbacks(self))
        self.max_head = server.options.max_header_bytes
        self.transport: asyncio.Transport | None = None
        self.client: tuple[str, int] | None = None
        self.local: tuple[str, int] | None = None
        # the message being parsed
        self.head_raw = 0
        self.head_reads = 0
        self.completed = 0
        self.in_head = False
        self.in_body = False
        self.req: Request | None = None
        self.chunks: list[bytes] | None = None
        self.body_size = 0
        self.too_large = False
        self.started = 0.0
        self.at = 0.0
        self.body_timer: asyncio.TimerHandle | None = None
        # answering
        self.busy: asyncio.Future[Response | None] | None = None
        #: a request waits for its turn in the server's round (``NativeServer.turns``)
        self.queued = False
        self.pending: deque[_Item] = deque()
        #: when the last answer was written (or the connection made): the turn's order
        self.answered = _clock()
        self.closing = False
        self.discarding = False
        self.wind_down = False
        self.reading = True
        self.write_paused = False
        self.last_active = _clock()
        # the body verdict of the last head (see ``_body_verdict``)
        self.last_verdict = 0
        self.max_body = self.sim.settings.max_body_bytes
        self.length_lines = server.length_lines

    # -- transport events ------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport = cast("asyncio.Transport", transport)  # uvloop's is no subclass
        peer = transport.get_extra_info("peername")
        local = transport.get_extra_info("sockname")
        self.client = (str(peer[0]), int(peer[1])) if isinstance(peer, tuple) else None
        self.local = (str(local[0]), int(local[1])) if isinstance(local, tuple) else None
        self.server.connections.add(self)
        if self.server.stopping:
            self.close_when_idle()

    def connection_lost(self, exc: Exception | None) -> None:
        # a request already handed to the pipeline runs to its end (its write is kept);
        # ones still queued behind it were never accepted and are dropped with the client
        self.server.connections.discard(self)
        self.transport = None
        self.closing = True
        self.pending.clear()
        self._cancel_body_timer()

    def eof_received(self) -> bool | None:
        if self.busy is not None or self.pending or self.queued:
            self.wind_down = True  # half-closed: finish answering, then close
            return True
        return None

    def pause_writing(self) -> None:
        self.write_paused = True
        self._update_reading()

    def resume_writing(self) -> None:
        self.write_paused = False
        self._update_reading()

    def data_received(self, data: bytes) -> None:
        self.last_active = _clock()
        if self.discarding or self.closing:
            return
        completed = self.completed
        self.read_size = len(data)
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self.close_when_idle()  # no protocol upgrades: answer what came, then close
        except httptools.HttpParserCallbackError as exc:
            ctx = exc.__context__
            if isinstance(ctx, _Refused):
                self._refuse(ctx.status, ctx.code, ctx.message)
            else:
                log.error("HTTP parser callback failed", exc_info=ctx or exc)
                self._refuse(400, "BAD_REQUEST", "The request could not be read.")
        except httptools.HttpParserError as exc:
            self._refuse(400, "BAD_REQUEST", f"Malformed HTTP request: {_reason(exc)}")
        else:
            if self.in_head:
                # an upper bound of the unfinished head's bytes so far
                self.head_reads += len(data)
                if self.completed == completed:
                    # the whole read belongs to an unfinished head (the parser buffers an
                    # unfinished header whole): bound it, to within one read of the limit
                    self.head_raw += len(data)
                    if self.head_raw > self.server.options.max_header_bytes:
                        self._refuse(*self._head_too_large())
            if self.in_body and self.body_timer is None:
                self.body_timer = self.loop.call_later(
                    self.sim.settings.body_timeout_seconds, self._body_timeout
                )

    # -- parser callbacks ------------------------------------------------------------

    def on_message_begin(self) -> None:
        self.in_head = True
        self.head_raw = self.head_reads = 0
        self.chunks = None  # a list once a body arrives
        self.body_size = 0
        self.too_large = False
        self.req = None

    def on_headers_complete(self) -> None:
        self.in_head = False
        self.in_body = True
        # it started when the read that completed its head arrived
        self.started = self.last_active
        self.at = _wall_clock()
        parts, raw = self.url_parts, self.raw_headers
        target = parts[0] if len(parts) == 1 else b"".join(parts)
        parts.clear()
        if self.head_reads + self.read_size > self.max_head:
            # the reads this head came in exceed the limit: count the head itself (a header
            # line repeated with the same name counts once: the last one is kept)
            size = len(target) + sum([len(k) + len(v) + 4 for k, v in raw.items()])
            if size > self.max_head:
                raw.clear()
                raise _Refused(*self._head_too_large())
        if raw == self.last_raw:
            # the same head again: its dict (requests never write it) and its body verdict
            headers = self.last_headers
            verdict = self.last_verdict
        else:
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in raw.items()}
            self.last_raw = raw.copy()
            self.last_headers = headers
            verdict = self.last_verdict = _body_verdict(headers, self.max_body)
        raw.clear()
        if target[:1] == b"/" and _HASH not in target:
            # origin form (the request line's characters were checked by the parser): split
            # it here rather than build a URL object
            if _QUERY in target:
                path_b, _, query_b = target.partition(b"?")
                raw_path = path_b.decode("latin-1")
                query = query_b.decode("latin-1")
            else:  # most requests: the target is the path, nothing to split
                raw_path = target.decode("latin-1")
                query = ""
        else:
            try:
                url = httptools.parse_url(target)
            except httptools.HttpParserInvalidURLError:
                raise _Refused(400, "BAD_REQUEST", "Malformed request target.") from None
            raw_path = url.path.decode("latin-1") if url.path else "/"
            query = url.query.decode("latin-1") if url.query else ""
        method = self.parser.get_method()
        self.req = self.sim.new_request(
            _METHODS.get(method) or method.decode("latin-1"),
            unquote(raw_path) if "%" in raw_path else raw_path,
            query,
            headers,
            self.server.scheme,
            self.local,
            self.client,
            raw_path,
        )
        if verdict:
            if verdict == _TOO_LARGE:
                self._answer_too_large_now()
                return
            if (
                self.busy is None
                and not self.pending
                and not self.queued
                and self.transport is not None
            ):
                self.transport.write(_CONTINUE)

    def on_body(self, body: bytes) -> None:
        if self.too_large or self.discarding:
            return
        self.body_size += len(body)
        if self.body_size > self.max_body:
            self.too_large = True  # keep reading, without buffering, to answer 413
            self.chunks = None
        elif self.chunks is None:
            self.chunks = [body]
        else:
            self.chunks.append(body)

    def on_message_complete(self) -> None:
        self.completed += 1
        self.in_body = False
        if self.body_timer is not None:
            self._cancel_body_timer()
        req = self.req
        if req is None or self.discarding:
            return
        chunks = self.chunks
        if chunks:
            req.body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        keep_alive = self.parser.should_keep_alive() and not self.wind_down
        if self.busy is None and not self.pending and not self.queued and not self.closing:
            # answered in its turn, once this round of reads is done
            self.queued = True
            server = self.server
            turns = server.turns
            if not turns:
                self.loop.call_soon(server.answer_turns)
            turns.append(
                (self.answered, self, req, self.too_large, keep_alive, self.started, self.at)
            )
        else:
            self._dispatch((req, self.too_large, keep_alive, self.started, self.at, None))

    # -- answering ---------------------------------------------------------------------

    def _dispatch(self, item: _Item) -> None:
        if self.closing:
            return
        if self.busy is not None or self.pending or self.queued:
            self.pending.append(item)
            return
        self._run(item)

    def _run(self, item: _Item) -> None:
        req, too_large, keep_alive, started, at, refusal = item
        if refusal is not None:
            self._write(req, refusal, False)
            return
        self._serve(req, too_large, keep_alive, started, at)

    def _serve(
        self, req: Request, too_large: bool, keep_alive: bool, started: float, at: float
    ) -> None:
        """Answer one request now: at once when nothing in it waits, else in a task."""
        try:
            answer = self.sim.respond(req, too_large, started, at)
        except Exception:
            log.exception("unexpected error answering %s %s", req.method, req.path)
            self._write(req, _plain_500(), False)
            return
        if answer is None or isinstance(answer, Response):
            self._write(req, answer, keep_alive)
            return
        coro = answer
        busy: asyncio.Future[Response | None]
        if self.sim.runs_inline(req):
            # nothing in it awaits: step it to the end here, no task, no loop round trip
            try:
                yielded = coro.send(None)
            except StopIteration as stop:
                self._write(req, stop.value, keep_alive)
                return
            except Exception:
                log.exception("unexpected error answering %s %s", req.method, req.path)
                self._write(req, _plain_500(), False)
                return
            busy = self.loop.create_task(_resume(coro, yielded))
        elif _EAGER_TASKS:  # a task (async code may need one), started at once
            busy = asyncio.Task(coro, loop=self.loop, eager_start=True)  # type: ignore[call-arg]
        else:
            busy = self.loop.create_task(coro)
        item = (req, too_large, keep_alive, started, at, None)
        if busy.done():  # an eager task that finished at once
            self._finish(item, busy)
            return
        # it waits: its answer is written when it completes, in its turn
        self.busy = busy
        busy.add_done_callback(lambda fut: self._after(item, fut))
        self._update_reading()

    def _after(self, item: _Item, fut: asyncio.Future[Response | None]) -> None:
        self.busy = None
        self.last_active = _clock()  # idle from the answer on, not from the request
        self._finish(item, fut)
        self._next()

    def _next(self) -> None:
        """Answer what was pipelined behind the last answer; close after the last one if the
        connection winds down, else read on."""
        while self.pending and self.busy is None and not self.closing:
            self._run(self.pending.popleft())
        if self.busy is None and not self.closing:
            if self.wind_down and not self.in_head and not self.in_body:
                self._close()
            else:
                self._update_reading()

    def _finish(self, item: _Item, fut: asyncio.Future[Response | None]) -> None:
        if fut.cancelled():
            self.abort()
            return
        req, keep_alive = item[0], item[2]
        exc = fut.exception()
        if exc is not None:
            log.error("unexpected error answering %s %s", req.method, req.path, exc_info=exc)
            self._write(req, _plain_500(), False)
            return
        self._write(req, fut.result(), keep_alive)

    def _write(self, req: Request, resp: Response | None, keep_alive: bool) -> None:
        transport = self.transport
        if transport is None or self.closing:
            return  # the client left; the request itself was still carried out
        if resp is None:  # reset fault: a head promising a body that never comes
            transport.write(_RESET_HEAD)
            self._close()
            return
        self.answered = _clock()
        body = resp.body
        length = self.length_lines.get(len(body))
        if length is None:
            length = self._length_line(len(body))
        lines = ""
        for name, value in resp.headers:
            lines += f"{name}: {value}\r\n"
        # one string built by one f-string: no list, no join per header line
        head = (
            f"{_STATUS.get(resp.status) or _unknown_status(resp.status)}{lines}"
            f"x-correlation-id: {req.correlation_id}\r\n{length}"
            f"{_END_KEEP_ALIVE if keep_alive else _END_CLOSE}"
        ).encode("latin-1", "replace")
        transport.write(head + body if body and req.method != "HEAD" else head)
        if not keep_alive:
            self._close()

    def _length_line(self, size: int) -> str:
        """The ``content-length`` line of a body of ``size`` bytes, kept for the next one."""
        line = f"content-length: {size}\r\n"
        if len(self.length_lines) < _LENGTHS_KEPT:
            self.length_lines[size] = line
        return line

    def _refuse(self, status: int, code: str, message: str) -> None:
        """Answer bad input in the vendor's format (after what is in flight), then close."""
        req = self.req or self.sim.new_request(
            "GET",
            "/",
            "",
            {},
            scheme=self.server.scheme,
            server=self.local,
            client=self.client,
            raw_path="/",
        )
        self.in_head = self.in_body = False
        self._cancel_body_timer()
        self.discarding = True  # nothing after this is parsed
        resp = self.sim.refusal(req, status, code, message)
        self._dispatch((req, False, False, _clock(), _wall_clock(), resp))

    def _head_too_large(self) -> tuple[int, str, str]:
        limit = self.server.options.max_header_bytes
        return (
            431,
            "REQUEST_HEADER_FIELDS_TOO_LARGE",
            f"The request line and headers exceed {limit} bytes.",
        )

    def _answer_too_large_now(self) -> None:
        """A body announced over the limit: 413 at once, then the rest of it is read and
        dropped (so the client sees the answer rather than a reset) until it finishes or the
        connection is closed for idleness."""
        req = self.req
        assert req is not None
        self.in_body = False
        self.discarding = True
        self._dispatch((req, True, False, self.started, self.at, None))

    def _body_timeout(self) -> None:
        self.body_timer = None
        if not self.in_body or self.closing:
            return
        if not self.reading:  # the body cannot arrive while reading is paused: wait more
            self.body_timer = self.loop.call_later(
                self.sim.settings.body_timeout_seconds, self._body_timeout
            )
            return
        timeout = self.sim.settings.body_timeout_seconds
        self._refuse(
            408,
            "REQUEST_TIMEOUT",
            f"The request body was not received within {timeout:g} seconds.",
        )

    def _cancel_body_timer(self) -> None:
        if self.body_timer is not None:
            self.body_timer.cancel()
            self.body_timer = None

    # -- connection state --------------------------------------------------------------

    def _update_reading(self) -> None:
        transport = self.transport
        if transport is None or self.closing:
            return
        want = self.busy is None and not self.write_paused
        if want != self.reading:
            self.reading = want
            if want:
                transport.resume_reading()
            else:
                transport.pause_reading()

    def idle_since(self, now: float) -> float:
        """Seconds without traffic, 0 while a request is being answered or its body awaited."""
        if self.busy is not None or self.pending or self.queued or self.in_body:
            return 0.0
        return now - self.last_active

    def close_when_idle(self) -> None:
        self.wind_down = True
        if self.busy is None and not self.pending and not self.queued and not self.in_body:
            self._close()

    def _close(self) -> None:
        transport = self.transport
        self.closing = True
        self._cancel_body_timer()
        if transport is None:
            return
        if self.discarding and transport.can_write_eof():
            # let the client finish sending (and read our answer) before the close;
            # the idle sweep ends the connection if it never does
            transport.write_eof()
            return
        transport.close()

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()


async def _resume(coro: Coroutine[Any, Any, Response | None], yielded: Any) -> Response | None:
    """Continue, inside a task, a coroutine that was stepped inline until it first suspended.

    The coroutine suspended on a future (or a bare yield); wait for that here, then resume
    it: it reads the future's outcome itself.
    """
    while True:
        with contextlib.suppress(Exception, asyncio.CancelledError):
            if yielded is None:
                await asyncio.sleep(0)
            else:
                yielded._asyncio_future_blocking = False  # as a task does on taking it over
                await yielded
        try:
            yielded = coro.send(None)
        except StopIteration as stop:
            return stop.value


#: ``_body_verdict``: nothing to do before the body, a body announced over the limit, or a
#: client waiting for ``100 Continue``
_BODY_OK, _TOO_LARGE, _EXPECTS_CONTINUE = 0, 1, 2


def _body_verdict(headers: dict[str, str], max_body: int) -> int:
    """What a head's ``content-length`` and ``expect`` headers ask before its body is read
    (the same for every request that repeats the head)."""
    length = headers.get("content-length")
    if length is None or not length.isdigit():
        return _BODY_OK
    if int(length) > max_body:
        return _TOO_LARGE
    if length != "0" and headers.get("expect", "").lower() == "100-continue":
        return _EXPECTS_CONTINUE
    return _BODY_OK


def _unknown_status(status: int) -> str:
    return f"HTTP/1.1 {status} Unknown\r\n"


def _plain_500() -> Response:
    return Response.text("Internal server error", 500)


def _reason(exc: Exception) -> str:
    text = str(exc).strip()
    return text or type(exc).__name__
