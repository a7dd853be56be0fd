"""Kantata's errors, each named once.

Kantata OX answers an error with ``{"errors": [{"type", "message"[, "field"]}]}``, where
``type`` is one of ``system``, ``syntax``, ``validation`` or ``oauth``; the engine's
``HttpError.code`` carries that type and ``_wire.error_body`` renders it. A handler raises
one of these instead of spelling a status and type inline.
"""

from __future__ import annotations

from simulators.engine import HttpError


def bad_request(message: str) -> HttpError:
    """400: a parameter or filter Kantata cannot use."""
    return HttpError(400, "system", message)


def syntax_error(message: str) -> HttpError:
    """400 ``syntax``: a body that is not the JSON object Kantata expects."""
    return HttpError(400, "syntax", message)


def invalid_oauth_request(description: str, error: str | None = None) -> HttpError:
    """401 ``Invalid OAuth 2 Request``; the Bearer challenge says what was wrong."""
    challenge = 'Bearer realm="Kantata OX", ' + (f'error="{error}", ' if error else "")
    return HttpError(
        401,
        "oauth",
        "Invalid OAuth 2 Request",
        headers={"www-authenticate": f'{challenge}error_description="{description}"'},
    )


def not_found(message: str = "Not found") -> HttpError:
    """404: no such record or path."""
    return HttpError(404, "system", message)


def method_not_allowed(method: str, path: str) -> HttpError:
    """405: a path served, but not with this method."""
    return HttpError(405, "system", f"Method {method} is not allowed for {path}")


def payload_too_large(limit: int) -> HttpError:
    """413: a body over the size the simulator accepts."""
    return HttpError(413, "system", f"The request body exceeds the maximum size of {limit} bytes")


def validation_error(messages: list[tuple[str | None, str]]) -> HttpError:
    """422 with one Kantata validation error per (field, message)."""
    items = [{"message": m, **({"field": f} if f else {})} for f, m in messages]
    return HttpError(422, "validation", items[0]["message"], extra={"errors": items})


def rate_limited() -> HttpError:
    """429: the account's or the endpoint's request budget is used up."""
    return HttpError(429, "system", "Rate limit exceeded. Please retry your request later.")


def query_too_slow() -> HttpError:
    """503: a list query that ran past its time budget."""
    return HttpError(
        503, "system", "The request took too long to process; narrow the filters and try again."
    )
