"""Starting the simulators as a stack and describing them in an endpoints file."""

from ._endpoints import endpoints_document, held_records, read_endpoints, write_endpoints
from ._launcher import SYSTEMS, Stack, StackSettings, available_systems

__all__ = [
    "SYSTEMS",
    "Stack",
    "StackSettings",
    "available_systems",
    "endpoints_document",
    "held_records",
    "read_endpoints",
    "write_endpoints",
]
