"""NetSuite's error codes, each named once.

NetSuite's REST web services answer an error with ``{"type", "title", "status",
"o:errorDetails": [{"detail", "o:errorCode", ...}]}``; ``_wire.error_response`` renders
it, taking ``o:errorPath``, ``o:errorQueryParam`` and ``o:urlPath`` from ``extra``. A
handler raises one of these instead of spelling a code and status inline, so a search
for a code lands here.
"""

from __future__ import annotations

from typing import Unpack

from simulators.engine import ErrorDetail, HttpError

from ._wire import INVALID_LOGIN_DETAIL


def idempotency_error(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """An idempotency key already used for a different request."""
    return HttpError(400, "IDEMPOTENCY_ERROR", message, **detail)


def invalid_content(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A body or field value the record cannot take."""
    return HttpError(400, "INVALID_CONTENT", message, **detail)


def invalid_header(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A request header whose value NetSuite does not accept."""
    return HttpError(400, "INVALID_HEADER", message, **detail)


def invalid_id(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A record id that is not a valid internal id."""
    return HttpError(400, "INVALID_ID", message, **detail)


def invalid_input(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """Admin input of the wrong type."""
    return HttpError(400, "INVALID_INPUT", message, **detail)


def invalid_login() -> HttpError:
    """Missing, expired or wrong credentials: one message whatever the cause, as NetSuite says."""
    return HttpError(
        401, "INVALID_LOGIN", INVALID_LOGIN_DETAIL, headers={"www-authenticate": "OAuth realm"}
    )


def invalid_parameter(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A query parameter (q, fields, limit, SuiteQL) NetSuite cannot use."""
    return HttpError(400, "INVALID_PARAMETER", message, **detail)


def method_not_allowed(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A path served, but not with this method."""
    return HttpError(405, "METHOD_NOT_ALLOWED", message, **detail)


def nonexistent_id(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """No record, record type, sublist, job or path with that name."""
    return HttpError(404, "NONEXISTENT_ID", message, **detail)


def not_acceptable(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """An Accept header the metadata catalog cannot answer."""
    return HttpError(406, "INVALID_HEADER", message, **detail)


def request_entity_too_large(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A body over the size NetSuite accepts."""
    return HttpError(413, "REQUEST_ENTITY_TOO_LARGE", message, **detail)


def sss_request_limit_exceeded(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """The account's concurrency limit answered the older way (400)."""
    return HttpError(400, "SSS_REQUEST_LIMIT_EXCEEDED", message, **detail)


def user_error(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A write the record's business rules refuse."""
    return HttpError(400, "USER_ERROR", message, **detail)
