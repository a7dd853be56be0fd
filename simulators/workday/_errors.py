"""Workday's errors, each named once.

Workday's REST error model is ``{"error": summary, "errors": [{"error", "field"}]}``, where
the summary ("invalid request", "Resource not found", ...) travels as ``HttpError.code``;
the token endpoint answers RFC 6749 ``{"error", "error_description"}`` instead. Both are
rendered by ``_wire.error_response``. A handler raises one of these instead of spelling a
status and summary inline.
"""

from __future__ import annotations

from simulators.engine import HttpError


def invalid(message: str, field: str | None = None) -> HttpError:
    """400 with one validation error."""
    return HttpError(400, "invalid request", message, fields=[field] if field else None)


def unauthorized(message: str = "Invalid access token") -> HttpError:
    """401 for a missing, unknown, expired or revoked bearer token."""
    challenge = {"www-authenticate": 'Bearer realm="Workday", error="invalid_token"'}
    return HttpError(401, "Invalid access token", message, headers=challenge)


def invalid_credentials() -> HttpError:
    """401 for Basic credentials (RaaS, SOAP) that name no integration system user."""
    return HttpError(
        401,
        "Invalid username or password",
        "Invalid username or password",
        headers={"www-authenticate": 'Basic realm="Workday"'},
    )


def not_found(message: str = "Resource not found") -> HttpError:
    """404: no such resource, worker, report or API version."""
    return HttpError(404, "Resource not found", message)


def method_not_allowed(method: str) -> HttpError:
    """405: a path served, but not with this method."""
    return HttpError(
        405, "Method not allowed", f"HTTP method {method} is not allowed on this resource"
    )


def payload_too_large(limit: int) -> HttpError:
    """413: a body over the size the simulator accepts."""
    return HttpError(413, "Request entity too large", f"The request body exceeds {limit} bytes")


def too_many_requests() -> HttpError:
    """429: the tenant's request rate is used up (the caller adds Retry-After)."""
    return HttpError(429, "Too many requests", "The request rate limit was exceeded. Retry later.")


def oauth_error(
    status: int, error: str, description: str, headers: dict[str, str] | None = None
) -> HttpError:
    """An RFC 6749 error of the token endpoint (``invalid_grant``, ``invalid_client``...)."""
    return HttpError(status, error, description, headers=headers, extra={"oauth": True})
