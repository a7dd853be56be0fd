"""SuiteQL: Oracle-flavoured SELECTs parsed with sqlglot, mapped onto the SuiteQL views and
executed for real on the tenant's SQLite store.

Only queries (SELECT, UNION, ...) over known tables are accepted. Oracle functions SuiteQL
users write (TO_DATE, TO_CHAR, SYSDATE, NVL, BUILTIN.DF) are rewritten to SQLite or to
functions registered on the connection. Results follow SuiteQL REST: lower-case column
names, every value a string, nulls omitted, dates in the user's date format.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from datetime import UTC, datetime
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.dialects.sqlite import SQLite
from sqlglot.errors import SqlglotError

from simulators.engine import HttpError, QueryBudget, QueryTimeout, Tenant, run_read

from ._errors import invalid_parameter
from ._schema import RecordType
from ._state import state_of
from ._suiteql_tables import build_views, date_columns, install_views

_LONG_QUERY = 4096  # characters
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?$")
_FORBIDDEN = (exp.DML, exp.Create, exp.Drop, exp.Command, exp.Alter, exp.Pragma)
_ORACLE_FMT = [
    ("YYYY", "%Y"),
    ("HH24", "%H"),
    ("HH12", "%I"),
    ("HH", "%I"),
    ("MM", "%m"),
    ("DD", "%d"),
    ("MI", "%M"),
    ("SS", "%S"),
    ("YY", "%y"),
    ("MON", "%b"),
    ("AM", "%p"),
    ("PM", "%p"),
]


class _Backticks(SQLite):
    """SQLite with `quoted` identifiers: never mistaken for string literals as "x" can be."""

    class Tokenizer(SQLite.Tokenizer):
        IDENTIFIERS = ["`"]


def query_error(detail: str) -> HttpError:
    return invalid_parameter(
        "Invalid search query. Detailed unprocessed description follows. "
        f"Search error occurred: {detail}",
        extra={"o:errorPath": "q"},
    )


def _oracle_to_strftime(fmt: str) -> str:
    out, i = [], 0
    upper = fmt.upper()
    while i < len(fmt):
        for token, py in _ORACLE_FMT:
            if upper.startswith(token, i):
                out.append(py)
                i += len(token)
                break
        else:
            out.append(fmt[i].replace("%", "%%"))
            i += 1
    return "".join(out)


def _parse_dt(value: Any, fmt: str | None) -> datetime | None:
    if value is None:
        return None
    text = str(value)
    if fmt:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            pass
    m = _ISO.match(text)
    if m:
        return datetime.fromisoformat(text.replace("T", " ").rstrip("Z"))
    return None


def _to_date(value: Any, fmt: Any) -> str | None:
    dt = _parse_dt(value, str(fmt) if fmt is not None else None)
    return dt.strftime("%Y-%m-%d %H:%M:%S") if dt else None


def _to_char(value: Any, fmt: Any) -> str | None:
    if value is None:
        return None
    if fmt is None:
        return str(value)
    dt = _parse_dt(value, None)
    if dt is None:
        return str(value)
    return dt.strftime(_oracle_to_strftime(str(fmt)))


class SuiteQL:
    def __init__(self, types: dict[str, RecordType], date_format: str, max_rows: int) -> None:
        self.views = build_views(types)
        self.dates = date_columns(types)
        self.date_format = date_format
        self.max_rows = max_rows

    def prepare(self, tenant: Tenant) -> sqlite3.Connection:
        conn = tenant.store.conn
        state = state_of(tenant)
        if not state.suiteql_views:
            self.setup(conn)
            state.suiteql_views = True
        return conn

    def setup(self, conn: sqlite3.Connection) -> None:
        """The SuiteQL views (temporary, per connection) and Oracle functions on ``conn``."""
        install_views(conn, self.views)
        conn.create_function("ns_to_date", 2, _to_date, deterministic=True)
        conn.create_function("ns_to_char", 2, _to_char, deterministic=True)

    def compile(self, q: str, now: float) -> str:
        if not q.strip():
            raise query_error("The query is empty.")
        try:
            trees = sqlglot.parse(q, read="oracle")
        except SqlglotError as exc:
            raise query_error(f"Syntax error: {str(exc).splitlines()[0][:200]}") from None
        except Exception:
            raise query_error("Syntax error.") from None
        trees = [t for t in trees if t is not None]
        if len(trees) != 1:
            raise query_error("Only one statement can be executed.")
        tree = trees[0]
        if not isinstance(tree, exp.Query) or any(tree.find_all(*_FORBIDDEN)):
            raise query_error("Only SELECT queries are supported.")
        ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
        for table in list(tree.find_all(exp.Table)):
            name = table.name.lower()
            if not table.args.get("db") and name in ctes:
                continue
            if table.args.get("db") or table.args.get("catalog") or name not in self.views:
                raise query_error(f"Record '{table.name}' was not found.")
            table.set("this", exp.to_identifier(f"ns_{name}"))
            if not table.alias:
                table.set("alias", exp.TableAlias(this=exp.to_identifier(name)))
        stamp = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d %H:%M:%S")
        tree = tree.transform(lambda node: _rewrite(node, stamp))
        try:
            return tree.sql(
                dialect=_Backticks, identify=True, unsupported_level=sqlglot.ErrorLevel.IGNORE
            )
        except SqlglotError as exc:
            raise query_error(str(exc)[:200]) from None

    async def run(
        self, tenant: Tenant, q: str, limit: int, offset: int, budget: QueryBudget
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of the query's rows and the total, off the event loop when it runs long."""
        if len(q) > _LONG_QUERY:  # parsing a huge statement is slow Python: not on the loop
            sql = await asyncio.to_thread(self.compile, q, tenant.clock.time())
        else:
            sql = self.compile(q, tenant.clock.time())
        self.prepare(tenant)
        max_rows = self.max_rows

        def work(conn: sqlite3.Connection) -> tuple[list[str], list[Any], int]:
            total = int(conn.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0])
            total = min(total, max_rows)
            take = max(0, min(limit, total - offset))
            cur = conn.execute(f"SELECT * FROM ({sql}) LIMIT ? OFFSET ?", (take, offset))
            names = [d[0].lower() for d in cur.description or ()]
            return names, cur.fetchall() if take else [], total

        try:
            names, rows, total = await run_read(tenant.store, work, budget, setup=self.setup)
        except QueryTimeout:
            raise query_error(
                f"The query exceeded the time limit of {budget.seconds:g} seconds."
            ) from None
        except sqlite3.OperationalError as exc:
            raise query_error(_friendly(str(exc))) from None
        except (sqlite3.Error, OverflowError, ValueError) as exc:
            raise query_error(str(exc)[:200]) from None
        return [self._row(names, r) for r in rows], total

    def _row(self, names: list[str], row: tuple[Any, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {"links": []}
        for name, value in zip(names, row, strict=False):
            if value is None:
                continue
            out[name] = self._text(name, value)
        return out

    def _text(self, name: str, value: Any) -> str:
        if isinstance(value, float):
            return str(int(value)) if value.is_integer() else repr(value)
        if isinstance(value, bytes):
            return value.hex()
        text = str(value)
        if name in self.dates:
            m = _ISO.match(text)
            if m:
                return self._format_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return text

    def _format_date(self, y: int, m: int, d: int) -> str:
        fmt = self.date_format.upper()
        if fmt == "YYYY-MM-DD":
            return f"{y:04d}-{m:02d}-{d:02d}"
        if fmt == "DD/MM/YYYY":
            return f"{d:02d}/{m:02d}/{y:04d}"
        if fmt == "D/M/YYYY":
            return f"{d}/{m}/{y:04d}"
        if fmt == "MM/DD/YYYY":
            return f"{m:02d}/{d:02d}/{y:04d}"
        return f"{m}/{d}/{y:04d}"


def _rewrite(node: exp.Expression, stamp: str) -> exp.Expression:
    if isinstance(node, exp.StrToDate | exp.StrToTime):
        fmt = node.args.get("format")
        return exp.Anonymous(this="ns_to_date", expressions=[node.this, fmt or exp.null()])
    if isinstance(node, exp.ToChar):
        fmt = node.args.get("format")
        return exp.Anonymous(this="ns_to_char", expressions=[node.this, fmt or exp.null()])
    if isinstance(node, exp.CurrentTimestamp | exp.CurrentDate | exp.CurrentTime):
        return exp.Literal.string(stamp if not isinstance(node, exp.CurrentDate) else stamp[:10])
    if (
        isinstance(node, exp.Dot)
        and isinstance(node.this, exp.Identifier | exp.Column)
        and node.this.name.upper() == "BUILTIN"
        and isinstance(node.expression, exp.Anonymous)
    ):
        args = node.expression.expressions
        return exp.Cast(this=args[0], to=exp.DataType.build("TEXT")) if args else exp.null()
    return node


def _friendly(msg: str) -> str:
    m = re.match(r"no such column: (.+)", msg)
    if m:
        return f"Field '{m.group(1)}' for record was not found."
    m = re.match(r"no such function: (.+)", msg)
    if m:
        return f"Function '{m.group(1)}' is not supported."
    return msg[:200]
