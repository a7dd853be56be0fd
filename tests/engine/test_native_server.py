"""The native server backend on real loopback sockets: bad input, keep-alive, pipelining, shutdown."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import orjson
import pytest

from harness.testing import SimHandle
from simulators.engine import ServerOptions, SimulatorServer, SimulatorSettings, make_tls_files
from simulators.salesforce import create_simulator

from .._clients import crm_token

V = "/services/data/v68.0"
MAX_BODY = 64 * 1024


@pytest.fixture(scope="module")
def crm() -> Iterator[SimHandle]:
    sim = create_simulator(
        None, SimulatorSettings(body_timeout_seconds=0.5, max_body_bytes=MAX_BODY)
    )
    server = SimulatorServer(
        sim, ServerOptions(port=0, backend="native", keep_alive_seconds=1.0)
    ).start_in_thread()
    handle = SimHandle(server, None)
    yield handle
    handle.close()


@pytest.fixture(scope="module")
def token(crm: SimHandle) -> str:
    return crm_token(crm)


@pytest.fixture(scope="module")
def account_id(crm: SimHandle, token: str) -> str:
    with crm.client() as c:
        r = c.post(
            f"{V}/sobjects/Account/",
            json={"Name": "Native Server"},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


@pytest.fixture
def no_errors_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Bad input must not leave a traceback in the server's log."""
    caplog.set_level(logging.ERROR)
    yield
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not bad, [r.getMessage() for r in bad]


# -- raw HTTP helpers ---------------------------------------------------------------------


