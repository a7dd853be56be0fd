"""Starting the simulators as a stack and describing them in an endpoints file."""

from ._endpoints import (
    PERIPHERALS,
    admin_headers,
    endpoints_document,
    held_records,
    read_endpoints,
    simulator_endpoints,
    write_endpoints,
)
from ._launcher import SYSTEMS, Stack, StackSettings, available_systems

__all__ = [
    "PERIPHERALS",
    "SYSTEMS",
    "Stack",
    "StackSettings",
    "admin_headers",
    "available_systems",
    "endpoints_document",
    "held_records",
    "read_endpoints",
    "simulator_endpoints",
    "write_endpoints",
]
