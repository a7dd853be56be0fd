"""A loopback relay in front of one of the stack's webhooks that answers 500 to its first
deliveries, then forwards: the stack's endpoint failing for a while, as the vendor sees it.

The simulator's subscription is pointed at the relay for the journey and back after it;
the vendor's own redelivery (retries with backoff) must bring every event through.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

_FORWARD = ("content-type", "x-correlation-id", "x-simulator-event-seq", "x-simulator-tenant")


class _QuietServer(ThreadingHTTPServer):
    """A vendor that hangs up mid-answer (its subscription replaced, its timeout passed)
    is the vendor's business: no traceback on the console."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        return None


class FailingRelay:
    """Answers 500 to the first ``fail_first`` requests, then relays to ``target``."""

    def __init__(self, target: str, fail_first: int) -> None:
        self.target = target
        self.fail_first = fail_first
        self.failed = 0
        self.relayed = 0
        self._lock = threading.Lock()
        relay = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # http.server's naming
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                with relay._lock:
                    fail = relay.failed < relay.fail_first
                    if fail:
                        relay.failed += 1
                if fail:
                    self._answer(500, b'{"error": "webhook handler unavailable"}')
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() in _FORWARD}
                try:
                    r = httpx.post(relay.target, content=body, headers=headers, timeout=10)
                    status, content = r.status_code, r.content
                except httpx.HTTPError as exc:
                    status, content = 502, str(exc).encode()
                with relay._lock:
                    relay.relayed += 1
                self._answer(status, content)

            def _answer(self, status: int, content: bytes) -> None:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, *args: Any) -> None:
                return None

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
