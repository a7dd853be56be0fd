"""AST to SQL: resolves names against the schema, type-checks filters, builds a plan.

A ``Plan`` holds SQL fragments for one level of a query (the root, or one child
subquery) and a ``Node`` tree that says how each result row becomes a Salesforce
record. Parent relationships become ``LEFT JOIN``s on the primary key; child
subqueries become their own plans, run once per page of parents.

SOQL semantics kept here: string ``=`` is case-insensitive except on ids and
external ids (which keeps the expression indexes usable); ``!=`` and ``NOT IN``
match nulls; a boolean null is false; ``NOT`` is two-valued.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from .._schema import ObjectDef
from . import _ast as a
from ._dates import date_range, day_start
from ._errors import (
    INVALID_FIELD,
    MALFORMED_QUERY,
    SoqlError,
    bad_child_relationship,
    error_at,
    unsupported_type,
)
from ._ids import to_18
from ._parser import decode_string, map_escapes
from ._plan import (
    AggOut,
    ChildOut,
    FieldOut,
    Join,
    Node,
    ParentOut,
    Plan,
    QueryContext,
    Resolved,
    Scope,
    category,
    indexes_by_field,
    key_path,
    long_text,
)

MAX_OFFSET = 2000
FIELDS_LIMIT = 200
AGGREGATES = frozenset({"COUNT", "COUNT_DISTINCT", "SUM", "AVG", "MIN", "MAX"})
# Functions that change how a value is displayed, not which value: kept as the field.
_DISPLAY_FUNCS = frozenset({"TOLABEL", "FORMAT", "CONVERTCURRENCY"})
_SOAP_TYPES = {
    "id": "id",
    "reference": "id",
    "double": "double",
    "currency": "double",
    "percent": "double",
    "int": "int",
    "long": "long",
    "boolean": "boolean",
    "date": "date",
    "datetime": "dateTime",
    "time": "time",
}
_SQL_OPS = {"=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


class Compiler:
    """Compiles one statement; holds the text (for error carets) and an alias counter."""

    def __init__(self, text: str, ctx: QueryContext) -> None:
        self.text = text
        self.ctx = ctx
        self.schema = ctx.schema
        self._aliases: Iterator[int] = itertools.count()

    def new_alias(self) -> str:
        return f"t{next(self._aliases)}"

    # ---- entry points -----------------------------------------------------------
    def compile_root(self, q: a.Query) -> Plan:
        obj = self.schema.get(q.sobject)
        if obj is None or not obj.queryable:
            raise unsupported_type(self.text, q.sobject_pos.line, q.sobject_pos.column, q.sobject)
        include_deleted = self.ctx.include_deleted or q.all_rows
        return self._compile(q, obj, include_deleted)

    def _compile(self, q: a.Query, obj: ObjectDef, include_deleted: bool) -> Plan:
        plan = Plan(obj=obj, root=self.new_alias(), include_deleted=include_deleted)
        scope = Scope(self, obj, q.alias, plan)
        if q.offset is not None and q.offset > MAX_OFFSET:
            raise SoqlError(
                "NUMBER_OUTSIDE_VALID_RANGE", f"Maximum SOQL offset allowed is {MAX_OFFSET}"
            )
        plan.limit = q.limit
        plan.offset = q.offset or 0
        if q.where is not None:
            plan.where_sql, plan.where_params = self.condition(q.where, scope)
            self._index_hint(q.where, scope, plan)
        if self._is_aggregate(q):
            self._aggregate(q, scope, plan)
        else:
            self._select(q, scope, plan, include_deleted)
            plan.order_sql = self._order(q.order_by, scope, None)
        return plan

    def _index_hint(self, where: a.Condition, scope: Scope, plan: Plan) -> None:
        """The expression index that serves a top-level ``ext_id = 'v'`` / ``IN`` term, if
        any, as ``plan.root_index``; with a key index, the term on its column beside it."""
        terms = where.items if isinstance(where, a.And) else (where,)
        candidates: list[tuple[Resolved, tuple[a.Literal, ...]]] = []
        for term in terms:
            if isinstance(term, a.Comparison) and term.op == "=":
                values: tuple[a.Literal, ...] = (term.value,)
            elif isinstance(term, a.InList) and not term.negated:
                values = term.values
            else:
                continue
            if not isinstance(term.left, a.FieldPath) or any(
                v.kind != "string" or v.value == "" for v in values
            ):
                continue
            res = scope.resolve(term.left)
            if not res.rels and res.exact and res.field.name != "Id":
                candidates.append((res, values))
        if not candidates:
            return
        if self.ctx.index_on_use is not None:
            for res, _ in candidates:
                self.ctx.index_on_use(res.field.name, scope.obj.name)
        indexes = indexes_by_field(self.ctx.conn, scope.obj.name)
        for res, values in candidates:
            found = indexes.get(res.field.name)
            if found is None:
                continue
            plan.root_index, on_keys = found
            if on_keys:
                params = [self._param(res, v) for v in values]
                marks = ", ".join("?" for _ in params)
                plan.root_index_sql = f"{key_path(res.table, res.field.name)} IN ({marks})"
                plan.root_index_params = params
            return

    # ---- SELECT -----------------------------------------------------------------
    @staticmethod
    def _is_aggregate(q: a.Query) -> bool:
        if q.group_by:
            return True
        return any(
            isinstance(item, a.SelectField)
            and isinstance(item.expr, a.FuncCall)
            and item.expr.name in AGGREGATES
            and not (item.expr.name == "COUNT" and not item.expr.args)
            for item in q.select
        )

    def _expand(self, q: a.Query, obj: ObjectDef) -> list[a.SelectItem]:
        """Select items with ``FIELDS(...)`` expanded and display functions unwrapped."""
        items: list[a.SelectItem] = []
        for item in q.select:
            if isinstance(item, a.SelectField) and isinstance(item.expr, a.FuncCall):
                fn = item.expr
                if fn.name == "FIELDS":
                    items.extend(self._fields_macro(fn, q, obj))
                    continue
                if (
                    fn.name in _DISPLAY_FUNCS
                    and len(fn.args) == 1
                    and isinstance(fn.args[0], a.FieldPath)
                ):
                    items.append(a.SelectField(fn.args[0], item.alias, item.alias_pos))
                    continue
                if fn.name not in AGGREGATES:
                    raise self._unknown_function(fn)
            items.append(item)
        return items

    def _fields_macro(self, fn: a.FuncCall, q: a.Query, obj: ObjectDef) -> list[a.SelectField]:
        arg = fn.args[0] if len(fn.args) == 1 else None
        kind = arg.parts[0].upper() if isinstance(arg, a.FieldPath) and len(arg.parts) == 1 else ""
        if kind not in ("ALL", "STANDARD", "CUSTOM"):
            raise error_at(
                MALFORMED_QUERY,
                self.text,
                fn.pos.line,
                fn.pos.column,
                f"unexpected token: '{fn.raw_name}'",
            )
        if kind != "STANDARD" and (q.limit is None or q.limit > FIELDS_LIMIT):
            raise SoqlError(
                MALFORMED_QUERY,
                f"The SOQL FIELDS function must have a LIMIT of at most {FIELDS_LIMIT}",
            )
        return [
            a.SelectField(a.FieldPath((f.name,), fn.pos))
            for f in obj.fields.values()
            if kind == "ALL" or (kind == "CUSTOM") == f.custom
        ]

    def _malformed_at(self, fn: a.FuncCall, message: str) -> SoqlError:
        """MALFORMED_QUERY with the caret at the function ``fn``."""
        return error_at(MALFORMED_QUERY, self.text, fn.pos.line, fn.pos.column, message)

    def _unknown_function(self, fn: a.FuncCall) -> SoqlError:
        return self._malformed_at(fn, f"unexpected token: '{fn.raw_name}'")

    def _count_not_alone(self, fn: a.FuncCall) -> SoqlError:
        return self._malformed_at(fn, "COUNT() can only be used alone in the SELECT list")

    def _select(self, q: a.Query, scope: Scope, plan: Plan, include_deleted: bool) -> None:
        root = Node(plan.root)
        seen: set[str] = set()
        for item in self._expand(q, scope.obj):
            if isinstance(item, a.SelectSubquery):
                self._child(item.query, scope, root, include_deleted)
                continue
            expr = item.expr
            if isinstance(expr, a.FuncCall):  # COUNT() or another aggregate outside GROUP BY
                if expr.name == "COUNT" and not expr.args:
                    if len(q.select) == 1:
                        plan.is_count = True
                        plan.shape = root
                        return
                    raise self._count_not_alone(expr)
                raise self._unknown_function(expr)
            if item.alias is not None and item.alias_pos is not None:
                raise error_at(
                    MALFORMED_QUERY,
                    self.text,
                    item.alias_pos.line,
                    item.alias_pos.column,
                    f"unexpected token: '{item.alias}'",
                )
            res = scope.resolve(expr)
            dup_key = ".".join((*res.rels, res.field.name)).lower()
            if dup_key in seen:
                raise SoqlError(INVALID_FIELD, f"duplicate field selected: {expr.text}")
            seen.add(dup_key)
            node = root
            table = plan.root
            for rel, join in zip(res.rels, self._chain(scope, res.rels), strict=True):
                entry = node.index.get(rel.lower())
                if not isinstance(entry, ParentOut):
                    entry = ParentOut(rel, Node(join.alias))
                    node.index[rel.lower()] = entry
                    node.entries.append(entry)
                node = entry.node
                table = join.alias
            del table
            out = FieldOut(res.field.name, res.field)
            node.index[res.field.name.lower()] = out
            node.entries.append(out)
        plan.shape = root

    @staticmethod
    def _chain(scope: Scope, rels: tuple[str, ...]) -> list[Join]:
        return [scope._joins[tuple(r.lower() for r in rels[: i + 1])] for i in range(len(rels))]

    def _child(self, sub: a.Query, scope: Scope, root: Node, include_deleted: bool) -> None:
        rel = scope.obj.child_relationship(sub.sobject)
        child_obj = self.schema.get(rel.child_sobject) if rel else None
        if rel is None or child_obj is None or rel.relationship_name is None:
            raise bad_child_relationship(
                self.text, sub.sobject_pos.line, sub.sobject_pos.column, sub.sobject
            )
        if self._is_aggregate(sub):
            raise error_at(
                MALFORMED_QUERY,
                self.text,
                sub.sobject_pos.line,
                sub.sobject_pos.column,
                "Aggregate query does not support nested queries",
            )
        plan = self._compile(sub, child_obj, include_deleted)
        fk = child_obj.field(rel.field)
        if fk is None:  # pragma: no cover - schema links children from real fields
            raise bad_child_relationship(
                self.text, sub.sobject_pos.line, sub.sobject_pos.column, sub.sobject
            )
        out = ChildOut(rel.relationship_name, plan, fk)
        root.index[rel.relationship_name.lower()] = out
        root.entries.append(out)

    # ---- ORDER BY ---------------------------------------------------------------
    def _order(
        self, items: tuple[a.OrderItem, ...], scope: Scope, agg: dict[str, str] | None
    ) -> str:
        parts = []
        for item in items:
            if isinstance(item.expr, a.FuncCall):
                if agg is None:
                    raise self._unknown_function(item.expr)
                sql, _ = self._agg_expr(item.expr, scope)
            else:
                res = scope.resolve(item.expr)
                if long_text(res.field):
                    raise SoqlError(
                        INVALID_FIELD, f"field '{res.field.name}' can not be sorted in a query call"
                    )
                if agg is not None and res.sql not in agg:
                    raise SoqlError(
                        MALFORMED_QUERY,
                        f"Ordered field must be grouped or aggregated: {item.expr.text}",
                    )
                sql = res.sql
                if category(res.field) in ("text", "id") and not res.exact:
                    sql += " COLLATE NOCASE"
            nulls = item.nulls or ("LAST" if item.descending else "FIRST")
            parts.append(f"{sql} {'DESC' if item.descending else 'ASC'} NULLS {nulls}")
        if agg is None:
            parts.append(f"{scope.plan.root}.id")
        return ", ".join(parts)

    # ---- aggregates -------------------------------------------------------------
    def _agg_expr(self, fn: a.FuncCall, scope: Scope) -> tuple[str, AggOut]:
        if fn.name not in AGGREGATES:
            raise self._unknown_function(fn)
        if fn.name == "COUNT" and not fn.args:
            return "count(*)", AggOut("", "count(*)", "count", None)
        if len(fn.args) != 1 or not isinstance(fn.args[0], a.FieldPath):
            raise self._unknown_function(fn)
        res = scope.resolve(fn.args[0], for_where=True)
        cat = category(res.field)
        if fn.name in ("SUM", "AVG") and cat != "number":
            raise SoqlError(
                MALFORMED_QUERY,
                f"field {res.field.name} does not support aggregate operator {fn.name}",
            )
        if fn.name in ("MIN", "MAX") and cat == "boolean":
            raise SoqlError(
                MALFORMED_QUERY,
                f"field {res.field.name} does not support aggregate operator {fn.name}",
            )
        if fn.name == "COUNT":
            sql = f"count({res.sql})"
            return sql, AggOut("", sql, "count", res.field)
        if fn.name == "COUNT_DISTINCT":
            sql = f"count(DISTINCT {res.sql})"
            return sql, AggOut("", sql, "count", res.field)
        sql = f"{fn.name.lower()}({res.sql})"
        return sql, AggOut("", sql, fn.name, res.field)

    def _aggregate(self, q: a.Query, scope: Scope, plan: Plan) -> None:
        plan.aggregate = True
        groups: dict[str, Resolved] = {}
        for g in q.group_by:
            if isinstance(g, a.FuncCall):
                raise self._unknown_function(g)
            res = scope.resolve(g, for_where=True)
            if category(res.field) == "text" and long_text(res.field):
                raise SoqlError(
                    INVALID_FIELD, f"field '{res.field.name}' can not be grouped in a query call"
                )
            groups[res.sql] = res
        expr_n = itertools.count()
        for item in q.select:
            if isinstance(item, a.SelectSubquery):
                raise error_at(
                    MALFORMED_QUERY,
                    self.text,
                    item.query.sobject_pos.line,
                    item.query.sobject_pos.column,
                    "Aggregate query does not support nested queries",
                )
            expr = item.expr
            if isinstance(expr, a.FuncCall):
                if expr.name == "COUNT" and not expr.args:
                    raise self._count_not_alone(expr)
                _, out = self._agg_expr(expr, scope)
                out.key = item.alias or f"expr{next(expr_n)}"
                plan.agg_columns.append(out)
                continue
            res = scope.resolve(expr, for_where=True)
            if res.sql not in groups:
                raise SoqlError(
                    MALFORMED_QUERY, f"Field must be grouped or aggregated: {expr.text}"
                )
            plan.agg_columns.append(
                AggOut(item.alias or res.field.name, res.sql, "group", res.field)
            )
        keys = [c.key.lower() for c in plan.agg_columns]
        for k in keys:
            if keys.count(k) > 1:
                raise SoqlError(MALFORMED_QUERY, f"duplicate alias: {k}")
        plan.group_sql = ", ".join(groups)
        if q.having is not None:
            plan.having_sql, plan.having_params = self.condition(
                q.having, scope, having=set(groups)
            )
        plan.order_sql = self._order(q.order_by, scope, dict.fromkeys(groups, ""))
        # Aggregate rows come back in group order unless ordered.
        if not plan.order_sql and plan.group_sql:
            plan.order_sql = plan.group_sql

    # ---- WHERE ------------------------------------------------------------------
    def condition(
        self, cond: a.Condition, scope: Scope, having: set[str] | None = None
    ) -> tuple[str, list[Any]]:
        if isinstance(cond, a.And | a.Or):
            joiner = " AND " if isinstance(cond, a.And) else " OR "
            sqls, params = [], []
            for item in cond.items:
                s, p = self.condition(item, scope, having)
                sqls.append(f"({s})")
                params.extend(p)
            return joiner.join(sqls), params
        if isinstance(cond, a.Not):
            s, p = self.condition(cond.item, scope, having)
            return f"NOT coalesce(({s}), 0)", p
        if isinstance(cond, a.SemiJoin):
            return self._semi_join(cond, scope)
        left = cond.left
        if isinstance(left, a.FuncCall):
            if having is None:
                raise self._unknown_function(left)
            sql, out = self._agg_expr(left, scope)
            values = (cond.value,) if isinstance(cond, a.Comparison) else cond.values
            return self._agg_predicate(cond, sql, out, values)
        res = scope.resolve(left, for_where=True)
        if having is not None and res.sql not in having:
            raise SoqlError(MALFORMED_QUERY, f"Field must be grouped or aggregated: {left.text}")
        if long_text(res.field):
            raise SoqlError(
                INVALID_FIELD, f"field '{res.field.name}' can not be filtered in a query call"
            )
        if isinstance(cond, a.Comparison):
            return self._comparison(res, cond.op, cond.value)
        if isinstance(cond, a.InList):
            return self._in_list(res, cond)
        return self._includes(res, cond)

    def _type_error(self, res: Resolved, lit: a.Literal) -> SoqlError:
        soap = _SOAP_TYPES.get(res.field.type, "string")
        quoted = category(res.field) in ("text", "id")
        how = "should be enclosed in quotes" if quoted else "should not be enclosed in quotes"
        return SoqlError(
            INVALID_FIELD,
            f"value of filter criterion for field '{res.text}' must be of type {soap} and {how}",
        )

    def _param(self, res: Resolved, lit: a.Literal) -> Any:
        """The bound parameter for ``lit`` compared with ``res`` (after type checks)."""
        cat = category(res.field)
        kind = lit.kind
        allowed = {
            "text": ("string",),
            "id": ("string",),
            "number": ("number",),
            "boolean": ("boolean",),
            "date": ("date", "date_literal"),
            "datetime": ("datetime", "date_literal"),
        }[cat]
        if kind != "null" and kind not in allowed:
            raise self._type_error(res, lit)
        if kind == "null" or (kind == "string" and lit.value == ""):
            return None
        if cat == "id":
            assert isinstance(lit.value, str)
            wide = to_18(lit.value)
            if wide is None:
                raise SoqlError(MALFORMED_QUERY, f"invalid ID field: {lit.value}")
            return wide
        if cat == "boolean":
            return 1 if lit.value else 0
        return lit.value

    def _range(self, res: Resolved, lit: a.Literal) -> tuple[str, str]:
        start, end = date_range(str(lit.value), lit.n, self.ctx.now)
        if res.field.type == "date":
            return start.isoformat(), end.isoformat()
        return day_start(start), day_start(end)

    def _comparison(self, res: Resolved, op: str, lit: a.Literal) -> tuple[str, list[Any]]:
        col = res.sql
        cat = category(res.field)
        if op == "LIKE":
            if lit.kind != "string":
                raise self._type_error(res, lit)
            return f"{col} LIKE ? ESCAPE '\\'", [_like_pattern(lit.raw)]
        value = self._param(res, lit)
        if cat == "boolean":
            if value is None:
                value = 0
            if op not in ("=", "!="):
                raise error_at(
                    MALFORMED_QUERY,
                    self.text,
                    lit.pos.line,
                    lit.pos.column,
                    f"unexpected token: '{lit.raw}'",
                )
            return f"coalesce({col}, 0) {_SQL_OPS[op]} ?", [value]
        if value is None:
            if op == "=":
                return (f"({col} IS NULL OR {col} = '')" if cat == "text" else f"{col} IS NULL"), []
            if op == "!=":
                return (
                    f"({col} IS NOT NULL AND {col} <> '')"
                    if cat == "text"
                    else f"{col} IS NOT NULL"
                ), []
            return "0", []
        if lit.kind == "date_literal":
            start, end = self._range(res, lit)
            return {
                "=": (f"({col} >= ? AND {col} < ?)", [start, end]),
                "!=": (f"({col} IS NULL OR {col} < ? OR {col} >= ?)", [start, end]),
                "<": (f"{col} < ?", [start]),
                "<=": (f"{col} < ?", [end]),
                ">": (f"{col} >= ?", [end]),
                ">=": (f"{col} >= ?", [start]),
            }[op]
        collate = " COLLATE NOCASE" if cat == "text" and not res.exact else ""
        if op == "!=":
            return f"({col} IS NULL OR {col} <> ?{collate})", [value]
        return f"{col} {_SQL_OPS[op]} ?{collate}", [value]

    def _in_list(self, res: Resolved, cond: a.InList) -> tuple[str, list[Any]]:
        col = res.sql
        cat = category(res.field)
        if any(v.kind == "date_literal" for v in cond.values):
            parts, params = [], []
            for v in cond.values:
                s, p = self._comparison(res, "=", v)
                parts.append(f"({s})")
                params.extend(p)
            ors = " OR ".join(parts)
            return (f"NOT coalesce(({ors}), 0)" if cond.negated else ors), params
        values = [self._param(res, v) for v in cond.values]
        has_null = any(v is None for v in values)
        present = [v for v in values if v is not None]
        if cat == "boolean":
            col = f"coalesce({col}, 0)"
            has_null, present = False, [0 if v is None else v for v in values]
        collate = " COLLATE NOCASE" if cat == "text" and not res.exact else ""
        marks = ", ".join("?" for _ in present)
        if not cond.negated:
            parts = [f"{col}{collate} IN ({marks})"] if present else []
            if has_null:
                parts.append(f"{col} IS NULL")
            return (" OR ".join(parts) or "0"), present
        parts = [f"{col}{collate} NOT IN ({marks})"] if present else []
        if has_null:
            return " AND ".join([f"{col} IS NOT NULL", *parts]), present
        return f"({col} IS NULL OR {parts[0]})", present

    def _includes(self, res: Resolved, cond: a.Includes) -> tuple[str, list[Any]]:
        col = res.sql
        ors, params = [], []
        for v in cond.values:
            if v.kind != "string":
                raise self._type_error(res, v)
            assert isinstance(v.value, str)
            terms = [t.strip() for t in v.value.split(";") if t.strip()]
            ands = []
            for term in terms:
                ands.append(f"(';' || replace({col}, '; ', ';') || ';') LIKE ? ESCAPE '\\'")
                params.append("%;" + _like_escape(term) + ";%")
            ors.append("(" + (" AND ".join(ands) or "0") + ")")
        test = " OR ".join(ors) or "0"
        if cond.excludes:
            return f"({col} IS NULL OR NOT coalesce(({test}), 0))", params
        return f"({col} IS NOT NULL AND ({test}))", params

    def _semi_join(self, cond: a.SemiJoin, scope: Scope) -> tuple[str, list[Any]]:
        res = scope.resolve(cond.left, for_where=True)
        sub = cond.query
        obj = self.schema.get(sub.sobject)
        if obj is None or not obj.queryable:
            raise unsupported_type(
                self.text, sub.sobject_pos.line, sub.sobject_pos.column, sub.sobject
            )
        if (
            len(sub.select) != 1
            or not isinstance(sub.select[0], a.SelectField)
            or not isinstance(sub.select[0].expr, a.FieldPath)
        ):
            raise error_at(
                MALFORMED_QUERY,
                self.text,
                sub.sobject_pos.line,
                sub.sobject_pos.column,
                "The selected field in a semi join subquery must be an Id or reference field",
            )
        inner = Plan(obj=obj, root=self.new_alias(), include_deleted=scope.plan.include_deleted)
        inner_scope = Scope(self, obj, sub.alias, inner)
        target = inner_scope.resolve(sub.select[0].expr, for_where=True)
        if category(target.field) != "id" or category(res.field) != "id":
            raise error_at(
                MALFORMED_QUERY,
                self.text,
                cond.pos.line,
                cond.pos.column,
                "The selected field in a semi join subquery must be an Id or reference field",
            )
        if sub.where is not None:
            inner.where_sql, inner.where_params = self.condition(sub.where, inner_scope)
        where, params = inner.where(f"{target.sql} IS NOT NULL")
        sql = f"SELECT {target.sql} {inner.from_sql(for_count=True)}{where}"
        if sub.limit is not None:
            sql += f" LIMIT {int(sub.limit)}"
        if cond.negated:
            return f"({res.sql} IS NULL OR {res.sql} NOT IN ({sql}))", params
        return f"{res.sql} IN ({sql})", params

    def _agg_predicate(
        self, cond: a.Condition, sql: str, out: AggOut, values: tuple[a.Literal, ...]
    ) -> tuple[str, list[Any]]:
        params = []
        for v in values:
            if out.kind in ("count", "SUM", "AVG") or out.field is None:
                if v.kind != "number":
                    raise SoqlError(MALFORMED_QUERY, f"unexpected token: '{v.raw}'")
                params.append(v.value)
            else:
                res = Resolved((), out.field, ObjectDef("", "", "", ""), "", out.field.name)
                params.append(self._param(res, v))
        if isinstance(cond, a.Comparison):
            if cond.op == "LIKE":
                raise SoqlError(MALFORMED_QUERY, "unexpected token: 'LIKE'")
            return f"{sql} {_SQL_OPS[cond.op]} ?", params
        assert isinstance(cond, a.InList)
        marks = ", ".join("?" for _ in params)
        return f"{sql} {'NOT IN' if cond.negated else 'IN'} ({marks})", params


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_pattern(raw: str) -> str:
    """A SQLite LIKE pattern (escape ``\\``) from the source text of a SOQL LIKE string."""

    def escape(nxt: str) -> str:
        if nxt in "%_":
            return "\\" + nxt
        return _like_escape(decode_string("\\" + nxt))

    return map_escapes(raw, escape)
