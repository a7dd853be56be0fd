"""Serve the HCM simulator alone: python -m simulators.workday --port 8704."""

from __future__ import annotations

import argparse

from simulators.engine import Simulator, SimulatorSettings, serve_cli

from ._dialect import create_simulator
from ._settings import WorkdaySettings


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--rate-limit", type=float, default=None, help="requests per second per tenant before 429"
    )


def _build(args: argparse.Namespace, engine: SimulatorSettings) -> Simulator:
    return create_simulator(WorkdaySettings(rate_limit_per_second=args.rate_limit), engine)


if __name__ == "__main__":
    serve_cli("workday", 8704, __doc__, _arguments, _build)
