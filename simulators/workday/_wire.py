"""Workday's wire formats: the REST error model, {total, data} pages, dates and references."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import orjson

from simulators.engine import HttpError, Request, Response

from ._errors import invalid, not_found

if TYPE_CHECKING:
    from ._settings import WorkdaySettings

JSON_CT = "application/json;charset=UTF-8"

#: engine error codes -> the one-line "error" Workday's error model carries
_SUMMARIES = {
    "JSON_PARSER_ERROR": "invalid request",
    "invalid_request": "invalid request",
    "UNKNOWN_EXCEPTION": "An unexpected error occurred",
    "NOT_FOUND": "Resource not found",
    "METHOD_NOT_ALLOWED": "Method not allowed",
    "REQUEST_ENTITY_TOO_LARGE": "Request entity too large",
    "TOO_MANY_REQUESTS": "Too many requests",
    "INVALID_INPUT": "invalid request",
    "UNAUTHORIZED": "Invalid access token",
}


def json_response(
    data: Any, status: int = 200, headers: list[tuple[str, str]] | None = None
) -> Response:
    h = [("content-type", JSON_CT)]
    if headers:
        h.extend(headers)
    return Response(status, orjson.dumps(data), h)


def error_response(err: HttpError, with_field: bool = True) -> Response:
    """ERROR_MODEL_REFERENCE / VALIDATION_ERROR_MODEL_REFERENCE, or RFC 6749 for the token endpoint."""
    if err.extra.get("oauth"):
        return json_response({"error": err.code, "error_description": err.message}, err.status)
    summary = _SUMMARIES.get(err.code, err.code)
    body: dict[str, Any] = {"error": summary}
    if err.message and err.message != summary:
        if err.fields and with_field:
            body["errors"] = [{"error": err.message, "field": f} for f in err.fields]
        else:
            body["errors"] = [{"error": err.message}]
    return json_response(body, err.status)


def wd_datetime(ts: float) -> str:
    """Workday's REST datetime form: 2026-04-10T12:00:00.000Z."""
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def parse_date(value: Any, field: str) -> str:
    """An ISO date (a datetime's date part is accepted) as YYYY-MM-DD, or a 400."""
    if not isinstance(value, str) or len(value) < 10:
        raise invalid(f"{field} must be a date in the form YYYY-MM-DD", field)
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        raise invalid(f"{field} must be a date in the form YYYY-MM-DD", field) from None


def ref(id_: str | None, descriptor: str | None, href: str | None = None) -> dict[str, Any] | None:
    if not id_:
        return None
    out: dict[str, Any] = {"id": id_, "descriptor": descriptor or ""}
    if href:
        out["href"] = href
    return out


def paging(
    req: Request, default_limit: int, max_limit: int, clamp: bool = False
) -> tuple[int, int]:
    """(limit, offset) from the query, with Workday's bounds (out-of-range limits refused,
    or clamped into 1..max_limit when ``clamp``)."""
    limit = _int_arg(req, "limit", default_limit)
    offset = _int_arg(req, "offset", 0)
    if clamp:
        limit = min(max(limit, 1), max_limit)
    if limit < 1 or limit > max_limit:
        raise invalid(f"The limit must be between 1 and {max_limit}.", "limit")
    if offset < 0:
        raise invalid("The offset must be zero or greater.", "offset")
    return limit, offset


def _int_arg(req: Request, name: str, default: int) -> int:
    v = req.arg(name)
    if v is None or v == "":
        return default
    try:
        return int(v)
    except ValueError:
        raise invalid(f"{name} must be an integer, got {v[:40]!r}", name) from None


def bool_arg(req: Request, name: str, default: bool = False) -> bool:
    v = req.arg(name)
    if v is None or v == "":
        return default
    if v.lower() in ("true", "1"):
        return True
    if v.lower() in ("false", "0"):
        return False
    raise invalid(f"{name} must be true or false", name)


def page(items: list[Any], limit: int, offset: int) -> Response:
    return json_response({"total": len(items), "data": items[offset : offset + limit]})


def paged(
    req: Request,
    items: list[Any],
    settings: WorkdaySettings,
    render: Callable[[Any], Any] | None = None,
) -> Response:
    """One ``{total, data}`` page of ``items`` at the request's limit and offset; ``render``
    shows each item of the page (only those are rendered)."""
    limit, offset = paging(req, settings.default_limit, settings.max_limit, settings.clamp_limit)
    if render is None:
        return page(items, limit, offset)
    shown = [render(item) for item in items[offset : offset + limit]]
    return json_response({"total": len(items), "data": shown})


def _same_id(item: Any, sub: str) -> bool:
    return bool(item["id"] == sub)


def item_or_page(
    req: Request,
    items: list[Any],
    settings: WorkdaySettings,
    missing: str,
    render: Callable[[Any], Any] = lambda item: item,
    matches: Callable[[Any, str], bool] = _same_id,
) -> Response:
    """A sub-resource served as ``/x`` (a page of ``items``) and ``/x/{sub}`` (the item that
    ``matches`` the id, else 404 with ``missing`` formatted with the id)."""
    sub = req.params.get("sub")
    if sub is None:
        return paged(req, items, settings, render)
    hit = next((item for item in items if matches(item, sub)), None)
    if hit is None:
        raise not_found(missing.format(sub[:64]))
    return json_response(render(hit))
