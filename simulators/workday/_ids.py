"""Workday IDs: 32-hex WIDs, deterministic per tenant so a seeded run repeats."""

from __future__ import annotations

import hashlib
import re

from simulators.engine import Tenant

WID_RE = re.compile(r"^[0-9a-f]{32}$")


def is_wid(value: object) -> bool:
    return isinstance(value, str) and WID_RE.match(value) is not None


def new_wid(tenant: Tenant, kind: str) -> str:
    """A fresh WID for an instance of ``kind`` in ``tenant``."""
    seq = tenant.store.next_sequence(f"wd.wid:{kind}")
    return hashlib.md5(f"{tenant.name}/{kind}/{seq}".encode(), usedforsecurity=False).hexdigest()


def fixed_wid(*parts: str) -> str:
    """A stable WID for a delivered instance (organization types, reasons)."""
    return hashlib.md5("/".join(parts).encode(), usedforsecurity=False).hexdigest()
