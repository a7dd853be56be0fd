"""Starting the simulators as a stack and describing them in an endpoints file."""

from ._endpoints import admin_headers, endpoints_document, write_endpoints
from ._launcher import SYSTEMS, Stack, StackSettings, available_systems

__all__ = [
    "SYSTEMS",
    "Stack",
    "StackSettings",
    "admin_headers",
    "available_systems",
    "endpoints_document",
    "write_endpoints",
]
