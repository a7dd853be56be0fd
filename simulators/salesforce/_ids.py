"""Salesforce record ids: 15-character case-sensitive ids and their 18-character form.

The 18-character form appends a 3-character checksum encoding which of the 15
characters are upper-case, so ids survive case-insensitive systems. Both forms are
accepted on input; responses always carry 18 characters.

Salesforce ids are unique across orgs, so each tenant numbers its ids inside its own
block of the 9-character id number (its id space): the default tenant in block 0, any
other in a block derived from its name, never one another tenant already holds. An id
sent with the wrong org's token is then a 404, as it is against Salesforce.
"""

from __future__ import annotations

import functools
import re
import zlib
from typing import TYPE_CHECKING

from ._state import state_of

if TYPE_CHECKING:
    from simulators.engine import Tenant

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
#: every two-digit base-62 number, by value (ids are built two digits at a time)
_PAIR = 62 * 62
_PAIRS = tuple(a + b for a in _B62 for b in _B62)
#: per pair, which of its two characters are upper-case (bit 0: the first)
_PAIR_UPPER = tuple(int(a.isupper()) | int(b.isupper()) << 1 for a in _B62 for b in _B62)
_ID_RE = re.compile(r"^[a-zA-Z0-9]{15}([a-zA-Z0-5]{3})?$")
POD = "RO0"  # instance and reserved characters after the key prefix


def checksum(id15: str) -> str:
    return _chunk_sum(id15[:5]) + _chunk_sum(id15[5:10]) + _chunk_sum(id15[10:15])


@functools.lru_cache(maxsize=8192)
def _chunk_sum(chunk: str) -> str:
    """The checksum character of five id characters (which of them are upper-case)."""
    flags = 0
    for i, ch in enumerate(chunk):
        if "A" <= ch <= "Z":
            flags |= 1 << i
    return _SUFFIX[flags]


def to18(id_: str) -> str:
    return id_ if len(id_) == 18 else id_ + checksum(id_)


#: ids one tenant can number per key prefix (62**6, about 5.7e10), and how many blocks
SPACE_SIZE = 62**6
SPACES = 62**3
ID_SPACE_KEY = "sf.id_space"


def id_space(tenant_name: str, taken: set[int], default_tenant: str = "default") -> int:
    """The id block of a new tenant: 0 for the default one, else from its name, skipping ``taken``."""
    if tenant_name == default_tenant and 0 not in taken:
        return 0
    space = 1 + zlib.crc32(tenant_name.encode()) % (SPACES - 1)
    while space in taken:
        space = 1 + space % (SPACES - 1)
    return space


def make_id(prefix: str, counter: int, space: int = 0) -> str:
    """The 18-character id number ``counter`` for key prefix ``prefix`` in id block ``space``."""
    # nine base-62 digits, most significant first; all but the last pair change once in
    # 3,844 ids, so they and their part of the checksum are worked out once for them all
    high, low = divmod(counter + space * SPACE_SIZE, _PAIR)
    head, sums, upper = _head(prefix, high)
    return head + _PAIRS[low] + sums + _SUFFIX[upper | (_PAIR_UPPER[low] << 3)]


@functools.lru_cache(maxsize=4096)
def _head(prefix: str, high: int) -> tuple[str, str, int]:
    """For the ids whose number is ``high`` * 3,844 + 0..3,843: the first 13 characters, the
    first two checksum characters and the third's bits from characters 11 to 13."""
    n, d3 = divmod(high, _PAIR)
    n, d2 = divmod(n, _PAIR)
    n, d1 = divmod(n, _PAIR)
    head = prefix + POD + _B62[n % 62] + _PAIRS[d1] + _PAIRS[d2] + _PAIRS[d3]
    upper = (_PAIR_UPPER[d2] >> 1) | (_PAIR_UPPER[d3] << 1)
    return head, _chunk_sum(head[:5]) + _chunk_sum(head[5:10]), upper


def sequence_name(prefix: str) -> str:
    """The store sequence that numbers the ids of key prefix ``prefix``."""
    return f"id:{prefix}"


def new_id(tenant: Tenant, prefix: str, sequence: str = "") -> str:
    """The tenant's next id for key prefix ``prefix``, inside its id space (``sequence``:
    ``sequence_name(prefix)``, when the caller has it)."""
    counter = tenant.store.next_sequence(sequence or sequence_name(prefix))
    return make_id(prefix, counter, state_of(tenant).id_space or 0)


@functools.lru_cache(maxsize=65536)
def normalize(id_: str) -> str | None:
    """The 18-character form of a well-formed 15 or 18 character id, else None."""
    if not _ID_RE.match(id_):
        return None
    if len(id_) == 15:
        return id_ + checksum(id_)
    # an 18-char id is valid when its suffix matches its first 15 (case-insensitively)
    if checksum(id_[:15]).upper() != id_[15:].upper():
        return None
    return id_[:15] + checksum(id_[:15])


def looks_like_id(value: str) -> bool:
    return bool(_ID_RE.match(value))
