"""Running simulators inside a test process: start on a free loopback port, talk HTTP, stop.

Used by the project's own tests and by the pytest plugin's fixtures.
"""

from __future__ import annotations

import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from simulators.engine import ServerOptions, Simulator, SimulatorServer, TlsFiles, quiet_uvicorn

__all__ = ["SimHandle", "SimProcess", "WebhookRecorder", "start_simulator"]


class SimHandle:
    """A running simulator plus an admin client (sending its admin token); what tests talk to."""

    def __init__(self, server: SimulatorServer, ca_bundle: str | None) -> None:
        self.server = server
        self.sim: Simulator = server.sim
        self.base_url = server.base_url
        self.ca_bundle = ca_bundle
        self.admin_token: str | None = self.sim.guard.token
        self.admin_url = f"{self.base_url}/__admin"
        self.admin = httpx.Client(
            base_url=self.admin_url,
            verify=ca_bundle or True,
            trust_env=False,
            timeout=30.0,
            headers=self.admin_headers,
        )
        self._clients: list[httpx.Client] = []

    @property
    def admin_headers(self) -> dict[str, str]:
        """What an admin call needs (the simulator's admin token)."""
        return {"Authorization": f"Bearer {self.admin_token}"} if self.admin_token else {}

    def endpoint(self, **extra: Any) -> dict[str, Any]:
        """The endpoints-file section of this simulator: URLs, admin token, credentials."""
        t = self.sim.tenants.get("default")
        return {
            "vendor": self.sim.dialect.vendor,
            "base_url": self.base_url,
            "admin_url": self.admin_url,
            "admin_token": self.admin_token,
            "sim_tenant": "default",
            **self.sim.dialect.credentials(t, self.base_url),
            **extra,
        }

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

    def check(self) -> None:
        """Re-raise what a handler raised unexpectedly since the last check (the vendor's
        client only saw a 500), so the test that caused it fails on the traceback."""
        errors = list(self.sim.handler_errors)
        self.sim.handler_errors.clear()
        if errors:
            raise AssertionError(
                f"{len(errors)} unexpected handler error(s) on the {self.sim.dialect.vendor} "
                f"simulator; the first: {errors[0]!r}"
            ) from errors[0]

    def reset(self) -> None:
        """Back to a fresh default tenant; clears journal, faults and subscriptions, then
        ``check()``: a handler's unexpected exception fails the test that just ran."""
        self.close_clients()
        r = self.admin.post("/reset")
        if r.status_code != 200:
            raise AssertionError(f"simulator reset failed: {r.status_code} {r.text}")
        self.check()

    def close(self) -> None:
        self.close_clients()
        self.admin.close()
        self.server.stop()
        self.check()


def start_simulator(
    sim: Simulator, tls: TlsFiles | None = None, admin_token: str | None = None
) -> SimHandle:
    """Start ``sim`` on a free loopback port in a background thread.

    Its admin API requires a token, as in every stack the harness starts: ``admin_token``,
    the one ``sim`` was configured with, or a fresh one.
    """
    quiet_uvicorn()
    if admin_token or sim.guard.token is None:
        sim.guard.token = admin_token or secrets.token_urlsafe(24)
        sim.settings.admin_token = sim.guard.token
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
            protocol_version = "HTTP/1.1"  # keep-alive: a delivery need not open a connection

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

        class _Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a sender that went away (a killed simulator) is not the listener's error

        self._server = _Server(("127.0.0.1", 0), _Handler)
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


class SimProcess:
    """A simulator in its own process (``python -m simulators.<vendor>``), for crash tests.

    Started on a free loopback port with an admin token; ``kill()`` sends SIGKILL (nothing
    gets to flush or shut down), ``restart()`` starts it again on the same data directory.
    """

    def __init__(
        self, vendor: str, data_dir: Path | None = None, *extra: str, start_timeout: float = 60.0
    ) -> None:
        self.vendor = vendor
        self.data_dir = data_dir
        self.extra = list(extra)
        self.admin_token = secrets.token_urlsafe(24)
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen[str] | None = None
        self._drainer: threading.Thread | None = None
        self.base_url = ""
        self.port = 0

    @property
    def admin_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.admin_token}"}

    def admin(self) -> httpx.Client:
        """An admin client (with the token); close it when done."""
        return httpx.Client(
            base_url=f"{self.base_url}/__admin",
            headers=self.admin_headers,
            trust_env=False,
            timeout=30.0,
        )

    def client(self, **kw: Any) -> httpx.Client:
        """A vendor-API client on the simulator (``base_url`` may name a sub-path)."""
        kw.setdefault("base_url", self.base_url)
        return httpx.Client(trust_env=False, timeout=30.0, **kw)

    def start(self) -> SimProcess:
        """Start (again): on the previous port when it is still free, else on a new one."""
        errors = []
        for port in dict.fromkeys([self.port, 0]):
            try:
                return self._launch(port)
            except RuntimeError as exc:
                errors.append(str(exc))
        raise RuntimeError(" / ".join(errors))

    def _launch(self, port: int) -> SimProcess:
        cmd = [sys.executable, "-m", f"simulators.{self.vendor}", "--port", str(port)]
        if self.data_dir is not None:
            cmd += ["--data-dir", str(self.data_dir)]
        # one argument: a token may begin with "-", which argparse would read as an option
        cmd += [f"--admin-token={self.admin_token}", *self.extra]
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
        )
        assert self.proc.stdout is not None
        deadline = time.monotonic() + self.start_timeout
        lines: list[str] = []
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            m = re.search(r"listening on (\S+)", line)
            if m:
                self.base_url = m.group(1)
                self.port = int(self.base_url.rsplit(":", 1)[1])
                self._drainer = threading.Thread(target=self._drain, daemon=True)
                self._drainer.start()
                self._wait_healthy(deadline)
                return self
        self.kill()
        raise RuntimeError(f"{self.vendor} simulator did not start: {''.join(lines)[-2000:]}")

    def _drain(self) -> None:
        proc = self.proc
        if proc is not None and proc.stdout is not None:
            with proc.stdout:  # closed at the end of the process's output, by its only reader
                for _ in proc.stdout:
                    pass

    def _reap(self) -> None:
        """The process is gone: let its output reader finish, or close the pipe ourselves."""
        drainer, self._drainer = self._drainer, None
        if drainer is not None:
            drainer.join(10)
        elif self.proc is not None and self.proc.stdout is not None:
            self.proc.stdout.close()

    def _wait_healthy(self, deadline: float) -> None:
        pause = threading.Event()
        with self.admin() as a:
            while time.monotonic() < deadline:
                if self.proc is not None and self.proc.poll() is not None:
                    raise RuntimeError(
                        f"{self.vendor} simulator exited with {self.proc.returncode} on {self.base_url}"
                    )
                try:
                    if a.get("/health").status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                pause.wait(0.05)  # a process coming up has nothing to wait on
        raise RuntimeError(f"{self.vendor} simulator on {self.base_url} never became healthy")

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to flush, close or finish anything."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self._reap()

    def restart(self) -> SimProcess:
        """Start again on the same port and data directory."""
        self.kill()
        return self.start()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self._reap()

    def __enter__(self) -> SimProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
