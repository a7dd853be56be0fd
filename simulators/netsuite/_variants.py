"""Answers NetSuite's documentation leaves open, one named setting each (docs/vendor-variants.md).

Each setting takes a string from the tuples below; the first value is the default.
"""

from __future__ import annotations

from simulators.engine import HttpError

from ._errors import invalid_header, invalid_login, sss_request_limit_exceeded

#: a request over the account's concurrency limit. Oracle documents only RESTlets (400
#: SSS_REQUEST_LIMIT_EXCEEDED) and SOAP (WS_REQUEST_BLOCKED); integrators report 429 for REST
#: web services, and users report 401 INVALID_LOGIN under load (julbrs/netsuite-api-client #26).
CONCURRENCY_RESPONSES = ("too_many_requests", "invalid_login", "request_limit_exceeded")
#: SuiteQL without ``Prefer: transient``: Oracle's examples always send it; no public source
#: shows the answer without it.
SUITEQL_TRANSIENT = ("reject", "accept")
#: ``X-NetSuite-Idempotency-Key`` on a synchronous request: Oracle ties the key to
#: asynchronous requests only; what a synchronous request with it does is undocumented.
SYNC_IDEMPOTENCY_KEY = ("ignore", "reject")


def check(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")


def concurrency_error(variant: str, code: str) -> HttpError:
    """The error a request over the concurrency limit gets under ``variant``."""
    if variant == "invalid_login":
        return invalid_login()
    if variant == "request_limit_exceeded":
        return sss_request_limit_exceeded(
            "Request limit exceeded. Too many concurrent requests.",
        )
    return HttpError(429, code, "Concurrent request limit exceeded. Request blocked.")


def sync_key_refused() -> HttpError:
    return invalid_header(
        "The header X-NetSuite-Idempotency-Key is supported only on asynchronous requests "
        "(Prefer: respond-async).",
        extra={"o:errorHeader": "X-NetSuite-Idempotency-Key"},
    )
