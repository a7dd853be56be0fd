"""CRM fixtures shared by the Salesforce tests (the simulator itself: tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from harness.testing import SimHandle

from .._clients import crm_client


@pytest.fixture
def api(crm: SimHandle) -> Iterator[httpx.Client]:
    """A client with a session of the default tenant's user (password grant, as most
    integrations log in); a module that needs another session defines its own ``api``."""
    c = crm_client(crm, grant="password")
    yield c
    c.close()
