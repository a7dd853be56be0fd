"""Salesforce record ids: 15-character ids are widened to the stored 18-character form."""

from __future__ import annotations

_SUFFIX_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def to_18(value: str) -> str | None:
    """The 18-character id for a 15- or 18-character id, or None when ``value`` is not one."""
    if len(value) not in (15, 18) or not value.isascii() or not value.isalnum():
        return None
    base = value[:15]
    suffix = []
    for chunk in range(3):
        flags = 0
        for bit in range(5):
            if "A" <= base[chunk * 5 + bit] <= "Z":
                flags |= 1 << bit
        suffix.append(_SUFFIX_CHARS[flags])
    return base + "".join(suffix)
