"""Data of a compiled query: the plan, its joins, output shape and name scopes.

A ``Plan`` holds SQL fragments for one level of a query (the root, or one child
subquery) and a ``Node`` tree that says how each result row becomes a Salesforce
record. Parent relationships are ``LEFT JOIN``s on the primary key ``(type, id)``.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .._schema import NUMERIC_TYPES, FieldDef, ObjectDef, Schema
from . import _ast as a
from ._errors import bad_relationship, no_such_column

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._compiler import Compiler


@dataclass
class QueryContext:
    """What a query runs against: one tenant's store, schema and clock."""

    conn: sqlite3.Connection
    schema: Schema
    now: datetime
    include_deleted: bool = False
    api_version: str = "68.0"
    #: ``(field, type)``: make a key index the store makes on first use (``index_on_use``)
    index_on_use: Callable[[str, str], None] | None = None


_EXPR_INDEX = re.compile(
    r"""CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?["`\[]?(\w+)["`\]]?\s+"""
    r"""ON\s+["`\[]?records["`\]]?\s*\(\s*(?:["`\[]?type["`\]]?\s*,\s*)?"""
    r"""json_extract\s*\(\s*["`\[]?(data|keys)["`\]]?\s*,\s*'\$\.(\w+)'\s*\)\s*[,)]"""
    r"""(?:\s*WHERE\s+["`\[]?type["`\]]?\s*=\s*'(\w+)'"""
    r"""(?:\s+AND\s+json_extract\s*\(\s*["`\[]?(?:data|keys)["`\]]?\s*,\s*'\$\.\w+'\s*\)\s+IS\s+NOT\s+NULL)?\s*)?$""",
    re.IGNORECASE,
)


def expression_indexes(conn: sqlite3.Connection, type_name: str | None = None) -> dict[str, str]:
    """``{field name: index name}`` for expression indexes on ``json_extract(data,'$.F')``.

    Full indexes are on ``(type, json_extract(...))``; partial ones (``WHERE type = 'T'``,
    with or without ``AND json_extract(...) IS NOT NULL``) count only for ``type_name``.
    Without ANALYZE statistics SQLite prefers the clustered primary key ``(type, id)`` over
    such an index, so lookups by external id name the index explicitly (INDEXED BY); the
    query compares ``type`` with a literal so that a partial index is usable.
    """
    return {f: name for f, (name, _) in indexes_by_field(conn, type_name).items()}


def indexes_by_field(
    conn: sqlite3.Connection, type_name: str | None = None
) -> dict[str, tuple[str, bool]]:
    """``{field name: (index name, on the keys column)}``, as ``expression_indexes`` chooses.

    A key index (``RecordStore.ensure_key_index``) is on ``json_extract(keys, '$.F')``: a
    query that names it must compare that expression with the value too."""
    out: dict[str, tuple[str, bool]] = {}
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).fetchall()
    for name, sql in rows:
        m = _EXPR_INDEX.match(" ".join(sql.split()))
        if m is None or m.group(1) != name:
            continue
        on_keys, field_name, partial_type = m.group(2).lower() == "keys", m.group(3), m.group(4)
        # a partial index on the exact type beats a full one
        if partial_type == type_name or (partial_type is None and field_name not in out):
            out[field_name] = (name, on_keys)
    return out


def key_path(table: str, field_name: str) -> str:
    """A key field's value in the keys column of ``table`` (the store's ``key_path``)."""
    return f"json_extract({table}.keys, '$.{field_name}')"


