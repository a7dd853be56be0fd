"""SOQL filters on an external id use the store's key index (EXPLAIN QUERY PLAN), with the
same rows as a scan would give."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from simulators.engine import RecordStore
from simulators.salesforce._schema import build_schema, default_custom_fields
from simulators.salesforce.soql import QueryContext, prepare


def _store() -> RecordStore:
    store = RecordStore("t")
    store.ensure_key_index("External_Id__c", "Account")
    for i in range(1, 41):
        data: dict[str, Any] = {
            "Id": f"001RO00000000{i:02d}AAA",
            "Name": f"A{i}",
            "IsDeleted": False,
        }
        if i % 2:
            data["External_Id__c"] = f"EXT-{i}"
        store.insert("Account", data["Id"], data, "2024-01-05T10:00:00.000+0000")
    return store


def _run(store: RecordStore, soql: str) -> tuple[list[str], str]:
    """(names, query plan) of ``soql`` on the store's connection."""
    ctx = QueryContext(
        conn=store.conn,
        schema=build_schema(default_custom_fields()),
        now=datetime(2024, 3, 13, tzinfo=UTC),
        include_deleted=False,
        api_version="68.0",
    )
    prepared = prepare(soql, ctx)
    captured: list[tuple[str, list[Any]]] = []
    conn = store.conn

    class Spy:
        def execute(self, sql: str, params: Any = ()) -> Any:
            captured.append((sql, list(params)))
            return conn.execute(sql, params)

    prepared._ctx.conn = Spy()  # type: ignore[assignment]
    rows = prepared.fetch(0, 2000)
    sql, params = captured[-1]
    plan = conn.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
    return [r["Name"] for r in rows], "\n".join(str(p[-1]) for p in plan)


@pytest.mark.parametrize(
    ("where", "names"),
    [
        ("External_Id__c = 'EXT-3'", ["A3"]),
        ("External_Id__c IN ('EXT-5', 'EXT-7', 'EXT-8')", ["A5", "A7"]),
        ("External_Id__c = 'EXT-9' AND Name = 'A9'", ["A9"]),
        ("External_Id__c = 'ext-9'", []),  # an external id compares exactly
    ],
)
def test_external_id_filters_use_the_key_index(where: str, names: list[str]) -> None:
    got, plan = _run(_store(), f"SELECT Id, Name FROM Account WHERE {where} ORDER BY Name")
    assert got == names
    assert "USING INDEX ix_account__external_id__c" in plan, plan


def test_a_filter_without_an_external_id_does_not_name_the_index() -> None:
    got, plan = _run(_store(), "SELECT Id, Name FROM Account WHERE Name = 'A4'")
    assert got == ["A4"] and "ix_account__external_id__c" not in plan
