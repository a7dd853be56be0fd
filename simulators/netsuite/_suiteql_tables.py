"""SuiteQL's tables as SQLite views over the records table's JSON (one view per table).

Column names are the lower-cased REST field names (NetSuite's SuiteQL names for the
fields modelled here); ids and references are integers, booleans 'T'/'F', dates ISO text.
"""

from __future__ import annotations

import sqlite3

from ._schema import FieldDef, RecordType


def _col(f: FieldDef, src: str = "data") -> str:
    j = f"json_extract({src}, '$.{f.name}')"
    if f.name == "id":
        return "CAST(id AS INTEGER)"
    if f.is_ref and not f.choices and f.targets:
        return f"CAST({j} AS INTEGER)"
    if f.kind == "boolean":
        return f"CASE {j} WHEN 1 THEN 'T' WHEN 0 THEN 'F' END"
    if f.kind == "datetime":
        return f"replace(replace({j}, 'T', ' '), 'Z', '')"
    return j


def _select(
    rt: RecordType, extra: dict[str, str] | None = None, names: list[str] | None = None
) -> str:
    cols: dict[str, str] = {f.name.lower(): _col(f) for f in rt.fields.values()}
    cols.update(extra or {})
    if names is not None:
        cols = {n: cols.get(n, "NULL") for n in names}
    body = ", ".join(f'{expr} AS "{name}"' for name, expr in cols.items())
    return f"SELECT {body} FROM main.records WHERE type = '{rt.name}' AND deleted = 0"


_TRAN_COLUMNS = [
    "id",
    "tranid",
    "type",
    "recordtype",
    "trandate",
    "entity",
    "subsidiary",
    "currency",
    "exchangerate",
    "memo",
    "otherrefnum",
    "status",
    "foreigntotal",
    "total",
    "createddate",
    "lastmodifieddate",
    "externalid",
    "createdfrom",
    "duedate",
    "job",
    "approvalstatus",
    "foreignamountremaining",
    "foreignamountpaid",
    "foreignamountunpaid",
]
_LINE_COLUMNS = [
    "transaction",
    "id",
    "linesequencenumber",
    "mainline",
    "item",
    "quantity",
    "rate",
    "netamount",
    "foreignamount",
    "memo",
    "entity",
    "subsidiary",
    "isbillable",
    "expensecategory",
    "taxline",
]


def _transaction_sql(types: dict[str, RecordType]) -> str:
    parts = []
    for rt in types.values():
        if not rt.is_transaction:
            continue
        extra = {
            "type": f"'{rt.tran_type}'",
            "recordtype": f"'{rt.script_type}'",
            "foreigntotal": "json_extract(data, '$.total')",
            "foreignamountremaining": "json_extract(data, '$.amountRemaining')",
            "foreignamountpaid": "json_extract(data, '$.amountPaid')",
            "foreignamountunpaid": "json_extract(data, '$.amountRemaining')",
        }
        if rt.field("entity") is None and rt.field("customer") is not None:
            extra["entity"] = "CAST(json_extract(data, '$.customer') AS INTEGER)"  # payments
        parts.append(_select(rt, extra, _TRAN_COLUMNS))
    return " UNION ALL ".join(parts)


