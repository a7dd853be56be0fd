"""Business Central's wire formats: OData error bodies, JSON responses, timestamps, GUIDs
and amounts.

Errors are OData v4 error documents, ``{"error": {"code": "BadRequest_NotFound",
"message": "...  CorrelationId:  <guid>."}}``; messages end with the correlation id the
way the service appends it.
"""

from __future__ import annotations

import math
import os
import random
import uuid
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson

from simulators.engine import HttpError, Response

JSON_CT = "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8"
ODATA_HEADERS = [("odata-version", "4.0")]

#: engine error codes translated to Business Central's
_CODE_MAP = {
    "JSON_PARSER_ERROR": "BadRequest",
    "UNKNOWN_EXCEPTION": "Internal_ServerError",
    "BAD_REQUEST": "BadRequest",
    "INVALID_SESSION_ID": "Authentication_InvalidCredentials",
    "INVALID_INPUT": "BadRequest",
    "TOO_MANY_REQUESTS": "Application_TooManyRequests",
    "NOT_FOUND": "BadRequest_ResourceNotFound",
    "FORBIDDEN": "Authorization_InsufficientPermissions",
    "SERVER_UNAVAILABLE": "Internal_ServiceUnavailable",
}


def error_body(err: HttpError, correlation_id: str = "") -> dict[str, Any]:
    message = err.message
    if correlation_id and "CorrelationId" not in message:
        message = f"{message}  CorrelationId:  {_guid_form(correlation_id)}."
    return {"error": {"code": _CODE_MAP.get(err.code, err.code), "message": message}}


def error_response(err: HttpError, correlation_id: str = "") -> Response:
    return Response(
        err.status,
        orjson.dumps(error_body(err, correlation_id)),
        [("content-type", JSON_CT), *ODATA_HEADERS],
    )


def _guid_form(value: str) -> str:
    try:
        return str(uuid.UUID(hex=value[:32]))
    except ValueError:
        return value


def json_response(
    data: Any, status: int = 200, headers: list[tuple[str, str]] | None = None
) -> Response:
    return Response(
        status, orjson.dumps(data), [("content-type", JSON_CT), *ODATA_HEADERS, *(headers or [])]
    )


@lru_cache(maxsize=8)
def _utc_second(whole: int) -> str:
    """``YYYY-MM-DDTHH:MM:SS`` of a whole second (writes within one second share it)."""
    return datetime.fromtimestamp(whole, UTC).strftime("%Y-%m-%dT%H:%M:%S")


#: ``.mmmZ`` for every millisecond (a format spec per timestamp cost a quarter of it)
_MILLIS = tuple(f".{ms:03d}Z" for ms in range(1000))


def bc_datetime(ts: float) -> str:
    """DateTimeOffset as Business Central writes it: UTC with milliseconds.

    The microseconds are rounded as ``datetime.fromtimestamp`` rounds them (half to even,
    carrying into the second), then truncated to milliseconds, as ``isoformat`` does; the
    date and time of day come from a cache per second, cheaper than ``isoformat``."""
    frac, whole = math.modf(ts)
    if frac >= 0.0 and whole >= 0.0:
        us = round(frac * 1e6)
        sec = int(whole)
        if us >= 1_000_000:
            sec += 1
            us -= 1_000_000
        return _utc_second(sec) + _MILLIS[us // 1000]
    dt = datetime.fromtimestamp(ts, UTC)
    if dt.year >= 1000:  # the same text, built faster ("+00:00" -> "Z", milliseconds truncated)
        return dt.isoformat(timespec="milliseconds")[:-6] + "Z"
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def bc_date(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


#: GUIDs a ``GuidPool`` makes at once
_POOL = 256
#: the version nibble (4) and the RFC 4122 variant bits (10) of every GUID of a pool's batch,
#: and the masks clearing the random bits there
_VERSION = sum(0x4 << (128 * i + 76) for i in range(_POOL))
_NOT_VERSION = ~sum(0xF << (128 * i + 76) for i in range(_POOL))
_VARIANT = sum(0x2 << (128 * i + 62) for i in range(_POOL))
_NOT_VARIANT = ~sum(0x3 << (128 * i + 62) for i in range(_POOL))
#: (hex digit of a GUID, its place in ``8-4-4-4-12`` text) and the text before the digits
_PLACES = tuple((i, i + (i >= 8) + (i >= 12) + (i >= 16) + (i >= 20)) for i in range(32))
_DASHES = (b"-" * 36 + b" ") * _POOL


class GuidPool:
    """Random (version 4) GUIDs, spelled as ``str(uuid.uuid4())``, made 256 at a time: the
    digits of all of them from one random number, set in their places by one slice copy per
    place (spelling each GUID on its own cost a create more than its JSON)."""

    def __init__(self) -> None:
        self._bits = random.Random(os.urandom(16)).getrandbits
        self._made: list[str] = []

    def take(self) -> str:
        made = self._made
        if not made:
            n = (self._bits(128 * _POOL) & _NOT_VERSION | _VERSION) & _NOT_VARIANT | _VARIANT
            digits = n.to_bytes(16 * _POOL, "big").hex().encode()
            text = bytearray(_DASHES)
            for digit, place in _PLACES:
                text[place::37] = digits[digit::32]
            made += text.decode().split()
            made.reverse()
        return made.pop()


def new_guid() -> str:
    """A random (version 4) GUID, as ``str(uuid.uuid4())`` spells it, without the UUID object."""
    b = bytearray(os.urandom(16))
    b[6] = (b[6] & 0x0F) | 0x40  # version 4
    b[8] = (b[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = b.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def is_guid(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def money(value: float) -> float:
    """Amounts as the service rounds them (two decimals, integers without a fraction)."""
    v = round(float(value) + 0.0, 2)
    return int(v) if v == int(v) else v
