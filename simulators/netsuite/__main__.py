"""Serve the ERP simulator alone: python -m simulators.netsuite --port 8702."""

from __future__ import annotations

import argparse

from simulators.engine import Simulator, SimulatorSettings, serve_cli

from ._dialect import create_simulator
from ._settings import NetSuiteSettings


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--account", default="1234567_SB1", help="account id of the default tenant")
    p.add_argument(
        "--concurrency", type=int, default=5, help="concurrent request slots per account"
    )


def _build(args: argparse.Namespace, engine: SimulatorSettings) -> Simulator:
    return create_simulator(
        NetSuiteSettings(account_id=args.account, concurrency_limit=args.concurrency), engine
    )


if __name__ == "__main__":
    serve_cli("netsuite", 8702, __doc__, _arguments, _build)
