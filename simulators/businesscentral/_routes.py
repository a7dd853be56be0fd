"""Business Central's routes: the token and discovery endpoints, and the API under both path forms."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from simulators.engine import Request, Response, Router

from ._auth import DISCOVERY_PATH, TOKEN_PATH, BusinessCentralAuth


def add_routes(
    r: Router,
    auth: BusinessCentralAuth,
    api: Callable[[Request], Response | Awaitable[Response]],
) -> None:
    """Register every route on ``r``; ``api`` resolves an API path to its resource."""
    r.add("POST", TOKEN_PATH, auth.token, auth=False, name="oauth2.token")
    r.add("GET", DISCOVERY_PATH, auth.discovery, auth=False, name="oidc.discovery")
    methods = ("GET", "POST", "PATCH", "DELETE", "PUT")
    r.add(methods, "/v2.0/{tenant}/{env}/api/v2.0/{rest:path}", api, name="api")
    r.add(methods, "/v2.0/{tenant}/{env}/api/v2.0/", api, name="api.root")
    r.add(methods, "/v2.0/{env}/api/v2.0/{rest:path}", api, name="api")
    r.add(methods, "/v2.0/{env}/api/v2.0/", api, name="api.root")
