"""Serve the procurement simulator alone: python -m simulators.coupa --port 8705."""

from __future__ import annotations

import argparse

from simulators.engine import Simulator, SimulatorSettings, serve_cli

from ._dialect import create_simulator
from ._settings import CoupaSettings


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--rate-limit", type=float, default=25.0, help="requests per second per tenant before 429"
    )


def _build(args: argparse.Namespace, engine: SimulatorSettings) -> Simulator:
    return create_simulator(CoupaSettings(rate_limit_per_second=args.rate_limit), engine)


if __name__ == "__main__":
    serve_cli("coupa", 8705, __doc__, _arguments, _build)
