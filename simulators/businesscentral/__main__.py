"""Serve the Business Central simulator alone: python -m simulators.businesscentral --port 8705."""

from __future__ import annotations

import argparse

from simulators.engine import Simulator, SimulatorSettings, serve_cli

from ._dialect import create_simulator
from ._settings import BusinessCentralSettings


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--environment", default="production", help="environment name in the URL")
    p.add_argument(
        "--notification-delay", type=float, default=1.0, help="seconds notifications are gathered"
    )
    p.add_argument(
        "--rate-limit",
        type=int,
        default=6000,
        help="OData requests per user in the 5-minute window (documented: 6000)",
    )


def _build(args: argparse.Namespace, engine: SimulatorSettings) -> Simulator:
    return create_simulator(
        BusinessCentralSettings(
            environment=args.environment,
            notification_delay_seconds=args.notification_delay,
            rate_limit_requests=args.rate_limit,
        ),
        engine,
    )


if __name__ == "__main__":
    serve_cli("businesscentral", 8705, __doc__, _arguments, _build)
