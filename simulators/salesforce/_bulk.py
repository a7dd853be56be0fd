"""What a job of either Bulk API (1.0 in ``bulk1/``, 2.0 in ``bulk2/``) holds from its creation."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class BulkJob:
    """A job's id (``750``), what it does to which object, who made it when, and the API
    version of the request that made it; each API's ``Job`` adds its own state."""

    id: str
    operation: str
    object: str
    created_by: str
    created: str
    modstamp: str
    api_version: str
