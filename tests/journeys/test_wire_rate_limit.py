"""The harness's own vendor calls (the people it plays) wait and ask again on a 429, a
bounded number of times, so a rate limit the stack shares does not fail the harness's step."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from harness.journeys._errors import JourneyFailure
from harness.journeys._wire import Deadline, Recorder, Wire, http_client


class _Limited(http.server.BaseHTTPRequestHandler):
    refusals = 0  # how many 429s to answer before a 200 (set per test)
    seen = 0

    def do_GET(self) -> None:
        type(self).seen += 1
        limited = type(self).seen <= type(self).refusals
        body = (
            b'{"errors":[{"type":"system","message":"Rate limit exceeded."}]}' if limited else b"{}"
        )
        self.send_response(429 if limited else 200)
        if limited:
            self.send_header("Retry-After", "0")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Limited)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    _Limited.seen = 0
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def _wire(base: str) -> Wire:
    return Wire("psa", http_client(base, False), Recorder(), Deadline(30))


def test_a_429_is_waited_out(server: str) -> None:
    _Limited.refusals = 3
    r = _wire(server).call("GET", "/api/v1/time_entries.json", expect={200})
    assert r.status_code == 200 and _Limited.seen == 4


def test_a_lasting_429_still_fails_the_step(server: str) -> None:
    _Limited.refusals = 100
    with pytest.raises(JourneyFailure, match="answered 429"):
        _wire(server).call("GET", "/api/v1/time_entries.json", expect={200})
    assert _Limited.seen == 7  # the first call and six retries
