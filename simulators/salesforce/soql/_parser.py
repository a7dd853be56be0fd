"""Text to AST: the lark LALR parser over ``_grammar.lark`` plus a transformer.

Every failure, whether lexing, parsing or a literal out of range, surfaces as a
``SoqlError`` (``MALFORMED_QUERY``) worded like Salesforce's parser.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken, VisitError

from . import _ast as a
from ._dates import (
    format_datetime,
    is_fixed_literal,
    is_n_literal,
    parse_date_literal,
    parse_datetime_literal,
)
from ._errors import MALFORMED_QUERY, SoqlError, error_at

_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


@functools.cache
def _lark() -> Lark:
    grammar = (Path(__file__).parent / "_grammar.lark").read_text(encoding="utf-8")
    return Lark(
        grammar, parser="lalr", lexer="basic", maybe_placeholders=True, propagate_positions=True
    )


def _pos(tok: Token) -> a.Pos:
    return a.Pos(tok.line or 1, tok.column or 1)


_MAX_INT = 2**31 - 1


class _Unexpected(Exception):
    """Raised inside the transformer for a token the grammar accepts but SOQL does not."""

    def __init__(self, tok: Token) -> None:
        super().__init__(str(tok))
        self.tok = tok


class _Malformed(Exception):
    """Raised inside the transformer for a literal Salesforce rejects (no caret)."""


def map_escapes(raw: str, escape: Callable[[str], str]) -> str:
    """``raw`` with each backslash pair replaced by ``escape`` of the character after it."""
    out: list[str] = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\\" and i + 1 < len(raw):
            out.append(escape(raw[i + 1]))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def decode_string(raw: str) -> str:
    """The value of a quoted SOQL string (``raw`` without its quotes)."""

    def escape(nxt: str) -> str:
        if nxt.lower() in _ESCAPES or nxt in "\"'\\":
            return _ESCAPES.get(nxt.lower(), nxt)
        if nxt in "%_":
            return nxt
        raise _Malformed(
            f"Invalid string literal '{raw}'. Illegal character sequence "
            f"'\\{nxt}' in string literal."
        )

    return map_escapes(raw, escape)


def _number(tok: Token) -> int | float:
    text = str(tok)
    if any(c in text for c in ".eE"):
        return float(text)
    return int(text)


def _is_tok(x: Any, *types: str) -> bool:
    return isinstance(x, Token) and x.type in types


_CLAUSE_ORDER = (
    "where",
    "with",
    "group_by",
    "having",
    "order_by",
    "limit",
    "offset",
    "all_rows",
    "for",
    "update",
)
_WORD = re.compile(r"\w+|\S")


@dataclass(frozen=True, slots=True)
class _Clause:
    """A clause after FROM with where it starts, so ``query`` can check clause order."""

    item: tuple[Any, ...]
    line: int
    column: int
    start: int


def _clause(fn: Callable[[Any, list[Any]], tuple[Any, ...]]) -> Any:
    @v_args(meta=True)
    def wrapper(self: Any, meta: Any, c: list[Any]) -> _Clause:
        return _Clause(fn(self, c), meta.line, meta.column, meta.start_pos)

    return wrapper


class _ToAst(Transformer[Token, a.Query]):
    """Builds ``_ast`` nodes; clause rules return ``_Clause`` records for ``query``."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def _out_of_order(self, clause: _Clause) -> _Unexpected:
        m = _WORD.match(self.text, clause.start)
        word = m.group(0) if m else ""
        return _Unexpected(Token("NAME", word, line=clause.line, column=clause.column))

    def start(self, c: list[Any]) -> a.Query:
        query: a.Query = c[0]
        return query

    def query(self, c: list[Any]) -> a.Query:
        fields: dict[str, Any] = {}
        select: tuple[a.SelectItem, ...] = ()
        sobject = ""
        sobject_pos = a.Pos(1, 1)
        alias = None
        rank = -1
        for part in c:
            item = part
            if isinstance(part, _Clause):
                here = _CLAUSE_ORDER.index(part.item[0])
                if here <= rank:
                    raise self._out_of_order(part)
                rank, item = here, part.item
            tag = item[0]
            if tag == "select":
                select = item[1]
            elif tag == "from":
                _, sobject, sobject_pos, alias = item
            elif tag in ("where", "group_by", "having", "order_by", "limit", "all_rows"):
                fields[tag] = item[1]
            elif tag == "offset":
                fields["offset"], fields["offset_pos"] = item[1], item[2]
        return a.Query(
            select=select, sobject=sobject, sobject_pos=sobject_pos, alias=alias, **fields
        )

    def select_list(self, c: list[Any]) -> tuple[str, tuple[a.SelectItem, ...]]:
        return ("select", tuple(c))

    def select_field(self, c: list[Any]) -> a.SelectField:
        alias = c[1]
        return a.SelectField(c[0], str(alias) if alias else None, _pos(alias) if alias else None)

    select_func = select_field

    def select_subquery(self, c: list[Any]) -> a.SelectSubquery:
        return a.SelectSubquery(c[0])

    def alias(self, c: list[Token]) -> Token:
        return c[0]

    def object_ref(self, c: list[Any]) -> tuple[str, str, a.Pos, str | None]:
        name, alias = c[0], c[1]
        return ("from", str(name), _pos(name), str(alias) if alias else None)

    def using_scope(self, c: list[Any]) -> None:
        return None

    def name(self, c: list[Token]) -> Token:
        return c[0]

    def field_path(self, c: list[Token]) -> a.FieldPath:
        return a.FieldPath(tuple(str(t) for t in c), _pos(c[0]))

    def func_call(self, c: list[Any]) -> a.FuncCall:
        name = c[0]
        args = tuple(x for x in c[1:] if x is not None)
        return a.FuncCall(str(name).upper(), args, _pos(name), str(name))

    @_clause
    def where_clause(self, c: list[Any]) -> tuple[str, Any]:
        return ("where", c[0])

    @_clause
    def with_clause(self, c: list[Token]) -> tuple[str, None]:
        if str(c[0]).upper() not in ("SECURITY_ENFORCED", "USER_MODE", "SYSTEM_MODE"):
            raise _Unexpected(c[0])
        return ("with", None)

    @_clause
    def group_clause(self, c: list[Any]) -> tuple[str, Any]:
        return ("group_by", tuple(x for x in c if not isinstance(x, Token)))

    @_clause
    def having_clause(self, c: list[Any]) -> tuple[str, Any]:
        return ("having", c[0])

    @_clause
    def order_clause(self, c: list[Any]) -> tuple[str, Any]:
        return ("order_by", tuple(x for x in c if not isinstance(x, Token)))

    def order_item(self, c: list[Any]) -> a.OrderItem:
        expr, direction, nulls = c
        return a.OrderItem(expr, direction == "DESC", nulls)

    def direction(self, c: list[Token]) -> str:
        return str(c[0]).upper()

    def nulls(self, c: list[Token]) -> str:
        return str(c[0]).upper()

    def _count(self, tok: Token) -> int:
        value = _number(tok)
        if not isinstance(value, int) or not 0 <= value <= _MAX_INT:  # an Apex Integer
            raise _Unexpected(tok)
        return value

    @_clause
    def limit_clause(self, c: list[Token]) -> tuple[str, int]:
        return ("limit", self._count(c[0]))

    @_clause
    def offset_clause(self, c: list[Token]) -> tuple[str, int, a.Pos]:
        return ("offset", self._count(c[1]), _pos(c[1]))

    @_clause
    def all_rows(self, c: list[Token]) -> tuple[str, bool]:
        return ("all_rows", True)

    @_clause
    def for_clause(self, c: list[Any]) -> tuple[str, None]:
        return ("for", None)

    def for_word(self, c: list[Token]) -> None:
        if str(c[0]).upper() not in ("VIEW", "REFERENCE", "UPDATE"):
            raise _Unexpected(c[0])

    @_clause
    def update_clause(self, c: list[Token]) -> tuple[str, None]:
        if str(c[1]).upper() not in ("TRACKING", "VIEWSTAT"):
            raise _Unexpected(c[1])
        return ("update", None)

    # ---- conditions ---------------------------------------------------------------
    def and_cond(self, c: list[Any]) -> a.And:
        return a.And(tuple(c))

    def or_cond(self, c: list[Any]) -> a.Or:
        return a.Or(tuple(c))

    def not_cond(self, c: list[Any]) -> a.Not:
        return a.Not(c[0])

    @staticmethod
    def _left_pos(left: a.FieldPath | a.FuncCall) -> a.Pos:
        return left.pos

    def comparison(self, c: list[Any]) -> a.Comparison:
        left, op, value = c
        opname = "!=" if str(op) == "<>" else str(op)
        return a.Comparison(left, opname, value, left.pos)

    def like(self, c: list[Any]) -> a.Comparison:
        return a.Comparison(c[0], "LIKE", c[2], c[0].pos)

    def in_list(self, c: list[Any]) -> a.InList:
        return a.InList(c[0], c[1], False, c[0].pos)

    def not_in_list(self, c: list[Any]) -> a.InList:
        return a.InList(c[0], c[1], True, c[0].pos)

    def _semi(self, c: list[Any], negated: bool) -> a.SemiJoin:
        if not isinstance(c[0], a.FieldPath):
            raise _Unexpected(Token("NAME", "SELECT", line=c[0].pos.line, column=c[0].pos.column))
        return a.SemiJoin(c[0], c[1], negated, c[0].pos)

    def semi_join(self, c: list[Any]) -> a.SemiJoin:
        return self._semi(c, False)

    def anti_join(self, c: list[Any]) -> a.SemiJoin:
        return self._semi(c, True)

    def _includes(self, c: list[Any], excludes: bool) -> a.Includes:
        if not isinstance(c[0], a.FieldPath):
            raise _Unexpected(c[1])
        return a.Includes(c[0], c[2], excludes, c[0].pos)

    def includes(self, c: list[Any]) -> a.Includes:
        return self._includes(c, False)

    def excludes(self, c: list[Any]) -> a.Includes:
        return self._includes(c, True)

    # ---- values -------------------------------------------------------------------
    def value_list(self, c: list[a.Literal]) -> tuple[a.Literal, ...]:
        return tuple(c)

    def string_value(self, c: list[Token]) -> a.Literal:
        raw = str(c[0])[1:-1]
        return a.Literal("string", decode_string(raw), raw, _pos(c[0]))

    def number_value(self, c: list[Token]) -> a.Literal:
        return a.Literal("number", _number(c[0]), str(c[0]), _pos(c[0]))

    def true_value(self, c: list[Token]) -> a.Literal:
        return a.Literal("boolean", True, str(c[0]), _pos(c[0]))

    def false_value(self, c: list[Token]) -> a.Literal:
        return a.Literal("boolean", False, str(c[0]), _pos(c[0]))

    def null_value(self, c: list[Token]) -> a.Literal:
        return a.Literal("null", None, str(c[0]), _pos(c[0]))

    def date_value(self, c: list[Token]) -> a.Literal:
        d = parse_date_literal(str(c[0]))
        if d is None:
            raise _Malformed(f"Invalid date: {c[0]}")
        return a.Literal("date", d.isoformat(), str(c[0]), _pos(c[0]))

    def datetime_value(self, c: list[Token]) -> a.Literal:
        dt = parse_datetime_literal(str(c[0]))
        if dt is None:
            raise _Malformed(f"Invalid datetime: {c[0]}")
        return a.Literal("datetime", format_datetime(dt), str(c[0]), _pos(c[0]))

    def date_literal(self, c: list[Token]) -> a.Literal:
        name = str(c[0])
        if not is_fixed_literal(name):
            raise _Unexpected(c[0])
        return a.Literal("date_literal", name.upper(), name, _pos(c[0]))

    def date_literal_n(self, c: list[Token]) -> a.Literal:
        name, num = str(c[0]), c[1]
        if not is_n_literal(name):
            raise _Unexpected(c[0])
        n = _number(num)
        if not isinstance(n, int) or str(num)[0] in "+-":
            raise _Unexpected(num)
        return a.Literal("date_literal", name.upper(), f"{name}:{num}", _pos(c[0]), n)