class Conn:
    """A raw client connection that reads responses one at a time (Content-Length framed)."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.buf = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self) -> bool:
        chunk = self.sock.recv(262144)
        self.buf += chunk
        return bool(chunk)

    def response(self) -> tuple[int, dict[str, str], bytes]:
        while b"\r\n\r\n" not in self.buf:
            if not self._fill():
                raise ConnectionError(f"closed before a response head: {self.buf[:200]!r}")
        head, _, rest = self.buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        length = int(headers.get("content-length", "0"))
        while len(rest) < length:
            if not self._fill():
                raise ConnectionError("closed inside a response body")
            rest = self.buf.partition(b"\r\n\r\n")[2]
        self.buf = rest[length:]
        return int(lines[0].split(" ", 2)[1]), headers, rest[:length]

    def closed_by_server(self) -> bool:
        """True once the server has closed (EOF or reset), reading past any leftovers."""
        try:
            while self._fill():
                pass
        except ConnectionResetError:
            pass
        return True

    def close(self) -> None:
        self.sock.close()


def get(path: str, token: str, cid: str = "", extra: str = "") -> bytes:
    cid_header = f"X-Correlation-Id: {cid}\r\n" if cid else ""
    return (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"{cid_header}{extra}\r\n"
    ).encode()


def post(path: str, token: str, body: bytes, cid: str = "") -> bytes:
    cid_header = f"X-Correlation-Id: {cid}\r\n" if cid else ""
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n{cid_header}\r\n"
    ).encode() + body


def sf_error_code(body: bytes) -> str:
    """Salesforce REST errors are a list of {message, errorCode}."""
    data = orjson.loads(body)
    assert isinstance(data, list) and data and "message" in data[0], body
    return str(data[0]["errorCode"])


# -- bad input ----------------------------------------------------------------------------


def test_malformed_http_is_a_400_in_the_vendor_format_and_closes(
    crm: SimHandle, no_errors_logged: None
) -> None:
    c = Conn(crm.server.port)
    c.send(b"NOT HTTP AT ALL\r\n\r\n")
    status, headers, body = c.response()
    assert status == 400
    assert headers.get("connection") == "close"
    assert sf_error_code(body) == "BAD_REQUEST"
    assert c.closed_by_server()
    c.close()


def test_a_header_over_the_limit_is_a_431(crm: SimHandle, no_errors_logged: None) -> None:
    c = Conn(crm.server.port)
    c.send(b"GET " + V.encode() + b"/limits/ HTTP/1.1\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n")
    status, headers, body = c.response()
    assert status == 431
    assert sf_error_code(body) == "REQUEST_HEADER_FIELDS_TOO_LARGE"
    assert headers.get("connection") == "close"
    c.close()


def test_many_headers_over_the_limit_in_one_read_are_a_431(
    crm: SimHandle, no_errors_logged: None
) -> None:
    c = Conn(crm.server.port)
    lines = b"".join(b"X-Many-%d: %s\r\n" % (i, b"m" * 60) for i in range(1200))  # ~80 KB
    c.send(b"GET " + V.encode() + b"/limits/ HTTP/1.1\r\n" + lines + b"\r\n")
    status, headers, body = c.response()
    assert status == 431
    assert sf_error_code(body) == "REQUEST_HEADER_FIELDS_TOO_LARGE"
    assert headers.get("connection") == "close"
    c.close()


def test_each_request_on_a_connection_has_its_own_headers(
    crm: SimHandle, token: str, account_id: str
) -> None:
    """Headers are decoded once per head that differs: a header the previous request sent is
    not carried over, a repeated one keeps its last value, names are lower-cased."""
    c = Conn(crm.server.port)
    path = f"{V}/sobjects/Account/{account_id}"
    c.send(get(path, token, cid="hd-0", extra="X-Probe: one\r\nX-Probe: two\r\n"))
    c.send(get(path, token, cid="hd-1"))
    c.send(get(path, token, cid="hd-1"))
    c.send(get(path, token, cid="hd-2", extra="x-PROBE: three\r\n"))
    assert [c.response()[0] for _ in range(4)] == [200, 200, 200, 200]
    c.close()
    with crm.client() as admin:
        entries = admin.get("/__admin/journal", params={"path": account_id}).json()["entries"]
    seen = {}
    for e in entries:
        seen.setdefault(e["correlation_id"], []).append(e["request_headers"].get("x-probe"))
    assert seen["hd-0"] == ["two"]
    assert seen["hd-1"] == [None, None]
    assert seen["hd-2"] == ["three"]


def test_a_head_trickled_in_pieces_is_bounded_too(crm: SimHandle, no_errors_logged: None) -> None:
    c = Conn(crm.server.port)
    c.send(b"GET / HTTP/1.1\r\nX-Big: ")
    for _ in range(40):  # 40 x 4 KiB: past 64 KiB without ever finishing the header
        try:
            c.send(b"b" * 4096)
        except (BrokenPipeError, ConnectionResetError):
            break
    status, _, body = c.response()
    assert status == 431
    assert sf_error_code(body) == "REQUEST_HEADER_FIELDS_TOO_LARGE"
    c.close()


def test_an_announced_body_over_the_limit_is_a_413_the_client_can_read(
    crm: SimHandle, token: str, no_errors_logged: None
) -> None:
    c = Conn(crm.server.port)
    body = b"x" * (MAX_BODY + 1)
    c.send(post(f"{V}/sobjects/Account/", token, body))
    status, headers, resp = c.response()
    assert status == 413
    assert sf_error_code(resp) == "REQUEST_ENTITY_TOO_LARGE"
    assert headers.get("connection") == "close"
    c.close()


def test_a_chunked_body_over_the_limit_is_a_413_and_the_connection_stays_usable(
    crm: SimHandle, token: str, account_id: str, no_errors_logged: None
) -> None:
    c = Conn(crm.server.port)
    chunk = b"y" * 16_384
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(6))  # 96 KiB
    c.send(
        f"POST {V}/sobjects/Account/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n".encode()
        + chunks
        + b"0\r\n\r\n"
    )
    status, _, resp = c.response()
    assert status == 413
    assert sf_error_code(resp) == "REQUEST_ENTITY_TOO_LARGE"
    c.send(get(f"{V}/sobjects/Account/{account_id}", token))
    status, _, resp = c.response()
    assert status == 200, resp
    assert orjson.loads(resp)["Id"] == account_id
    c.close()


def test_a_stalled_body_is_a_408(crm: SimHandle, token: str, no_errors_logged: None) -> None:
    c = Conn(crm.server.port)
    c.send(post(f"{V}/sobjects/Account/", token, b'{"Name": "never ends"}')[:-5])
    status, headers, body = c.response()
    assert status == 408
    assert sf_error_code(body) == "REQUEST_TIMEOUT"
    assert headers.get("connection") == "close"
    c.close()


def test_a_broken_chunk_is_a_400(crm: SimHandle, no_errors_logged: None) -> None:
    c = Conn(crm.server.port)
    c.send(
        b"POST /services/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Transfer-Encoding: chunked\r\n\r\nZZZ\r\nabc\r\n0\r\n\r\n"
    )
    status, _, body = c.response()
    assert status == 400
    assert sf_error_code(body) == "BAD_REQUEST"
    c.close()


def test_clients_that_leave_mid_request_do_not_disturb_the_server(
    crm: SimHandle, token: str, account_id: str, no_errors_logged: None
) -> None:
    body = orjson.dumps({"Name": "Left early"})
    for cut in (10, 60, len(post(f"{V}/sobjects/Account/", token, body)) - 3):
        c = Conn(crm.server.port)
        c.send(post(f"{V}/sobjects/Account/", token, body)[:cut])
        c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        c.close()  # a reset, not a polite close
    # a whole request sent, then gone before the answer: the create still happens
    c = Conn(crm.server.port)
    c.send(post(f"{V}/sobjects/Account/", token, body, cid="left-before-answer"))
    c.close()
    with crm.client() as api:
        r = api.get(
            f"{V}/sobjects/Account/{account_id}", headers={"Authorization": f"Bearer {token}"}
        )
        assert r.status_code == 200
    waited = crm.admin.post(
        "/wait-for", json={"journal": {"correlation_id": "left-before-answer"}, "timeout": 20}
    )
    assert waited.status_code == 200, waited.text
    assert waited.json()["entry"]["status"] == 201


# -- keep-alive and pipelining -----------------------------------------------------------


def test_keep_alive_serves_many_requests_on_one_connection(
    crm: SimHandle, token: str, account_id: str
) -> None:
    c = Conn(crm.server.port)
    for i in range(50):
        c.send(get(f"{V}/sobjects/Account/{account_id}", token, cid=f"ka-{i}"))
        status, headers, _ = c.response()
        assert status == 200
        assert headers["x-correlation-id"] == f"ka-{i}"
        assert "connection" not in headers
    c.close()


def test_pipelined_requests_are_answered_in_order(
    crm: SimHandle, token: str, account_id: str
) -> None:
    c = Conn(crm.server.port)
    batch = b"".join(
        [
            get(f"{V}/sobjects/Account/{account_id}", token, cid="p0"),
            post(f"{V}/sobjects/Account/", token, b'{"Name": "Pipelined"}', cid="p1"),
            get(f"{V}/sobjects/Account/001000000000000AAA", token, cid="p2"),
            get(f"{V}/no/such/thing", token, cid="p3"),
            get(
                f"{V}/sobjects/Account/{account_id}", token, cid="p4", extra="Connection: close\r\n"
            ),
        ]
    )
    c.send(batch)
    answers = [c.response() for _ in range(5)]
    assert [h["x-correlation-id"] for _, h, _ in answers] == ["p0", "p1", "p2", "p3", "p4"]
    assert [s for s, _, _ in answers] == [200, 201, 404, 404, 200]
    assert answers[4][1].get("connection") == "close"
    assert c.closed_by_server()
    c.close()


def test_pipelining_keeps_order_when_one_request_waits(
    crm: SimHandle, token: str, account_id: str
) -> None:
    """A latency fault suspends one request; those behind it answer after it, in order."""
    rule = crm.admin.post(
        "/faults",
        json={"path": f"{V}/limits*", "fault": {"kind": "latency", "ms": 200}, "times": 1},
    )
    assert rule.status_code in (200, 201), rule.text
    try:
        c = Conn(crm.server.port)
        c.send(
            get(f"{V}/sobjects/Account/{account_id}", token, cid="w0")
            + get(f"{V}/limits/", token, cid="w1")
            + get(f"{V}/sobjects/Account/{account_id}", token, cid="w2")
            + get(f"{V}/limits/", token, cid="w3")
        )
        answers = [c.response() for _ in range(4)]
        assert [h["x-correlation-id"] for _, h, _ in answers] == ["w0", "w1", "w2", "w3"]
        assert [s for s, _, _ in answers] == [200, 200, 200, 200]
        c.close()
    finally:
        crm.admin.delete("/faults")


def _hold_the_loop(crm: SimHandle, seconds: float = 0.4) -> None:
    """Keep the server's loop busy for ``seconds`` (from when this returns, nearly): what
    clients send meanwhile is read in one round once it is free."""
    loop = crm.server._loop
    assert loop is not None
    held = threading.Event()

    def hold() -> None:
        held.set()
        time.sleep(seconds)

    loop.call_soon_threadsafe(hold)
    assert held.wait(5)


def test_a_round_of_reads_is_answered_longest_waiting_connection_first(
    crm: SimHandle, token: str, account_id: str
) -> None:
    """Requests read in one round are answered in the order their connections were last
    answered, not in the order the loop's poll reports their sockets; a connection's
    pipelined requests keep their own order."""
    conns = [Conn(crm.server.port) for _ in range(3)]
    path = f"{V}/sobjects/Account/{account_id}"
    for i, c in enumerate(conns):  # answered in the order 0, 1, 2
        c.send(get(path, token, cid=f"warm-{i}"))
        assert c.response()[0] == 200
    _hold_the_loop(crm)  # every request below is read in one round
    # sent in the order 2, 1, 0 (well inside the hold, and inside the fixture's 1 s
    # keep-alive limit, which the server's sweep checks as soon as the loop is free)
    conns[2].send(get(path, token, cid="turn-2a") + get(path, token, cid="turn-2b"))
    time.sleep(0.01)
    conns[1].send(get(path, token, cid="turn-1"))
    time.sleep(0.01)
    conns[0].send(get(path, token, cid="turn-0"))
    got = [c.response()[1]["x-correlation-id"] for c in conns]
    got.append(conns[2].response()[1]["x-correlation-id"])
    assert got == ["turn-0", "turn-1", "turn-2a", "turn-2b"]
    entries = crm.admin.get("/journal", params={"limit": 50}).json()["entries"]
    seq = {e["correlation_id"]: e["seq"] for e in entries}
    order = sorted(["turn-0", "turn-1", "turn-2a", "turn-2b"], key=seq.__getitem__)
    assert order == ["turn-0", "turn-1", "turn-2a", "turn-2b"]
    for c in conns:
        c.close()


def test_clients_that_leave_or_misbehave_while_waiting_for_their_turn(
    crm: SimHandle, token: str, account_id: str, no_errors_logged: None
) -> None:
    """In one round: a client that resets after its create (the create is still carried
    out), one that half-closes after its request (answered, then closed) and one whose
    second pipelined request is malformed (its first answered, then a 400 and a close)."""
    path = f"{V}/sobjects/Account/{account_id}"
    gone, half, bad = (Conn(crm.server.port) for _ in range(3))
    _hold_the_loop(crm)
    gone.send(post(f"{V}/sobjects/Account/", token, b'{"Name": "Gone"}', cid="turn-gone"))
    gone.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    gone.close()  # a reset
    half.send(get(path, token, cid="turn-half"))
    half.sock.shutdown(socket.SHUT_WR)
    bad.send(get(path, token, cid="turn-bad") + b"NOT HTTP AT ALL\r\n\r\n")
    status, headers, _ = half.response()
    assert (status, headers["x-correlation-id"]) == (200, "turn-half")
    assert half.closed_by_server()
    status, headers, _ = bad.response()
    assert (status, headers["x-correlation-id"]) == (200, "turn-bad")
    status, headers, body = bad.response()
    assert status == 400 and headers.get("connection") == "close", body
    assert bad.closed_by_server()
    waited = crm.admin.post(
        "/wait-for", json={"journal": {"correlation_id": "turn-gone"}, "timeout": 20}
    )
    assert waited.status_code == 200, waited.text
    assert waited.json()["entry"]["status"] == 201
    for c in (half, bad):
        c.close()


def test_backpressure_a_slow_reader_gets_every_answer_in_order(
    crm: SimHandle, token: str, account_id: str
) -> None:
    """More pipelined answers than socket buffers hold: the server pauses instead of piling up."""
    n = 3000
    c = Conn(crm.server.port)
    one = get(f"{V}/sobjects/Account/{account_id}", token)
    sender = threading.Thread(target=lambda: c.send(one * n), daemon=True)
    sender.start()
    for i in range(n):
        status, _, body = c.response()
        assert status == 200, (i, body[:200])
    sender.join(30)
    assert not sender.is_alive()
    c.close()


def test_many_idle_keep_alive_connections_are_fine_and_expire(
    crm: SimHandle, token: str, account_id: str
) -> None:
    conns = [Conn(crm.server.port) for _ in range(500)]
    try:
        for c in conns[:100]:
            c.send(get(f"{V}/sobjects/Account/{account_id}", token))
        assert all(c.response()[0] == 200 for c in conns[:100])
        with crm.client() as api:  # a new client is served while 500 connections sit idle
            r = api.get(
                f"{V}/sobjects/Account/{account_id}", headers={"Authorization": f"Bearer {token}"}
            )
            assert r.status_code == 200
        # idle past keep_alive_seconds (1 s here): the server closes them
        assert conns[0].closed_by_server() and conns[-1].closed_by_server()
        assert not conns[0].buf and not conns[-1].buf
    finally:
        for c in conns:
            c.close()


def test_httpx_client_round_trip_with_head_and_expect_continue(
    crm: SimHandle, token: str, account_id: str
) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    with crm.client() as api:
        r = api.head(f"{V}/sobjects/Account/{account_id}", headers=auth)
        assert r.status_code == 200 and r.content == b""
        assert int(r.headers["content-length"]) > 0
    c = Conn(crm.server.port)
    body = b'{"Name": "Expecting"}'
    req = post(f"{V}/sobjects/Account/", token, body)
    head = req[: -len(body)]
    c.send(head.replace(b"\r\n\r\n", b"\r\nExpect: 100-continue\r\n\r\n"))
    status, _, _ = c.response()
    assert status == 100
    c.send(body)
    status, _, resp = c.response()
    assert status == 201, resp
    c.close()


# -- TLS and shutdown ----------------------------------------------------------------------


def test_tls_and_a_clean_shutdown_with_requests_in_flight(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    tls = make_tls_files(tmp_path_factory.mktemp("tls"))
    sim = create_simulator()
    server = SimulatorServer(
        sim, ServerOptions(port=0, tls=tls, backend="native")
    ).start_in_thread()
    handle = SimHandle(server, str(tls.ca_bundle))
    try:
        assert handle.base_url.startswith("https://")
        r = handle.admin.get("/health")
        assert r.status_code == 200, r.text
        handle.admin.post("/faults", json={"path": "*", "fault": {"kind": "hang", "seconds": 30}})
        errors: list[BaseException] = []

        def hang() -> None:
            try:
                with handle.client() as c:
                    c.get(f"{V}/limits/", timeout=30)
            except httpx.HTTPError as exc:
                errors.append(exc)

        t = threading.Thread(target=hang, daemon=True)
        t.start()
        idle = handle.client()
        assert idle.get("/__admin/health").status_code == 200  # an idle keep-alive connection
    finally:
        handle.admin.close()
        server.stop(timeout=15)
    assert server._thread is not None and not server._thread.is_alive()
    t.join(15)
    assert not t.is_alive() and errors, "the hanging request ends when the server stops"
    idle.close()


def test_generated_correlation_ids_are_distinct_across_batches(crm: SimHandle) -> None:
    """Ids are made 256 at a time: 300 requests cross a batch and still get 300 ids of
    32 hex digits, none repeated."""
    c = Conn(crm.server.port)
    c.send(b"GET /services/data HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" * 300)
    ids = [c.response()[1]["x-correlation-id"] for _ in range(300)]
    c.close()
    assert len(set(ids)) == 300
    assert all(len(i) == 32 and int(i, 16) >= 0 and i == i.lower() for i in ids)


def _raw_head(c: Conn) -> bytes:
    """The next answer's head as sent, through its blank line (left in the buffer)."""
    while b"\r\n\r\n" not in c.buf:
        assert c._fill(), "closed before a response head"
    return c.buf.partition(b"\r\n\r\n")[0] + b"\r\n\r\n"


