"""Workday IDs: 32-hex WIDs, deterministic per tenant so a seeded run repeats."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from simulators.engine import Tenant


def _md5_of() -> Callable[[bytes], Any]:
    """The interpreter's own MD5 where it is built in: the same digest as ``hashlib``'s,
    without setting up an OpenSSL context per call (a WID is made per process)."""
    try:
        from _md5 import md5
    except ImportError:
        return lambda data: hashlib.md5(data, usedforsecurity=False)
    return md5


_md5 = _md5_of()
WID_RE = re.compile(r"^[0-9a-f]{32}$")
_HEX = b"0123456789abcdef"


def is_wid(value: object) -> bool:
    """``WID_RE.match(value)``, without the regular expression (every request asks): 32
    lower-case hex digits, and like ``$`` a final newline after them is let through."""
    if not isinstance(value, str):
        return False
    n = len(value)
    if n == 32:
        return value.isascii() and not value.encode().translate(None, _HEX)
    return (
        n == 33
        and value[32] == "\n"
        and value.isascii()
        and not value[:32].encode().translate(None, _HEX)
    )


def new_wid(tenant: Tenant, kind: str, sequence: str | None = None) -> str:
    """A fresh WID for an instance of ``kind`` in ``tenant`` (``sequence``: the name of its
    sequence, ``wd.wid:<kind>``, when the caller has it spelt)."""
    seq = tenant.store.next_sequence(sequence or f"wd.wid:{kind}")
    return _md5(f"{tenant.name}/{kind}/{seq}".encode()).hexdigest()


def fixed_wid(*parts: str) -> str:
    """A stable WID for a delivered instance (organization types, reasons)."""
    return hashlib.md5("/".join(parts).encode(), usedforsecurity=False).hexdigest()
