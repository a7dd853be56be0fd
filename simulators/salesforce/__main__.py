"""Serve the CRM simulator alone: python -m simulators.salesforce --port 8701."""

from __future__ import annotations

import argparse

from simulators.engine import Simulator, SimulatorSettings, serve_cli

from ._dialect import create_simulator
from ._settings import SalesforceSettings


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--daily-limit", type=int, default=100_000, help="daily API request quota per tenant"
    )


def _build(args: argparse.Namespace, engine: SimulatorSettings) -> Simulator:
    return create_simulator(SalesforceSettings(daily_api_requests=args.daily_limit), engine)


if __name__ == "__main__":
    serve_cli("salesforce", 8701, __doc__, _arguments, _build)
