"""Running simulators inside a test process: start on a free loopback port, talk HTTP, stop.

Used by the project's own tests and by the pytest plugin's fixtures.
"""

from __future__ import annotations

from typing import Any

import httpx

from simulators.engine import ServerOptions, Simulator, SimulatorServer, TlsFiles, quiet_uvicorn

__all__ = ["SimHandle", "start_simulator"]


class SimHandle:
    """A running simulator plus an admin client; what tests talk to."""

    def __init__(self, server: SimulatorServer, ca_bundle: str | None) -> None:
        self.server = server
        self.sim: Simulator = server.sim
        self.base_url = server.base_url
        self.ca_bundle = ca_bundle
        self.admin = httpx.Client(base_url=f"{self.base_url}/__admin", verify=ca_bundle or True, trust_env=False,
                                  timeout=30.0)

    def client(self, **kw: Any) -> httpx.Client:
        """An httpx client on the simulator's base URL that trusts its CA."""
        return httpx.Client(base_url=self.base_url, verify=self.ca_bundle or True, trust_env=False, timeout=30.0,
                            **kw)

    def reset(self) -> None:
        """Back to a fresh default tenant; clears journal, faults and subscriptions."""
        r = self.admin.post("/reset")
        if r.status_code != 200:
            raise AssertionError(f"simulator reset failed: {r.status_code} {r.text}")

    def close(self) -> None:
        self.admin.close()
        self.server.stop()


def start_simulator(sim: Simulator, tls: TlsFiles | None = None) -> SimHandle:
    """Start ``sim`` on a free loopback port in a background thread."""
    quiet_uvicorn()
    server = SimulatorServer(sim, ServerOptions(port=0, tls=tls)).start_in_thread()
    return SimHandle(server, str(tls.ca_bundle) if tls else None)
