"""The command line every simulator shares: ``python -m simulators.<vendor> --port N``.

Common options (host, port, TLS, journal, persistence, events, server backend) live
here; a vendor adds its own options and builds its dialect settings from them.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import signal
from collections.abc import Callable
from pathlib import Path

from ._app import Simulator, SimulatorSettings
from ._errors import SimulatorError
from ._guard import warn_if_exposed
from ._readers import QueryBudget
from ._server import BACKENDS, ServerOptions, SimulatorServer
from ._tls import make_tls_files

#: the environment variable ``--admin-token`` defaults to
ADMIN_TOKEN_ENV = "SIMULATOR_ADMIN_TOKEN"

AddArguments = Callable[[argparse.ArgumentParser], None]
Build = Callable[[argparse.Namespace, SimulatorSettings], Simulator]


def serve_cli(
    vendor: str,
    default_port: int,
    description: str | None,
    add_arguments: AddArguments,
    build: Build,
    argv: list[str] | None = None,
) -> None:
    """Parse the command line, start the simulator and serve until Ctrl-C or SIGTERM."""
    p = argparse.ArgumentParser(prog=f"python -m simulators.{vendor}", description=description)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0: all)")
    p.add_argument(
        "--advertise-host",
        default=None,
        help="host name clients reach this simulator by: goes into its URLs and TLS certificate",
    )
    p.add_argument("--port", type=int, default=default_port)
    p.add_argument(
        "--body-timeout",
        type=float,
        default=SimulatorSettings().body_timeout_seconds,
        help="seconds an announced request body may take to arrive (then 408)",
    )
    p.add_argument("--https", action="store_true", help="serve TLS with a generated local CA")
    p.add_argument(
        "--tls-dir", type=Path, default=Path(".harness/tls"), help="where ca.pem is written"
    )
    p.add_argument("--journal-size", type=int, default=10_000, help="request journal entries kept")
    p.add_argument(
        "--data-dir", type=Path, default=None, help="persist tenants under this directory"
    )
    p.add_argument("--no-events", action="store_true", help="do not produce change events")
    p.add_argument(
        "--query-timeout",
        type=float,
        default=QueryBudget().seconds,
        help="seconds a SOQL/SuiteQL/search query may run before the vendor's timeout error",
    )
    p.add_argument(
        "--event-retention", type=int, default=10_000, help="change events kept per tenant"
    )
    p.add_argument("--max-tenants", type=int, default=1000, help="tenants one simulator holds")
    p.add_argument(
        "--backend",
        choices=BACKENDS,
        default="auto",
        help="HTTP server (auto: native)",
    )
    p.add_argument(
        "--admin-token",
        default=os.environ.get(ADMIN_TOKEN_ENV) or None,
        help=f"require 'Authorization: Bearer <token>' on every admin call (env {ADMIN_TOKEN_ENV})",
    )
    p.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="HOST",
        help="a host name the admin API answers for besides loopback and --host (repeatable)",
    )
    p.add_argument("--release", default="", help="vendor release to serve (contracts/<vendor>/)")
    p.add_argument(
        "--contracts",
        choices=("off", "lenient", "strict"),
        default="off",
        help="check writes against the release's contract",
    )
    add_arguments(p)
    args = p.parse_args(argv)
    for name in ("event_retention", "max_tenants", "journal_size"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    if not 0 <= args.port <= 65535:
        p.exit(2, f"error: --port {args.port} is out of range (1-65535, or 0 for a free port)\n")
    names = [args.host, args.advertise_host or ""]
    tls = make_tls_files(args.tls_dir, names) if args.https else None
    engine = SimulatorSettings(
        journal_size=args.journal_size,
        data_dir=args.data_dir,
        events_enabled=not args.no_events,
        query_budget=QueryBudget(seconds=args.query_timeout),
        body_timeout_seconds=args.body_timeout,
        event_retention=args.event_retention,
        max_tenants=args.max_tenants,
        ca_bundle=str(tls.ca_bundle) if tls else None,
        admin_token=args.admin_token,
        # the advertised name is how clients (and their Host header) reach this simulator
        allowed_hosts=tuple(args.allow_host)
        + ((args.advertise_host,) if args.advertise_host else ()),
        release=args.release,
        contracts=args.contracts,
    )
    try:
        server = SimulatorServer(
            build(args, engine),
            ServerOptions(
                host=args.host,
                port=args.port,
                tls=tls,
                backend=args.backend,
                advertise_host=args.advertise_host,
            ),
        )
    except SimulatorError as exc:
        p.exit(2, f"error: {exc}\n")
    # long-lived start-up objects leave the collector's view, and young-generation
    # collections run less often: fewer pauses in the latency tail under load
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    warn_if_exposed(args.host)
    print(f"{vendor} simulator listening on {server.base_url}", flush=True)
    try:
        import uvloop

        uvloop.run(_serve(server))
    except ImportError:
        asyncio.run(_serve(server))
    except KeyboardInterrupt:
        pass


async def _serve(server: SimulatorServer) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, server.request_stop)
    await server.serve()
