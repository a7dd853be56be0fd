"""A connection that repeats a request head reuses what it decoded from it (the headers and
what they ask before the body); what a client sees must be what a fresh head gives, for
every request, on real sockets."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator

import orjson
import pytest

from harness.testing import SimHandle
from simulators.engine import ServerOptions, SimulatorServer, SimulatorSettings
from simulators.salesforce import create_simulator

from .._clients import crm_token

V = "/services/data/v68.0"


@pytest.fixture(scope="module")
def crm() -> Iterator[SimHandle]:
    sim = create_simulator(None, SimulatorSettings())
    server = SimulatorServer(sim, ServerOptions(port=0, backend="native")).start_in_thread()
    handle = SimHandle(server, None)
    yield handle
    handle.close()


@pytest.fixture(scope="module")
def token(crm: SimHandle) -> str:
    return crm_token(crm)


class Conn:
    """A raw client connection reading Content-Length framed answers (and 100 Continue)."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def raw_response(self) -> bytes:
        """One answer as it came: head and body bytes."""
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(262144)
            if not chunk:
                raise ConnectionError(f"closed before a response head: {self.buf[:200]!r}")
            self.buf += chunk
        end = self.buf.index(b"\r\n\r\n") + 4
        m = re.search(rb"\r\ncontent-length: (\d+)\r\n", self.buf[:end])
        length = int(m.group(1)) if m else 0
        while len(self.buf) < end + length:
            chunk = self.sock.recv(262144)
            if not chunk:
                raise ConnectionError("closed inside a response body")
            self.buf += chunk
        answer, self.buf = self.buf[: end + length], self.buf[end + length :]
        return answer

    def response(self) -> tuple[int, bytes, bytes]:
        raw = self.raw_response()
        head, _, body = raw.partition(b"\r\n\r\n")
        return int(head.split(b" ", 2)[1]), head, body

    def close(self) -> None:
        self.sock.close()


def post(token: str, body: bytes, cid: str = "", extra: str = "") -> bytes:
    cid_header = f"X-Correlation-Id: {cid}\r\n" if cid else ""
    return (
        f"POST {V}/sobjects/Account/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n{cid_header}{extra}\r\n"
    ).encode() + body


def get(token: str, path: str, cid: str = "") -> bytes:
    cid_header = f"X-Correlation-Id: {cid}\r\n" if cid else ""
    return (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"{cid_header}\r\n"
    ).encode()


def masked(head: bytes) -> bytes:
    """A response head without what differs from one request to the next."""
    return re.sub(rb"api-usage=\d+", b"api-usage=N", head)


def name_of(crm: SimHandle, token: str, record_id: str) -> str:
    c = Conn(crm.server.port)
    c.send(get(token, f"{V}/sobjects/Account/{record_id}"))
    status, _, body = c.response()
    c.close()
    assert status == 200, body
    return str(orjson.loads(body)["Name"])


def test_repeated_heads_with_new_bodies_store_each_body(crm: SimHandle, token: str) -> None:
    c = Conn(crm.server.port)
    names = [f"Same Head {i:02d}" for i in range(12)]  # the same length: the same head
    ids = []
    for name in names:
        c.send(post(token, orjson.dumps({"Name": name}), cid="same-head-post"))
        status, _, body = c.response()
        assert status == 201, body
        ids.append(orjson.loads(body)["id"])
    c.close()
    assert len(set(ids)) == len(ids)
    assert [name_of(crm, token, i) for i in ids] == names
    entries = crm.admin.get(
        "/journal", params={"correlation_id": "same-head-post", "method": "POST"}
    ).json()["entries"]
    assert [orjson.loads(e["request_body"])["Name"] for e in entries[-12:]] == names


