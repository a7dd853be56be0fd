"""Request attributes to stored values, with Rails-style validation messages."""

from __future__ import annotations

from typing import Any

from ._model import Kind, Resource
from ._wire import parse_date

Problems = list[tuple[str | None, str]]


def human(name: str) -> str:
    """Rails' humanize: ``workspace_id`` -> ``Workspace``, ``time_in_minutes`` -> ``Time in minutes``."""
    base = name[:-3] if name.endswith("_id") else name[:-4] if name.endswith("_ids") else name
    text = base.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _id(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value > 0:
        return str(value)
    if isinstance(value, str) and value.strip().isdigit() and int(value.strip()) > 0:
        return str(int(value.strip()))
    return None


def coerce_value(name: str, kind: Kind, value: Any, problems: Problems) -> Any:
    if value is None or (value == "" and kind in ("int", "id", "date", "num", "money", "bool")):
        return None
    if kind == "str":
        if type(value) is str:  # the common case first
            return value
        if isinstance(value, (dict, list)):
            problems.append((name, f"{human(name)} is invalid"))
            return None
        return (
            value
            if isinstance(value, str)
            else str(value).lower()
            if isinstance(value, bool)
            else str(value)
        )
    if kind == "int":
        if isinstance(value, bool):
            problems.append((name, f"{human(name)} is not a number"))
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            text = value.strip()
            try:
                return int(text)
            except ValueError:
                try:
                    f = float(text)
                except ValueError:
                    f = None
                if f is not None and f.is_integer():
                    return int(f)
        problems.append((name, f"{human(name)} is not a number"))
        return None
    if kind in ("num", "money"):
        num: float | None = None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            num = float(value)
        elif isinstance(value, str):
            try:
                num = float(value.strip().replace(",", ""))
            except ValueError:
                num = None
        if num is None or num != num or num in (float("inf"), float("-inf")):
            problems.append((name, f"{human(name)} is not a number"))
            return None
        return round(num * 100) if kind == "money" else num
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, str)) and str(value).strip().lower() in (
            "true",
            "1",
            "t",
            "false",
            "0",
            "f",
        ):
            return str(value).strip().lower() in ("true", "1", "t")
        problems.append((name, f"{human(name)} is invalid"))
        return None
    if kind == "date":
        d = parse_date(value)
        if d is None:
            problems.append((name, f"{human(name)} is invalid"))
        return d
    if kind == "id":
        i = _id(value)
        if i is None:
            problems.append((name, f"{human(name)} is invalid"))
        return i
    if kind == "ids":
        items = (
            value.split(",")
            if isinstance(value, str)
            else value
            if isinstance(value, list)
            else None
        )
        if items is None:
            problems.append((name, f"{human(name)} is invalid"))
            return []
        out = []
        for item in items:
            i = _id(item.strip() if isinstance(item, str) else item)
            if i is None:
                problems.append((name, f"{human(name)} is invalid"))
                return []
            out.append(i)
        return list(dict.fromkeys(out))
    if kind == "list":
        if not isinstance(value, list):
            problems.append((name, f"{human(name)} is invalid"))
            return None
        return value
    if kind == "any":  # checked by the collection's rules (custom field values)
        return value
    if kind == "obj":
        if not isinstance(value, dict):
            problems.append((name, f"{human(name)} is invalid"))
            return None
        return value
    return value


def coerce(
    res: Resource, op: str, attrs: Any, reject_unknown: bool
) -> tuple[dict[str, Any], Problems]:
    """Writable attributes of ``attrs`` for ``op``; unknown ones are ignored unless ``reject_unknown``."""
    problems: Problems = []
    if not isinstance(attrs, dict):
        return {}, [(None, f"{human(res.singular)} must be an object")]
    allowed = res.writable(op)
    out: dict[str, Any] = {}
    for key, value in attrs.items():
        name = str(key)
        kind = allowed.get(name)
        if kind is None:
            if reject_unknown and key not in ("id",):
                problems.append((name, f"{key} is not a permitted attribute"))
            continue
        out[name] = coerce_value(name, kind, value, problems)
    return out, problems
