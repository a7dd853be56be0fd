"""OData v4 system query options: $filter (parsed by odata-query), $select, $expand,
$orderby, $top, $skip, $count and server-driven paging with $skiptoken.

``$filter`` is parsed into odata-query's AST and compiled here to SQL over the record
store's JSON documents, with every literal bound as a parameter. Errors carry the codes
Business Central answers with: a syntax error is ``BadRequest_NotFound`` ("Bad Request -
Error in query syntax"), an unknown property ``BadRequest_NotFound`` naming it.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from odata_query import ast
from odata_query.exceptions import ODataException
from odata_query.grammar import ODataLexer, ODataParser

from ._edm import ENTITIES, EntityDef
from ._errors import bad_request, query_syntax, unknown_name, unknown_property
from ._indexes import field_expr

_SYSTEM = (
    "$filter",
    "$select",
    "$expand",
    "$orderby",
    "$top",
    "$skip",
    "$count",
    "$skiptoken",
    "$format",
    "$schemaversion",
    "company",
)


@dataclass(slots=True)
class Expand:
    nav: str
    select: list[str] | None = None
    filter: str | None = None


@dataclass(slots=True)
class QueryOptions:
    filter: str | None = None
    select: list[str] | None = None
    expand: list[Expand] = field(default_factory=list)
    orderby: list[tuple[str, bool]] = field(default_factory=list)  # (property, descending)
    top: int | None = None
    skip: int = 0
    count: bool = False
    skiptoken: int = 0


def _split_top(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside parentheses and quotes."""
    out: list[str] = []
    cur: list[str] = []
    depth, quote = 0, False
    for ch in text:
        if ch == "'":
            quote = not quote
        elif not quote and ch == "(":
            depth += 1
        elif not quote and ch == ")":
            depth -= 1
        if ch == sep and depth == 0 and not quote:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return [x.strip() for x in out if x.strip()]


def _int_option(name: str, raw: str) -> int:
    if not raw.isdigit():
        raise bad_request(
            f"Invalid value '{raw}' for {name} query option found. The {name} query option requires "
            "a non-negative integer value.",
        )
    return int(raw)


def parse_options(pairs: list[tuple[str, str]], ent: EntityDef) -> QueryOptions:
    """Read the system query options of a request for entity ``ent``."""
    q = QueryOptions()
    seen: set[str] = set()
    for key, value in pairs:
        k = key.strip()
        if not k.startswith("$"):
            continue
        if k in seen:
            raise bad_request(
                f"Query option '{k}' was specified more than once, but it must be specified at most once.",
            )
        seen.add(k)
        if k not in _SYSTEM:
            raise bad_request(f"The query parameter '{k}' is not supported.")
        if k == "$filter":
            q.filter = value
        elif k == "$select":
            q.select = _split_top(value, ",")
            for name in q.select:
                if name != "*" and ent.prop(name) is None:
                    raise unknown_property(name, ent.name)
        elif k == "$expand":
            q.expand = [_parse_expand(item, ent) for item in _split_top(value, ",")]
        elif k == "$orderby":
            for item in _split_top(value, ","):
                parts = item.split()
                if len(parts) > 2 or (len(parts) == 2 and parts[1].lower() not in ("asc", "desc")):
                    raise query_syntax(f"'{item}' is not a valid $orderby item.")
                if ent.prop(parts[0]) is None:
                    raise unknown_property(parts[0], ent.name)
                q.orderby.append((parts[0], len(parts) == 2 and parts[1].lower() == "desc"))
        elif k == "$top":
            q.top = _int_option("$top", value)
        elif k == "$skip":
            q.skip = _int_option("$skip", value)
        elif k == "$count":
            if value.lower() not in ("true", "false"):
                raise bad_request(f"'{value}' is not a valid count option.")
            q.count = value.lower() == "true"
        elif k == "$skiptoken":
            q.skiptoken = decode_skiptoken(value)
    return q


def _parse_expand(item: str, ent: EntityDef) -> Expand:
    m = re.fullmatch(r"(\w+)(?:\((.*)\))?", item, re.S)
    if m is None:
        raise query_syntax(f"'{item}' is not a valid $expand item.")
    nav = m.group(1)
    if nav not in ent.nav:
        raise unknown_property(nav, ent.name)
    ex = Expand(nav)
    target = ENTITIES[ent.nav[nav].target]
    for opt in _split_top(m.group(2) or "", ";"):
        k, _, v = opt.partition("=")
        if k.strip() == "$select":
            ex.select = _split_top(v, ",")
            for name in ex.select:
                if target.prop(name) is None:
                    raise unknown_property(name, target.name)
        elif k.strip() == "$filter":
            ex.filter = v
        else:
            raise bad_request(
                f"The query option '{k.strip()}' is not supported inside $expand.",
            )
    return ex


def encode_skiptoken(offset: int) -> str:
    return base64.urlsafe_b64encode(f"skip:{offset}".encode()).decode().rstrip("=")


