"""Salesforce wire formats: timestamps, the error array and JSON responses (records as
Salesforce shows them are in ``_render.py``)."""

from __future__ import annotations

import functools
import time
from datetime import date, datetime
from typing import Any

import orjson

from simulators.engine import HttpError, Response, parse_iso_datetime

JSON_CT = "application/json;charset=UTF-8"


#: ``.000+0000`` ... ``.999+0000``: a timestamp's milliseconds and zone, looked up (a format
#: spec per timestamp cost more than the rest of its formatting)
_MILLIS = tuple(f".{ms:03d}+0000" for ms in range(1000))


def sf_datetime(ts: float) -> str:
    """Salesforce's datetime form: 2013-05-20T20:49:32.000+0000."""
    return _second(int(ts)) + _MILLIS[int(ts * 1000) % 1000]


def sf_datetime_of(second: int, milli: int) -> str:
    """``sf_datetime(ts)`` from ``int(ts)`` and ``int(ts * 1000)``, for a caller that has them."""
    return _second(second) + _MILLIS[milli % 1000]


@functools.lru_cache(maxsize=4096)
def _second(sec: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(sec))


def parse_datetime(value: str) -> datetime | None:
    """Accept the ISO forms Salesforce accepts on input; None when unparseable."""
    return parse_iso_datetime(value.strip())


def format_datetime(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}+0000"


def parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if len(value) >= 10 else None
    except ValueError:
        return None


def error_body(errors: list[dict[str, Any]]) -> bytes:
    return orjson.dumps(errors)


def error_response(err: HttpError) -> Response:
    item: dict[str, Any] = {"message": err.message, "errorCode": err.code}
    if err.fields:
        item["fields"] = err.fields
    item.update(err.extra)
    return Response(err.status, orjson.dumps([item]), [("content-type", JSON_CT)])


def json_response(data: Any, status: int = 200) -> Response:
    return Response(status, orjson.dumps(data), [("content-type", JSON_CT)])
