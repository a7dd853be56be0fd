"""ERP simulator fixtures: one server per session, reset per test, TBA-signing clients."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from authlib.integrations.httpx_client import OAuth1Auth

from harness.testing import SimHandle, start_simulator


@pytest.fixture(scope="session")
def erp_server() -> Iterator[SimHandle]:
    """The ERP simulator over plain HTTP on loopback, started once."""
    from simulators.netsuite import NetSuiteSettings, create_simulator

    handle = start_simulator(create_simulator(NetSuiteSettings()))
    yield handle
    handle.close()


@pytest.fixture
def erp(erp_server: SimHandle) -> Iterator[SimHandle]:
    """The ERP simulator, reset after the test."""
    yield erp_server
    erp_server.reset()


@pytest.fixture
def creds(erp: SimHandle) -> dict[str, Any]:
    tenant = erp.sim.tenants.get("default")
    return erp.sim.dialect.credentials(tenant, erp.base_url)


def tba_auth(creds: dict[str, Any], **override: str) -> OAuth1Auth:
    """HMAC-SHA256 TBA signing exactly as the netsuite package configures authlib."""
    import netsuite.rest_api_base  # noqa: F401  (registers the HMAC-SHA256 signer)

    c = {**creds, **override}
    return OAuth1Auth(
        client_id=c["consumer_key"],
        client_secret=c["consumer_secret"],
        token=c["token_id"],
        token_secret=c["token_secret"],
        realm=c["account"],
        force_include_body=True,
        signature_method="HMAC-SHA256",
    )


@pytest.fixture
def api(erp: SimHandle, creds: dict[str, Any]) -> Iterator[httpx.Client]:
    """An httpx client on /services/rest signing every request with TBA."""
    with httpx.Client(
        base_url=f"{erp.base_url}/services/rest",
        auth=tba_auth(creds),
        trust_env=False,
        timeout=30.0,
    ) as client:
        yield client


@pytest.fixture
def tba() -> Any:
    """The TBA signer factory: tba(creds, **overrides) -> httpx auth."""
    return tba_auth