def _eof_position(text: str) -> tuple[int, int]:
    body = text.rstrip()
    lines = body.split("\n")
    return len(lines), len(lines[-1]) + 1


def _syntax_error(text: str, exc: UnexpectedInput) -> SoqlError:
    if isinstance(exc, UnexpectedToken):
        tok = exc.token
        if tok.type == "$END":
            line, col = _eof_position(text)
            return error_at(MALFORMED_QUERY, text, line, col, "unexpected token: '<EOF>'")
        return error_at(
            MALFORMED_QUERY, text, tok.line or 1, tok.column or 1, f"unexpected token: '{tok}'"
        )
    if isinstance(exc, UnexpectedCharacters):
        at = exc.pos_in_stream or 0
        ch = text[at] if at < len(text) else ""
        col0 = exc.column - 1
        return error_at(
            MALFORMED_QUERY,
            text,
            exc.line,
            col0,
            f"line {exc.line}:{col0} unexpected token: '{ch}'",
        )
    line, col = _eof_position(text)
    return error_at(MALFORMED_QUERY, text, line, col, "unexpected token: '<EOF>'")


@functools.lru_cache(maxsize=1024)
def parse(text: str) -> a.Query:
    """The AST of one SOQL statement; raises ``SoqlError`` (MALFORMED_QUERY) on bad input."""
    if not isinstance(text, str):
        raise SoqlError(MALFORMED_QUERY, "unexpected token: '<EOF>'")
    try:
        tree = _lark().parse(text)
        return _ToAst(text).transform(tree)
    except UnexpectedInput as exc:
        raise _syntax_error(text, exc) from None
    except VisitError as exc:
        orig = exc.orig_exc
        if isinstance(orig, _Unexpected):
            tok = orig.tok
            raise error_at(
                MALFORMED_QUERY, text, tok.line or 1, tok.column or 1, f"unexpected token: '{tok}'"
            ) from None
        if isinstance(orig, _Malformed):
            raise SoqlError(MALFORMED_QUERY, str(orig)) from None
        if isinstance(orig, SoqlError):
            raise orig from None
        raise SoqlError(MALFORMED_QUERY, "Unknown error parsing query") from None
    except RecursionError:
        raise SoqlError(MALFORMED_QUERY, "Query is too complicated") from None
