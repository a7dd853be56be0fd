"""A minimal dialect for testing the engine on its own, without any vendor's rules.

``probe`` serves one record type (``Item``) the plainest way: a bearer token minted by the
admin API, JSON bodies, ``{"error", "message"}`` errors, a token bucket per tenant and one
change event per write. ``GET /boom`` raises, to show how the engine treats a handler's
unexpected exception.
"""

from __future__ import annotations

from typing import Any

from simulators.engine import (
    OPTIONAL_SLASH,
    Change,
    Dialect,
    HttpError,
    NotFoundError,
    Request,
    Response,
    Router,
    Tenant,
    TokenBucket,
)

ITEM = "Item"
LIMIT_KEY = "probe.bucket"


class ProbeDialect(Dialect):
    vendor = "probe"
    system = "probe"

    def __init__(self, rate: float = 1_000.0, burst: float = 1_000.0) -> None:
        super().__init__()
        self.rate, self.burst = rate, burst
        self.engine: Any = None

    def attach(self, sim: Any) -> None:
        super().attach(sim)
        self.engine = sim  # tokens and tenants: all the probe uses of the engine

    def routes(self, r: Router) -> None:
        r.add("GET", "/items", self.list_items, name="items.list", suffixes=OPTIONAL_SLASH)
        r.add("POST", "/items", self.create_item, name="items.create", suffixes=OPTIONAL_SLASH)
        r.add("GET", "/items/{id}", self.get_item, name="items.get", suffixes=(".json", ""))
        r.add("GET", "/files/{rest:path}", self.echo_path, name="files")
        r.add("GET", "/boom", self.boom, name="boom")
        r.add("GET", "/open", self.list_items, auth=False, name="open")

    def setup_tenant(self, tenant: Tenant) -> None:
        tenant.state[LIMIT_KEY] = TokenBucket(self.rate, self.burst)

    def authenticate(self, req: Request) -> Tenant:
        value = req.headers.get("authorization", "").removeprefix("Bearer ").strip()
        tok = self.engine.tokens.lookup(value) if value else None
        tenant = self.engine.tenants.find(tok.tenant) if tok is not None else None
        if tok is None or tenant is None or tok.state(tenant.clock.time()) != "valid":
            raise HttpError(401, "UNAUTHORIZED", "a valid bearer token is required")
        return tenant

    def admit(self, req: Request, tenant: Tenant) -> Response | None:
        bucket: TokenBucket = tenant.state[LIMIT_KEY]
        if bucket.try_take(tenant.clock):
            return None
        resp = self.error_response(HttpError(429, "TOO_MANY_REQUESTS", "slow down"))
        resp.headers.append(("retry-after", str(max(1, round(bucket.retry_after())))))
        return resp

    def change_event(
        self, tenant: Tenant, change: Change, seq: int
    ) -> tuple[str, dict[str, Any]] | None:
        return "/items", {"op": change.op, "id": change.id, "name": change.data.get("name")}

    # -- handlers --------------------------------------------------------------------

    def list_items(self, req: Request) -> Response:
        assert req.tenant is not None or req.path == "/open"
        t = req.tenant or self.engine.tenants.get("default")
        return Response.json({"items": list(t.store.iter_type(ITEM))})

    def create_item(self, req: Request) -> Response:
        body = req.json()
        if not isinstance(body, dict) or not isinstance(body.get("name"), str):
            raise HttpError(400, "INVALID_INPUT", "an item needs a name", fields=["name"])
        t = req.tenant
        assert t is not None
        item_id = f"item-{t.store.next_sequence(ITEM)}"
        with t.store.transaction():
            t.store.insert(ITEM, item_id, {"id": item_id, "name": body["name"]}, "", at=0.0)
        return Response.json({"id": item_id}, 201)

    def get_item(self, req: Request) -> Response:
        assert req.tenant is not None
        item = req.tenant.store.get(ITEM, req.params["id"])
        if item is None:
            raise NotFoundError("NOT_FOUND", f"no item {req.params['id']}")
        return Response.json(item)

    def echo_path(self, req: Request) -> Response:
        return Response.json({"rest": req.params["rest"]})

    def boom(self, req: Request) -> Response:
        raise RuntimeError("the probe's handler failed on purpose")
