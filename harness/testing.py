"""Running simulators inside a test process: start on a free loopback port, talk HTTP, stop.

Used by the project's own tests and by the pytest plugin's fixtures.
"""

from __future__ import annotations

from typing import Any

import httpx

from simulators.engine import ServerOptions, Simulator, SimulatorServer, TlsFiles, quiet_uvicorn

__all__ = ["SimHandle", "WebhookRecorder", "start_simulator"]


class SimHandle:
    """A running simulator plus an admin client; what tests talk to."""

    def __init__(self, server: SimulatorServer, ca_bundle: str | None) -> None:
        self.server = server
        self.sim: Simulator = server.sim
        self.base_url = server.base_url
        self.ca_bundle = ca_bundle
        self.admin = httpx.Client(
            base_url=f"{self.base_url}/__admin",
            verify=ca_bundle or True,
            trust_env=False,
            timeout=30.0,
        )
        self._clients: list[httpx.Client] = []

    def client(self, **kw: Any) -> httpx.Client:
        """An httpx client on the simulator's base URL that trusts its CA; closed by the
        next ``reset()`` or ``close()`` (so no connection outlives its test)."""
        client = httpx.Client(
            base_url=self.base_url,
            verify=self.ca_bundle or True,
            trust_env=False,
            timeout=30.0,
            **kw,
        )
        self._clients.append(client)
        return client

    def close_clients(self) -> None:
        for client in self._clients:
            client.close()
        self._clients.clear()

    def reset(self) -> None:
        """Back to a fresh default tenant; clears journal, faults and subscriptions."""
        self.close_clients()
        r = self.admin.post("/reset")
        if r.status_code != 200:
            raise AssertionError(f"simulator reset failed: {r.status_code} {r.text}")

    def close(self) -> None:
        self.close_clients()
        self.admin.close()
        self.server.stop()


def start_simulator(sim: Simulator, tls: TlsFiles | None = None) -> SimHandle:
    """Start ``sim`` on a free loopback port in a background thread."""
    quiet_uvicorn()
    server = SimulatorServer(sim, ServerOptions(port=0, tls=tls)).start_in_thread()
    return SimHandle(server, str(tls.ca_bundle) if tls else None)


class WebhookRecorder:
    """A loopback HTTP listener that records every POSTed JSON body (a webhook subscriber).

    ``status`` is what it answers (set it to 500 to make deliveries fail and retry).
    """

    def __init__(self) -> None:
        import http.server
        import threading

        recorder = self
        self.received: list[Any] = []
        self.headers: list[dict[str, str]] = []
        self.status = 200
        self._cond = threading.Condition()

        class _Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                import json

                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                status = recorder.status
                if 200 <= status < 300:
                    try:
                        body: Any = json.loads(raw)
                    except ValueError:
                        body = raw.decode("utf-8", "replace")
                    with recorder._cond:
                        recorder.received.append(body)
                        recorder.headers.append({k.lower(): v for k, v in self.headers.items()})
                        recorder._cond.notify_all()
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Any]:
        """Block until ``count`` bodies arrived (or the timeout passes); returns what arrived."""
        import time

        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.received) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            return list(self.received)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
