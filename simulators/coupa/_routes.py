"""The Core API's routes as one table: (method, pattern, handler, name)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from simulators.engine import Request, Response, Router

from ._auth import CoupaAuth
from ._rest import RESOURCES, Handlers

Handler = Callable[[Request], Response]
ACTIONS = {"purchase_orders": ("issue", "cancel", "close"), "invoices": ("submit", "void")}


def route_table(handlers: Handlers, auth: CoupaAuth) -> list[tuple[str, str, Handler, str, bool]]:
    """Every route: (method, pattern, handler, name, needs a bearer token)."""
    table: list[tuple[str, str, Handler, str, bool]] = [
        ("POST", "/oauth2/token", auth.token, "oauth2.token", False),
    ]
    for res in RESOURCES:
        c = res.collection
        table += [
            ("GET", f"/api/{c}", partial(handlers.list, res=res), f"{c}.query", True),
            ("POST", f"/api/{c}", partial(handlers.create, res=res), f"{c}.create", True),
            ("GET", f"/api/{c}/{{id}}", partial(handlers.show, res=res), f"{c}.show", True),
            ("PUT", f"/api/{c}/{{id}}", partial(handlers.update, res=res), f"{c}.update", True),
        ]
        for action in ACTIONS.get(c, ()):
            table.append(
                (
                    "PUT",
                    f"/api/{c}/{{id}}/{action}",
                    partial(handlers.action, res=res, action=action),
                    f"{c}.{action}",
                    True,
                )
            )
    return table


def add_routes(router: Router, handlers: Handlers, auth: CoupaAuth) -> None:
    for method, pattern, handler, name, needs_auth in route_table(handlers, auth):
        router.add(method, pattern, handler, auth=needs_auth, name=name)
