"""Runs a compiled plan on the tenant's SQLite store and shapes Salesforce records.

``fetch`` pages with SQL ``LIMIT``/``OFFSET``; child subqueries run once per page, for
all parents of the page at once, and are attached in the parents' order.
"""

from __future__ import annotations

import dataclasses
import functools
import sqlite3
from collections import defaultdict
from typing import Any

import orjson

from .._render import aggregate_attributes, row_attributes, sobjects_path
from .._schema import FieldDef
from . import _ast as a
from ._compiler import Compiler
from ._parser import parse
from ._plan import ChildOut, FieldOut, Node, ParentOut, Plan, QueryContext

_IN_CHUNK = 500


def json_value(fd: FieldDef | None, raw: Any) -> Any:
    """A stored value as Salesforce's JSON returns it for a field of ``fd``'s type."""
    if fd is None:
        return raw
    if fd.type == "boolean":
        return bool(raw)
    if raw is None:
        return None
    if fd.type in ("double", "currency", "percent") and isinstance(raw, int | float):
        return float(raw)
    if fd.type in ("int", "long") and isinstance(raw, float) and raw.is_integer():
        return int(raw)
    return raw


class PreparedQuery:
    """A resolved SOQL statement, ready to count and to serve pages of records."""

    def __init__(self, query: a.Query, plan: Plan, ctx: QueryContext) -> None:
        self.query = query
        self._plan = plan
        self._ctx = ctx
        self._url_prefix = sobjects_path(ctx.api_version)

    def on(self, conn: sqlite3.Connection) -> PreparedQuery:
        """The same query reading through another connection (a read copy off the event loop),
        with its total if already counted."""
        on = PreparedQuery(self.query, self._plan, dataclasses.replace(self._ctx, conn=conn))
        if "total_size" in self.__dict__:
            on.__dict__["total_size"] = self.__dict__["total_size"]
        return on

    def remember_total(self, total: int) -> None:
        """Keep a total counted through another connection, so later pages don't count again."""
        self.__dict__["total_size"] = total

    @property
    def is_count(self) -> bool:
        """``SELECT COUNT() ...``: the answer is ``totalSize`` alone, with no records."""
        return self._plan.is_count

    @property
    def sobject(self) -> str:
        return self._plan.obj.name

    @functools.cached_property
    def total_size(self) -> int:
        """How many records (or groups) the query yields, within its LIMIT and OFFSET."""
        plan = self._plan
        if plan.aggregate:
            inner, params = self._aggregate_sql()
            sql = f"SELECT count(*) FROM ({inner}"
        else:
            where, params = plan.where()
            inner = f"SELECT 1 {plan.from_sql(for_count=True)}{where}"
            if plan.limit is None and not plan.offset:
                sql = f"SELECT count(*) {plan.from_sql(for_count=True)}{where}"
                return int(self._ctx.conn.execute(sql, params).fetchone()[0])
            sql = f"SELECT count(*) FROM ({inner}"
        sql += " LIMIT ? OFFSET ?)"
        params = [*params, -1 if plan.limit is None else plan.limit, plan.offset]
        return int(self._ctx.conn.execute(sql, params).fetchone()[0])

    def page(self, offset: int, limit: int) -> tuple[int, list[dict[str, Any]]]:
        """The total and the shaped records of rows ``[offset, offset + limit)``. A first page
        shorter than asked is the whole result: its length is the total, not counted again."""
        records = self.fetch(offset, limit)
        short = offset == 0 and len(records) < limit and not self.is_count
        if short and "total_size" not in self.__dict__:
            self.__dict__["total_size"] = len(records)
        return self.total_size, records

    def _window(self, offset: int, limit: int) -> tuple[int, int] | None:
        """SQL LIMIT/OFFSET for rows [offset, offset+limit) of the query's own result."""
        plan = self._plan
        if limit <= 0 or offset < 0:
            return None
        if plan.limit is not None:
            limit = min(limit, plan.limit - offset)
            if limit <= 0:
                return None
        return limit, plan.offset + offset

    def fetch(self, offset: int, limit: int) -> list[dict[str, Any]]:
        """Shaped records of rows ``[offset, offset + limit)`` of the result."""
        if self.is_count:
            return []
        window = self._window(offset, limit)
        if window is None:
            return []
        if self._plan.aggregate:
            return self._fetch_aggregate(*window)
        return _Runner(self._ctx, self._url_prefix).records(self._plan, window)

    # ---- aggregates -------------------------------------------------------------
    def _aggregate_sql(self) -> tuple[str, list[Any]]:
        plan = self._plan
        where, params = plan.where()
        cols = ", ".join(c.sql for c in plan.agg_columns) or "1"
        sql = f"SELECT {cols} {plan.from_sql()}{where}"
        if plan.group_sql:
            sql += f" GROUP BY {plan.group_sql}"
        if plan.having_sql:
            sql += f" HAVING {plan.having_sql}"
            params = [*params, *plan.having_params]
        if plan.order_sql:
            sql += f" ORDER BY {plan.order_sql}"
        return sql, params

    def _fetch_aggregate(self, limit: int, offset: int) -> list[dict[str, Any]]:
        sql, params = self._aggregate_sql()
        rows = self._ctx.conn.execute(sql + " LIMIT ? OFFSET ?", [*params, limit, offset])
        out = []
        for row in rows:
            rec: dict[str, Any] = {"attributes": aggregate_attributes()}
            for col, raw in zip(self._plan.agg_columns, row, strict=True):
                if col.kind == "count":
                    rec[col.key] = int(raw or 0)
                elif col.kind in ("SUM", "AVG"):
                    rec[col.key] = None if raw is None else float(raw)
                else:
                    rec[col.key] = json_value(col.field, raw)
            out.append(rec)
        return out


