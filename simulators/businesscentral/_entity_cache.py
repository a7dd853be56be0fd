"""Answers to reads of one entity by id, kept in the store's read cache.

``GET companies({id})/{set}({id})`` without query options is an integration's commonest
call, and its answer depends only on the record and on the ``@odata.context`` URL the
request spelled (host, tenant and environment as given, company and entity set). So the
first answer's body and ETag are kept per record under that context URL, and the store
drops them on any write of the record (rollback, reset and restore included). A request
with query options, or through a parent's navigation property, is answered as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from simulators.engine import Request, Response, Tenant

from ._edm import BY_SET, COMPANY_SETS, ENTITIES, EntityDef
from ._wire import JSON_CT

#: ``companies({id})/{set}({id})`` with bare GUIDs: the only path form answered from the
#: cache (a quoted key or ``id=`` goes the long way, and is kept under the bare form)
_ENTITY_PATH = re.compile(
    r"companies\(([0-9A-Fa-f-]{36})\)/([A-Za-z][A-Za-z0-9.]*)\(([0-9A-Fa-f-]{36})\)"
)
#: entity set paths remembered per tenant (``TenantState.entity_paths``)
_KNOWN_PATHS = 256


def keyed_entity(set_name: str) -> EntityDef | None:
    """The entity a company's entity set names when a key follows it (None: no such set)."""
    if set_name == "journals":  # general journal batches: the customer payment journals
        return ENTITIES["customerPaymentJournal"]
    if set_name not in COMPANY_SETS:
        return None
    return BY_SET[set_name]


def context_url(root: str, company: str, set_name: str) -> str:
    """The ``@odata.context`` of one entity read at ``companies({company})/{set_name}({id})``."""
    return f"{root}/$metadata#companies({company})/{set_name}/$entity"


def cached(req: Request, tenant: Tenant, root_of: Callable[[Request], str]) -> Response | None:
    """The kept answer for a plain GET of one entity, or None (answer it the long way).

    The path up to the key's parenthesis, beside the server's base URL, names the entity type
    and the ``@odata.context`` (``root_of``: the service root as the request spelled it) of
    every record read through it: remembered per tenant, so a repeated read builds no URL."""
    head, _, tail = req.path.rpartition("(")
    if not tail.endswith(")"):
        return None
    known = tenant.state.entity_paths  # ``state_of``, inline
    where = (req.base_url, head)
    found = known.get(where)
    if found is None:
        m = _ENTITY_PATH.fullmatch(req.params.get("rest", "").strip("/"))
        if m is None:
            return None
        company, set_name, _key = m.groups()
        ent = keyed_entity(set_name)
        if ent is None:
            return None
        if len(known) >= _KNOWN_PATHS:
            known.clear()
        found = known[where] = (ent.name, context_url(root_of(req), company.lower(), set_name))
    # a key that is no bare GUID, or names no record read before, finds no answer kept
    hit = tenant.store.read_cache.get(found[0], tail[:-1].lower(), found[1])
    if hit is None:
        return None
    body, tag = hit
    return Response(200, body, [("content-type", JSON_CT), ("odata-version", "4.0"), ("etag", tag)])


def keep(tenant: Tenant, ent: EntityDef, record_id: str, context: str, resp: Response) -> None:
    """Keep the answer to a plain GET of one entity (its body and ETag) for the next one."""
    tag = next(v for k, v in resp.headers if k == "etag")
    tenant.store.read_cache.put(ent.name, record_id, context, (resp.body, tag))
