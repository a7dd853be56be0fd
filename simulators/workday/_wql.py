"""Workday Query Language: the subset a staffing integration writes.

    SELECT field, ... FROM dataSource
      [WHERE field op value [AND ...]]  op: = != <> < <= > >= IN (...) IS [NOT] EMPTY
      [ORDER BY field [ASC|DESC], ...] [LIMIT n]

Keywords are case-insensitive, strings single-quoted, dates compared as 'YYYY-MM-DD'. A
reference field (``{"id", "descriptor"}``) matches a value by its id or its descriptor.
Anything outside this subset is a 400 naming what was not understood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<op><=|>=|!=|<>|=|<|>)"
    r"|(?P<punct>[(),*])|(?P<word>[A-Za-z_][A-Za-z0-9_.]*))"
)


class WqlError(Exception):
    """A query outside the supported WQL; ``str`` is the message for the 400."""


@dataclass(slots=True)
class Condition:
    name: str
    op: str
    values: list[Any] = field(default_factory=list)


@dataclass(slots=True)
class Query:
    fields: list[str]
    source: str
    where: list[Condition] = field(default_factory=list)
    order: list[tuple[str, bool]] = field(default_factory=list)  # (field, descending)
    limit: int | None = None


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise WqlError(f"Unexpected character at position {pos}: {text[pos : pos + 20]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str]:
        return self.toks[self.i] if self.i < len(self.toks) else ("end", "")

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        self.i += 1
        return tok

    def keyword(self, *words: str) -> bool:
        kind, val = self.peek()
        if kind == "word" and val.upper() in words:
            self.i += 1
            return True
        return False

    def expect_keyword(self, word: str) -> None:
        if not self.keyword(word):
            raise WqlError(f"Expected {word} but found {self.peek()[1] or 'the end of the query'}")

    def ident(self) -> str:
        kind, val = self.take()
        if kind != "word":
            raise WqlError(f"Expected a field or data source name but found {val or 'the end'}")
        return val

    def value(self) -> Any:
        kind, val = self.take()
        if kind == "str":
            return val[1:-1].replace("''", "'")
        if kind == "num":
            return float(val) if "." in val else int(val)
        if kind == "word" and val.lower() in ("true", "false"):
            return val.lower() == "true"
        raise WqlError(f"Expected a value but found {val or 'the end of the query'}")

    def parse(self) -> Query:
        self.expect_keyword("SELECT")
        fields = [self.ident()]
        while self.peek() == ("punct", ","):
            self.take()
            fields.append(self.ident())
        self.expect_keyword("FROM")
        q = Query(fields, self.ident())
        if self.keyword("WHERE"):
            q.where.append(self.condition())
            while self.keyword("AND"):
                q.where.append(self.condition())
            if self.peek()[0] == "word" and self.peek()[1].upper() == "OR":
                raise WqlError("OR is not supported here; split the query")
        if self.keyword("ORDER"):
            self.expect_keyword("BY")
            while True:
                name = self.ident()
                desc = self.keyword("DESC")
                if not desc:
                    self.keyword("ASC")
                q.order.append((name, desc))
                if self.peek() != ("punct", ","):
                    break
                self.take()
        if self.keyword("LIMIT"):
            n = self.value()
            if not isinstance(n, int) or n < 0:
                raise WqlError("LIMIT takes a whole number")
            q.limit = n
        if self.peek()[0] != "end":
            raise WqlError(f"Unexpected {self.peek()[1]!r} after the query")
        return q

    def condition(self) -> Condition:
        name = self.ident()
        if self.keyword("IS"):
            negate = self.keyword("NOT")
            self.expect_keyword("EMPTY")
            return Condition(name, "is not empty" if negate else "is empty")
        if self.keyword("IN"):
            if self.take() != ("punct", "("):
                raise WqlError("IN takes a parenthesised list")
            values = [self.value()]
            while self.peek() == ("punct", ","):
                self.take()
                values.append(self.value())
            if self.take() != ("punct", ")"):
                raise WqlError("IN list is not closed")
            return Condition(name, "in", values)
        kind, op = self.take()
        if kind != "op":
            raise WqlError(f"Expected a comparison after {name} but found {op or 'the end'}")
        return Condition(name, "!=" if op == "<>" else op, [self.value()])


def parse(text: str) -> Query:
    if not isinstance(text, str) or not text.strip():
        raise WqlError("The query is empty")
    return _Parser(text).parse()


def _scalar(v: Any) -> Any:
    return v.get("descriptor") if isinstance(v, dict) else v


def _matches(value: Any, cond: Condition) -> bool:
    if cond.op == "is empty":
        return value in (None, "", [])
    if cond.op == "is not empty":
        return value not in (None, "", [])
    options = [value.get("id"), value.get("descriptor")] if isinstance(value, dict) else [value]
    if cond.op == "=":
        return any(o == cond.values[0] for o in options)
    if cond.op == "!=":
        return all(o != cond.values[0] for o in options)
    if cond.op == "in":
        return any(o in cond.values for o in options)
    left, right = _scalar(value), cond.values[0]
    if left is None:
        return False
    try:
        return {
            "<": left < right,
            "<=": left <= right,
            ">": left > right,
            ">=": left >= right,
        }[cond.op]
    except TypeError:
        return False


def _sort_key(value: Any) -> tuple[bool, int, Any]:
    v = _scalar(value)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return (v is None, 0, v)
    return (v is None, 1, "" if v is None else str(v))


def run(q: Query, rows: list[dict[str, Any]], known: set[str]) -> list[dict[str, Any]]:
    """Filter, order and project ``rows`` (every row has every known field)."""
    for name in [*q.fields, *(c.name for c in q.where), *(o[0] for o in q.order)]:
        if name not in known:
            raise WqlError(f"{name} is not a field of data source {q.source}")
    out = [r for r in rows if all(_matches(r.get(c.name), c) for c in q.where)]
    for name, desc in reversed(q.order):
        out.sort(key=lambda r, n=name: _sort_key(r.get(n)), reverse=desc)  # type: ignore[misc]
    if q.limit is not None:
        out = out[: q.limit]
    return [{f: r.get(f) for f in q.fields} for r in out]
