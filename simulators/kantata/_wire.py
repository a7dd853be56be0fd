"""Kantata's wire details: error bodies, timestamps, money strings, request bodies."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl

import orjson

from simulators.engine import HttpError, Request, Response

from ._errors import bad_request, syntax_error

JSON_CT = "application/json; charset=utf-8"

#: Kantata error types by HTTP status when a handler did not name one
_TYPE_BY_STATUS = {
    400: "system",
    401: "oauth",
    403: "system",
    404: "system",
    405: "system",
    413: "system",
    422: "validation",
    429: "system",
    500: "system",
    503: "system",
}
_KANTATA_TYPES = frozenset({"system", "syntax", "validation", "oauth"})


def json_response(data: Any, status: int = 200) -> Response:
    return Response(status, orjson.dumps(data), [("content-type", JSON_CT)])


def error_body(err: HttpError) -> dict[str, Any]:
    """``{"errors": [{"type", "message"[, "field"]}]}``; several messages via ``extra["errors"]``."""
    kind = (
        err.code
        if err.code in _KANTATA_TYPES
        else (
            "syntax"
            if err.code == "JSON_PARSER_ERROR"
            else _TYPE_BY_STATUS.get(err.status, "system")
        )
    )
    items = err.extra.get("errors")
    if items:
        return {"errors": [{"type": kind, **item} for item in items]}
    item: dict[str, Any] = {"type": kind, "message": err.message}
    if err.fields:
        item["field"] = err.fields[0]
    return {"errors": [item]}


def error_response(err: HttpError) -> Response:
    return json_response(error_body(err), err.status)


# -- time ---------------------------------------------------------------------------------

_OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})$")


def tz_from_offset(offset: str) -> timezone:
    m = _OFFSET.match(offset)
    if m is None:
        return UTC
    delta = timedelta(hours=int(m.group(2)), minutes=int(m.group(3)))
    return timezone(-delta if m.group(1) == "-" else delta)


def iso_timestamp(epoch: float, tz: timezone = UTC) -> str:
    """ISO 8601 with an explicit offset, whole seconds: 2024-05-01T09:30:00+00:00."""
    return _iso_second(int(epoch), tz)


@lru_cache(maxsize=256)
def _iso_second(second: int, tz: timezone) -> str:
    """A write stamps its record and its event with the same second, and so do the writes
    around it: formatted once."""
    return datetime.fromtimestamp(second, tz).isoformat()


def parse_timestamp(value: str, name: str) -> float:
    """An ISO 8601 date or datetime query value as epoch seconds (naive means UTC); 400 otherwise."""
    text = value.strip().replace(" ", "+") if "T" in value else value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        raise bad_request(f"{name} must be an ISO 8601 datetime, got {value!r}") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def parse_date(value: Any) -> str | None:
    """A YYYY-MM-DD date string, or None when ``value`` is not one."""
    if not isinstance(value, str):
        return None
    try:
        return (
            date.fromisoformat(value.strip()[:10]).isoformat() if len(value.strip()) >= 10 else None
        )
    except ValueError:
        return None


# -- money --------------------------------------------------------------------------------

_SYMBOLS = {
    "USD": "$",
    "CAD": "$",
    "AUD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "INR": "₹",
    "CHF": "CHF ",
}


def currency_symbol(currency: str) -> str:
    symbol = _SYMBOLS.get(currency)
    return f"{currency} " if symbol is None else symbol


def money_string(cents: int, currency: str) -> str:
    """Kantata's display amounts: "$1,234" for whole units, "$1,234.50" otherwise."""
    symbol = _SYMBOLS.get(currency)  # ``currency_symbol``, without a call on every amount
    if symbol is None:
        symbol = f"{currency} "
    if cents < 0:
        symbol = "-" + symbol
    units, sub = divmod(abs(int(cents)), 100)
    return symbol + (f"{units:,}" if not sub else f"{units:,}.{sub:02d}")


# -- request bodies -----------------------------------------------------------------------

_KEY_PART = re.compile(r"\[([^\]]*)\]")


def request_body(req: Request) -> dict[str, Any]:
    """The body as a dict: JSON, or Rails-style form fields (``time_entry[notes]=x``)."""
    ctype = req.headers.get("content-type", "")
    if "application/x-www-form-urlencoded" in ctype:
        try:
            pairs = parse_qsl(req.body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            raise syntax_error("The request body is not valid UTF-8") from None
        return _nest(pairs)
    if not req.body.strip():
        return {}
    body = req.json()
    if not isinstance(body, dict):
        raise syntax_error("The request body must be a JSON object")
    return body


def _nest(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        head, _, rest = key.partition("[")
        parts = [head, *_KEY_PART.findall("[" + rest)] if rest else [head]
        node: Any = out
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            nxt_is_list = not last and parts[i + 1] == ""
            if part == "":
                if isinstance(node, list):
                    node.append(value)
                break
            if not isinstance(node, dict):
                break
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, [] if nxt_is_list else {})
    return out
