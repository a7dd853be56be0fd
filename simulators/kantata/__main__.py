"""Serve the PSA simulator alone: python -m simulators.kantata --port 8703."""

from __future__ import annotations

import argparse

from simulators.engine import Simulator, SimulatorSettings, serve_cli

from ._dialect import create_simulator
from ._limits import ENDPOINT_LIMITS, RETRY_AFTER
from ._settings import KantataSettings


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--rate-limit", type=float, default=50.0, help="requests per second per tenant before 429"
    )
    p.add_argument(
        "--token", default="kantata-sim-token", help="bearer token of the default tenant"
    )
    p.add_argument(
        "--endpoint-limits",
        choices=ENDPOINT_LIMITS,
        default="guessed",
        help="own limits of the operations Kantata names (GET/POST workspaces, ...)",
    )
    p.add_argument(
        "--retry-after",
        choices=RETRY_AFTER,
        default="off",
        help="send Retry-After on 429 (Kantata documents none)",
    )


def _build(args: argparse.Namespace, engine: SimulatorSettings) -> Simulator:
    return create_simulator(
        KantataSettings(
            rate_limit_per_second=args.rate_limit,
            token=args.token,
            endpoint_limits=args.endpoint_limits,
            retry_after=args.retry_after,
        ),
        engine,
    )


if __name__ == "__main__":
    serve_cli("kantata", 8703, __doc__, _arguments, _build)
