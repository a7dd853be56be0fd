"""The harness's pytest plugin (registered through the pytest11 entry point).

Provides ``harness_tls``: a session-wide local CA and loopback certificate for https
simulators, ``harness_session``: the stack a journey scenario plays in, and
``harness_peripherals``: a real WireMock with the collaboration and analytics stubs,
started once per session and reset after each test that uses it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simulators.engine import TlsFiles, make_tls_files


@pytest.fixture(scope="session")
def harness_tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """A local CA and a loopback server certificate, made once per session."""
    return make_tls_files(Path(tmp_path_factory.mktemp("harness-tls")))


@pytest.fixture(scope="session")
def harness_session() -> Iterator[Any]:
    """Simulators, the firm from the configured seed and the embedded reference
    integration, once per test session; ``harness_session.play("tm")`` plays a journey."""
    from harness._config import load_config
    from harness.journeys import Session, SessionOptions

    cfg = load_config()
    with Session(SessionOptions(seed=cfg.seed, size=cfg.size, https=cfg.https)) as session:
        yield session


@pytest.fixture(scope="session")
def _harness_peripherals_server() -> Iterator[Any]:
    from harness.peripherals import Peripherals
    from harness.wiremock import find_wiremock

    peripherals = Peripherals(find_wiremock(install=True)).start()
    yield peripherals
    peripherals.stop()


@pytest.fixture
def harness_peripherals(_harness_peripherals_server: Any) -> Iterator[Any]:
    """WireMock with the Slack, Teams and Power BI stubs: ``.endpoints()`` is the endpoints
    file's ``peripherals`` section, ``.admin`` reads the journal and adds faults."""
    yield _harness_peripherals_server
    _harness_peripherals_server.reset()
