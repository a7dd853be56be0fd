"""Business Central simulator fixtures: one server per session, reset per test, a bearer client."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from harness.testing import SimHandle

from .._clients import bc_token_response
from .._serving import bearer_client, reset_after, served


@pytest.fixture(scope="session")
def bc_server() -> Iterator[SimHandle]:
    """The Business Central simulator over plain HTTP on loopback, started once."""
    from simulators.businesscentral import BusinessCentralSettings, create_simulator

    yield from served(create_simulator(BusinessCentralSettings(notification_delay_seconds=0.2)))


@pytest.fixture
def bc(bc_server: SimHandle) -> Iterator[SimHandle]:
    """The simulator, reset after the test."""
    yield from reset_after(bc_server)


@pytest.fixture
def creds(bc: SimHandle) -> dict[str, Any]:
    return bc.sim.dialect.credentials(bc.sim.tenants.get("default"), bc.base_url)


@pytest.fixture
def api(creds: dict[str, Any]) -> Iterator[httpx.Client]:
    """A client on the company of the default tenant, authenticated with a bearer token."""
    token = bc_token_response(creds).json()["access_token"]
    with bearer_client(f"{creds['api_url']}/companies({creds['company_id']})", token) as client:
        yield client


class Subscriber:
    """A webhook listener that answers the validation handshake and records notifications."""

    def __init__(self, *, echo: bool = True) -> None:
        sub = self
        self.echo = echo
        self.notifications: list[dict[str, Any]] = []
        self.handshakes: list[str] = []
        self._cond = threading.Condition()

        class _Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                token = parse_qs(urlsplit(self.path).query).get("validationToken")
                body = b""
                if token:
                    sub.handshakes.append(token[0])
                    body = token[0].encode() if sub.echo else b""
                else:
                    with sub._cond:
                        sub.notifications.append(json.loads(raw))
                        sub._cond.notify_all()
                self.send_response(200)
                self.send_header("content-type", "text/plain")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/bc-hook"
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while sum(len(n["value"]) for n in self.notifications) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            return list(self.notifications)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def subscriber() -> Iterator[Subscriber]:
    s = Subscriber()
    yield s
    s.close()


@pytest.fixture
def token_for() -> Any:
    """bc_token_response(creds, **form overrides) -> the token endpoint's response."""
    return bc_token_response


@pytest.fixture
def make_subscriber() -> Iterator[Any]:
    made: list[Subscriber] = []

    def make(**kw: Any) -> Subscriber:
        s = Subscriber(**kw)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()