def decode_skiptoken(token: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        kind, _, n = raw.partition(":")
        if kind == "skip" and n.isdigit():
            return int(n)
    except (ValueError, UnicodeDecodeError):
        pass
    raise bad_request(f"The skip token value '{token}' is invalid.")


# -- $filter ---------------------------------------------------------------------------

_PARSER = ODataParser()
_LEXER = ODataLexer()
_CMP = {ast.Eq: "=", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


#: ``<property> eq '<text>'``, the commonest filter (a lookup by number, code or name)
_EQ_STRING = re.compile(r"([A-Za-z_][A-Za-z0-9_]*) +eq +'((?:[^']|'')*)'")
#: words the grammar reads as something other than a property name
_KEYWORDS = frozenset(
    [
        "and",
        "or",
        "not",
        "eq",
        "ne",
        "lt",
        "le",
        "gt",
        "ge",
        "in",
        "has",
        "add",
        "sub",
        "mul",
        "div",
        "mod",
        "true",
        "false",
        "null",
        "any",
        "all",
        "inf",
        "nan",
        "duration",
        "geography",
        "geometry",
    ]
)


def compile_filter(text: str, ent: EntityDef) -> tuple[str, list[Any]]:
    """(SQL condition, parameters) for a ``$filter`` expression on ``ent``.

    A comparison of one property with a string literal is compiled without the grammar
    (to what the grammar's path gives it); anything else is parsed."""
    m = _EQ_STRING.fullmatch(text)
    if m is not None:
        name = m.group(1)
        if name.lower() not in _KEYWORDS and ent.prop(name) is not None:
            return f"{field_expr(name, ent.name)} = ?", [m.group(2).replace("''", "'")]
    return _parsed(text, ent)


def _parsed(text: str, ent: EntityDef) -> tuple[str, list[Any]]:
    try:
        tree = _PARSER.parse(_LEXER.tokenize(text))
    except ODataException as exc:
        raise query_syntax(str(exc)) from None
    except Exception:  # the lexer/parser raise plain errors on some inputs
        raise query_syntax() from None
    if tree is None:
        raise query_syntax()
    params: list[Any] = []
    return _Compiler(ent, params).node(tree), params


class _Compiler:
    def __init__(self, ent: EntityDef, params: list[Any]) -> None:
        self.ent = ent
        self.params = params

    def bind(self, value: Any) -> str:
        self.params.append(value)
        return "?"

    def node(self, n: Any) -> str:
        if isinstance(n, ast.BoolOp):
            op = "AND" if isinstance(n.op, ast.And) else "OR"
            return f"({self.node(n.left)} {op} {self.node(n.right)})"
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.Not):
            return f"(NOT {self.node(n.operand)})"
        if isinstance(n, ast.Compare):
            return self.compare(n)
        if isinstance(n, ast.Call):
            return self.call(n)
        if isinstance(n, ast.Boolean):
            return "1" if n.val.lower() == "true" else "0"
        raise query_syntax(f"Unsupported expression {type(n).__name__}.")

    def operand(self, n: Any) -> str:
        if isinstance(n, ast.Identifier):
            if n.namespace or self.ent.prop(n.name) is None:
                raise unknown_property(n.name, self.ent.name)
            return field_expr(n.name, self.ent.name)
        if isinstance(n, ast.Null):
            return "NULL"
        if isinstance(n, ast.Call):
            return self.call(n)
        return self.bind(literal(n))

    def compare(self, n: ast.Compare) -> str:
        if isinstance(n.comparator, ast.In):
            if not isinstance(n.right, ast.List):
                raise query_syntax("'in' needs a list of values.")
            left = self.operand(n.left)
            items = ", ".join(self.bind(literal(v)) for v in n.right.val)
            return f"{left} IN ({items})"
        op = _CMP.get(type(n.comparator))
        if op is None:
            raise query_syntax()
        left, right = self.operand(n.left), self.operand(n.right)
        if right == "NULL" or left == "NULL":
            other = left if right == "NULL" else right
            return f"{other} IS {'NOT ' if op == '!=' else ''}NULL"
        return f"{left} {op} {right}"

    def call(self, n: ast.Call) -> str:
        name = n.func.name.lower()
        args = [self.operand(a) for a in n.args]
        if name == "contains" and len(args) == 2:
            return f"(instr({args[0]}, {args[1]}) > 0)"
        if name == "startswith" and len(args) == 2:
            again = self.operand(n.args[1])  # each placeholder binds its own value
            return f"(substr({args[0]}, 1, length({args[1]})) = {again})"
        if name == "endswith" and len(args) == 2:
            again = self.operand(n.args[1])
            return f"(substr({args[0]}, -length({args[1]})) = {again})"
        if name == "tolower" and len(args) == 1:
            return f"lower({args[0]})"
        if name == "toupper" and len(args) == 1:
            return f"upper({args[0]})"
        if name == "length" and len(args) == 1:
            return f"length({args[0]})"
        raise unknown_name(f"An unknown function with name '{n.func.name}' was found.")


def literal(n: Any) -> Any:
    """A literal as the value stored in the JSON documents."""
    if isinstance(n, ast.String):
        return n.val
    if isinstance(n, ast.Integer):
        return int(n.val)
    if isinstance(n, ast.Float):
        return float(n.val)
    if isinstance(n, ast.Boolean):
        return 1 if n.val.lower() == "true" else 0
    if isinstance(n, ast.GUID):
        return n.val.lower()
    if isinstance(n, ast.Date):
        return n.val
    if isinstance(n, ast.DateTime):
        dt = datetime.fromisoformat(n.val.replace("Z", "+00:00"))
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=UTC)
        dt = dt.astimezone(UTC)
        return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"
    raise query_syntax(f"Unsupported literal {type(n).__name__}.")
