"""Coupa's errors, named once.

Coupa answers an error with ``<errors><error>message</error></errors>`` (XML) and, in
JSON, ``{"errors": {"error": ["message"]}}``; the status says what kind it is (400 bad
request, 401 without a valid token, 403 for a scope the client lacks, 404 no such
record, 422 a validation failure, 429 over the rate limit).
"""

from __future__ import annotations

from simulators.engine import HttpError


def unauthorized() -> HttpError:
    return HttpError(401, "unauthorized", "401: Unauthorized")


def forbidden(scope: str) -> HttpError:
    return HttpError(403, "forbidden", f"The client lacks the scope {scope}")


def not_found(resource: str, rid: str) -> HttpError:
    return HttpError(404, "not_found", f"Couldn't find {resource} with 'id'={rid}")


def bad_request(message: str) -> HttpError:
    return HttpError(400, "bad_request", message)


def invalid(message: str) -> HttpError:
    return HttpError(422, "invalid", message)


def rate_limited(retry_after: float) -> HttpError:
    return HttpError(
        429,
        "rate_limited",
        "Rate limit exceeded: 25 requests per second",
        headers={"Retry-After": str(max(1, round(retry_after)))},
    )
