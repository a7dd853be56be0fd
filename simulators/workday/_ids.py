"""Workday IDs: 32-hex WIDs, deterministic per tenant so a seeded run repeats."""

from __future__ import annotations

import hashlib
import re

from simulators.engine import Tenant

WID_RE = re.compile(r"^[0-9a-f]{32}$")
_HEX = "0123456789abcdef"


def is_wid(value: object) -> bool:
    """``WID_RE.match(value)``, without the regular expression (every request asks): 32
    lower-case hex digits, and like ``$`` a final newline after them is let through."""
    if not isinstance(value, str):
        return False
    n = len(value)
    if n == 32:
        return not value.strip(_HEX)
    return n == 33 and value[32] == "\n" and not value[:32].strip(_HEX)


def new_wid(tenant: Tenant, kind: str) -> str:
    """A fresh WID for an instance of ``kind`` in ``tenant``."""
    seq = tenant.store.next_sequence(f"wd.wid:{kind}")
    return hashlib.md5(f"{tenant.name}/{kind}/{seq}".encode(), usedforsecurity=False).hexdigest()


def fixed_wid(*parts: str) -> str:
    """A stable WID for a delivered instance (organization types, reasons)."""
    return hashlib.md5("/".join(parts).encode(), usedforsecurity=False).hexdigest()
