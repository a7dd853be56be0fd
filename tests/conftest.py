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
