"""One simulator process of a sharded stack: ``python -m harness.stack._process SPEC.json``.

It starts the stack's systems on free loopback ports with the run's admin token and its
own data directory, answers with the proxy's URLs (``public_urls``) in links and instance
URLs, writes its endpoints document where the spec says (with ``listen``: the ports the
proxy forwards to), and serves until SIGTERM or SIGINT.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from .._config import HarnessConfig
from ._endpoints import endpoints_document, write_endpoints
from ._launcher import Stack, StackSettings


def settings_from_spec(spec: dict[str, Any]) -> StackSettings:
    """The process's stack settings from the JSON spec its parent wrote."""
    cfg = HarnessConfig(simulators=dict(spec.get("simulators") or {}))
    cfg.vendors = dict(spec.get("vendors") or {})
    data_dir = spec.get("data_dir")
    return StackSettings(
        host="127.0.0.1",
        port_base=None,
        systems=spec.get("systems"),
        data_dir=Path(data_dir) if data_dir else None,
        dialect_settings=cfg.dialect_settings(),
        vendors=cfg.vendors,
        admin_token=spec["admin_token"],
        allowed_hosts=tuple(spec.get("allowed_hosts") or ()),
        releases=dict(spec.get("releases") or {}),
        contracts=str(spec.get("contracts") or "off"),
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    spec = json.loads(Path(args[0]).read_text())
    stack = Stack(settings_from_spec(spec)).start()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        listen = {system: ["127.0.0.1", srv.port] for system, srv in stack.servers.items()}
        for system, url in (spec.get("public_urls") or {}).items():
            if system in stack.servers:  # links, Location headers, instance URLs: the proxy's
                srv = stack.servers[system]
                srv.base_url = srv.sim.base_url = url
                native = getattr(srv, "_native", None)
                if native is not None and url.startswith("https:"):
                    # TLS ends at the proxy: requests are what the client sent, https (signed
                    # URLs, such as NetSuite's OAuth base string, name that scheme)
                    native.scheme = "https"
        doc = endpoints_document(stack)
        doc["listen"] = listen
        write_endpoints(Path(spec["endpoints_file"]), doc)
        while not stop.is_set():
            stop.wait(0.5)
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