def _line_sql(types: dict[str, RecordType]) -> str:
    parts = []
    for rt in types.values():
        if not rt.is_transaction:
            continue
        base = f"FROM main.records r WHERE r.type = '{rt.name}' AND r.deleted = 0"
        who = "entity" if rt.field("entity") is not None else "customer"
        head = f"CAST(json_extract(r.data, '$.{who}') AS INTEGER)"
        sub = "CAST(json_extract(r.data, '$.subsidiary') AS INTEGER)"
        parts.append(
            f"SELECT CAST(r.id AS INTEGER), 0, 0, 'T', NULL, NULL, NULL, json_extract(r.data, '$.total'), "
            f"json_extract(r.data, '$.total'), json_extract(r.data, '$.memo'), {head}, {sub}, NULL, NULL, 'F' {base}"
        )
        for sl in rt.sublists.values():
            if sl.name == "apply":  # links to the invoices paid, not lines of the payment
                continue
            item = (
                "CAST(json_extract(l.value, '$.item') AS INTEGER)"
                if "item" in sl.fields
                else "NULL"
            )
            qty = "json_extract(l.value, '$.quantity')" if "quantity" in sl.fields else "NULL"
            rate = "json_extract(l.value, '$.rate')" if "rate" in sl.fields else "NULL"
            memo = (
                "json_extract(l.value, '$.description')"
                if "description" in sl.fields
                else "json_extract(l.value, '$.memo')"
            )
            ent = (
                f"coalesce(CAST(json_extract(l.value, '$.customer') AS INTEGER), {head})"
                if "customer" in sl.fields
                else head
            )
            bill = (
                "CASE json_extract(l.value, '$.isBillable') WHEN 1 THEN 'T' WHEN 0 THEN 'F' END"
                if "isbillable" in sl.fields
                else "NULL"
            )
            cat = "json_extract(l.value, '$.category')" if "category" in sl.fields else "NULL"
            where = (
                " AND coalesce(json_extract(l.value, '$.apply'), 1) = 1"
                if sl.name == "time"
                else ""
            )
            parts.append(
                f"SELECT CAST(r.id AS INTEGER), json_extract(l.value, '$.line'), json_extract(l.value, '$.line'), "
                f"'F', {item}, {qty}, {rate}, json_extract(l.value, '$.amount'), json_extract(l.value, '$.amount'), "
                f"{memo}, {ent}, {sub}, {bill}, {cat}, 'F' FROM main.records r, "
                f"json_each(r.data, '$.{sl.name}') l WHERE r.type = '{rt.name}' AND r.deleted = 0{where}"
            )
    header = ", ".join(f'NULL AS "{c}"' for c in _LINE_COLUMNS)
    return f"SELECT * FROM (SELECT {header} WHERE 0 UNION ALL " + " UNION ALL ".join(parts) + ")"


def build_views(types: dict[str, RecordType]) -> dict[str, str]:
    """SuiteQL table name -> SELECT defining it."""
    t = types
    views = {
        "customer": _select(t["customer"]),
        "contact": _select(t["contact"]),
        "employee": _select(t["employee"]),
        "job": _select(t["job"], {"customer": "CAST(json_extract(data, '$.parent') AS INTEGER)"}),
        "subsidiary": _select(t["subsidiary"]),
        "currency": _select(t["currency"]),
        "projecttask": _select(
            t["projecttask"], {"project": "CAST(json_extract(data, '$.company') AS INTEGER)"}
        ),
        "item": _select(t["serviceitem"], {"itemtype": "'Service'"}),
        "timebill": _select(t["timebill"]),
        "transaction": _transaction_sql(t),
        "transactionline": _line_sql(t),
        "deletedrecord": (
            "SELECT CAST(id AS INTEGER) AS recordid, lower(type) AS recordtype, "
            "replace(replace(substr(modstamp, 1, 19), 'T', ' '), 'Z', '') AS deleteddate, "
            "NULL AS name, 'WEBSERVICES' AS context FROM main.records WHERE deleted = 1"
        ),
    }
    return views


def date_columns(types: dict[str, RecordType]) -> frozenset[str]:
    """Column names whose values are dates (rendered in the user's date format)."""
    names = {
        f.name.lower()
        for rt in types.values()
        for f in rt.fields.values()
        if f.kind in ("date", "datetime")
    }
    return frozenset(names | {"deleteddate"})


def install_views(conn: sqlite3.Connection, views: dict[str, str]) -> None:
    for name, sql in views.items():
        conn.execute(f"CREATE TEMP VIEW IF NOT EXISTS ns_{name} AS {sql}")
