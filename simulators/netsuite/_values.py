"""Coercion of request values to stored values, with NetSuite's INVALID_CONTENT errors."""

from __future__ import annotations

import math
import re
from typing import Any

from simulators.engine import HttpError

from ._errors import invalid_content
from ._schema import FieldDef
from ._wire import iso_dt, parse_datetime

_DURATION = re.compile(r"^\s*(\d{1,6}):([0-5]\d)\s*$")


def invalid_value(value: Any, field_name: str, path: str) -> HttpError:
    shown = (
        value
        if isinstance(value, (str, int, float)) and not isinstance(value, bool)
        else _short(value)
    )
    return invalid_content(
        f"Error while accessing a resource. You have entered an Invalid Field Value {shown} "
        f"for the following field: {field_name}",
        extra={"o:errorPath": path},
    )


def _short(value: Any) -> str:
    text = str(value).replace("\n", " ")
    return text if len(text) <= 60 else text[:57] + "..."


def coerce_scalar(f: FieldDef, value: Any, path: str) -> Any:
    """The stored form of a non-reference value; None stays None (clears the field)."""
    if value is None:
        return None
    kind = f.kind
    if kind == "string":
        if isinstance(value, (bool, dict, list)):
            raise invalid_value(value, f.name, path)
        text = str(value) if not isinstance(value, float) else _num_text(value)
        if len(text) > 4000:
            raise invalid_content(
                f"Error while accessing a resource. The field {f.name} contained more than the maximum "
                "number ( 4000 ) of characters allowed.",
                extra={"o:errorPath": path},
            )
        return text
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "t", "f"):
            return value.lower() in ("true", "t")
        raise invalid_value(value, f.name, path)
    if kind in ("integer", "float"):
        num = _number(value)
        if num is None or (kind == "integer" and num != int(num)):
            raise invalid_value(value, f.name, path)
        return int(num) if kind == "integer" else num
    if kind == "duration":
        if isinstance(value, str):
            m = _DURATION.match(value)
            if m:
                return round(int(m.group(1)) + int(m.group(2)) / 60.0, 6)
        num = _number(value)
        if num is None or num < 0:
            raise invalid_value(value, f.name, path)
        return num
    if kind in ("date", "datetime"):
        if not isinstance(value, str):
            raise invalid_value(value, f.name, path)
        dt = parse_datetime(value)
        if dt is None:
            raise invalid_value(value, f.name, path)
        return dt.strftime("%Y-%m-%d") if kind == "date" else iso_dt(dt)
    raise invalid_value(value, f.name, path)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        num = float(value)
    elif isinstance(value, str):
        try:
            num = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return num if math.isfinite(num) else None


def _num_text(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def duration_text(hours: float) -> str:
    total = round(hours * 60)
    return f"{total // 60}:{total % 60:02d}"


def money(value: float) -> float:
    return round(value + 0.0, 2)
