"""One real WireMock server per session (the standalone jar on the machine's Java)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.wiremock import WireMockAdmin, WireMockRuntime, WireMockServer, find_wiremock


@pytest.fixture(scope="session")
def wiremock_runtime() -> WireMockRuntime:
    # .ci/run installs Java and the jar; a missing one is an install defect, not a skip
    return find_wiremock(install=True)


@pytest.fixture(scope="session")
def wiremock_server(wiremock_runtime: WireMockRuntime) -> Iterator[WireMockServer]:
    server = WireMockServer(wiremock_runtime).start()
    yield server
    server.stop()


@pytest.fixture
def wiremock(wiremock_server: WireMockServer) -> Iterator[WireMockAdmin]:
    """The session's WireMock with no stubs and an empty journal, reset after the test."""
    admin = WireMockAdmin(wiremock_server.admin_url)
    admin.reset()
    yield admin
    admin.reset()
