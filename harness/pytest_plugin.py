"""The harness's pytest plugin (registered through the pytest11 entry point).

Provides ``harness_tls``: a session-wide local CA and loopback certificate for https
simulators. Journey fixtures arrive with the journey runner.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulators.engine import TlsFiles, make_tls_files


@pytest.fixture(scope="session")
def harness_tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """A local CA and a loopback server certificate, made once per session."""
    return make_tls_files(Path(tmp_path_factory.mktemp("harness-tls")))
