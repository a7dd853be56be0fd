"""Business Central's error codes, one factory each (the OData error document is in _wire).

Codes as the service sends them: learn.microsoft.com "Troubleshooting REST API/OData
calls" and the API v1.0 "Error Codes" table (BadRequest_*, Authentication_*,
Internal_*, Application_*); community reports for the ones marked in the README.
"""

from __future__ import annotations

from simulators.engine import HttpError


def bad_request(message: str) -> HttpError:
    """A request the OData layer refuses (body, option or value)."""
    return HttpError(400, "BadRequest", message)


def query_syntax(detail: str = "") -> HttpError:
    return HttpError(
        400, "BadRequest_NotFound", f"Bad Request - Error in query syntax. {detail}".strip()
    )


def unknown_property(name: str, entity: str) -> HttpError:
    return HttpError(
        400,
        "BadRequest_NotFound",
        f"Could not find a property named '{name}' on type 'Microsoft.NAV.{entity}'.",
    )


def resource_not_found(segment: str) -> HttpError:
    return HttpError(
        404, "BadRequest_ResourceNotFound", f"Resource not found for the segment '{segment}'."
    )


def unknown_name(message: str) -> HttpError:
    """A segment or function name the service does not know (BC sends 400 ``BadRequest_NotFound``)."""
    return HttpError(400, "BadRequest_NotFound", message)


def payload_too_large(limit: int) -> HttpError:
    return HttpError(413, "RequestEntityTooLarge", f"The request body exceeds {limit} bytes.")


def method_not_allowed(message: str) -> HttpError:
    return HttpError(405, "BadRequest_MethodNotAllowed", message)


def read_only(name: str) -> HttpError:
    return HttpError(400, "BadRequest_InvalidOperation", f"Control '{name}' is read-only.")


def missing_etag() -> HttpError:
    return HttpError(
        400,
        "BadRequest_InvalidToken",
        "Could not validate the client concurrency token required by the service. "
        "Please provide a valid token in the client request.",
    )


def entity_changed() -> HttpError:
    return HttpError(412, "Request_EntityChanged", "Another user has already changed the record.")


def record_not_found(message: str, status: int = 404) -> HttpError:
    return HttpError(status, "Internal_RecordNotFound", message)


def same_key_exists(message: str, status: int = 400) -> HttpError:
    return HttpError(status, "Internal_EntityWithSameKeyExists", message)


def string_too_long(length: int, limit: int, value: str) -> HttpError:
    return HttpError(
        400,
        "Application_StringExceededLength",
        f"The length of the string is {length}, but it must be less than or equal to {limit} "
        f"characters. Value: {value}",
    )


def dialog(message: str) -> HttpError:
    """An application error raised by the business logic (an AL Error dialog)."""
    return HttpError(400, "Application_DialogException", message)


def invalid_credentials() -> HttpError:
    return HttpError(
        401,
        "Authentication_InvalidCredentials",
        "The server has rejected the client credentials.",
        headers={
            "www-authenticate": 'Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", '
            'error="invalid_token", error_description="The authentication failed"'
        },
    )


def no_environment(env: str) -> HttpError:
    return HttpError(404, "NoEnvironment", f"Environment '{env}' does not exist for the tenant.")


def throttled(code: str, why: str) -> HttpError:
    return HttpError(429, code, f"Too Many Requests. {why}")
