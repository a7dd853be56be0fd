"""The procurement simulator once per module, reset per test; a client with a token."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from harness.testing import SimHandle, start_simulator


@pytest.fixture(scope="module")
def coupa_server() -> Iterator[SimHandle]:
    from simulators.coupa import create_simulator

    handle = start_simulator(create_simulator())
    yield handle
    handle.close()


@pytest.fixture
def coupa(coupa_server: SimHandle) -> Iterator[SimHandle]:
    yield coupa_server
    coupa_server.reset()


def token(sim: SimHandle, scope: str | None = None) -> str:
    creds = sim.admin.get("/tenants/default").json()["credentials"]
    data = {
        "grant_type": "client_credentials",
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
    }
    if scope:
        data["scope"] = scope
    r = httpx.post(f"{sim.base_url}/oauth2/token", data=data, trust_env=False)
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


@pytest.fixture
def api(coupa: SimHandle) -> Iterator[httpx.Client]:
    with coupa.client(
        headers={"Authorization": f"Bearer {token(coupa)}", "Accept": "application/json"}
    ) as client:
        yield client
