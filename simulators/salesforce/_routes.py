"""Salesforce's routes: OAuth and SOAP login, REST, queries, composite; streaming and bulk add theirs."""

from __future__ import annotations

from simulators.engine import OPTIONAL_SLASH as SLASH
from simulators.engine import Router

from ._auth import SalesforceAuth
from ._composite import CompositeResources
from ._query import QueryResources
from ._rest import RestResources
from .bulk1 import Bulk1
from .bulk2 import Bulk2
from .streaming import Streaming


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
    """Register every route on ``r``; ``suffixes=SLASH`` serves a path with and without ``/``."""
    a, q, c = auth, queries, composite
    r.add("POST", "/services/oauth2/token", a.token, auth=False, name="oauth2.token")
    r.add("POST", "/services/oauth2/revoke", a.revoke, auth=False, name="oauth2.revoke")
    r.add("POST", "/services/Soap/u/{version}", a.soap_login, auth=False, name="soap.login")
    r.add("GET", "/id/{org}/{user}", a.identity, auth=False, name="identity")
    r.add("GET", "/services/data", rest.versions, auth=False, name="versions", suffixes=SLASH)
    v = "/services/data/v{version}"
    r.add("GET", f"{v}", rest.resources, name="resources", suffixes=SLASH)
    r.add("GET", f"{v}/limits", rest.limits, name="limits", suffixes=SLASH)
    r.add("GET", f"{v}/sobjects", rest.describe_global, name="describeGlobal", suffixes=SLASH)
    r.add("GET", f"{v}/query", q.query, name="query", suffixes=SLASH)
    r.add("GET", f"{v}/query/{{locator}}", q.next_page, name="query.next")
    r.add("GET", f"{v}/queryAll", q.query_all, name="queryAll", suffixes=SLASH)
    r.add("GET", f"{v}/queryAll/{{locator}}", q.next_page, name="queryAll.next")
    r.add("GET", f"{v}/search", q.search, name="search", suffixes=SLASH)
    r.add("POST", f"{v}/composite", c.composite, name="composite", suffixes=SLASH)
    r.add("POST", f"{v}/composite/batch", c.batch, name="composite.batch")
    r.add("POST", f"{v}/composite/tree/{{sobject}}", c.tree, name="composite.tree")
    r.add("POST", f"{v}/composite/sobjects", c.create, name="collections.create")
    r.add("PATCH", f"{v}/composite/sobjects", c.update, name="collections.update")
    r.add("DELETE", f"{v}/composite/sobjects", c.delete, name="collections.delete")
    r.add("GET", f"{v}/composite/sobjects/{{sobject}}", c.retrieve, name="collections.retrieve")
    r.add(
        "PATCH",
        f"{v}/composite/sobjects/{{sobject}}/{{field}}",
        c.upsert,
        name="collections.upsert",
    )
    s = f"{v}/sobjects/{{sobject}}"
    r.add("GET", f"{s}", rest.sobject_info, name="sobject", suffixes=SLASH)
    r.add("POST", f"{s}", rest.create, name="sobject.create", suffixes=SLASH)
    r.add("GET", f"{s}/describe", rest.describe, name="sobject.describe", suffixes=SLASH)
    r.add("GET", f"{s}/updated", rest.updated, name="sobject.updated", suffixes=SLASH)
    r.add("GET", f"{s}/deleted", rest.deleted, name="sobject.deleted", suffixes=SLASH)
    r.add("GET", f"{s}/{{id}}", rest.get, name="sobject.get")
    r.add("PATCH", f"{s}/{{id}}", rest.update, name="sobject.update")
    r.add("DELETE", f"{s}/{{id}}", rest.delete, name="sobject.delete")
    r.add("GET", f"{s}/{{field}}/{{value}}", rest.by_external_id, name="sobject.getByExternalId")
    r.add("PATCH", f"{s}/{{field}}/{{value}}", rest.upsert, name="sobject.upsert")
    r.add(
        "DELETE",
        f"{s}/{{field}}/{{value}}",
        rest.delete_by_external_id,
        name="sobject.deleteByExternalId",
    )
    streaming.routes(r)
    bulk1.routes(r)
    bulk2.routes(r)
