"""Minimal request, response and router types for the simulators' hot path.

Starlette's Request/Response and FastAPI's validation cost a large share of throughput
for the tiny handlers a simulator runs, so the engine speaks ASGI through these slotted
types and a regex router. Handlers may be plain functions or coroutines.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qs, parse_qsl, unquote

import orjson

from ._errors import HttpError

if TYPE_CHECKING:
    from ._tenants import Tenant


class Request:
    """One HTTP request as a handler sees it. ``headers`` is read-only: the native server
    hands the same dict to the requests of a connection that repeat a head."""

    __slots__ = (
        "_json",
        "_query",
        "body",
        "client",
        "correlation_id",
        "fault",
        "headers",
        "method",
        "origin",
        "params",
        "path",
        "principal",
        "query_string",
        "raw_path",
        "route",
        "scheme",
        "server",
        "tenant",
    )

    def __init__(
        self,
        method: str,
        path: str,
        query_string: str,
        headers: dict[str, str],
        body: bytes = b"",
        scheme: str = "http",
        server: tuple[str, int] | None = None,
        client: tuple[str, int] | None = None,
        raw_path: str | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.raw_path = raw_path if raw_path is not None else path
        self.query_string = query_string
        self.headers = headers
        self.body = body
        self.scheme = scheme
        self.server = server
        self.client = client
        self.params: dict[str, str] = {}
        self.tenant: Tenant | None = None
        self.principal: Any = None
        self.correlation_id = ""
        #: the fault rule applied to the request (its id), for the journal
        self.fault = ""
        self.route: Route | None = None
        #: the server's advertised base URL (set by the app); links never echo the Host header
        self.origin = ""
        self._query: dict[str, list[str]] | None = None
        self._json: Any = _UNSET

    @property
    def query(self) -> dict[str, list[str]]:
        if self._query is None:
            # most requests carry no query string: nothing to parse
            self._query = (
                parse_qs(self.query_string, keep_blank_values=True) if self.query_string else {}
            )
        return self._query

    def arg(self, name: str, default: str | None = None) -> str | None:
        if not self.query_string:
            return default
        values = self.query.get(name)
        return values[-1] if values else default

    def query_pairs(self) -> list[tuple[str, str]]:
        if not self.query_string:
            return []
        return parse_qsl(self.query_string, keep_blank_values=True)

    def json(self) -> Any:
        """The body parsed as JSON; raises HttpError(400, 'JSON_PARSER_ERROR') when it is not."""
        if self._json is _UNSET:
            if not self.body:
                raise HttpError(
                    400,
                    "JSON_PARSER_ERROR",
                    "The request body is empty; a JSON document is required.",
                )
            try:
                self._json = orjson.loads(self.body)
            except orjson.JSONDecodeError as exc:
                raise HttpError(
                    400, "JSON_PARSER_ERROR", _json_error_message(self.body, exc)
                ) from None
        return self._json

    def form(self) -> dict[str, str]:
        """A urlencoded form body as a dict (last value wins)."""
        try:
            text = self.body.decode("utf-8")
        except UnicodeDecodeError:
            raise HttpError(400, "invalid_request", "request body is not valid UTF-8") from None
        return dict(parse_qsl(text, keep_blank_values=True))

    @property
    def base_url(self) -> str:
        """Where the server says it is: the base of every link, Location and instance URL."""
        if self.origin:
            return self.origin
        if self.server:
            host = f"[{self.server[0]}]" if ":" in self.server[0] else self.server[0]
            return f"{self.scheme}://{host}:{self.server[1]}"
        return f"{self.scheme}://127.0.0.1"

    @property
    def host_url(self) -> str:
        """The URL as the client addressed it (Host header): only for checking what it signed."""
        host = self.headers.get("host")
        if not host:
            return self.base_url
        return f"{self.scheme}://{host}"


_UNSET: Any = object()
_new_object = object.__new__


def make_request(
    method: str,
    path: str,
    query_string: str,
    headers: dict[str, str],
    scheme: str,
    server: tuple[str, int] | None,
    client: tuple[str, int] | None,
    raw_path: str,
    correlation_id: str,
    origin: str,
) -> Request:
    """A server's request, as ``Request(...)`` then the correlation id and origin set, without
    the keyword handling of a class call (one is made per request). Sets every slot."""
    req: Request = _new_object(Request)
    req.method = method
    req.path = path
    req.raw_path = raw_path
    req.query_string = query_string
    req.headers = headers
    req.body = b""
    req.scheme = scheme
    req.server = server
    req.client = client
    req.params = {}
    req.tenant = None
    req.principal = None
    req.correlation_id = correlation_id
    req.fault = ""
    req.route = None
    req.origin = origin
    req._query = None
    req._json = _UNSET
    return req


def _json_error_message(body: bytes, exc: orjson.JSONDecodeError) -> str:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "Invalid UTF-8 start byte in the request body"
    return f"Unexpected character in JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"


class Response:
    """A complete response: status, headers and body bytes."""

    __slots__ = ("body", "headers", "status")

    def __init__(
        self, status: int = 200, body: bytes = b"", headers: list[tuple[str, str]] | None = None
    ) -> None:
        self.status = status
        self.body = body
        self.headers = headers if headers is not None else []

    @classmethod
    def json(
        cls, data: Any, status: int = 200, headers: list[tuple[str, str]] | None = None
    ) -> Response:
        h = [("content-type", "application/json;charset=UTF-8")]
        if headers:
            h.extend(headers)
        return cls(status, orjson.dumps(data), h)

    @classmethod
    def text(
        cls, text: str, status: int = 200, content_type: str = "text/plain; charset=utf-8"
    ) -> Response:
        return cls(status, text.encode("utf-8"), [("content-type", content_type)])

    @classmethod
    def empty(cls, status: int = 204, headers: list[tuple[str, str]] | None = None) -> Response:
        return cls(status, b"", headers or [])

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for k, v in self.headers:
            if k.lower() == lname:
                return v
        return None


def make_response(status: int, body: bytes, headers: list[tuple[str, str]]) -> Response:
    """``Response(status, body, headers)`` without the class call, for a dialect's hot answers
    (a create's, a cached read's): the type call and its ``__init__`` frame cost more than
    setting the three slots. Sets every slot."""
    r: Response = _new_object(Response)
    r.status = status
    r.body = body
    r.headers = headers
    return r


Handler = Callable[[Request], "Response | Awaitable[Response]"]


#: ``Router.add(..., suffixes=OPTIONAL_SLASH)``: the path with and without a trailing ``/``.
OPTIONAL_SLASH: tuple[str, ...] = ("", "/")


class Route:
    """A method + path pattern bound to a handler.

    Patterns use ``{name}`` for one path segment and ``{name:path}`` for the rest of the
    path. ``auth`` says whether the dialect must authenticate the request first;
    ``name`` labels the route in the journal and in fault rules.
    """

    __slots__ = ("auth", "handler", "is_async", "methods", "name", "pattern", "regex")

    def __init__(
        self, methods: tuple[str, ...], pattern: str, handler: Handler, *, auth: bool, name: str
    ) -> None:
        self.methods = methods
        self.pattern = pattern
        self.handler = handler
        self.auth = auth
        self.name = name
        self.is_async = inspect.iscoroutinefunction(handler)
        self.regex = re.compile(_compile_pattern(pattern))


def _compile_pattern(pattern: str) -> str:
    out = ["^"]
    pos = 0
    seen: set[str] = set()
    for m in re.finditer(r"\{(\w+)(?::(path))?\}", pattern):
        if m.group(1) in seen:
            raise ValueError(f"route {pattern!r} names the parameter {m.group(1)!r} twice")
        seen.add(m.group(1))
        out.append(re.escape(pattern[pos : m.start()]))
        out.append(f"(?P<{m.group(1)}>.+)" if m.group(2) else f"(?P<{m.group(1)}>[^/]+)")
        pos = m.end()
    out.append(re.escape(pattern[pos:]))
    out.append("$")
    return "".join(out)


async def call_handler(route: Route, req: Request) -> Response:
    """Run a route's handler, awaiting it when it is a coroutine function or a plain function
    that answered with an awaitable (one that only sometimes has to wait)."""
    result = route.handler(req)
    if route.is_async or not isinstance(result, Response):
        return await cast("Awaitable[Response]", result)
    return result


_Match = tuple[str, str, "Route | None", dict[str, str], bool]
_NO_MATCH: _Match = ("", "", None, {}, False)


class Router:
    """Routes in registration order; the first whose pattern matches wins.

    A path that matches a pattern but not its method yields 405 rather than 404.
    """

    def __init__(self) -> None:
        self.routes: list[Route] = []
        self._compiled: dict[
            str, tuple[re.Pattern[str], dict[str, tuple[Route, list[tuple[str, str]]]]]
        ] = {}
        self._last: _Match = _NO_MATCH

    def add(
        self,
        methods: str | tuple[str, ...],
        pattern: str,
        handler: Handler,
        *,
        auth: bool = True,
        name: str | None = None,
        suffixes: tuple[str, ...] = ("",),
    ) -> None:
        """Register ``pattern`` once per suffix, in the order given.

        ``suffixes=OPTIONAL_SLASH`` serves ``/x`` and ``/x/``; ``(".json", "")`` an optional
        format extension (the longer form first, so ``{id}`` never swallows ``5.json``).
        Every form shares the handler and the name the journal and fault rules see.
        """
        ms = (methods,) if isinstance(methods, str) else tuple(methods)
        for suffix in suffixes:
            self.routes.append(
                Route(ms, pattern + suffix, handler, auth=auth, name=name or pattern)
            )
        self._compiled.clear()
        self._last = _NO_MATCH

    def _for_method(
        self, method: str
    ) -> tuple[re.Pattern[str], dict[str, tuple[Route, list[tuple[str, str]]]]]:
        """One alternation regex over the method's routes, in registration order.

        Matching a single compiled pattern is far cheaper than trying each route's
        regex in turn; ``lastgroup`` names the route that matched.
        """
        compiled = self._compiled.get(method)
        if compiled is not None:
            return compiled
        parts: list[str] = []
        index: dict[str, tuple[Route, list[tuple[str, str]]]] = {}
        for i, route in enumerate(self.routes):
            if method not in route.methods and not (method == "HEAD" and "GET" in route.methods):
                continue
            names: list[tuple[str, str]] = []

            def rename(m: re.Match[str], i: int = i, names: list[tuple[str, str]] = names) -> str:
                alias = f"p{i}_{m.group(1)}"
                names.append((alias, m.group(1)))
                return f"(?P<{alias}>"

            body = re.sub(r"\(\?P<(\w+)>", rename, route.regex.pattern[1:-1])
            parts.append(f"(?P<r{i}>{body})")
            index[f"r{i}"] = (route, names)
        regex = re.compile("^(?:" + "|".join(parts) + ")$") if parts else re.compile("(?!)")
        self._compiled[method] = (regex, index)
        return regex, index

    def match(self, method: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
        """(route, params, path_matched_other_method).

        The last match is remembered: a server asking whether a request's handler is
        async and the pipeline then routing it pay for one match.
        """
        last = self._last
        if last[0] == method and last[1] == path:
            return last[2], dict(last[3]), last[4]
        regex, index = self._for_method(method)
        m = regex.match(path)
        if m is not None:
            route, names = index[m.lastgroup or ""]
            if names:
                # the route's own pattern names its groups as its parameters: one C call
                # gives them (the alternation matched, so this pattern matches too)
                params = route.regex.match(path).groupdict()  # type: ignore[union-attr]
                if "%" in path:
                    params = {k: unquote(v) for k, v in params.items()}
            else:
                params = {}
            self._last = (method, path, route, params, False)
            return route, dict(params), False
        other = any(r.regex.match(path) for r in self.routes)
        self._last = (method, path, None, {}, other)
        return None, {}, other
