"""Parse a SOSL query with lark and run it on the store as LIKE matches over text fields.

Matching is a case-insensitive substring match of each search word (``*`` and ``?``
wildcards honoured) against the fields of the chosen scope; that is enough for the
look-ups integrations make (find an account by name, a contact by e-mail).
"""

from __future__ import annotations

import functools
import sqlite3
from dataclasses import dataclass
from importlib import resources
from typing import Any

import orjson
from lark import Lark, LarkError, Token, Tree

from simulators.engine import type_literal

from .._render import attributes
from .._schema import ObjectDef, Schema

_SCOPE_TYPES = {
    "ALL": ("string", "textarea", "email", "phone", "url", "picklist"),
    "NAME": ("string",),
    "EMAIL": ("email",),
    "PHONE": ("phone",),
    "SIDEBAR": ("string", "email", "phone"),
}
_DEFAULT_OBJECTS = ("Account", "Contact", "Opportunity")


class SoslError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.error_code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class _ObjectSpec:
    name: str
    fields: tuple[str, ...]
    limit: int | None


@functools.cache
def _parser() -> Lark:
    grammar = resources.files(__package__).joinpath("_grammar.lark").read_text()
    return Lark(grammar, parser="lalr")


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return "%" + escaped.replace("*", "%").replace("?", "_") + "%"


def search(
    text: str, conn: sqlite3.Connection, schema: Schema, version: str
) -> list[dict[str, Any]]:
    """``searchRecords`` of a SOSL query."""
    try:
        tree = _parser().parse(text.strip())
    except LarkError as exc:
        token = getattr(exc, "token", None)
        raise SoslError(
            "MALFORMED_SEARCH",
            f"unexpected token: '{token}'" if token else "Search query is not valid SOSL",
        ) from None
    term_tok = next(t for t in tree.children if isinstance(t, Token) and t.type == "SEARCH_TERM")
    term = term_tok[1:-1].replace("\\", "").strip()
    words = [w for w in term.replace('"', " ").split() if w.upper() not in ("AND", "OR", "NOT")]
    if not words or any(len(w.strip("*?")) < 2 for w in words):
        raise SoslError("INVALID_SEARCH", "search term must be longer than one character")
    scope, specs, overall = "ALL", [], None
    for child in tree.children:
        if isinstance(child, Tree) and child.data == "in_clause":
            scope = str(child.children[0]).upper()
        elif isinstance(child, Tree) and child.data == "returning":
            specs = [_spec(s) for s in child.children if isinstance(s, Tree)]
        elif isinstance(child, Tree) and child.data == "limit":
            overall = int(str(child.children[0]))
    if not specs:
        specs = [_ObjectSpec(n, ("Id",), None) for n in _DEFAULT_OBJECTS]
    out: list[dict[str, Any]] = []
    for spec in specs:
        obj = schema.get(spec.name)
        if obj is None or not obj.queryable:
            raise SoslError("INVALID_TYPE", f"sObject type '{spec.name}' is not supported.")
        out.extend(_run(obj, spec, words, scope, conn, version))
        if overall is not None and len(out) >= overall:
            return out[:overall]
    return out


def _spec(node: Tree[Any]) -> _ObjectSpec:
    name = str(node.children[0])
    fields: tuple[str, ...] = ("Id",)
    limit = None
    for child in node.children[1:]:
        if isinstance(child, Tree) and child.data == "field_list":
            fields = tuple(str(c) for c in child.children)
        elif isinstance(child, Tree) and child.data == "limit":
            limit = int(str(child.children[0]))
    return _ObjectSpec(name, fields, limit)


def _run(
    obj: ObjectDef,
    spec: _ObjectSpec,
    words: list[str],
    scope: str,
    conn: sqlite3.Connection,
    version: str,
) -> list[dict[str, Any]]:
    for f in spec.fields:
        if obj.field(f) is None:
            raise SoslError("INVALID_FIELD", f"No such column '{f}' on entity '{obj.name}'.")
    searchable = [f.name for f in obj.fields.values() if f.type in _SCOPE_TYPES[scope]]
    if not searchable:
        return []
    conds, params = [], []
    for word in words:
        ors = " OR ".join(f"json_extract(data, '$.{n}') LIKE ? ESCAPE '\\'" for n in searchable)
        conds.append(f"({ors})")
        params.extend([_like(word)] * len(searchable))
    sql = (
        f"SELECT data FROM records WHERE type = {type_literal(obj.name)} AND deleted = 0"
        f" AND {' AND '.join(conds)}"
        f" ORDER BY id LIMIT ?"
    )
    rows = conn.execute(sql, [*params, spec.limit or 2000]).fetchall()
    out = []
    for (raw,) in rows:
        data = orjson.loads(raw)
        rec: dict[str, Any] = {"attributes": attributes(obj.name, data["Id"], version)}
        for f in spec.fields:
            fd = obj.field(f)
            assert fd is not None
            rec[fd.name] = data.get(fd.name)
        out.append(rec)
    return out
