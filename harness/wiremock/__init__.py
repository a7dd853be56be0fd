"""A real WireMock server for the harness: find or install the jar, run it, drive it.

The admin adapter wraps the ``wiremock`` package per server (never its process-wide
``Config``); the exporter turns a simulator tenant's reads into WireMock stub mappings.
"""

from ._admin import WireMockAdmin
from ._runtime import (
    WIREMOCK_VERSION,
    WireMockRuntime,
    WireMockUnavailable,
    find_java,
    find_wiremock,
    install_jar,
)
from ._server import WireMockServer

__all__ = [
    "WIREMOCK_VERSION",
    "WireMockAdmin",
    "WireMockRuntime",
    "WireMockServer",
    "WireMockUnavailable",
    "find_java",
    "find_wiremock",
    "install_jar",
]
