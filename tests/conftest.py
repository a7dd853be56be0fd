"""Shared fixtures: simulators run once per session on loopback ports and are reset per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.testing import SimHandle, start_simulator
from simulators.engine import TlsFiles

from ._contract_journal import ContractJournalPlugin


def pytest_configure(config: pytest.Config) -> None:
    """Validate every answer the in-process simulators send against its contract."""
    config.pluginmanager.register(ContractJournalPlugin(), "contract-journal")


#: deprecations raised inside stock clients the tests drive, not in this project's code;
#: marks outrank ``-W error`` on the command line, so the suite runs clean under it
THIRD_PARTY_DEPRECATIONS = (
    # the netsuite package signs TBA with oauthlib's deprecated sign_hmac_sha256
    "ignore:use sign_hmac_sha256_with_client instead of sign_hmac_sha256:DeprecationWarning",
    # ... and passes raw bytes to httpx as data=
    "ignore:Use 'content=<...>' to upload raw bytes/text content:DeprecationWarning",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for rule in THIRD_PARTY_DEPRECATIONS:
            item.add_marker(pytest.mark.filterwarnings(rule))


@pytest.fixture(scope="session")
def tls_files(harness_tls: TlsFiles) -> TlsFiles:
    return harness_tls


@pytest.fixture(scope="session")
def crm_server(tls_files: TlsFiles) -> Iterator[SimHandle]:
    """The CRM simulator over HTTPS with the session's CA, started once."""
    from simulators.salesforce import create_simulator

    handle = start_simulator(create_simulator(), tls_files)
    yield handle
    handle.close()


@pytest.fixture
def crm(crm_server: SimHandle) -> Iterator[SimHandle]:
    """The CRM simulator, reset after the test."""
    yield crm_server
    crm_server.reset()
