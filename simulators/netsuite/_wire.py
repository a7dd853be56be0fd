"""NetSuite wire formats: the error document, JSON responses and timestamps."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson

from simulators.engine import HttpError, Response, parse_iso_datetime

JSON_CT = "application/json; charset=UTF-8"
COLLECTION_CT = "application/vnd.oracle.resource+json; type=collection; charset=UTF-8"
SINGULAR_CT = "application/vnd.oracle.resource+json; type=singular; charset=UTF-8"
ERROR_CT = "application/vnd.oracle.resource+json; type=error; charset=UTF-8"

_RFC = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html"
_STATUS: dict[int, tuple[str, str]] = {
    400: (f"{_RFC}#sec10.4.1", "Bad Request"),
    401: (_RFC, "Unauthorized"),  # Oracle's 401 example has no fragment
    403: (f"{_RFC}#sec10.4.4", "Forbidden"),
    404: (f"{_RFC}#sec10.4.5", "Not Found"),
    405: (f"{_RFC}#sec10.4.6", "Method Not Allowed"),
    406: (f"{_RFC}#sec10.4.7", "Not Acceptable"),
    409: (f"{_RFC}#sec10.4.10", "Conflict"),
    410: (f"{_RFC}#sec10.4.11", "Gone"),
    413: (f"{_RFC}#sec10.4.14", "Request Entity Too Large"),
    415: (f"{_RFC}#sec10.4.16", "Unsupported Media Type"),
    429: ("https://tools.ietf.org/html/rfc6585#section-4", "Too Many Requests"),
    500: (f"{_RFC}#sec10.5.1", "Internal Server Error"),
    502: (f"{_RFC}#sec10.5.3", "Bad Gateway"),
    503: (f"{_RFC}#sec10.5.4", "Service Unavailable"),
    504: (f"{_RFC}#sec10.5.5", "Gateway Timeout"),
}

#: engine error codes translated to NetSuite's
_CODE_MAP = {
    "JSON_PARSER_ERROR": "INVALID_CONTENT",
    "UNKNOWN_EXCEPTION": "UNEXPECTED_ERROR",
    "BAD_REQUEST": "USER_ERROR",
    "INVALID_SESSION_ID": "INVALID_LOGIN",
    "INVALID_INPUT": "USER_ERROR",
    "TOO_MANY_REQUESTS": "CONCURRENCY_LIMIT_EXCEEDED",
    "NOT_FOUND": "NONEXISTENT_ID",
}

INVALID_LOGIN_DETAIL = (
    "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at "
    "Setup > Users/Roles > User Management > View Login Audit Trail."
)


def status_type(status: int) -> tuple[str, str]:
    return _STATUS.get(status, (_RFC, "Error"))


#: codes Oracle shows with another title than their status's (IDEMPOTENCY_ERROR: "HTTP 400
#: Conflict", ns-online-help subsect_164494900632)
_TITLE_BY_CODE = {"IDEMPOTENCY_ERROR": (f"{_RFC}#sec10.4.10", "Conflict")}


def error_body(err: HttpError) -> dict[str, Any]:
    type_url, title = _TITLE_BY_CODE.get(err.code) or status_type(err.status)
    detail: dict[str, Any] = {
        "detail": err.message,
        "o:errorCode": _CODE_MAP.get(err.code, err.code),
    }
    detail.update(err.extra)
    return {"type": type_url, "title": title, "status": err.status, "o:errorDetails": [detail]}


def error_response(err: HttpError) -> Response:
    return Response(err.status, orjson.dumps(error_body(err)), [("content-type", ERROR_CT)])


def json_response(
    data: Any,
    status: int = 200,
    content_type: str = SINGULAR_CT,
    headers: list[tuple[str, str]] | None = None,
) -> Response:
    h = [("content-type", content_type)]
    if headers:
        h.extend(headers)
    return Response(status, orjson.dumps(data), h)


def ns_datetime(ts: float) -> str:
    """NetSuite REST's datetime form: 2024-01-05T10:00:00Z (UTC, whole seconds)."""
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ns_date(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


def parse_datetime(value: str) -> datetime | None:
    """ISO 8601 date or datetime, or NetSuite's M/D/YYYY [h:mm[:ss] [am|pm]] form; None if neither."""
    v = value.strip()
    if not v:
        return None
    if "/" in v:
        return _parse_us(v)
    return parse_iso_datetime(v)


def _parse_us(v: str) -> datetime | None:
    for fmt in (
        "%m/%d/%Y %I:%M:%S %p",
        "%m/%d/%Y %I:%M %p",
        "%m/%d/%Y %H:%M:%S",
        "%m/%d/%Y %H:%M",
        "%m/%d/%Y",
    ):
        try:
            return datetime.strptime(v.upper(), fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def has_time(value: str) -> bool:
    v = value.strip()
    return ("T" in v or " " in v or ":" in v) and len(v) > 10


def iso_dt(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
