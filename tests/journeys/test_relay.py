"""The failing relay answers 500 to its first deliveries, then forwards them unchanged."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from harness.journeys._relay import FailingRelay


def test_relay_fails_then_forwards() -> None:
    seen: list[tuple[bytes, str | None]] = []

    class Target(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # http.server's naming
            seen.append(
                (
                    self.rfile.read(int(self.headers["content-length"])),
                    self.headers.get("x-correlation-id"),
                )
            )
            self.send_response(202)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Target)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    relay = FailingRelay(f"http://127.0.0.1:{server.server_address[1]}/hook", fail_first=2)
    try:
        with httpx.Client(trust_env=False) as http:
            codes = [
                http.post(
                    relay.url, json={"n": i}, headers={"x-correlation-id": f"c{i}"}
                ).status_code
                for i in range(3)
            ]
    finally:
        relay.close()
        server.shutdown()
        server.server_close()
    assert codes == [500, 500, 202]
    assert seen == [(b'{"n": 2}', "c2")] and (relay.failed, relay.relayed) == (2, 1)
