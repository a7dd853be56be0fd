"""The procurement simulator once per module, reset per test; a client with a token."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from harness.testing import SimHandle

from .._clients import coupa_token
from .._serving import reset_after, served


@pytest.fixture(scope="module")
def coupa_server() -> Iterator[SimHandle]:
    from simulators.coupa import create_simulator

    yield from served(create_simulator())


@pytest.fixture
def coupa(coupa_server: SimHandle) -> Iterator[SimHandle]:
    yield from reset_after(coupa_server)


@pytest.fixture
def api(coupa: SimHandle) -> Iterator[httpx.Client]:
    with coupa.client(
        headers={"Authorization": f"Bearer {coupa_token(coupa)}", "Accept": "application/json"}
    ) as client:
        yield client
