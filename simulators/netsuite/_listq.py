"""The record collection filter (``?q=``): conditions ``field OPERATOR value`` joined by
AND/OR with parentheses, compiled to SQL over the records table's JSON.

Operators per field type follow NetSuite's record collection filtering table; each has a
``_NOT`` form. Values are bare words, numbers or double-quoted strings; ANY_OF takes a
comma-separated list, BETWEEN two values, EMPTY none.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from simulators.engine import HttpError

from ._errors import invalid_parameter
from ._schema import FieldDef, RecordType
from ._wire import has_time, parse_datetime

_TOKEN = re.compile(
    r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<lp>\()|(?P<rp>\))|(?P<comma>,)|(?P<word>[^\s(),"]+))'
)

_NUMBER_OPS = {
    "ANY_OF",
    "BETWEEN",
    "EQUAL",
    "GREATER",
    "GREATER_OR_EQUAL",
    "LESS",
    "LESS_OR_EQUAL",
    "WITHIN",
}
_STRING_OPS = {"CONTAIN", "IS", "START_WITH", "END_WITH", "ENDWITH", "ANY_OF"}
_DATE_OPS = {"AFTER", "BEFORE", "ON", "ON_OR_AFTER", "ON_OR_BEFORE", "WITHIN"}
_BOOL_OPS = {"IS"}
_COMMON = {"EMPTY"}
_ALL = _NUMBER_OPS | _STRING_OPS | _DATE_OPS | _BOOL_OPS | _COMMON


def filter_error(detail: str) -> HttpError:
    return invalid_parameter(
        f"Invalid query parameter value. {detail}",
        extra={"o:errorQueryParam": "q"},
    )


class _Parser:
    def __init__(self, rt: RecordType, text: str) -> None:
        self.rt = rt
        self.tokens = self._lex(text)
        self.pos = 0
        self.params: list[Any] = []

    @staticmethod
    def _lex(text: str) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        pos = 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            m = _TOKEN.match(text, pos)
            if m is None or m.end() == pos:
                raise filter_error(f"Unexpected character at position {pos}.")
            kind = m.lastgroup or ""
            value = m.group(kind)
            if kind == "str":
                value = re.sub(r"\\(.)", r"\1", value[1:-1])
            out.append((kind, value))
            pos = m.end()
        return out

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise filter_error("The query ended unexpectedly.")
        self.pos += 1
        return tok

    def parse(self) -> str:
        sql = self.expr()
        if self.peek() is not None:
            raise filter_error(f"Unexpected token '{self.peek()[1]}'.")  # type: ignore[index]
        return sql

    def expr(self) -> str:
        parts = [self.term()]
        while (tok := self.peek()) is not None and tok[0] == "word" and tok[1].upper() == "OR":
            self.pos += 1
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"

    def term(self) -> str:
        parts = [self.factor()]
        while (tok := self.peek()) is not None and tok[0] == "word" and tok[1].upper() == "AND":
            self.pos += 1
            parts.append(self.factor())
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"

    def factor(self) -> str:
        tok = self.take()
        if tok[0] == "lp":
            sql = self.expr()
            if self.take()[0] != "rp":
                raise filter_error("Missing closing parenthesis.")
            return sql
        if tok[0] != "word":
            raise filter_error(f"Expected a field name but found '{tok[1]}'.")
        f = self.rt.field(tok[1])
        if f is None:
            raise filter_error(
                f"Field '{tok[1]}' does not exist or is not searchable on record type {self.rt.name}."
            )
        op_tok = self.take()
        op = op_tok[1].upper()
        negate = op.endswith("_NOT") and op != "EMPTY_NOT"
        base = op[:-4] if negate else op
        if op == "EMPTY_NOT":
            return f"NOT {self._empty(f)}"
        if base not in _ALL or op_tok[0] != "word":
            raise filter_error(f"Unknown operator '{op_tok[1]}'.")
        sql = self.condition(f, base)
        return f"NOT coalesce({sql}, 0)" if negate else sql

    def values(self, n: int | None) -> list[str]:
        """``n`` comma-separated values, or any number when n is None."""
        vals = [self._value()]
        while (
            (n is None or len(vals) < n) and (tok := self.peek()) is not None and tok[0] == "comma"
        ):
            self.pos += 1
            vals.append(self._value())
        if n is not None and len(vals) != n:
            raise filter_error(f"The operator requires {n} values.")
        return vals

    def _value(self) -> str:
        tok = self.take()
        if tok[0] not in ("str", "word"):
            raise filter_error(f"Expected a value but found '{tok[1]}'.")
        return tok[1]

    def _col(self, f: FieldDef) -> str:
        return "id" if f.name == "id" else f"json_extract(data, '$.{f.name}')"

    def _empty(self, f: FieldDef) -> str:
        col = self._col(f)
        return f"({col} IS NULL OR {col} = '')"

    def condition(self, f: FieldDef, op: str) -> str:
        if op == "EMPTY":
            return self._empty(f)
        col = self._col(f)
        kind = f.kind
        if kind in ("date", "datetime"):
            return self._date(f, col, op)
        if kind == "boolean":
            if op != "IS":
                raise filter_error(f"Operator {op} is not valid for boolean field {f.name}.")
            v = self._value().lower()
            if v not in ("true", "false", "t", "f"):
                raise filter_error(f"Invalid boolean value '{v}'.")
            return f"{col} = {1 if v in ('true', 't') else 0}"
        if f.is_ref or f.name == "id" or kind in ("integer", "float", "duration"):
            return self._number(f, col, op)
        return self._string(f, col, op)

    def _p(self, value: Any) -> str:
        self.params.append(value)
        return "?"

    def _number(self, f: FieldDef, col: str, op: str) -> str:
        ref = f.is_ref or f.name == "id"
        if op in ("ANY_OF", "IS"):
            vals = self.values(None)
            if ref:
                return f"CAST({col} AS TEXT) IN ({', '.join(self._p(v) for v in vals)})"
            return f"{col} IN ({', '.join(self._p(self._num(v)) for v in vals)})"
        if ref and op == "EQUAL":
            return f"CAST({col} AS TEXT) = {self._p(self._value())}"
        num_col = f"CAST({col} AS REAL)" if ref else col
        if op == "BETWEEN":
            lo, hi = self.values(2)
            return f"{num_col} BETWEEN {self._p(self._num(lo))} AND {self._p(self._num(hi))}"
        sym = {
            "EQUAL": "=",
            "GREATER": ">",
            "GREATER_OR_EQUAL": ">=",
            "LESS": "<",
            "LESS_OR_EQUAL": "<=",
        }.get(op)
        if sym is None:
            raise filter_error(f"Operator {op} is not valid for field {f.name}.")
        return f"{num_col} {sym} {self._p(self._num(self._value()))}"

    def _num(self, v: str) -> float:
        try:
            return float(v)
        except ValueError:
            raise filter_error(f"Invalid number '{v}'.") from None

    def _string(self, f: FieldDef, col: str, op: str) -> str:
        if op == "ANY_OF":
            vals = self.values(None)
            return f"lower({col}) IN ({', '.join(self._p(v.lower()) for v in vals)})"
        v = self._value()
        if op == "IS":
            return f"lower({col}) = {self._p(v.lower())}"
        esc = v.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = {
            "CONTAIN": f"%{esc}%",
            "START_WITH": f"{esc}%",
            "END_WITH": f"%{esc}",
            "ENDWITH": f"%{esc}",
        }.get(op)
        if pattern is None:
            raise filter_error(f"Operator {op} is not valid for text field {f.name}.")
        return f"lower({col}) LIKE {self._p(pattern)} ESCAPE '\\'"

    def _date(self, f: FieldDef, col: str, op: str) -> str:
        if op == "WITHIN":
            a, b = self.values(2)
            lo, _ = self._bounds(a)
            _, hi = self._bounds(b)
            return f"({col} >= {self._p(lo)} AND {col} < {self._p(hi)})"
        if op not in _DATE_OPS:
            raise filter_error(f"Operator {op} is not valid for date field {f.name}.")
        start, end = self._bounds(self._value())
        if f.kind == "date":
            start, end = start[:10], end[:10]
        if op == "AFTER":
            return f"{col} >= {self._p(end)}"
        if op == "ON_OR_AFTER":
            return f"{col} >= {self._p(start)}"
        if op == "BEFORE":
            return f"{col} < {self._p(start)}"
        if op == "ON_OR_BEFORE":
            return f"{col} < {self._p(end)}"
        return f"({col} >= {self._p(start)} AND {col} < {self._p(end)})"

    def _bounds(self, text: str) -> tuple[str, str]:
        """[start, end) of the instant or day a value names, as stored strings."""
        dt = parse_datetime(text)
        if dt is None:
            raise filter_error(f"Invalid date value '{text}'.")
        if has_time(text):
            start = dt.strftime("%Y-%m-%dT%H:%M:%SZ")
            end = (dt + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        else:
            day = datetime(dt.year, dt.month, dt.day)
            start = day.strftime("%Y-%m-%d")
            end = (day + timedelta(days=1)).strftime("%Y-%m-%d")
        return start, end


def compile_filter(rt: RecordType, text: str) -> tuple[str, list[Any]]:
    """(SQL condition, parameters) for a ``q`` expression on ``rt``."""
    if len(text) > 10_000:
        raise filter_error("The query is too long.")
    p = _Parser(rt, text)
    if not p.tokens:
        raise filter_error("The query is empty.")
    return p.parse(), p.params


class CompiledFilters:
    """``compile_filter`` remembered per (type, text) for as long as the type's fields stay
    the same (a field added to the type builds a new write plan, and the text is compiled
    again); a list call repeated by a poller parses its filter once. At most ``max_entries``."""

    def __init__(self, max_entries: int = 256) -> None:
        self.max_entries = max_entries
        self._d: dict[tuple[str, str], tuple[object, str, tuple[Any, ...]]] = {}

    def compile(self, rt: RecordType, text: str) -> tuple[str, list[Any]]:
        key, plan = (rt.name, text), rt.plan()
        hit = self._d.get(key)
        if hit is not None and hit[0] is plan:
            return hit[1], list(hit[2])
        cond, params = compile_filter(rt, text)
        if len(self._d) >= self.max_entries:
            self._d.clear()
        self._d[key] = (plan, cond, tuple(params))
        return cond, params
