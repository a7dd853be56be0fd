"""Kantata's routes as a table: OAuth, the named actions, and each catalogued collection's."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from simulators.engine import Request, Response, Router

from ._auth import KantataAuth
from ._limits import report_unserved
from ._model import Catalog, Resource
from ._rest import Handlers

API = "/api/v1"
#: every Kantata path is served with and without its ``.json`` format extension
JSON = (".json", "")


def add_routes(r: Router, handlers: Handlers, auth: KantataAuth, catalog: Catalog) -> None:
    """Register every route on ``r``; a limited endpoint no route serves is reported."""
    h, a = handlers, auth
    r.add("POST", "/oauth/token", a.token, auth=False, name="oauth.token")
    r.add("GET", "/oauth/authorize", a.authorize, auth=False, name="oauth.authorize")
    r.add("GET", f"{API}/users/me", h.me, name="users.me", suffixes=JSON)
    r.add(
        "POST",
        f"{API}/external_references/create_or_update",
        h.external_reference,
        name="external_references.create_or_update",
        suffixes=JSON,
    )
    r.add(
        "GET",
        f"{API}/subscribed_events/event_types",
        h.event_types,
        name="subscribed_events.event_types",
        suffixes=JSON,
    )
    for path, kind in (
        ("timesheet_approvals", "approval"),
        ("timesheet_rejections", "rejection"),
        ("timesheet_cancellations", "cancellation"),
    ):
        r.add("POST", f"{API}/{path}", _bind1(h.resolution, kind), name=path, suffixes=JSON)
    for res in catalog:
        _resource_routes(r, handlers, res)
    report_unserved(route.name for route in r.routes)


def _resource_routes(r: Router, handlers: Handlers, res: Resource) -> None:
    h = handlers
    c = res.collection
    one = f"{API}/{c}/{{id}}"
    if "list" in res.ops:
        r.add("GET", f"{API}/{c}", _bind_async(h.list, res), name=f"{c}.list", suffixes=JSON)
    if "create" in res.ops:
        r.add("POST", f"{API}/{c}", _bind(h.create, res), name=f"{c}.create", suffixes=JSON)
    if c == "time_entries":
        r.add(
            "DELETE",
            f"{API}/{c}",
            _bind(h.bulk_delete, res),
            name=f"{c}.bulk_delete",
            suffixes=JSON,
        )
    if "get" in res.ops:
        r.add("GET", one, _bind(h.show, res), name=f"{c}.show", suffixes=JSON)
    if "update" in res.ops:
        r.add(("PUT", "PATCH"), one, _bind(h.update, res), name=f"{c}.update", suffixes=JSON)
    if "delete" in res.ops:
        r.add("DELETE", one, _bind(h.delete, res), name=f"{c}.delete", suffixes=JSON)


def _bind(
    fn: Callable[[Request, Resource], Response], res: Resource
) -> Callable[[Request], Response]:
    def handler(req: Request) -> Response:
        return fn(req, res)

    return handler


def _bind_async(
    fn: Callable[[Request, Resource], Awaitable[Response]], res: Resource
) -> Callable[[Request], Awaitable[Response]]:
    async def handler(req: Request) -> Response:
        return await fn(req, res)

    return handler


def _bind1(fn: Callable[[Request, str], Response], arg: str) -> Callable[[Request], Response]:
    def handler(req: Request) -> Response:
        return fn(req, arg)

    return handler
