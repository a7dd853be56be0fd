"""The simulator: one ASGI application composing a dialect with the engine's services.

Request pipeline (vendor routes): route -> authenticate -> fault rules -> rate limits ->
handler -> vendor headers -> journal. Admin routes under /__admin/ skip auth, faults and
limits. Every error leaves in the vendor's own error format; nothing leaks a traceback.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import operator
import os
import random
import re
import time
from collections.abc import Awaitable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._admin import register_admin_routes
from ._auth import TokenStore
from ._body import BodyIncomplete, read_body
from ._contracts import make_request_contracts
from ._dialect import Dialect
from ._errors import ConfigError, HttpError, SimulatorError
from ._events import Event, EventBus, change_event_of
from ._faults import FaultRules
from ._guard import AdminGuard
from ._http import Request, Response, Route, Router, call_handler, make_request
from ._journal import Journal
from ._names import check_admin_params
from ._readers import QueryBudget
from ._services import EngineServices
from ._store import Change
from ._tenants import DEFAULT_TENANT, EVENT_SEQUENCE, Tenant, TenantRegistry

log = logging.getLogger("simulators")

#: correlation ids made from one random number, and the slices that cut its hex text into
#: ids, all in one C call (a comprehension of slices cost as much as the number)
_IDS_PER_BATCH = 256
_ID_SLICES = operator.itemgetter(*(slice(i, i + 32) for i in range(0, 32 * _IDS_PER_BATCH, 32)))


@dataclass(slots=True)
class SimulatorSettings:
    """Engine settings shared by every dialect."""

    journal_size: int = 10_000
    journal_body_bytes: int = 4096
    journal_enabled: bool = True
    max_body_bytes: int = 10 * 1024 * 1024
    body_timeout_seconds: float = 30.0  # an announced body must arrive whole within this
    data_dir: Path | None = None
    event_retention: int = 10_000
    events_enabled: bool = True
    #: False keeps webhook subscribers (and outbound messages) on loopback addresses
    allow_remote_webhooks: bool = True
    ca_bundle: str | None = None  # trusted by webhook deliveries to https subscribers
    query_budget: QueryBudget = field(default_factory=QueryBudget)  # SOQL, SuiteQL, searches
    dialect_options: dict[str, Any] = field(default_factory=dict)
    #: every admin call must send ``Authorization: Bearer <admin_token>`` (None: open on loopback)
    admin_token: str | None = None
    #: host names the admin API answers for besides loopback and the bound address
    allowed_hosts: tuple[str, ...] = ()
    #: bounds on what grows with use rather than with data
    max_tenants: int = 1000
    max_tokens: int = 100_000
    max_delivery_records: int = 10_000
    max_dead_letters: int = 10_000
    release: str = ""  # vendor release served ("" = the current one); see contracts/
    contracts: str = "off"  # request checks against the release's contract: off|lenient|strict


class Simulator:
    """An ASGI app serving one vendor dialect."""

    def __init__(self, dialect: Dialect, settings: SimulatorSettings | None = None) -> None:
        self.settings = settings or SimulatorSettings()
        self.dialect = dialect
        self.contracts = make_request_contracts(
            dialect, self.settings.release, self.settings.contracts, self.settings.dialect_options
        )
        self.journal = Journal(
            self.settings.journal_size,
            self.settings.journal_body_bytes,
            self.settings.journal_enabled,
        )
        self.tokens = TokenStore(max_tokens=self.settings.max_tokens)
        self.guard = AdminGuard(self.settings.admin_token, self.settings.allowed_hosts)
        self.faults = FaultRules()
        self.events = EventBus(
            retention=self.settings.event_retention,
            allow_remote=self.settings.allow_remote_webhooks,
            ca_bundle=self.settings.ca_bundle,
            max_deliveries=self.settings.max_delivery_records,
            max_dead_letters=self.settings.max_dead_letters,
            policy=dialect.delivery_policy,
        )
        self.started_at = time.time()
        # correlation ids: random, without a system call per request
        self._ids = random.Random(os.urandom(16)).getrandbits
        #: correlation ids made ahead, a batch from one random number (taken from the end)
        self._id_pool: list[str] = []
        self.base_url = ""  # set by the server once the port is known
        self.router = Router()
        self.admin_router = Router()
        #: unexpected exceptions of handlers (answered 500), newest last, for tests to re-raise
        self.handler_errors: collections.deque[Exception] = collections.deque(maxlen=32)
        self.tenants = TenantRegistry(
            self.settings.data_dir,
            self._setup_tenant,
            self._on_change,
            max_tenants=self.settings.max_tenants,
            memory_page_size=dialect.memory_page_size,
            modstamp_index=dialect.modstamp_index,
        )
        dialect.attach(
            EngineServices(
                tokens=self.tokens,
                tenants=self.tenants,
                events=self.events,
                settings=self.settings,
                publish=self.publish_event,
                dispatch=self.dispatch,
                base_url=lambda: self.base_url,
                contracts=self.contracts,
            )
        )
        #: the dialect's ``release``, or None where it keeps the base class's no-op (most
        #: dialects do): the pipeline then makes no call for it after every request
        self._release = dialect.release if type(dialect).release is not Dialect.release else None
        dialect.routes(self.router)
        register_admin_routes(self, self.admin_router)
        self.tenants.load_persisted()
        self.tenants.get_or_create(DEFAULT_TENANT)
        self.events.restore()

    def _setup_tenant(self, tenant: Tenant) -> None:
        tenant.state = self.dialect.new_state(tenant)
        self.dialect.setup_tenant(tenant)
        self.events.attach_store(tenant.name, tenant.store)

    # -- tenants ---------------------------------------------------------------------

    def reset_tenant(self, tenant: Tenant) -> None:
        """Everything a tenant owns back to a fresh start: records, clock, tokens, events
        and a rebuilt dialect state. Its fault rules stay (they belong to the test's setup)."""
        tenant.store.clear()
        tenant.clock.reset()
        self.tokens.drop_tenant(tenant.name)
        self.events.drop_tenant(tenant.name)
        self.dialect.reset_tenant(tenant)

    def drop_tenant(self, name: str) -> None:
        """Delete a tenant with everything it owns: database, tokens, events, fault rules."""
        self.tenants.delete(name)
        self.tokens.drop_tenant(name)
        self.events.drop_tenant(name, forget=True)
        self.faults.clear(name)

    # -- subrequests -----------------------------------------------------------------

    async def dispatch(
        self, sub: Request, parent: Request | None = None, where: str = "$"
    ) -> Response:
        """Run a subrequest a handler built (Salesforce composite) through the vendor routes.

        Rules: the subrequest is routed like a direct call (an unknown path or method is the
        dialect's 404/405) and handled with the tenant and principal its parent carries (no
        second authentication). It is part of its parent, which passed the pipeline once:
        no fault rules, no limits (``admit``/``release``: the parent counted), no vendor
        headers, and no journal entry of its own (the parent's entry holds the whole call).
        Given its ``parent``, the subrequest is held to the served release's contract like a
        request of its own: its violations join the parent's journal entry under ``where``
        (a JSON path in the parent's body) and, in strict mode, answer the vendor's error for
        that subrequest. An HttpError becomes the vendor's error response; any other
        exception propagates and fails the parent (a 500 in the vendor's format).
        """
        route, params, other = self.router.match(sub.method, sub.path)
        dialect = self.dialect
        if route is None:
            err = dialect.method_not_allowed(sub) if other else dialect.not_found(sub)
            return dialect.error_response(err, sub)
        sub.route = route
        sub.params = params
        checks = self.contracts if parent is not None else None
        try:
            if checks is not None:
                checks.check(sub)
            return await call_handler(route, sub)
        except HttpError as exc:
            return dialect.error_response(exc, sub)
        finally:
            if checks is not None and parent is not None:
                checks.adopt(parent, sub, where)

    def start_background(self) -> None:
        """Start what runs between requests (webhook workers); called on the serving loop."""
        self.events.start()

    # -- events ----------------------------------------------------------------------

    def _on_change(self, tenant: Tenant, change: Change) -> None:
        if tenant._waiters:
            tenant.notify_change()
        dialect = self.dialect
        if not self.settings.events_enabled or not dialect.wants_event(tenant, change):
            return
        seq = tenant.store.next_sequence(EVENT_SEQUENCE)
        change.seq = seq
        if not dialect.event_needs_previous:
            # the event outlives the write: keep only what its payload is built from (in
            # place: the store hands the change to no one else before its write returns)
            change.previous = None
        # the payload is built when first read (most events never are)
        self.events.publish(
            change_event_of(
                seq,
                tenant.name,
                change.type,
                change.id,
                change.op,
                change.at,
                dialect.change_event,
                (tenant, change, seq),
            )
        )

    def publish_event(
        self,
        tenant: Tenant,
        record_type: str,
        record_id: str,
        op: str,
        channel: str,
        payload_for_seq: Any,
    ) -> Event:
        """Publish a non-record event (platform event, notification); payload built from its seq."""
        seq = tenant.next_event_seq()
        ev = Event(
            seq,
            tenant.name,
            record_type,
            record_id,
            op,
            tenant.clock.time(),
            payload_for_seq(seq),
            channel,
        )
        self.events.publish(ev)
        tenant.notify_change()
        return ev

    # -- ASGI ------------------------------------------------------------------------

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            msg = await receive()
            if msg["type"] == "lifespan.startup":
                self.start_background()
                await send({"type": "lifespan.startup.complete"})
            elif msg["type"] == "lifespan.shutdown":
                await self.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def aclose(self) -> None:
        await self.events.close()

    def new_request(
        self,
        method: str,
        path: str,
        query_string: str,
        headers: dict[str, str],
        scheme: str,
        server: tuple[str, int] | None,
        client: tuple[str, int] | None,
        raw_path: str,
    ) -> Request:
        """A request as every server backend hands it to ``respond`` (headers lower-cased;
        the dict may be shared with other requests of the connection and is never written)."""
        cid = headers.get("x-correlation-id")
        if not cid:
            pool = self._id_pool
            cid = pool.pop() if pool else self._more_ids()
        return make_request(
            method,
            path,
            query_string,
            headers,
            scheme,
            server,
            client,
            raw_path,
            cid,
            self.base_url,
        )

    def _more_ids(self) -> str:
        """A fresh batch of 256 random 128-bit correlation ids (hex); returns one of them."""
        text = self._ids(128 * _IDS_PER_BATCH).to_bytes(16 * _IDS_PER_BATCH, "big").hex()
        self._id_pool = list(_ID_SLICES(text))
        return self._id_pool.pop()

    def respond(
        self, req: Request, too_large: bool, started: float, at: float
    ) -> Response | Coroutine[Any, Any, Response | None] | None:
        """The pipeline for one request whose body has been read, journal included.

        Shared by the ASGI app and the native server. The answer comes at once when nothing
        in the request waits (no fault delay, a plain handler that answered with a Response);
        otherwise a coroutine gives it. None means a reset fault: the server drops the
        connection without a complete response. ``started`` is the request's perf counter
        and ``at`` its wall clock time, both taken when it arrived.
        """
        if req.path.startswith("/__admin"):
            return self._admin(req, too_large)
        try:
            resp = self._vendor(req, too_large)
        except _Reset:
            self._record(req, 0, started, at, b"", "reset")
            return None
        if not isinstance(resp, Response):
            return self._recorded_later(req, resp, started, at)
        self._record(req, resp.status, started, at, resp.body, req.fault)
        return resp

    async def _recorded_later(
        self, req: Request, waiting: Awaitable[Response], started: float, at: float
    ) -> Response:
        resp = await waiting
        self._record(req, resp.status, started, at, resp.body, req.fault)
        return resp

    def runs_inline(self, req: Request) -> bool:
        """True when ``respond`` cannot suspend for this request (a plain-function handler and
        no fault rules), so a server may step it to the end without a task."""
        if self.faults.rules:
            return False
        router = self.admin_router if req.path.startswith("/__admin") else self.router
        route = router.match(req.method, req.path)[0]
        return route is None or not route.is_async

    def refusal(self, req: Request, status: int, code: str, message: str) -> Response:
        """A request the server refuses before the pipeline (stalled or broken body, oversized
        header), in the vendor's error format, or the admin API's for admin paths."""
        err = HttpError(status, code, message)
        if req.path.startswith("/__admin"):
            return Response.json({"error": {"code": err.code, "message": err.message}}, err.status)
        return self.dialect.error_response(err, req)

    async def _http(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        started = time.perf_counter()
        at = time.time()
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        req = self.new_request(
            scope["method"],
            scope["path"],
            scope["query_string"].decode("latin-1"),
            headers,
            scheme=scope.get("scheme", "http"),
            server=scope.get("server"),
            client=scope.get("client"),
            raw_path=(scope.get("raw_path") or b"").decode("latin-1") or scope["path"],
        )
        try:
            req.body, too_large = await read_body(
                receive, headers, self.settings.max_body_bytes, self.settings.body_timeout_seconds
            )
        except BodyIncomplete as exc:
            await self._refuse_body(req, exc, send)
            return
        answer = self.respond(req, too_large, started, at)
        resp = answer if answer is None or isinstance(answer, Response) else await answer
        if resp is None:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-length", b"1048576")],
                }
            )
            await send({"type": "http.response.body", "body": b"", "more_body": True})
            return
        raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in resp.headers]
        raw_headers.append((b"x-correlation-id", req.correlation_id.encode("latin-1")))
        raw_headers.append((b"content-length", str(len(resp.body)).encode()))
        await send({"type": "http.response.start", "status": resp.status, "headers": raw_headers})
        await send(
            {"type": "http.response.body", "body": resp.body if req.method != "HEAD" else b""}
        )

    async def _refuse_body(self, req: Request, exc: BodyIncomplete, send: Any) -> None:
        """Answer a body that stalled (408) or broke off (400), then close the connection."""
        resp = self.refusal(req, exc.status, exc.code, exc.message)
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in resp.headers]
        headers += [(b"content-length", str(len(resp.body)).encode()), (b"connection", b"close")]
        with contextlib.suppress(Exception):  # the client may be gone already
            await send({"type": "http.response.start", "status": resp.status, "headers": headers})
            await send({"type": "http.response.body", "body": resp.body})

    def _record(
        self, req: Request, status: int, started: float, at: float, body: bytes, fault: str
    ) -> None:
        j = self.journal
        if j.enabled:
            contracts = self.contracts
            j.add(
                req,
                at,
                status,
                started,
                body,
                fault,
                contracts.take(req) if contracts is not None else None,
            )

    def _vendor(self, req: Request, too_large: bool) -> Response | Awaitable[Response]:
        """Route, authenticate and apply fault rules, then ``_handle`` (after a fault's
        delay, if one applies). Raises ``_Reset`` for a reset fault."""
        dialect = self.dialect
        try:
            if too_large:
                raise dialect.payload_too_large(req, self.settings.max_body_bytes)
            route, params, other = self.router.match(req.method, req.path)
            if route is None:
                raise dialect.method_not_allowed(req) if other else dialect.not_found(req)
            req.route = route
            req.params = params
            auth_error: HttpError | None = None
            if route.auth:
                try:
                    req.tenant = dialect.authenticate(req)
                except HttpError as exc:
                    auth_error = exc
            if self.faults.rules:
                delay = self._fault(req)
                if delay is not None:
                    return self._delayed(delay, req, route, auth_error)
            return self._handle(req, route, auth_error)
        except _Reset:
            raise
        except Exception as exc:
            resp = self._failed(req, exc)
        dialect.decorate(req, resp, req.tenant)
        return resp

    def _fault(self, req: Request) -> float | None:
        """The first fault rule matching the request: raises its error or reset, or gives
        the seconds its latency or hang delays the request (None: no delay)."""
        ft = req.tenant or self.tenants.get(DEFAULT_TENANT)
        rule = self.faults.match(ft.name, req.method, req.path, ft.clock.now())
        if rule is None:
            return None
        req.fault = rule.id
        f = rule.fault
        if f.kind == "reset":
            raise _Reset()
        if f.kind == "latency":
            return f.latency_ms(rule._rng) / 1000.0
        if f.kind == "hang":
            return float(f.seconds)
        if f.kind == "error":
            raise HttpError(
                f.status,
                f.code or _default_code(f.status),
                f.message or _default_message(f.status),
                headers=dict(f.headers),
            )
        return None

    async def _delayed(
        self, seconds: float, req: Request, route: Route, auth_error: HttpError | None
    ) -> Response:
        await asyncio.sleep(seconds)
        resp = self._handle(req, route, auth_error)
        return resp if isinstance(resp, Response) else await resp

    def _handle(
        self, req: Request, route: Route, auth_error: HttpError | None
    ) -> Response | Awaitable[Response]:
        """Limits, contract check, handler, vendor headers: the answer, or a coroutine when
        the handler has to wait."""
        dialect = self.dialect
        tenant = req.tenant
        try:
            if auth_error is not None:
                raise auth_error
            if tenant is not None:
                limited = dialect.admit(req, tenant)
                if limited is not None:
                    dialect.decorate(req, limited, tenant)
                    return limited
            try:
                if self.contracts is not None:
                    self.contracts.check(req)
                result = route.handler(req)
            except BaseException:
                dialect.release(req, tenant)
                raise
            if not isinstance(result, Response):  # a coroutine, or an awaitable it returned
                return self._handled_later(req, tenant, result)
            release = self._release
            if release is not None:
                release(req, tenant)
        except Exception as exc:
            result = self._failed(req, exc)
        dialect.decorate(req, result, req.tenant)
        return result

    async def _handled_later(
        self, req: Request, tenant: Tenant | None, waiting: Awaitable[Response]
    ) -> Response:
        dialect = self.dialect
        try:
            try:
                resp = await waiting
            finally:
                dialect.release(req, tenant)
        except Exception as exc:
            resp = self._failed(req, exc)
        dialect.decorate(req, resp, req.tenant)
        return resp

    def _failed(self, req: Request, exc: Exception) -> Response:
        """The vendor's error response for an exception of the pipeline (called while it is
        being handled, so an unexpected one is logged with its traceback)."""
        dialect = self.dialect
        if isinstance(exc, HttpError):
            resp = dialect.error_response(exc, req)
            for k, v in exc.headers.items():
                resp.headers.append((k, v))
            return resp
        if isinstance(exc, ConfigError):
            return dialect.error_response(HttpError(400, "INVALID_INPUT", str(exc)), req)
        log.exception("unexpected error handling %s %s", req.method, req.path)
        self.handler_errors.append(exc)
        return dialect.error_response(
            HttpError(
                500,
                "UNKNOWN_EXCEPTION",
                f"An unexpected error occurred. Correlation id: {req.correlation_id}",
            ),
            req,
        )

    async def _admin(self, req: Request, too_large: bool) -> Response:
        try:
            self.guard.check(req, self.base_url)
            if too_large:
                raise ConfigError(f"request body exceeds {self.settings.max_body_bytes} bytes")
            route, params, other = self.admin_router.match(req.method, req.path)
            if route is None:
                raise HttpError(
                    405 if other else 404,
                    "NOT_FOUND",
                    f"no admin endpoint {req.method} {req.path}; GET /__admin/ lists them",
                )
            req.route = route
            req.params = params
            check_admin_params(params)
            return await call_handler(route, req)
        except HttpError as exc:
            resp = Response.json({"error": {"code": exc.code, "message": exc.message}}, exc.status)
            resp.headers.extend(exc.headers.items())
            return resp
        except SimulatorError as exc:
            return Response.json(
                {"error": {"code": "INVALID_INPUT", "message": exc.message, "hint": exc.hint}}, 400
            )
        except (ValueError, OverflowError, re.error) as exc:
            # a value no handler check caught (an odd number, a regex): still the caller's input
            return Response.json(
                {"error": {"code": "INVALID_INPUT", "message": f"invalid value: {exc}"}}, 400
            )
        except Exception as exc:
            log.exception("admin error on %s %s", req.method, req.path)
            self.handler_errors.append(exc)
            return Response.json(
                {
                    "error": {
                        "code": "INTERNAL",
                        "message": f"unexpected error; correlation id {req.correlation_id}",
                    }
                },
                500,
            )


class _Reset(Exception):
    """Raised to drop the connection without a complete response."""


def _default_code(status: int) -> str:
    return {
        400: "BAD_REQUEST",
        401: "INVALID_SESSION_ID",
        403: "FORBIDDEN",
        404: "NOT_FOUND",
        409: "CONFLICT",
        429: "TOO_MANY_REQUESTS",
        500: "UNKNOWN_EXCEPTION",
        502: "BAD_GATEWAY",
        503: "SERVER_UNAVAILABLE",
        504: "GATEWAY_TIMEOUT",
    }.get(status, f"HTTP_{status}")


def _default_message(status: int) -> str:
    return {
        429: "Too many requests",
        500: "An unexpected error occurred.",
        502: "Bad gateway",
        503: "Server is temporarily unavailable. Please try again later.",
        504: "Gateway timeout",
    }.get(status, f"Injected fault: HTTP {status}")