def _q(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def category(fd: FieldDef) -> str:
    """The comparison family of a field: id, boolean, number, date, datetime or text."""
    if fd.type in ("id", "reference"):
        return "id"
    if fd.type == "boolean":
        return "boolean"
    if fd.type in NUMERIC_TYPES:
        return "number"
    if fd.type in ("date", "datetime"):
        return fd.type
    return "text"


def long_text(fd: FieldDef) -> bool:
    return fd.type == "textarea" and fd.length > 255


@dataclass
class Join:
    """``LEFT JOIN records <alias>`` reached through reference field ``ref``."""

    alias: str
    parent_alias: str
    ref: FieldDef
    obj: ObjectDef

    def sql(self) -> str:
        targets = self.ref.reference_to
        if len(targets) == 1:
            type_cond = f"{self.alias}.type = {_q(targets[0])}"
        else:
            type_cond = f"{self.alias}.type IN ({', '.join(_q(t) for t in targets)})"
        return (
            f" LEFT JOIN records {self.alias} ON {type_cond} AND {self.alias}.id = "
            f"json_extract({self.parent_alias}.data, '$.{self.ref.name}')"
        )


@dataclass(frozen=True)
class Resolved:
    """A field path bound to a table alias of the plan."""

    rels: tuple[str, ...]
    field: FieldDef
    obj: ObjectDef
    table: str
    text: str

    @property
    def sql(self) -> str:
        if self.field.name == "Id":
            return f"{self.table}.id"
        return f"json_extract({self.table}.data, '$.{self.field.name}')"

    @property
    def exact(self) -> bool:
        """Compare byte-for-byte so SQLite can use the primary key or an expression index."""
        f = self.field
        return f.type in ("id", "reference") or f.external_id or f.unique or f.id_lookup


@dataclass
class FieldOut:
    key: str
    field: FieldDef


@dataclass
class ParentOut:
    key: str
    node: Node


@dataclass
class ChildOut:
    key: str
    plan: Plan
    fk: FieldDef


@dataclass
class Node:
    """One JSON object of the output: a record or a parent relationship."""

    table: str
    entries: list[FieldOut | ParentOut | ChildOut] = field(default_factory=list)
    index: dict[str, FieldOut | ParentOut | ChildOut] = field(default_factory=dict)


@dataclass
class AggOut:
    """One column of an aggregate result: ``kind`` is group, count, or the function."""

    key: str
    sql: str
    kind: str
    field: FieldDef | None


@dataclass
class Plan:
    obj: ObjectDef
    root: str
    include_deleted: bool
    joins: list[Join] = field(default_factory=list)
    where_joins: set[str] = field(default_factory=set)
    where_sql: str = ""
    where_params: list[Any] = field(default_factory=list)
    order_sql: str = ""
    limit: int | None = None
    offset: int = 0
    shape: Node | None = None
    is_count: bool = False
    aggregate: bool = False
    agg_columns: list[AggOut] = field(default_factory=list)
    group_sql: str = ""
    having_sql: str = ""
    having_params: list[Any] = field(default_factory=list)
    root_index: str | None = None
    #: with a key index as ``root_index``: the term on the keys column that lets SQLite use it
    #: (implied by the query's own term on the field, so it selects the same rows)
    root_index_sql: str = ""
    root_index_params: list[Any] = field(default_factory=list)

    def tables(self) -> list[str]:
        """Aliases whose ``id, type, data`` columns the row carries, in column order."""
        out = [self.root]
        if self.shape is not None:
            stack = [self.shape]
            while stack:
                node = stack.pop()
                for e in node.entries:
                    if isinstance(e, ParentOut):
                        out.append(e.node.table)
                        stack.append(e.node)
        return out

    def from_sql(self, *, for_count: bool = False) -> str:
        joins = [j for j in self.joins if not for_count or j.alias in self.where_joins]
        hint = f' INDEXED BY "{self.root_index}"' if self.root_index else ""
        return f"FROM records {self.root}{hint}" + "".join(j.sql() for j in joins)

    def where(self, extra: str = "", extra_params: tuple[Any, ...] = ()) -> tuple[str, list[Any]]:
        conds = [f"{self.root}.type = {_q(self.obj.name)}"]  # a literal, so partial indexes apply
        params: list[Any] = []
        if not self.include_deleted:
            conds.append(f"{self.root}.deleted = 0")
        if self.root_index_sql:
            conds.append(self.root_index_sql)
            params.extend(self.root_index_params)
        if extra:
            conds.append(extra)
            params.extend(extra_params)
        if self.where_sql:
            conds.append(f"({self.where_sql})")
            params.extend(self.where_params)
        return " WHERE " + " AND ".join(conds), params


class Scope:
    """Name resolution for one FROM: the object, its aliases, and the joins made so far."""

    def __init__(self, comp: Compiler, obj: ObjectDef, soql_alias: str | None, plan: Plan) -> None:
        self.comp = comp
        self.obj = obj
        self.soql_alias = soql_alias
        self.plan = plan
        self._joins: dict[tuple[str, ...], Join] = {}

    def resolve(self, path: a.FieldPath, *, for_where: bool = False) -> Resolved:
        parts = list(path.parts)
        if len(parts) > 1 and (
            (self.soql_alias and parts[0].lower() == self.soql_alias.lower())
            or (
                parts[0].lower() == self.obj.name.lower()
                and self.obj.relationship(parts[0]) is None
            )
        ):
            parts = parts[1:]
        obj, table = self.obj, self.plan.root
        rels: list[str] = []
        chain: list[Join] = []
        text = self.comp.text
        for rel in parts[:-1]:
            ref = obj.relationship(rel)
            target = self.comp.schema.get(ref.reference_to[0]) if ref and ref.reference_to else None
            if ref is None or target is None or ref.relationship_name is None:
                raise bad_relationship(text, path.pos.line, path.pos.column, rel)
            rels.append(ref.relationship_name)
            key = tuple(r.lower() for r in rels)
            join = self._joins.get(key)
            if join is None:
                join = Join(self.comp.new_alias(), table, ref, target)
                self._joins[key] = join
                self.plan.joins.append(join)
            chain.append(join)
            obj, table = target, join.alias
        fd = obj.field(parts[-1])
        if fd is None:
            raise no_such_column(text, path.pos.line, path.pos.column, parts[-1], obj.name)
        if for_where:
            self.plan.where_joins.update(j.alias for j in chain)
        return Resolved(tuple(rels), fd, obj, table, path.text)
