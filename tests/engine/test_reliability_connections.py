"""Connection-level hardening: stalled and broken bodies, and links that never echo the Host header."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from harness.testing import SimHandle
from simulators.engine import ServerOptions, SimulatorServer, SimulatorSettings, quiet_uvicorn
from simulators.salesforce import create_simulator

from .._clients import crm_token, crm_token_form

V = "/services/data/v68.0"


@pytest.fixture(scope="module", params=["native", "granian", "uvicorn"])
def crm_http(request: pytest.FixtureRequest) -> Iterator[SimHandle]:
    """A plain-HTTP CRM that gives a request body half a second to arrive."""
    quiet_uvicorn()
    sim = create_simulator(None, SimulatorSettings(body_timeout_seconds=0.5))
    server = SimulatorServer(sim, ServerOptions(port=0, backend=request.param)).start_in_thread()
    handle = SimHandle(server, None)
    yield handle
    handle.close()


def _exchange(port: int, data: bytes) -> bytes:
    """Send raw bytes and read until the server closes (a generous bound, not a timing)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(data)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return out
            out += chunk
            if b"\r\n\r\n" in out and _complete(out):
                return out


def _complete(raw: bytes) -> bool:
    head, _, body = raw.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


def _status(raw: bytes) -> int:
    return int(raw.split(b" ", 2)[1])


def test_a_stalled_body_is_answered_408_and_the_connection_freed(crm_http: SimHandle) -> None:
    raw = _exchange(
        crm_http.server.port,
        b"POST /services/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nab",
    )
    assert _status(raw) == 408, raw[:300]
    assert b"REQUEST_TIMEOUT" in raw


def test_a_malformed_chunk_is_a_400_not_a_500(crm_http: SimHandle) -> None:
    raw = _exchange(
        crm_http.server.port,
        b"POST /services/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Transfer-Encoding: chunked\r\n\r\nZZZ\r\nabc\r\n0\r\n\r\n",
    )
    assert _status(raw) == 400, raw[:300]


def test_whole_bodies_still_work_after_a_stalled_one(crm_http: SimHandle) -> None:
    assert crm_token(crm_http)


def test_foreign_host_header_is_not_echoed(crm_http: SimHandle) -> None:
    creds = crm_http.admin.get("/tenants/default").json()["credentials"]
    evil = {"Host": "evil.example:443"}
    with crm_http.client() as c:
        r = c.post(
            "/services/oauth2/token",
            data=crm_token_form(creds),
            headers=evil,
        )
        assert r.status_code == 200, r.text
        token = r.json()
        assert token["instance_url"] == crm_http.base_url
        assert "evil.example" not in r.text
        auth = {"Authorization": f"Bearer {token['access_token']}", **evil}
        r = c.post(f"{V}/sobjects/Account/", json={"Name": "Host check"}, headers=auth)
        assert r.status_code == 201, r.text
        assert "evil.example" not in (r.headers.get("location") or "")
        r = c.get(f"{V}/query/", params={"q": "SELECT Id FROM Account"}, headers=auth)
        assert "evil.example" not in r.text


def test_advertised_host_is_what_links_carry() -> None:
    quiet_uvicorn()
    sim = create_simulator()
    server = SimulatorServer(sim, ServerOptions(port=0, advertise_host="localhost"))
    handle = SimHandle(server.start_in_thread(), None)
    try:
        assert handle.base_url == f"http://localhost:{server.port}"
        creds = handle.admin.get("/tenants/default").json()["credentials"]
        with httpx.Client(base_url=f"http://127.0.0.1:{server.port}", trust_env=False) as c:
            r = c.post("/services/oauth2/token", data=crm_token_form(creds))
        assert r.json()["instance_url"] == f"http://localhost:{server.port}"
    finally:
        handle.close()