def test_a_repeated_head_answers_as_the_first_did(crm: SimHandle, token: str) -> None:
    path = f"{V}/sobjects/Account/001000000000000AAA"  # a 404 in the vendor's format
    c = Conn(crm.server.port)
    answers = []
    for _ in range(4):
        c.send(get(token, path, cid="same-head"))
        answers.append(c.raw_response())
    c.close()
    fresh = Conn(crm.server.port)
    fresh.send(get(token, path, cid="same-head"))
    answers.append(fresh.raw_response())
    fresh.close()
    assert answers[0].startswith(b"HTTP/1.1 404 ")
    assert len({masked(a) for a in answers}) == 1, answers


def test_a_new_body_that_is_not_json_gets_the_vendor_error(crm: SimHandle, token: str) -> None:
    c = Conn(crm.server.port)
    c.send(post(token, b'{"Name": "Parsed Again"}'))
    assert c.response()[0] == 201
    c.send(post(token, b'{"Name": "Parsed Again"'[:-1] + b"!}"))  # same length, broken
    status, _, body = c.response()
    c.close()
    assert status == 400
    assert orjson.loads(body)[0]["errorCode"] == "JSON_PARSER_ERROR"


def test_a_repeated_head_with_another_request_behind_it_in_one_read(
    crm: SimHandle, token: str
) -> None:
    c = Conn(crm.server.port)
    first = post(token, b'{"Name": "Pipelined Same"}', cid="pk-0")
    c.send(first)
    assert c.response()[0] == 201
    # the same head again, with a second request behind it in the same read
    c.send(first + get(token, f"{V}/sobjects/Account/001000000000000AAA", cid="pk-1"))
    answers = [c.response() for _ in range(2)]
    c.close()
    assert [s for s, _, _ in answers] == [201, 404]
    assert b"x-correlation-id: pk-1" in answers[1][1]


def test_a_repeated_head_whose_body_comes_later_is_read_whole(crm: SimHandle, token: str) -> None:
    c = Conn(crm.server.port)
    whole = post(token, b'{"Name": "Split Head"}')
    c.send(whole)
    assert c.response()[0] == 201
    head, _, body = whole.partition(b"\r\n\r\n")
    c.send(head + b"\r\n\r\n")
    time.sleep(0.05)  # let the head arrive in a read of its own
    c.send(body)
    status, _, answer = c.response()
    c.close()
    assert status == 201, answer
    assert name_of(crm, token, orjson.loads(answer)["id"]) == "Split Head"


def test_expect_continue_is_answered_on_every_repeat(crm: SimHandle, token: str) -> None:
    c = Conn(crm.server.port)
    request = post(token, b'{"Name": "Continue"}', extra="Expect: 100-continue\r\n")
    for _ in range(3):
        c.send(request)
        assert c.raw_response() == b"HTTP/1.1 100 Continue\r\n\r\n"
        assert c.response()[0] == 201
    c.close()


def test_connection_close_is_honoured_on_a_repeated_head(crm: SimHandle, token: str) -> None:
    request = get(token, f"{V}/sobjects/Account/001000000000000AAA")
    request = request[:-2] + b"Connection: close\r\n\r\n"
    for _ in range(2):
        c = Conn(crm.server.port)
        c.send(request)
        status, head, _ = c.response()
        assert status == 404 and b"\r\nconnection: close" in head
        assert c.sock.recv(10) == b""  # closed by the server
        c.close()


def test_empty_lines_before_a_repeated_request_are_skipped(crm: SimHandle, token: str) -> None:
    c = Conn(crm.server.port)
    request = b"\r\n" + get(token, f"{V}/sobjects/Account/001000000000000AAA")
    for _ in range(3):
        c.send(request)
        assert c.response()[0] == 404
    c.close()


def test_generated_correlation_ids_differ_on_repeated_heads(crm: SimHandle, token: str) -> None:
    c = Conn(crm.server.port)
    seen = set()
    for _ in range(5):
        c.send(get(token, f"{V}/sobjects/Account/001000000000000AAA"))
        head = c.response()[1]
        m = re.search(rb"x-correlation-id: ([0-9a-f]{32})", head)
        assert m is not None, head
        seen.add(m.group(1))
    c.close()
    assert len(seen) == 5
