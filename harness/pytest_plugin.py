"""The harness's pytest plugin (registered through the pytest11 entry point).

Fixtures:
- ``harness_tls``: a session-wide local CA and loopback certificate for https simulators;
- ``harness_session``: simulators, the firm from the configured seed and the stack under
  test (``--harness-target FILE``, else the embedded reference integration), once per
  test session; under pytest-xdist the workers share one set of simulators and each has
  a tenant of its own (named after the worker) with its own firm and its own stack
  (``harness.xdist_tenants``); ``harness_session.play("tm")`` or ``.play(your_spec)``
  plays a journey;
- ``harness_peripherals``: a real WireMock with the collaboration and analytics stubs,
  started once per session and reset after each test that uses it;
- ``harness_mapping``, ``harness_systems``, ``harness_firm``: the session's mapping spec,
  vendor and admin clients, and the canonical firm, for custom steps and checks.

Marker: ``@pytest.mark.journey("lifecycle")`` tags a test with a suite (select with ``-m``).
Under allure-pytest (``--alluredir``) each journey step becomes an Allure step with its
requests and responses attached, and the journey's KPIs the test's parameters.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simulators.engine import TlsFiles, make_tls_files


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("harness")
    group.addoption(
        "--harness-target",
        default=None,
        help="target file (TOML/JSON) of the stack the journeys play against",
    )
    group.addoption("--harness-mapping", default=None, help="mapping spec of that stack")


def pytest_unconfigure(config: pytest.Config) -> None:
    """The xdist controller ends the simulators its workers shared (if they started any)."""
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    from harness.xdist_tenants import stop

    stop(config._tmp_path_factory.getbasetemp())  # type: ignore[attr-defined]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "journey(suite): a journey test of a suite (billing, lifecycle, resilience)"
    )


@pytest.fixture(scope="session")
def harness_tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """A local CA and a loopback server certificate, made once per session."""
    return make_tls_files(Path(tmp_path_factory.mktemp("harness-tls")))


@pytest.fixture(scope="session")
def harness_session(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The stack a journey scenario plays in (see the module docstring)."""
    from harness._config import load_config
    from harness.journeys import (
        EventBus,
        Session,
        SessionOptions,
        embedded_spec,
        load_target_file,
    )

    cfg = load_config()
    target = request.config.getoption("--harness-target")
    mapping = request.config.getoption("--harness-mapping")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    shared = None
    if worker:  # one tenant of the shared simulators per xdist worker
        from harness.xdist_tenants import worker_endpoints

        base = request.config._tmp_path_factory.getbasetemp().parent  # type: ignore[attr-defined]
        shared = worker_endpoints(base, worker)
    options = SessionOptions(
        seed=cfg.seed,
        size=cfg.size,
        https=cfg.https,
        target=load_target_file(Path(target)) if target else embedded_spec(),
        mapping=Path(mapping) if mapping else None,
        endpoints_file=shared,
    )
    bus = EventBus()
    if request.config.pluginmanager.hasplugin("allure_pytest"):
        from harness.reporting._allure import allure_pytest_listener

        bus.subscribe(allure_pytest_listener)
    with Session(options, bus) as session:
        yield session


@pytest.fixture(scope="session")
def harness_mapping(harness_session: Any) -> Any:
    return harness_session.mapping


@pytest.fixture(scope="session")
def harness_systems(harness_session: Any) -> Any:
    return harness_session.systems


@pytest.fixture(scope="session")
def harness_firm(harness_session: Any) -> Any:
    return harness_session.canon


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
