"""Who may call the admin API: the admin token, the Host header and browser origins.

The admin API hands out every tenant's credentials and can wipe data, so:

- with an admin token configured, every admin call must carry ``Authorization: Bearer <token>``;
- the ``Host`` header must name loopback, the bound address or an allowed (advertised) host,
  which defeats DNS rebinding;
- a browser's cross-origin request (``Origin`` of another host, ``Sec-Fetch-Site:
  cross-site``) and the CORS "simple" content types a page can POST without a preflight
  (``text/plain``, forms) are refused.
"""

from __future__ import annotations

import hmac
import ipaddress
import sys
from collections.abc import Iterable
from urllib.parse import urlsplit

from ._errors import HttpError
from ._http import Request

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
_SIMPLE_CONTENT_TYPES = ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def host_of(value: str) -> str:
    """The host name of a Host header or an origin, lower case, without port or brackets."""
    value = value.strip().lower()
    if "://" in value:
        value = urlsplit(value).netloc
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value[1:]
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


def is_loopback_host(host: str) -> bool:
    h = host_of(host)
    if h in LOOPBACK_NAMES or h.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str) -> str | None:
    """One line to print when a simulator listens beyond loopback, else None."""
    if is_loopback_host(host):
        return None
    return (
        f"warning: listening on {host}, not loopback: the vendor APIs and the admin API are "
        "reachable from the network (the admin API needs the admin token and an allowed Host)"
    )


def warn_if_exposed(host: str) -> None:
    line = exposure_warning(host)
    if line is not None:
        print(line, file=sys.stderr, flush=True)


class AdminGuard:
    """Checks one admin request; ``check`` raises HttpError(401/403) when it must be refused."""

    def __init__(self, token: str | None, allowed_hosts: Iterable[str] = ()) -> None:
        self.token = token or None
        self.allowed_hosts = frozenset(host_of(h) for h in allowed_hosts if h)

    def host_allowed(self, host: str, bound_url: str) -> bool:
        h = host_of(host)
        if not h or is_loopback_host(h) or h in self.allowed_hosts:
            return True
        bound = (urlsplit(bound_url).hostname or "").lower() if bound_url else ""
        return bool(bound) and h == bound and bound not in ("0.0.0.0", "::")

    def check(self, req: Request, bound_url: str) -> None:
        headers = req.headers
        host = headers.get("host", "")
        if host and not self.host_allowed(host, bound_url):
            raise HttpError(
                403,
                "FORBIDDEN_HOST",
                f"the admin API does not answer for Host {host_of(host)!r}; allowed: loopback, "
                "the bound address and the simulator's allowed hosts (--allow-host)",
            )
        origin = headers.get("origin")
        if origin is not None and (origin == "null" or not self.host_allowed(origin, bound_url)):
            raise HttpError(
                403,
                "FORBIDDEN_ORIGIN",
                f"cross-origin admin requests are refused (Origin {origin})",
            )
        if headers.get("sec-fetch-site") == "cross-site":
            raise HttpError(403, "FORBIDDEN_ORIGIN", "cross-site admin requests are refused")
        if req.method in _BODY_METHODS and req.body:
            ctype = headers.get("content-type", "").split(";", 1)[0].strip().lower()
            if ctype in _SIMPLE_CONTENT_TYPES:
                raise HttpError(
                    415,
                    "UNSUPPORTED_MEDIA_TYPE",
                    f"admin request bodies must be JSON (Content-Type: application/json), got {ctype}",
                )
        if self.token is not None:
            auth = headers.get("authorization", "")
            given = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
            if not given or not hmac.compare_digest(given.encode(), self.token.encode()):
                raise HttpError(
                    401,
                    "UNAUTHORIZED",
                    "the admin API needs the admin token: send 'Authorization: Bearer <token>' "
                    "with the admin_token of the endpoints file (or the simulator's --admin-token)",
                    headers={"www-authenticate": 'Bearer realm="simulator admin"'},
                )
