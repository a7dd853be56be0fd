"""Coupa's query arguments: ``<attribute>[<operator>]=<value>`` on any GET of a collection.

``status=approved&status=on_hold`` matches either value; ``supplier[name]=CDW`` reads a
nested attribute; operators are ``gt``, ``lt``, ``gt_or_eq``, ``lt_or_eq``, ``not_eq``,
``contains``, ``starts_with`` and ``in`` (comma-separated). Hyphens and underscores in
attribute names are the same (``created-at`` = ``created_at``). ``limit`` (at most 50)
and ``offset`` page; results come in id order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ._errors import bad_request

OPERATORS = ("gt", "lt", "gt_or_eq", "lt_or_eq", "not_eq", "contains", "starts_with", "in")
_ARG = re.compile(r"^([A-Za-z0-9_-]+)((?:\[[A-Za-z0-9_-]+\])*)$")
RESERVED = ("limit", "offset", "exported-only", "return-object", "fields", "order-by", "dir")


@dataclass(frozen=True, slots=True)
class Condition:
    path: tuple[str, ...]
    op: str
    values: tuple[str, ...]

    def holds(self, record: dict[str, Any]) -> bool:
        return _holds(record, self.path, self.op, self.values)


def _holds(value: Any, path: tuple[str, ...], op: str, values: tuple[str, ...]) -> bool:
    if isinstance(value, list):  # a collection (order-lines) matches when one element does
        return any(_holds(v, path, op, values) for v in value)
    if not path:
        return _OPS[op](value, values)
    return _holds(value.get(path[0]) if isinstance(value, dict) else None, path[1:], op, values)


def _norm(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _num(a: str, b: str) -> tuple[Any, Any]:
    try:
        return float(a), float(b)
    except ValueError:
        return a, b


def _cmp(fn: Callable[[Any, Any], bool]) -> Callable[[Any, tuple[str, ...]], bool]:
    def test(value: Any, values: tuple[str, ...]) -> bool:
        if value is None:
            return False
        a, b = _num(_norm(value), values[0])
        try:
            return fn(a, b)
        except TypeError:
            return fn(str(a), str(b))

    return test


_OPS: dict[str, Callable[[Any, tuple[str, ...]], bool]] = {
    "eq": lambda v, vs: _norm(v) in vs,
    "in": lambda v, vs: _norm(v) in {x for s in vs for x in s.split(",")},
    "not_eq": lambda v, vs: _norm(v) not in vs,
    "contains": lambda v, vs: v is not None and vs[0].lower() in _norm(v).lower(),
    "starts_with": lambda v, vs: v is not None and _norm(v).lower().startswith(vs[0].lower()),
    "gt": _cmp(lambda a, b: a > b),
    "lt": _cmp(lambda a, b: a < b),
    "gt_or_eq": _cmp(lambda a, b: a >= b),
    "lt_or_eq": _cmp(lambda a, b: a <= b),
}


def parse(pairs: list[tuple[str, str]], page_size: int) -> tuple[list[Condition], int, int]:
    """(conditions, limit, offset) from the query string's pairs."""
    grouped: dict[tuple[tuple[str, ...], str], list[str]] = {}
    limit, offset = page_size, 0
    for key, value in pairs:
        norm = key.replace("_", "-")
        if norm == "limit" or norm == "offset":
            if not value.isdigit() or len(value) > 9:
                raise bad_request(f"{norm} must be a whole number")
            n = int(value)
            if norm == "limit":
                limit = max(1, min(n, page_size))
            else:
                offset = n
            continue
        if norm in RESERVED:
            continue
        m = _ARG.match(key)
        if m is None:
            raise bad_request(f"Unknown query argument {key!r}")
        parts = [p.replace("_", "-") for p in re.findall(r"\[([A-Za-z0-9_-]+)\]", m.group(2))]
        op = "eq"
        if parts and parts[-1].replace("-", "_") in OPERATORS:
            op = parts.pop().replace("-", "_")
        path = (m.group(1).replace("_", "-"), *parts)
        grouped.setdefault((path, op), []).append(value)
    conds = [Condition(path, op, tuple(vs)) for (path, op), vs in grouped.items()]
    return conds, limit, offset
