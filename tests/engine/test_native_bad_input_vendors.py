"""Bad input on the native server answers in each vendor's own error format, then closes.

The CRM's cases are in test_native_server.py; here every other simulator gets the same
three: malformed HTTP (400), a request head over the limit (431) and an announced body over
the limit (413), each in its vendor's error shape, with nothing logged as an error.
"""

from __future__ import annotations

import importlib
import logging
import socket
from collections.abc import Iterator

import pytest

from harness.testing import SimHandle
from simulators.engine import ServerOptions, SimulatorServer, SimulatorSettings

MAX_BODY = 4096
#: what marks each vendor's error body (see each dialect's error_response)
VENDORS = {
    "netsuite": b'"o:errorDetails"',
    "kantata": b'{"errors":[',
    "workday": b'{"error":',
    "businesscentral": b'{"error":{"code":',
    "coupa": b"<errors><error>",
}


@pytest.fixture(scope="module", params=sorted(VENDORS))
def vendor(request: pytest.FixtureRequest) -> Iterator[tuple[str, SimHandle]]:
    mod = importlib.import_module(f"simulators.{request.param}")
    sim = mod.create_simulator(None, SimulatorSettings(max_body_bytes=MAX_BODY))
    server = SimulatorServer(sim, ServerOptions(port=0, backend="native")).start_in_thread()
    handle = SimHandle(server, None)
    yield request.param, handle
    handle.close()


def _exchange(port: int, data: bytes) -> tuple[int, bytes, bool]:
    """Send ``data``; (status, body, closed by the server after the answer)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = sock.recv(65536)
            if not chunk:
                raise AssertionError(f"closed without an answer: {buf[:200]!r}")
            buf += chunk
        head, _, body = buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        length = next(
            int(v)
            for k, _, v in (x.partition(":") for x in lines[1:])
            if k.lower() == "content-length"
        )
        while len(body) < length:
            chunk = sock.recv(65536)
            assert chunk, "closed inside the body"
            body += chunk
        try:
            closed = sock.recv(1) == b""
        except ConnectionResetError:
            closed = True
        return int(lines[0].split(" ", 2)[1]), body[:length], closed


@pytest.mark.parametrize(
    ("case", "status"),
    [
        ("malformed", 400),
        ("head over the limit", 431),
        ("body over the limit", 413),
    ],
)
def test_bad_input_gets_the_vendors_error_and_a_clean_close(
    vendor: tuple[str, SimHandle], case: str, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    name, handle = vendor
    caplog.set_level(logging.ERROR)
    if case == "malformed":
        data = b"GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header Line\r\n\r\n"
    elif case == "head over the limit":
        data = b"GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n"
    else:
        data = (
            b"POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {MAX_BODY * 4}\r\n\r\n".encode()
            + b"{"
        )
    got, body, closed = _exchange(handle.server.port, data)
    assert got == status, (name, case, body[:300])
    assert VENDORS[name] in body, (name, case, body[:300])
    assert b"Traceback" not in body
    assert closed, f"{name}: the connection stays open after {case}"
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, errors
