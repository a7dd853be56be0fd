"""The API v2.0 resource paths and their handlers.

Everything under ``/v2.0/{tenant}/{environment}/api/v2.0/`` (or ``/v2.0/{environment}/
api/v2.0/`` with the tenant taken from the token) is one OData service:

    companies[({id})]
    companies({id})/{entitySet}[({id})][/$count]
    companies({id})/{entitySet}({id})/{navigation}[({id})]
    companies({id})/salesInvoices({id})/Microsoft.NAV.post
    companies({id})/purchaseInvoices({id})/Microsoft.NAV.post
    companies({id})/salesCreditMemos({id})/Microsoft.NAV.post
    companies({id})/journals({id})/Microsoft.NAV.post
    subscriptions[('{id}')]
    $metadata

Collections answer ``{"@odata.context", "value": [...], "@odata.nextLink"?}``; single
entities carry ``@odata.context`` ending in ``/$entity`` and ``@odata.etag``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

import orjson

from simulators.engine import Request, Response, Tenant, json_path

from ._edm import BY_SET, COMPANY_SETS, DOCUMENT_LINES, ENTITIES, LINE_DOCUMENT, EntityDef
from ._entity_cache import keep, keyed_entity
from ._errors import bad_request, dialog, method_not_allowed, resource_not_found, unknown_name
from ._indexes import ensure_field, field_expr, read
from ._odata import QueryOptions, compile_filter, encode_skiptoken, parse_options
from ._records import COMPANY, SEQ, SEQ_PATH, Records, entity_head, new_entity_json, not_found
from ._render import etag_of, render
from ._state import state_of
from ._wire import JSON_CT, ODATA_HEADERS, json_response

if TYPE_CHECKING:
    from ._metadata import Metadata
    from ._rules import Rules
    from ._settings import BusinessCentralSettings

_SAFE = "$,()'"
_SEGMENT = re.compile(r"^([A-Za-z][A-Za-z0-9.]*)(?:\((.*)\))?$")
#: ``companies({id})/{set}[({id})]`` with bare GUIDs
_COMPANY_SET = re.compile(
    r"companies\(([0-9A-Fa-f-]{36})\)/([A-Za-z][A-Za-z0-9.]*)(?:\(([0-9A-Fa-f-]{36})\))?"
)

#: entity set paths remembered per tenant (``TenantState.collections``)
_KNOWN_PATHS = 256


def _key(raw: str | None) -> str | None:
    if raw is None:
        return None
    raw = raw.strip()
    if raw.startswith("'") and raw.endswith("'"):
        raw = raw[1:-1]
    if raw.startswith("id="):
        raw = raw[3:]
    return raw


#: a document entity as its error messages name it
_DOC_LABEL = {
    "salesInvoice": "sales invoice",
    "purchaseInvoice": "purchase invoice",
    "salesCreditMemo": "sales credit memo",
}


@dataclass(slots=True)
class Target:
    """What a resource path names."""

    kind: str  # service | metadata | batch | companies | company | collection | entity | count | action | subscriptions | subscription
    ent: EntityDef | None = None
    company: str | None = None
    key: str | None = None
    parent: tuple[EntityDef, dict[str, Any]] | None = None  # (parent type, parent record)
    action: str = ""
    context: str = ""  # the path after the service root, for @odata.context


class RestApi:
    """The OData service's handlers, built from the parts they use."""

    def __init__(
        self, records: Records, rules: Rules, metadata: Metadata, settings: BusinessCentralSettings
    ) -> None:
        self.records = records
        self.rules = rules
        self.metadata = metadata
        self.settings = settings
        #: (base URL, path) of a create -> its answers' ``@odata.context``, Location up to
        #: the new key, and JSON before the ETag (the same few paths take every create)
        self._created: dict[tuple[str, str], tuple[str, str, bytes]] = {}

    # -- paths -----------------------------------------------------------------------

    @staticmethod
    def root(req: Request) -> str:
        """The service root URL as the request spelled it."""
        p = req.params
        if "tenant" in p:
            return f"{req.base_url}/v2.0/{p['tenant']}/{p['env']}/api/v2.0"
        return f"{req.base_url}/v2.0/{p['env']}/api/v2.0"

    def resolve(self, req: Request, tenant: Tenant) -> Target:
        rest = req.params.get("rest", "").strip("/")
        known: dict[str, Target] = tenant.state.collections  # ``state_of``, inline
        target = known.get(rest)
        if target is not None:  # an entity set of a company resolved before (never changed)
            return target
        quick = _COMPANY_SET.fullmatch(rest)
        if quick is not None:  # the commonest paths, resolved as below but in one step
            company, sname, key = quick.groups()
            found = BY_SET.get(sname) if key is None else keyed_entity(sname)
            if found is not None and (key is not None or sname in COMPANY_SETS):
                cid = self.company(tenant, company)
                ctx = f"companies({cid})/{sname}"
                if key is None:
                    if len(known) >= _KNOWN_PATHS:
                        known.clear()
                    target = known[rest] = Target("collection", found, cid, context=ctx)
                    return target
                return Target("entity", found, cid, key=key, context=f"{ctx}/$entity")
        if rest in ("", "/"):
            return Target("service")
        if rest == "$metadata":
            return Target("metadata")
        if rest == "$batch":
            return Target("batch")
        segs = [s for s in rest.split("/") if s]
        m = _SEGMENT.match(segs[0])
        if m is None:
            raise resource_not_found(segs[0])
        name, key = m.group(1), _key(m.group(2))
        if name == "subscriptions":
            if len(segs) > 1:
                raise resource_not_found(segs[1])
            return Target("subscription" if key else "subscriptions", key=key)
        if name != "companies":
            if name in BY_SET:
                raise unknown_name(
                    f"The entity set '{name}' needs a company: use companies({{id}})/{name}.",
                )
            raise resource_not_found(name)
        if key is None:
            if len(segs) > 1:
                raise resource_not_found(segs[1])
            return Target("companies", ENTITIES["company"], context="companies")
        cid = self.company(tenant, key)
        if len(segs) == 1:
            return Target("company", ENTITIES["company"], key=cid, context="companies/$entity")
        ctx = f"companies({cid})"
        ent: EntityDef | None = None
        parent: tuple[EntityDef, dict[str, Any]] | None = None
        rec_key: str | None = None
        for i, seg in enumerate(segs[1:], start=1):
            last = i == len(segs) - 1
            if seg == "$count" and last and ent is not None and rec_key is None:
                return Target("count", ent, cid, parent=parent, context=ctx)
            if (
                seg.startswith("Microsoft.NAV.")
                and last
                and ent is not None
                and rec_key is not None
            ):
                return Target("action", ent, cid, key=rec_key, action=seg[len("Microsoft.NAV.") :])
            sm = _SEGMENT.match(seg)
            if sm is None:
                raise resource_not_found(seg)
            sname, skey = sm.group(1), _key(sm.group(2))
            if ent is None:
                ent = keyed_entity(sname) if skey is not None else BY_SET.get(sname)
                if ent is None or (skey is None and sname not in COMPANY_SETS):
                    raise resource_not_found(sname)
                ctx += f"/{sname}"
            else:
                if rec_key is None or sname not in ent.nav or not ent.nav[sname].collection:
                    raise resource_not_found(sname)
                parent_rec = self.records.get(tenant, ent, cid, rec_key)
                parent = (ent, parent_rec)
                ent = ENTITIES[ent.nav[sname].target]
                ctx += f"({rec_key})/{sname}"
            rec_key = skey
        assert ent is not None
        if rec_key is not None:
            return Target("entity", ent, cid, key=rec_key, parent=parent, context=f"{ctx}/$entity")
        return Target("collection", ent, cid, parent=parent, context=ctx)

    def company(self, tenant: Tenant, key: str) -> str:
        """The id of an existing company (known ids are remembered per tenant)."""
        known = state_of(tenant).companies
        k = key.lower()
        if k not in known:
            known.add(self.records.get(tenant, ENTITIES["company"], None, key)["id"])
        return k

    # -- dispatch --------------------------------------------------------------------

    def handle(self, req: Request, tenant: Tenant, t: Target) -> Response:
        m = req.method
        kind = t.kind
        if kind == "collection":  # the commonest first (the kinds do not overlap)
            if m == "POST":
                return self.create(req, tenant, t)
            if m == "GET":
                return self.list(req, tenant, t)
        elif kind == "service":
            return self.service_document(req)
        if t.kind == "metadata":
            return self.metadata.response()
        if t.kind in ("companies", "company"):
            if m != "GET":
                raise method_not_allowed(
                    f"'{m}' requests for 'companies' of EntityType 'company' are not allowed within Dynamics 365 Business Central OData web services.",
                )
            return (
                self.get_entity(req, tenant, t)
                if t.kind == "company"
                else self.list(req, tenant, t)
            )
        if t.kind == "count":
            if m != "GET":
                raise method_not_allowed("Only GET is allowed on $count.")
            return self.count(req, tenant, t)
        if t.kind == "action":
            if m != "POST":
                raise method_not_allowed(f"'{m}' is not allowed on a bound action.")
            return self.action(req, tenant, t)
        if t.kind == "entity":
            if m == "GET":
                return self.get_entity(req, tenant, t)
            if m == "PATCH":
                return self.patch(req, tenant, t)
            if m == "DELETE":
                return self.delete(req, tenant, t)
        raise method_not_allowed(
            f"'{m}' requests for '{t.ent.set_name if t.ent else ''}' are not allowed within Dynamics 365 Business Central OData web services.",
        )

    def service_document(self, req: Request) -> Response:
        root = self.root(req)
        sets = ["companies", "subscriptions", *sorted(COMPANY_SETS)]
        return json_response(
            {
                "@odata.context": f"{root}/$metadata",
                "value": [{"name": s, "kind": "EntitySet", "url": s} for s in sets],
            }
        )

    # -- reads -----------------------------------------------------------------------

    def _check_writable(self, ent: EntityDef, method: str) -> None:
        if not ent.writable:
            raise method_not_allowed(
                f"'{method}' requests for '{ent.set_name}' of EntityType '{ent.name}' are not allowed within "
                "Dynamics 365 Business Central OData web services.",
            )

    def _in_parent(self, t: Target, rec: dict[str, Any]) -> bool:
        if t.parent is None:
            return True
        pent, prec = t.parent
        nav = next(n for n in pent.nav.values() if n.target == t.ent.name and n.collection)  # type: ignore[union-attr]
        return rec.get(nav.join[1]) == prec.get(nav.join[0])

    def _load(self, tenant: Tenant, t: Target) -> dict[str, Any]:
        assert t.ent is not None and t.key is not None
        rec = self.records.get(tenant, t.ent, t.company, t.key)
        if not self._in_parent(t, rec):
            raise not_found(t.ent, t.key)
        return rec

    def get_entity(self, req: Request, tenant: Tenant, t: Target) -> Response:
        assert t.ent is not None
        rec = self._load(tenant, t)
        opts = parse_options(req.query_pairs(), t.ent)
        context = f"{self.root(req)}/$metadata#{t.context}"
        body = {"@odata.context": context}
        body.update(self.shape(tenant, t.ent, rec, opts))
        resp = json_response(body, headers=[("etag", etag_of(rec))])
        if not req.query_string and t.parent is None and t.kind == "entity":
            keep(tenant, t.ent, rec["id"], context, resp)
        return resp

    def shape(
        self, tenant: Tenant, ent: EntityDef, rec: dict[str, Any], opts: QueryOptions
    ) -> dict[str, Any]:
        out = render(ent, rec, opts.select)
        for ex in opts.expand:
            nav = ent.nav[ex.nav]
            target = ENTITIES[nav.target]
            mine, theirs = nav.join
            if nav.collection:
                where, params = self.records.where(target, rec[COMPANY])
                where += f" AND {field_expr(theirs, target.name)} = ?"
                params.append(rec.get(mine))
                if ex.filter:
                    cond, fparams = compile_filter(ex.filter, target)
                    where += f" AND ({cond})"
                    params += fparams
                rows = read(
                    tenant,
                    f"SELECT data FROM records WHERE {where} ORDER BY {json_path(SEQ)}",
                    params,
                ).fetchall()
                out[ex.nav] = [render(target, orjson.loads(r[0]), ex.select) for r in rows]
            else:
                other = tenant.store.get(target.name, str(rec.get(mine) or ""))
                out[ex.nav] = render(target, other, ex.select) if other else None
        return out

    def _query(self, tenant: Tenant, t: Target, opts: QueryOptions) -> tuple[str, list[Any]]:
        assert t.ent is not None
        where, params = self.records.where(t.ent, None if t.ent.name == "company" else t.company)
        if t.parent is not None:
            pent, prec = t.parent
            nav = next(n for n in pent.nav.values() if n.target == t.ent.name and n.collection)
            where += f" AND {field_expr(nav.join[1], t.ent.name)} = ?"
            params.append(prec.get(nav.join[0]))
        if opts.filter:
            cond, fparams = compile_filter(opts.filter, t.ent)
            where += f" AND ({cond})"
            params += fparams
        return where, params

    def count(self, req: Request, tenant: Tenant, t: Target) -> Response:
        assert t.ent is not None
        opts = parse_options(req.query_pairs(), t.ent)
        where, params = self._query(tenant, t, opts)
        n = read(tenant, f"SELECT count(*) FROM records WHERE {where}", params).fetchone()[0]
        return Response(
            200, str(n).encode(), [("content-type", "text/plain"), ("odata-version", "4.0")]
        )

    def list(self, req: Request, tenant: Tenant, t: Target) -> Response:
        assert t.ent is not None
        opts = parse_options(req.query_pairs(), t.ent)
        where, params = self._query(tenant, t, opts)
        if opts.orderby:
            order = ", ".join(
                f"{field_expr(f, t.ent.name)} {'DESC' if d else 'ASC'}" for f, d in opts.orderby
            )
            order += f", {SEQ_PATH}"
        else:
            order = SEQ_PATH
        page = min(self._page_size(req), self.settings.max_page_size)
        offset = opts.skip + opts.skiptoken
        remaining_top = None if opts.top is None else max(0, opts.top - opts.skiptoken)
        limit = page if remaining_top is None else min(page, remaining_top)
        rows = read(
            tenant,
            f"SELECT data FROM records WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, limit + 1, offset],
        ).fetchall()
        more = len(rows) > limit and (remaining_top is None or remaining_top > limit)
        rows = rows[:limit]
        body: dict[str, Any] = {"@odata.context": f"{self.root(req)}/$metadata#{t.context}"}
        if opts.count:
            body["@odata.count"] = read(
                tenant, f"SELECT count(*) FROM records WHERE {where}", params
            ).fetchone()[0]
        body["value"] = [self.shape(tenant, t.ent, orjson.loads(r[0]), opts) for r in rows]
        if more:
            pairs = [(k, v) for k, v in req.query_pairs() if k != "$skiptoken"]
            pairs.append(("$skiptoken", encode_skiptoken(opts.skiptoken + limit)))
            query = urlencode(pairs, quote_via=quote, safe=_SAFE)
            body["@odata.nextLink"] = f"{self.root(req)}/{self._path(req)}?{query}"
        return json_response(body)

    @staticmethod
    def _path(req: Request) -> str:
        return req.params.get("rest", "").strip("/")

    def _page_size(self, req: Request) -> int:
        for part in req.headers.get("prefer", "").split(","):
            k, _, v = part.strip().partition("=")
            if k.strip().lower() == "odata.maxpagesize" and v.strip().isdigit() and int(v) > 0:
                return int(v)
        return self.settings.max_page_size

    # -- writes ----------------------------------------------------------------------

    def _entity_response(
        self,
        req: Request,
        t: Target,
        rec: dict[str, Any],
        status: int,
        location: bool = False,
        stored: bytes | None = None,
    ) -> Response:
        """The entity's answer; ``stored``: ``rec`` is as ``Records.insert_stored`` built and
        stored it, as this JSON."""
        assert t.ent is not None
        tag = etag_of(rec)
        headers = [("content-type", JSON_CT), *ODATA_HEADERS, ("etag", tag)]
        if stored is not None and location:
            context, at, head = self._create_parts(req, t)
            headers.append(("location", at + rec["id"] + ")"))
            body = new_entity_json(context, t.ent, rec, stored, tag, head)
            return Response(status, body, headers)
        ctx = t.context if t.kind == "entity" else f"{t.context}/$entity"
        root = self.root(req)
        if location:
            headers.append(("location", f"{root}/{self._path(req)}({rec['id']})"))
        context = f"{root}/$metadata#{ctx}"
        if stored is not None:
            return Response(status, new_entity_json(context, t.ent, rec, stored, tag), headers)
        return Response(
            status, orjson.dumps({"@odata.context": context, **render(t.ent, rec)}), headers
        )

    def _create_parts(self, req: Request, t: Target) -> tuple[str, str, bytes]:
        """(``@odata.context``, Location up to the new key, ``entity_head``) of the answers to
        creates at the request's path: they follow from the path and the server's base URL."""
        where = (req.base_url, req.path)
        parts = self._created.get(where)
        if parts is None:
            root = self.root(req)
            ctx = t.context if t.kind == "entity" else f"{t.context}/$entity"
            context = f"{root}/$metadata#{ctx}"
            parts = (context, f"{root}/{self._path(req)}(", entity_head(context))
            if len(self._created) >= _KNOWN_PATHS:
                self._created.clear()
            self._created[where] = parts
        return parts

    def create(self, req: Request, tenant: Tenant, t: Target) -> Response:
        assert t.ent is not None and t.company is not None
        ent = t.ent
        if not ent.writable:
            self._check_writable(ent, "POST")
        body = req.json()
        nested_lines = None
        line_type = DOCUMENT_LINES.get(ent.name)
        if line_type is not None:
            line_set = ENTITIES[line_type].set_name
            if isinstance(body, dict) and line_set in body:
                nested_lines = body.pop(line_set)
                if not isinstance(nested_lines, list):
                    raise bad_request(f"{line_set} must be an array of lines.")
        data = self.records.clean(ent, body, creating=True)
        if t.parent is not None:
            pent, prec = t.parent
            nav = next(n for n in pent.nav.values() if n.target == ent.name and n.collection)
            data[nav.join[1]] = prec[nav.join[0]]
        if nested_lines is None and ent.name not in LINE_DOCUMENT:  # one row, one statement
            rec, text = self.records.insert_stored(tenant, ent, t.company, data)
            return self._entity_response(req, t, rec, 201, location=True, stored=text)
        stored: bytes | None
        with tenant.store.transaction():
            rec, stored = self.records.insert_stored(tenant, ent, t.company, data)
            if ent.name in LINE_DOCUMENT:
                self.rules.recompute_totals(tenant, rec["documentId"], LINE_DOCUMENT[ent.name])
            if nested_lines is not None:
                line_ent = ENTITIES[DOCUMENT_LINES[ent.name]]
                for line in nested_lines:
                    ld = self.records.clean(line_ent, line, creating=True)
                    ld["documentId"] = rec["id"]
                    self.records.insert(tenant, line_ent, t.company, ld)
                self.rules.recompute_totals(tenant, rec["id"], ent.name)
                rec = tenant.store.get(ent.name, rec["id"]) or rec
                stored = None
        return self._entity_response(req, t, rec, 201, location=True, stored=stored)

    def patch(self, req: Request, tenant: Tenant, t: Target) -> Response:
        assert t.ent is not None
        self._check_writable(t.ent, "PATCH")
        rec = self._load(tenant, t)
        self.records.check_etag(rec, req.headers.get("if-match"), self.settings.require_if_match)
        changes = self.records.clean(t.ent, req.json(), creating=False)
        with tenant.store.transaction():
            rec = self.records.update(tenant, t.ent, rec, changes)
            if t.ent.name in LINE_DOCUMENT:
                self.rules.recompute_totals(tenant, rec["documentId"], LINE_DOCUMENT[t.ent.name])
        return self._entity_response(req, t, rec, 200)

    def delete(self, req: Request, tenant: Tenant, t: Target) -> Response:
        assert t.ent is not None
        self._check_writable(t.ent, "DELETE")
        rec = self._load(tenant, t)
        self.records.check_etag(rec, req.headers.get("if-match"), self.settings.require_if_match)
        ent = t.ent
        with tenant.store.transaction():
            if ent.name == "salesInvoice":
                if rec.get("status") not in ("Draft", "In Review"):
                    raise dialog(
                        f"You cannot delete the posted sales invoice {rec.get('number')}.",
                    )
                ensure_field(tenant, "documentId")
                for line in tenant.store.find(
                    "salesInvoiceLine", {"documentId": rec["id"]}, limit=100_000
                ):
                    self.records.delete(tenant, ENTITIES["salesInvoiceLine"], line)
            if ent.name in ("purchaseInvoice", "salesCreditMemo"):
                label = _DOC_LABEL[ent.name]
                if rec.get("status") not in ("Draft", "In Review"):
                    raise dialog(
                        f"You cannot delete the posted {label} {rec.get('number')}.",
                    )
                line_ent = ENTITIES[DOCUMENT_LINES[ent.name]]
                ensure_field(tenant, "documentId")
                for line in tenant.store.find(
                    line_ent.name, {"documentId": rec["id"]}, limit=100_000
                ):
                    self.records.delete(tenant, line_ent, line)
            if ent.name in LINE_DOCUMENT:
                doc = LINE_DOCUMENT[ent.name]
                inv = tenant.store.get(doc, rec["documentId"])
                if inv is not None and inv.get("status") not in ("Draft", "In Review"):
                    raise dialog(
                        f"You cannot modify the lines of the posted {_DOC_LABEL[doc]} {inv.get('number')}.",
                    )
            self.records.delete(tenant, ent, rec)
            if ent.name in LINE_DOCUMENT:
                self.rules.recompute_totals(tenant, rec["documentId"], LINE_DOCUMENT[ent.name])
        return Response(204, b"", [("odata-version", "4.0")])

    def action(self, req: Request, tenant: Tenant, t: Target) -> Response:
        assert t.ent is not None
        rec = self._load(tenant, t)
        if t.ent.name == "salesInvoice" and t.action == "post":
            self.rules.post_invoice(tenant, rec)
        elif t.ent.name == "purchaseInvoice" and t.action == "post":
            self.rules.post_purchase_invoice(tenant, rec)
        elif t.ent.name == "salesCreditMemo" and t.action == "post":
            self.rules.credit_memos.post(tenant, rec)
        elif t.ent.name == "customerPaymentJournal" and t.action == "post":
            self.rules.post_journal(tenant, rec)
        else:
            raise resource_not_found(f"Microsoft.NAV.{t.action}")
        return Response(204, b"", [("odata-version", "4.0")])