def test_answer_heads_are_exact_for_any_status_and_body_size(
    crm: SimHandle, token: str, account_id: str, no_errors_logged: None
) -> None:
    """A head is the status line (a status without a reason phrase too), the handler's
    headers in order, the correlation id, the body's exact length and the blank line, after
    ``connection: close`` when the connection closes; bodies of many sizes stay framed."""
    with crm.client() as c:
        rule = {"path": "*", "method": "GET", "times": 1, "fault": {"kind": "error", "status": 599}}
        assert c.post("/__admin/faults", json=rule).status_code == 201
    conn = Conn(crm.server.port)
    try:
        conn.send(get(f"{V}/sobjects/Account/{account_id}", token, cid="odd-1"))
        head = _raw_head(conn)
        status, headers, body = conn.response()
        assert headers["x-correlation-id"] == "odd-1"
        assert status == 599
        assert head.startswith(b"HTTP/1.1 599 Unknown\r\ncontent-type: application/json")
        assert head.endswith(
            f"\r\nx-correlation-id: odd-1\r\ncontent-length: {len(body)}\r\n\r\n".encode()
        )
        fields = ["Name", "Industry", "BillingCity", "Phone", "Website", "Description"]
        for n in range(1, len(fields) + 1):  # answers of as many sizes, one connection
            conn.send(
                get(f"{V}/sobjects/Account/{account_id}?fields={','.join(fields[:n])}", token)
            )
            head = _raw_head(conn)
            status, _, body = conn.response()
            assert status == 200 and fields[n - 1] in orjson.loads(body)
            assert head.startswith(b"HTTP/1.1 200 OK\r\ncontent-type: application/json")
            assert head.endswith(f"\r\ncontent-length: {len(body)}\r\n\r\n".encode())
        conn.send(get(f"{V}/sobjects/Account/{account_id}", token, extra="Connection: close\r\n"))
        head = _raw_head(conn)
        status, _, body = conn.response()
        assert status == 200
        assert head.endswith(f"content-length: {len(body)}\r\nconnection: close\r\n\r\n".encode())
        assert conn.closed_by_server()
    finally:
        conn.close()
        with crm.client() as c:
            c.delete("/__admin/faults")
