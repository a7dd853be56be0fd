"""A Business Central simulator on a tenant file, with a client signed in to its default
company: the tests that reopen a saved tenant share it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from harness.testing import SimHandle, start_simulator

from .._clients import bc_token_response
from .._serving import bearer_client

CUSTOMER = {"displayName": "Coho Winery", "email": "robert@coho.example", "city": "Boston"}


@contextmanager
def file_backed(data_dir: Path) -> Iterator[tuple[SimHandle, httpx.Client]]:
    """Start the simulator with its tenants saved under ``data_dir``; yield it and a client
    whose base URL is the default company's."""
    from simulators.businesscentral import BusinessCentralSettings, create_simulator
    from simulators.engine import SimulatorSettings

    handle = start_simulator(
        create_simulator(BusinessCentralSettings(), SimulatorSettings(data_dir=data_dir))
    )
    try:
        creds: dict[str, Any] = handle.sim.dialect.credentials(
            handle.sim.tenants.get("default"), handle.base_url
        )
        token = bc_token_response(creds).json()["access_token"]
        base = f"{creds['api_url']}/companies({creds['company_id']})"
        with bearer_client(base, token) as api:
            yield handle, api
    finally:
        handle.close()
