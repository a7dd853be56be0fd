"""ERP simulator fixtures: one server per session, reset per test, TBA-signing clients."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from harness.testing import SimHandle

from .._clients import erp_tba
from .._serving import reset_after, served


@pytest.fixture(scope="session")
def erp_server() -> Iterator[SimHandle]:
    """The ERP simulator over plain HTTP on loopback, started once."""
    from simulators.netsuite import NetSuiteSettings, create_simulator

    yield from served(create_simulator(NetSuiteSettings()))


@pytest.fixture
def erp(erp_server: SimHandle) -> Iterator[SimHandle]:
    """The ERP simulator, reset after the test."""
    yield from reset_after(erp_server)


@pytest.fixture
def creds(erp: SimHandle) -> dict[str, Any]:
    tenant = erp.sim.tenants.get("default")
    return erp.sim.dialect.credentials(tenant, erp.base_url)


@pytest.fixture
def api(erp: SimHandle, creds: dict[str, Any]) -> Iterator[httpx.Client]:
    """An httpx client on /services/rest signing every request with TBA."""
    with httpx.Client(
        base_url=f"{erp.base_url}/services/rest",
        auth=erp_tba(creds),
        trust_env=False,
        timeout=30.0,
    ) as client:
        yield client


@pytest.fixture
def tba() -> Any:
    """The TBA signer factory: tba(creds, **overrides) -> httpx auth."""
    return erp_tba
