"""Salesforce's routes: OAuth and SOAP login, REST, queries, composite; streaming and bulk add theirs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulators.engine import OPTIONAL_SLASH as SLASH
from simulators.engine import Request, Router

from ._auth import SalesforceAuth
from ._composite import CompositeResources
from ._query import QueryResources
from ._rest import RestResources
from .bulk1 import Bulk1
from .bulk2 import Bulk2
from .streaming import Streaming

#: a path served in one form only
ONE = ("",)
#: a route: method, path pattern, handler, name (journal, fault rules), suffixes
_Row = tuple[str, str, Callable[[Request], Any], str, tuple[str, ...]]


def add_routes(
    r: Router,
    auth: SalesforceAuth,
    rest: RestResources,
    queries: QueryResources,
    composite: CompositeResources,
    streaming: Streaming,
    bulk1: Bulk1,
    bulk2: Bulk2,
) -> None:
    """Register every route on ``r``, in the tables' order (the first matching pattern wins);
    ``SLASH`` serves a path with and without a trailing ``/``. The first table takes no session."""
    a, q, c, x = auth, queries, composite, rest
    v = "/services/data/v{version}"
    cs = f"{v}/composite/sobjects"
    s = f"{v}/sobjects/{{sobject}}"
    ext = f"{s}/{{field}}/{{value}}"
    no_session: tuple[_Row, ...] = (
        ("POST", "/services/oauth2/token", a.token, "oauth2.token", ONE),
        ("POST", "/services/oauth2/revoke", a.revoke, "oauth2.revoke", ONE),
        ("POST", "/services/Soap/u/{version}", a.soap_login, "soap.login", ONE),
        ("GET", "/id/{org}/{user}", a.identity, "identity", ONE),
        ("GET", "/services/data", x.versions, "versions", SLASH),
    )
    api: tuple[_Row, ...] = (
        ("GET", v, x.resources, "resources", SLASH),
        ("GET", f"{v}/limits", x.limits, "limits", SLASH),
        ("GET", f"{v}/sobjects", x.describe_global, "describeGlobal", SLASH),
        ("GET", f"{v}/query", q.query, "query", SLASH),
        ("GET", f"{v}/query/{{locator}}", q.next_page, "query.next", ONE),
        ("GET", f"{v}/queryAll", q.query_all, "queryAll", SLASH),
        ("GET", f"{v}/queryAll/{{locator}}", q.next_page, "queryAll.next", ONE),
        ("GET", f"{v}/search", q.search, "search", SLASH),
        ("POST", f"{v}/composite", c.composite, "composite", SLASH),
        ("POST", f"{v}/composite/batch", c.batch, "composite.batch", ONE),
        ("POST", f"{v}/composite/tree/{{sobject}}", c.tree, "composite.tree", ONE),
        ("POST", cs, c.create, "collections.create", ONE),
        ("PATCH", cs, c.update, "collections.update", ONE),
        ("DELETE", cs, c.delete, "collections.delete", ONE),
        ("GET", f"{cs}/{{sobject}}", c.retrieve, "collections.retrieve", ONE),
        ("PATCH", f"{cs}/{{sobject}}/{{field}}", c.upsert, "collections.upsert", ONE),
        ("GET", s, x.sobject_info, "sobject", SLASH),
        ("POST", s, x.create, "sobject.create", SLASH),
        ("GET", f"{s}/describe", x.describe, "sobject.describe", SLASH),
        ("GET", f"{s}/updated", x.updated, "sobject.updated", SLASH),
        ("GET", f"{s}/deleted", x.deleted, "sobject.deleted", SLASH),
        ("GET", f"{s}/{{id}}", x.get, "sobject.get", ONE),
        ("PATCH", f"{s}/{{id}}", x.update, "sobject.update", ONE),
        ("DELETE", f"{s}/{{id}}", x.delete, "sobject.delete", ONE),
        ("GET", ext, x.by_external_id, "sobject.getByExternalId", ONE),
        ("PATCH", ext, x.upsert, "sobject.upsert", ONE),
        ("DELETE", ext, x.delete_by_external_id, "sobject.deleteByExternalId", ONE),
    )
    for method, path, handler, name, suffixes in no_session:
        r.add(method, path, handler, auth=False, name=name, suffixes=suffixes)
    for method, path, handler, name, suffixes in api:
        r.add(method, path, handler, name=name, suffixes=suffixes)
    streaming.routes(r)
    bulk1.routes(r)
    bulk2.routes(r)