class _Runner:
    """Executes record plans (root and nested child plans) and shapes their rows."""

    def __init__(self, ctx: QueryContext, url_prefix: str) -> None:
        self.conn = ctx.conn
        self.url_prefix = url_prefix

    def _select_sql(self, plan: Plan, extra_cols: str = "") -> tuple[str, list[str]]:
        tables = plan.tables()
        cols = ", ".join(f"{t}.id, {t}.type, {t}.data" for t in tables)
        return f"SELECT {cols}{extra_cols} {plan.from_sql()}", tables

    def records(self, plan: Plan, window: tuple[int, int]) -> list[dict[str, Any]]:
        select, tables = self._select_sql(plan)
        where, params = plan.where()
        sql = f"{select}{where} ORDER BY {plan.order_sql} LIMIT ? OFFSET ?"
        rows = self.conn.execute(sql, [*params, *window]).fetchall()
        return self._shape_rows(plan, tables, rows)

    def _shape_rows(self, plan: Plan, tables: list[str], rows: list[Any]) -> list[dict[str, Any]]:
        assert plan.shape is not None
        offsets = {t: i * 3 for i, t in enumerate(tables)}
        records = [self._shape(plan.shape, row, offsets, {}) for row in rows]
        for entry in plan.shape.entries:
            if isinstance(entry, ChildOut):
                ids = [row[0] for row in rows]
                children = self._children(entry, ids)
                for rec, parent_id in zip(records, ids, strict=True):
                    rec[entry.key] = children.get(parent_id)
        return records

    def _shape(
        self, node: Node, row: Any, offsets: dict[str, int], cache: dict[str, Any]
    ) -> dict[str, Any]:
        base = offsets[node.table]
        rid, rtype, raw = row[base], row[base + 1], row[base + 2]
        data = orjson.loads(raw) if raw else {}
        rec: dict[str, Any] = {"attributes": row_attributes(self.url_prefix, rtype, rid)}
        for entry in node.entries:
            if isinstance(entry, FieldOut):
                name = entry.field.name
                value = rid if name == "Id" else data.get(name)
                rec[entry.key] = json_value(entry.field, value)
            elif isinstance(entry, ParentOut):
                if row[offsets[entry.node.table]] is None:
                    rec[entry.key] = None
                else:
                    rec[entry.key] = self._shape(entry.node, row, offsets, cache)
            else:
                rec[entry.key] = None  # filled per page by _shape_rows
        return rec

    def _children(self, child: ChildOut, parent_ids: list[str]) -> dict[str, dict[str, Any]]:
        """``{parent id: {"totalSize", "done", "records"}}`` for parents that have children."""
        plan = child.plan
        fk_sql = f"json_extract({plan.root}.data, '$.{child.fk.name}')"
        select, tables = self._select_sql(plan, f", {fk_sql}")
        grouped: dict[str, list[Any]] = defaultdict(list)
        for start in range(0, len(parent_ids), _IN_CHUNK):
            chunk = parent_ids[start : start + _IN_CHUNK]
            marks = ", ".join("?" for _ in chunk)
            where, params = plan.where(f"{fk_sql} IN ({marks})", tuple(chunk))
            sql = f"{select}{where} ORDER BY {plan.order_sql}"
            for row in self.conn.execute(sql, params):
                grouped[row[-1]].append(row)
        out: dict[str, dict[str, Any]] = {}
        for parent_id, rows in grouped.items():
            end = None if plan.limit is None else plan.offset + plan.limit
            rows = rows[plan.offset : end]
            if not rows:
                continue
            records = self._shape_rows(plan, tables, rows)
            out[parent_id] = {"totalSize": len(records), "done": True, "records": records}
        return out


def prepare(text: str, ctx: QueryContext) -> PreparedQuery:
    """Parse (cached) and resolve ``text`` against ``ctx.schema``; raises ``SoqlError``."""
    query = parse(text)
    plan = Compiler(text, ctx).compile_root(query)
    return PreparedQuery(query, plan, ctx)
