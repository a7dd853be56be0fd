"""Input parsers shared by the engine and the dialects, so each is written once.

An ISO 8601 timestamp as vendors accept it on input (``Z`` or a ``+hhmm`` offset), and the
JSON object an admin route takes as its body.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ._errors import ConfigError, HttpError
from ._http import Request


def parse_iso_datetime(value: str) -> datetime | None:
    """An ISO 8601 date or datetime in UTC (naive ones taken as UTC); None when unparseable."""
    v = value.replace("Z", "+00:00")
    if len(v) >= 5 and v[-5] in "+-" and v[-4:].isdigit() and ":" not in v[-5:]:
        v = v[:-2] + ":" + v[-2:]
    try:
        dt = datetime.fromisoformat(v)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def admin_json(req: Request, *, empty_ok: bool = True) -> dict[str, Any]:
    """An admin request's body as a JSON object; an empty body is ``{}`` when ``empty_ok``."""
    if empty_ok and not req.body:
        return {}
    try:
        data = req.json()
    except HttpError as exc:
        raise ConfigError(f"admin request body is not JSON: {exc.message}") from None
    if not isinstance(data, dict):
        raise ConfigError("admin request body must be a JSON object")
    return data
