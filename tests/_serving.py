"""Fixture building blocks every simulator's tests share: a server for a scope, a reset after
each test, and a client with a bearer token."""

from __future__ import annotations

from collections.abc import Iterator

import httpx

from harness.testing import SimHandle, start_simulator
from simulators.engine import Simulator


def served(sim: Simulator) -> Iterator[SimHandle]:
    """``sim`` on a loopback port for as long as the fixture lives (``yield from served(...)``)."""
    handle = start_simulator(sim)
    yield handle
    handle.close()


def reset_after(handle: SimHandle) -> Iterator[SimHandle]:
    """The running simulator, reset (and its server-side errors checked) after the test."""
    yield handle
    handle.reset()


def bearer_client(base_url: str, token: str) -> httpx.Client:
    """A client on ``base_url`` sending ``Authorization: Bearer <token>``."""
    return httpx.Client(
        base_url=base_url,
        headers={"Authorization": f"Bearer {token}"},
        trust_env=False,
        timeout=30.0,
    )
