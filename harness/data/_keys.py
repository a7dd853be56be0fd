"""Cross-system keys a firm keeps: stable ids derived from a kind and a sequence number.

CRM ids are 18-character case-safe record ids (three-character key prefix, twelve-character
base-62 body, three-character checksum); ERP, HCM and PSA ids are numeric strings in
disjoint ranges per kind. All of them depend on the sequence number only.
"""

from __future__ import annotations

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"

CRM_ACCOUNT = "001"
CRM_CONTACT = "003"
CRM_OPPORTUNITY = "006"


def crm_id(prefix: str, number: int) -> str:
    """An 18-character CRM record id for the ``number``-th record of a kind."""
    digits = []
    value = number
    while value:
        value, rem = divmod(value, 62)
        digits.append(_BASE62[rem])
    body = "".join(reversed(digits)).rjust(12, "0")
    base = prefix + body[-12:]
    suffix = ""
    for start in (0, 5, 10):
        chunk = base[start : start + 5]
        bits = sum(1 << i for i, ch in enumerate(chunk) if "A" <= ch <= "Z")
        suffix += _SUFFIX[bits]
    return base + suffix


def numeric_id(base: int, number: int) -> str:
    """A numeric id in the range a system reserves for one kind of record."""
    return str(base + number)


def local_id(prefix: str, number: int, width: int = 6) -> str:
    """The canonical id of an entity: ``ACC-000001``."""
    return f"{prefix}-{number:0{width}d}"
