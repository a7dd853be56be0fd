"""Business Central's wire formats: OData error bodies, JSON responses, ETags and values.

Errors are OData v4 error documents, ``{"error": {"code": "BadRequest_NotFound",
"message": "...  CorrelationId:  <guid>."}}``; messages end with the correlation id the
way the service appends it. Blank values are Business Central's own: ``""`` for text,
``0`` for numbers, ``0001-01-01`` for dates and the nil GUID for references.
"""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime
from typing import Any

import orjson

from simulators.engine import HttpError, Response

JSON_CT = "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8"
NIL_GUID = "00000000-0000-0000-0000-000000000000"
BLANK_DATE = "0001-01-01"
BLANK_DATETIME = "0001-01-01T00:00:00Z"
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


def etag(version: int, record_id: str) -> str:
    """A weak ETag shaped like Business Central's (base64 of a quoted row version)."""
    token = base64.b64encode(f"'{version};{record_id[:8]}{version % 97:02d};00;'".encode()).decode()
    return f'W/"{token}"'


def bc_datetime(ts: float) -> str:
    """DateTimeOffset as Business Central writes it: UTC with milliseconds."""
    dt = datetime.fromtimestamp(ts, UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def bc_date(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


def new_guid() -> str:
    return str(uuid.uuid4())


def is_guid(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def blank(edm_type: str) -> Any:
    """The value Business Central returns for a property never set."""
    if edm_type == "Edm.String":
        return ""
    if edm_type in ("Edm.Decimal", "Edm.Int32", "Edm.Int64", "Edm.Double"):
        return 0
    if edm_type == "Edm.Boolean":
        return False
    if edm_type == "Edm.Date":
        return BLANK_DATE
    if edm_type == "Edm.DateTimeOffset":
        return BLANK_DATETIME
    if edm_type == "Edm.Guid":
        return NIL_GUID
    return ""


def money(value: float) -> float:
    """Amounts as the service rounds them (two decimals, integers without a fraction)."""
    v = round(float(value) + 0.0, 2)
    return int(v) if v == int(v) else v
