"""Serve the CRM simulator alone: python -m simulators.salesforce --port 8701."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from simulators.engine import ServerOptions, SimulatorServer, SimulatorSettings, make_tls_files

from ._dialect import create_simulator
from ._settings import SalesforceSettings


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m simulators.salesforce", description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8701)
    p.add_argument("--https", action="store_true", help="serve TLS with a generated local CA")
    p.add_argument("--tls-dir", type=Path, default=Path(".harness/tls"))
    p.add_argument("--journal-size", type=int, default=10_000)
    p.add_argument(
        "--daily-limit", type=int, default=100_000, help="daily API request quota per tenant"
    )
    p.add_argument(
        "--data-dir", type=Path, default=None, help="persist tenants under this directory"
    )
    p.add_argument("--no-events", action="store_true", help="do not produce change events")
    args = p.parse_args()
    tls = make_tls_files(args.tls_dir) if args.https else None
    sim = create_simulator(
        SalesforceSettings(daily_api_requests=args.daily_limit),
        SimulatorSettings(
            journal_size=args.journal_size,
            data_dir=args.data_dir,
            events_enabled=not args.no_events,
            ca_bundle=str(tls.ca_bundle) if tls else None,
        ),
    )
    server = SimulatorServer(sim, ServerOptions(host=args.host, port=args.port, tls=tls))
    print(f"salesforce simulator listening on {server.base_url}", flush=True)
    try:
        import uvloop

        uvloop.run(_serve(server))
    except ImportError:
        asyncio.run(_serve(server))
    except KeyboardInterrupt:
        pass


async def _serve(server: SimulatorServer) -> None:
    import signal

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, server.request_stop)
    await server.serve()


if __name__ == "__main__":
    main()
