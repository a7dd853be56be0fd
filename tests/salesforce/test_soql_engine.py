"""The SOQL engine of the CRM simulator against a real in-memory store."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any

import pytest

from simulators.salesforce._schema import (
    CustomFieldConfig,
    build_schema,
    default_custom_fields,
)
from simulators.salesforce.soql import (
    PreparedQuery,
    Query,
    QueryContext,
    SoqlError,
    parse,
    prepare,
)
from simulators.salesforce.soql._ids import to_18

DDL = """
CREATE TABLE records (
  type TEXT NOT NULL,
  id TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  modstamp TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (type, id)
) WITHOUT ROWID;
CREATE INDEX records_modstamp ON records(type, modstamp);
"""

NOW = datetime(2024, 3, 13, 15, 30, tzinfo=UTC)  # a Wednesday
NO_COLUMN_TAIL = (
    "If you are attempting to use a custom field, be sure to append the '__c' after the custom "
    "field name. Please reference your WSDL or the describe call for the appropriate names."
)
PREFIX = {"Account": "001", "Contact": "003", "Opportunity": "006", "User": "005"}


def sfid(sobject: str, n: int) -> str:
    wide = to_18(f"{PREFIX[sobject]}{n:012d}")
    assert wide is not None
    return wide


class Store:
    """A tenant database with the simulator's DDL and a small insert helper."""

    def __init__(self) -> None:
        self.conn = sqlite3.connect(":memory:")
        self.conn.executescript(DDL)
        self.schema = build_schema(
            [
                *default_custom_fields(),
                CustomFieldConfig(
                    "Account", "Regions__c", "multipicklist", picklist_values=("EU", "US", "APAC")
                ),
            ]
        )
        self.counter = 0

    def add(self, sobject: str, *, deleted: bool = False, **fields: Any) -> str:
        self.counter += 1
        rid = fields.pop("Id", None) or sfid(sobject, self.counter)
        stamp = fields.pop("SystemModstamp", "2024-01-05T10:00:00.000+0000")
        data = {
            "Id": rid,
            "IsDeleted": deleted,
            "CreatedDate": fields.pop("CreatedDate", stamp),
            "SystemModstamp": stamp,
            **fields,
        }
        self.conn.execute(
            "INSERT INTO records (type, id, deleted, modstamp, data) VALUES (?, ?, ?, ?, ?)",
            (sobject, rid, int(deleted), stamp, json.dumps(data)),
        )
        return rid

    def ctx(self, *, include_deleted: bool = False, now: datetime = NOW) -> QueryContext:
        return QueryContext(
            conn=self.conn,
            schema=self.schema,
            now=now,
            include_deleted=include_deleted,
            api_version="68.0",
        )

    def prepare(self, soql: str, **kw: Any) -> PreparedQuery:
        return prepare(soql, self.ctx(**kw))

    def rows(self, soql: str, **kw: Any) -> list[dict[str, Any]]:
        return self.prepare(soql, **kw).fetch(0, 2000)


def names(records: list[dict[str, Any]], key: str = "Name") -> list[Any]:
    return [r[key] for r in records]


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def crm(store: Store) -> Store:
    """Users, accounts, contacts and opportunities with a few relationships."""
    ada = store.add("User", Id=sfid("User", 900), Name="Ada Admin", Username="ada@x.test")
    acme = store.add(
        "Account",
        Id=sfid("Account", 1),
        Name="Acme",
        Industry="Manufacturing",
        AnnualRevenue=1500,
        NumberOfEmployees=120,
        OwnerId=ada,
        External_Id__c="EXT-1",
        Regions__c="EU;US",
    )
    globex = store.add(
        "Account",
        Id=sfid("Account", 2),
        Name="Globex",
        Industry="Energy",
        AnnualRevenue=2500.5,
        NumberOfEmployees=40,
        ParentId=acme,
        External_Id__c="EXT-2",
        Regions__c="APAC",
    )
    store.add("Account", Id=sfid("Account", 3), Name="initech", Industry=None)
    store.add("Account", Id=sfid("Account", 4), Name="Gone Ltd", deleted=True)
    store.add(
        "Contact", Id=sfid("Contact", 1), LastName="Smith", AccountId=acme, Email="s@acme.test"
    )
    store.add("Contact", Id=sfid("Contact", 2), LastName="Jones", AccountId=acme)
    store.add("Contact", Id=sfid("Contact", 3), LastName="Brown", AccountId=globex)
    store.add("Contact", Id=sfid("Contact", 4), LastName="Orphan")
    store.add("Contact", Id=sfid("Contact", 5), LastName="Ghost", AccountId=acme, deleted=True)
    store.add(
        "Opportunity",
        Id=sfid("Opportunity", 1),
        Name="Big deal",
        AccountId=acme,
        Amount=1000,
        StageName="Closed Won",
        CloseDate="2024-03-13",
        IsWon=True,
        CreatedDate="2024-03-13T09:00:00.000+0000",
    )
    store.add(
        "Opportunity",
        Id=sfid("Opportunity", 2),
        Name="Small deal",
        AccountId=acme,
        Amount=250.5,
        StageName="Prospecting",
        CloseDate="2024-03-12",
        IsWon=False,
        CreatedDate="2024-03-12T23:59:59.000+0000",
    )
    store.add(
        "Opportunity",
        Id=sfid("Opportunity", 3),
        Name="Energy deal",
        AccountId=globex,
        Amount=None,
        StageName="Prospecting",
        CloseDate="2024-02-20",
        CreatedDate="2024-01-02T08:00:00.000+0000",
    )
    return store


def err(store: Store, soql: str, **kw: Any) -> SoqlError:
    with pytest.raises(SoqlError) as info:
        store.prepare(soql, **kw).fetch(0, 2000)
    return info.value


# ---- parsing ------------------------------------------------------------------------


def test_parse_returns_cached_ast_with_case_insensitive_keywords() -> None:
    q = parse("select Id, Name from Account where Name = 'x' order by Name desc limit 5")
    assert isinstance(q, Query)
    assert q.sobject == "Account"
    assert q.limit == 5
    assert q.order_by[0].descending is True
    assert parse("select Id, Name from Account where Name = 'x' order by Name desc limit 5") is q


def test_public_api_is_sorted_and_complete() -> None:
    import simulators.salesforce.soql as soql

    assert soql.__all__ == sorted(soql.__all__)
    assert set(soql.__all__) == {
        "PreparedQuery",
        "Query",
        "QueryContext",
        "SoqlError",
        "parse",
        "prepare",
    }


# ---- SELECT and output shape --------------------------------------------------------


def test_plain_fields_shape_and_json_types(crm: Store) -> None:
    rows = crm.rows(
        "SELECT id, name, annualrevenue, numberofemployees, isdeleted FROM account "
        "WHERE Name = 'Acme'"
    )
    assert rows == [
        {
            "attributes": {
                "type": "Account",
                "url": f"/services/data/v68.0/sobjects/Account/{sfid('Account', 1)}",
            },
            "Id": sfid("Account", 1),
            "Name": "Acme",
            "AnnualRevenue": 1500.0,
            "NumberOfEmployees": 120,
            "IsDeleted": False,
        }
    ]
    assert isinstance(rows[0]["AnnualRevenue"], float)
    assert isinstance(rows[0]["NumberOfEmployees"], int)
    assert list(rows[0]) == [
        "attributes",
        "Id",
        "Name",
        "AnnualRevenue",
        "NumberOfEmployees",
        "IsDeleted",
    ]


def test_missing_values_are_null_and_booleans_false(crm: Store) -> None:
    rows = crm.rows("SELECT Name, Amount, IsWon FROM Opportunity WHERE Name = 'Energy deal'")
    assert rows[0]["Amount"] is None
    assert rows[0]["IsWon"] is False


def test_object_alias(crm: Store) -> None:
    rows = crm.rows("SELECT a.Name FROM Account a WHERE a.Industry = 'Energy'")
    assert names(rows) == ["Globex"]


def test_parent_relationships_nest_and_are_null_when_empty(crm: Store) -> None:
    rows = crm.rows(
        "SELECT LastName, Account.Name, Account.Owner.Name, Account.Industry FROM Contact "
        "ORDER BY LastName"
    )
    by_name = {r["LastName"]: r for r in rows}
    smith = by_name["Smith"]
    assert list(smith) == ["attributes", "LastName", "Account"]
    assert smith["Account"] == {
        "attributes": {
            "type": "Account",
            "url": f"/services/data/v68.0/sobjects/Account/{sfid('Account', 1)}",
        },
        "Name": "Acme",
        "Owner": {
            "attributes": {
                "type": "User",
                "url": f"/services/data/v68.0/sobjects/User/{sfid('User', 900)}",
            },
            "Name": "Ada Admin",
        },
        "Industry": "Manufacturing",
    }
    assert by_name["Brown"]["Account"]["Owner"] is None
    assert by_name["Orphan"]["Account"] is None


def test_self_relationship_parent(crm: Store) -> None:
    rows = crm.rows("SELECT Name, Parent.Name FROM Account WHERE ParentId != null")
    assert rows[0]["Parent"]["Name"] == "Acme"


def test_child_subquery_with_where_order_limit(crm: Store) -> None:
    rows = crm.rows(
        "SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName DESC LIMIT 1), "
        "(SELECT Name, Amount FROM Opportunities WHERE Amount > 500) FROM Account ORDER BY Name"
    )
    acme, globex, initech = rows
    assert list(acme) == ["attributes", "Name", "Contacts", "Opportunities"]
    assert acme["Contacts"] == {
        "totalSize": 1,
        "done": True,
        "records": [
            {
                "attributes": {
                    "type": "Contact",
                    "url": f"/services/data/v68.0/sobjects/Contact/{sfid('Contact', 1)}",
                },
                "LastName": "Smith",
            }
        ],
    }
    assert names(acme["Opportunities"]["records"]) == ["Big deal"]
    assert globex["Opportunities"] is None
    assert names(globex["Contacts"]["records"], "LastName") == ["Brown"]
    assert initech["Contacts"] is None


def test_child_subquery_with_parent_fields_inside(crm: Store) -> None:
    rows = crm.rows(
        "SELECT Name, (SELECT Name, Account.Owner.Name FROM Opportunities ORDER BY Name) "
        "FROM Account WHERE Name = 'Acme'"
    )
    records = rows[0]["Opportunities"]["records"]
    assert names(records) == ["Big deal", "Small deal"]
    assert records[0]["Account"]["Owner"]["Name"] == "Ada Admin"


def test_fields_macro(crm: Store) -> None:
    rows = crm.rows("SELECT FIELDS(STANDARD) FROM User")
    assert rows[0]["Username"] == "ada@x.test"
    e = err(crm, "SELECT FIELDS(ALL) FROM Account")
    assert (e.error_code, e.message) == (
        "MALFORMED_QUERY",
        "The SOQL FIELDS function must have a LIMIT of at most 200",
    )
    rows = crm.rows("SELECT FIELDS(CUSTOM) FROM Account WHERE Name = 'Acme' LIMIT 200")
    assert rows[0]["External_Id__c"] == "EXT-1"
    assert "Name" not in rows[0]


def test_duplicate_field(crm: Store) -> None:
    e = err(crm, "SELECT Id, FIELDS(ALL) FROM User LIMIT 200")
    assert (e.error_code, e.message) == ("INVALID_FIELD", "duplicate field selected: Id")


# ---- WHERE --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("Name = 'acme'", ["Acme"]),
        ("Name != 'Acme'", ["Globex", "initech"]),
        ("Name <> 'Acme'", ["Globex", "initech"]),
        ("Industry != 'Energy'", ["Acme", "initech"]),
        ("Industry = null", ["initech"]),
        ("Industry != null", ["Acme", "Globex"]),
        ("AnnualRevenue > 1500", ["Globex"]),
        ("AnnualRevenue >= 1500", ["Acme", "Globex"]),
        ("AnnualRevenue < 2500.5", ["Acme"]),
        ("AnnualRevenue <= 2500.5", ["Acme", "Globex"]),
        ("NumberOfEmployees = 40", ["Globex"]),
        ("Name IN ('ACME', 'Initech')", ["Acme", "initech"]),
        ("Name NOT IN ('Acme')", ["Globex", "initech"]),
        ("Industry NOT IN ('Energy')", ["Acme", "initech"]),
        ("Industry IN ('Energy', null)", ["Globex", "initech"]),
        ("Name LIKE 'a%'", ["Acme"]),
        ("Name LIKE '%E%'", ["Acme", "Globex", "initech"]),
        ("Name LIKE 'Glob_x'", ["Globex"]),
        ("Name LIKE 'Glob\\_x'", []),
        ("Name = 'Acme' OR Name = 'Globex'", ["Acme", "Globex"]),
        ("Name = 'Acme' AND Industry = 'Manufacturing'", ["Acme"]),
        ("NOT Name = 'Acme'", ["Globex", "initech"]),
        ("NOT Industry = 'Energy'", ["Acme", "initech"]),
        ("(Name = 'Acme' OR Name = 'Globex') AND AnnualRevenue > 2000", ["Globex"]),
        ("NOT (Name = 'Acme' OR Name = 'Globex')", ["initech"]),
        ("Owner.Name = 'Ada Admin'", ["Acme"]),
        ("Parent.Name = null", ["Acme", "initech"]),
        ("Regions__c INCLUDES ('US')", ["Acme"]),
        ("Regions__c INCLUDES ('EU;US', 'APAC')", ["Acme", "Globex"]),
        ("Regions__c EXCLUDES ('EU')", ["Globex", "initech"]),
        ("IsDeleted = false", ["Acme", "Globex", "initech"]),
        ("External_Id__c = 'EXT-2'", ["Globex"]),
    ],
)
def test_where_operators(crm: Store, where: str, expected: list[str]) -> None:
    rows = crm.rows(f"SELECT Name FROM Account WHERE {where} ORDER BY Name")
    assert names(rows) == expected


def test_boolean_null_is_false(crm: Store) -> None:
    assert names(crm.rows("SELECT Name FROM Opportunity WHERE IsWon = false ORDER BY Name")) == [
        "Energy deal",
        "Small deal",
    ]
    assert names(crm.rows("SELECT Name FROM Opportunity WHERE IsWon = null ORDER BY Name")) == [
        "Energy deal",
        "Small deal",
    ]
    assert names(crm.rows("SELECT Name FROM Opportunity WHERE IsWon = TRUE")) == ["Big deal"]


def test_string_escapes(store: Store) -> None:
    store.add("Account", Name="O'Brien \\ Sons")
    store.add("Account", Name="100% real")
    assert names(store.rows("SELECT Name FROM Account WHERE Name = 'O\\'Brien \\\\ Sons'")) == [
        "O'Brien \\ Sons"
    ]
    assert names(store.rows("SELECT Name FROM Account WHERE Name LIKE '100\\%%'")) == ["100% real"]


def test_ids_15_and_18_characters(crm: Store) -> None:
    acme = sfid("Account", 1)
    assert names(crm.rows(f"SELECT Name FROM Account WHERE Id = '{acme[:15]}'")) == ["Acme"]
    assert names(
        crm.rows(f"SELECT LastName FROM Contact WHERE AccountId = '{acme}' ORDER BY LastName"),
        "LastName",
    ) == [
        "Jones",
        "Smith",
    ]
    rows = crm.rows(f"SELECT Name FROM Account WHERE Id IN ('{acme}', '{sfid('Account', 2)}')")
    assert sorted(names(rows)) == ["Acme", "Globex"]


def test_invalid_id(crm: Store) -> None:
    e = err(crm, "SELECT Id FROM Account WHERE Id = 'abc'")
    assert (e.error_code, e.message) == ("MALFORMED_QUERY", "invalid ID field: abc")


def test_semi_join_and_anti_join(crm: Store) -> None:
    rows = crm.rows(
        "SELECT Name FROM Account WHERE Id IN "
        "(SELECT AccountId FROM Opportunity WHERE StageName = 'Closed Won')"
    )
    assert names(rows) == ["Acme"]
    rows = crm.rows(
        "SELECT Name FROM Account WHERE Id NOT IN (SELECT AccountId FROM Contact) ORDER BY Name"
    )
    assert names(rows) == ["initech"]


def test_datetime_literals(crm: Store) -> None:
    q = "SELECT Name FROM Opportunity WHERE CreatedDate {} ORDER BY Name"
    assert names(crm.rows(q.format("> 2024-03-12T23:59:59Z"))) == ["Big deal"]
    assert names(crm.rows(q.format("= 2024-03-12T23:59:59.000Z"))) == ["Small deal"]
    # 2024-03-13T01:59:59+02:00 is 2024-03-12T23:59:59Z
    assert names(crm.rows(q.format("= 2024-03-13T01:59:59+02:00"))) == ["Small deal"]
    assert names(crm.rows(q.format("< 2024-03-12T17:00:00-05:00"))) == ["Energy deal"]


def test_date_field_literals(crm: Store) -> None:
    q = "SELECT Name FROM Opportunity WHERE CloseDate {} ORDER BY Name"
    assert names(crm.rows(q.format("= 2024-03-12"))) == ["Small deal"]
    assert names(crm.rows(q.format(">= 2024-03-01"))) == ["Big deal", "Small deal"]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("CreatedDate = TODAY", ["Big deal"]),
        ("CreatedDate = YESTERDAY", ["Small deal"]),
        ("CreatedDate = TOMORROW", []),
        ("CreatedDate < TODAY", ["Energy deal", "Small deal"]),
        ("CreatedDate > YESTERDAY", ["Big deal"]),
        ("CreatedDate <= YESTERDAY", ["Energy deal", "Small deal"]),
        ("CreatedDate >= YESTERDAY", ["Big deal", "Small deal"]),
        ("CreatedDate != TODAY", ["Energy deal", "Small deal"]),
        ("CreatedDate = LAST_N_DAYS:1", ["Big deal", "Small deal"]),
        ("CreatedDate = LAST_90_DAYS", ["Big deal", "Energy deal", "Small deal"]),
        ("CreatedDate = THIS_WEEK", ["Big deal", "Small deal"]),
        ("CreatedDate = LAST_WEEK", []),
        ("CreatedDate = THIS_MONTH", ["Big deal", "Small deal"]),
        ("CreatedDate = THIS_QUARTER", ["Big deal", "Energy deal", "Small deal"]),
        ("CreatedDate = THIS_YEAR", ["Big deal", "Energy deal", "Small deal"]),
        ("CreatedDate = LAST_YEAR", []),
        ("CreatedDate = N_DAYS_AGO:1", ["Small deal"]),
        ("CreatedDate IN (TODAY, YESTERDAY)", ["Big deal", "Small deal"]),
        ("CloseDate = TODAY", ["Big deal"]),
        ("CloseDate = LAST_MONTH", ["Energy deal"]),
        ("CloseDate < THIS_MONTH", ["Energy deal"]),
        ("CloseDate = NEXT_N_DAYS:5", []),
        ("CloseDate = LAST_N_MONTHS:1", ["Energy deal"]),
    ],
)
def test_relative_date_literals(crm: Store, condition: str, expected: list[str]) -> None:
    rows = crm.rows(f"SELECT Name FROM Opportunity WHERE {condition} ORDER BY Name")
    assert names(rows) == expected


def test_week_starts_on_sunday(store: Store) -> None:
    store.add("Opportunity", Name="sun", CloseDate="2024-03-10")
    store.add("Opportunity", Name="sat", CloseDate="2024-03-09")
    store.add("Opportunity", Name="next sun", CloseDate="2024-03-17")
    rows = store.rows("SELECT Name FROM Opportunity WHERE CloseDate = THIS_WEEK")
    assert names(rows) == ["sun"]
    assert names(store.rows("SELECT Name FROM Opportunity WHERE CloseDate = LAST_WEEK")) == ["sat"]
    assert names(store.rows("SELECT Name FROM Opportunity WHERE CloseDate = NEXT_WEEK")) == [
        "next sun"
    ]


# ---- ORDER BY, LIMIT, OFFSET, paging ------------------------------------------------


def test_order_by_nulls_defaults_and_overrides(crm: Store) -> None:
    q = "SELECT Name FROM Account ORDER BY Industry {}, Name"
    assert names(crm.rows(q.format("ASC"))) == ["initech", "Globex", "Acme"]
    assert names(crm.rows(q.format("DESC"))) == ["Acme", "Globex", "initech"]
    assert names(crm.rows(q.format("ASC NULLS LAST"))) == ["Globex", "Acme", "initech"]
    assert names(crm.rows(q.format("DESC NULLS FIRST"))) == ["initech", "Acme", "Globex"]


def test_order_by_is_case_insensitive_and_by_relationship(crm: Store) -> None:
    assert names(crm.rows("SELECT Name FROM Account ORDER BY Name")) == [
        "Acme",
        "Globex",
        "initech",
    ]
    rows = crm.rows("SELECT LastName FROM Contact ORDER BY Account.Name DESC NULLS LAST, LastName")
    assert names(rows, "LastName") == ["Brown", "Jones", "Smith", "Orphan"]


def test_limit_offset_total_size_and_paging(store: Store) -> None:
    for i in range(25):
        store.add("Account", Name=f"A{i:02d}")
    p = store.prepare("SELECT Name FROM Account ORDER BY Name LIMIT 20 OFFSET 3")
    assert p.total_size == 20
    assert not p.is_count
    assert names(p.fetch(0, 5)) == ["A03", "A04", "A05", "A06", "A07"]
    assert names(p.fetch(15, 10)) == ["A18", "A19", "A20", "A21", "A22"]
    assert p.fetch(20, 10) == []
    everything = store.prepare("SELECT Name FROM Account")
    assert everything.total_size == 25
    assert len(everything.fetch(0, 2000)) == 25
    assert store.prepare("SELECT Name FROM Account OFFSET 24").total_size == 1


def test_offset_over_2000(crm: Store) -> None:
    e = err(crm, "SELECT Id FROM Account LIMIT 5 OFFSET 2001")
    assert (e.error_code, e.message) == (
        "NUMBER_OUTSIDE_VALID_RANGE",
        "Maximum SOQL offset allowed is 2000",
    )
    assert crm.prepare("SELECT Id FROM Account OFFSET 2000").total_size == 0


def test_for_view_and_update_are_accepted(crm: Store) -> None:
    assert len(crm.rows("SELECT Id FROM Account LIMIT 1 FOR VIEW")) == 1
    assert len(crm.rows("SELECT Id FROM Account LIMIT 1 FOR UPDATE")) == 1


# ---- deleted rows ---------------------------------------------------------------------


def test_deleted_rows_only_for_query_all_or_all_rows(crm: Store) -> None:
    assert "Gone Ltd" not in names(crm.rows("SELECT Name FROM Account"))
    assert "Gone Ltd" in names(crm.rows("SELECT Name FROM Account", include_deleted=True))
    assert "Gone Ltd" in names(crm.rows("SELECT Name FROM Account ALL ROWS"))
    rows = crm.rows(
        "SELECT Name, (SELECT LastName FROM Contacts) FROM Account WHERE Name = 'Acme'",
        include_deleted=True,
    )
    assert "Ghost" in names(rows[0]["Contacts"]["records"], "LastName")
    rows = crm.rows("SELECT Name, (SELECT LastName FROM Contacts) FROM Account WHERE Name = 'Acme'")
    assert "Ghost" not in names(rows[0]["Contacts"]["records"], "LastName")


# ---- COUNT and aggregates ---------------------------------------------------------------


def test_count_query(crm: Store) -> None:
    p = crm.prepare("SELECT COUNT() FROM Contact WHERE AccountId != null")
    assert p.is_count
    assert p.total_size == 3
    assert p.fetch(0, 2000) == []
    assert crm.prepare("SELECT COUNT() FROM Contact LIMIT 2").total_size == 2
    assert crm.prepare("SELECT count() FROM Contact", include_deleted=True).total_size == 5


def test_aggregates_with_group_by_and_aliases(crm: Store) -> None:
    rows = crm.rows(
        "SELECT StageName, COUNT(Id), SUM(Amount) total, MAX(CloseDate) FROM Opportunity "
        "GROUP BY StageName ORDER BY StageName"
    )
    assert rows == [
        {
            "attributes": {"type": "AggregateResult"},
            "StageName": "Closed Won",
            "expr0": 1,
            "total": 1000.0,
            "expr1": "2024-03-13",
        },
        {
            "attributes": {"type": "AggregateResult"},
            "StageName": "Prospecting",
            "expr0": 2,
            "total": 250.5,
            "expr1": "2024-03-12",
        },
    ]


def test_aggregate_without_group_by_and_having(crm: Store) -> None:
    p = crm.prepare("SELECT COUNT(Id), COUNT(Amount), AVG(Amount) FROM Opportunity")
    assert p.total_size == 1
    assert p.fetch(0, 10) == [
        {"attributes": {"type": "AggregateResult"}, "expr0": 3, "expr1": 2, "expr2": 625.25}
    ]
    rows = crm.rows(
        "SELECT AccountId, COUNT(Id) c FROM Contact GROUP BY AccountId HAVING COUNT(Id) > 1"
    )
    assert rows == [
        {"attributes": {"type": "AggregateResult"}, "AccountId": sfid("Account", 1), "c": 2}
    ]
    rows = crm.rows(
        "SELECT Account.Name, COUNT_DISTINCT(StageName) FROM Opportunity GROUP BY Account.Name "
        "ORDER BY COUNT_DISTINCT(StageName) DESC"
    )
    assert rows[0] == {"attributes": {"type": "AggregateResult"}, "Name": "Acme", "expr0": 2}


def test_field_must_be_grouped(crm: Store) -> None:
    e = err(crm, "SELECT Name, COUNT(Id) FROM Account")
    assert (e.error_code, e.message) == (
        "MALFORMED_QUERY",
        "Field must be grouped or aggregated: Name",
    )


# ---- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("soql", "code", "message"),
    [
        (
            "SELECT Foo FROM Account",
            "INVALID_FIELD",
            "\nSELECT Foo FROM Account\n       ^\nERROR at Row:1:Column:8\n"
            f"No such column 'Foo' on entity 'Account'. {NO_COLUMN_TAIL}",
        ),
        (
            "SELECT Id FROM Contact WHERE Account.Bogus__c = 'x'",
            "INVALID_FIELD",
            "\nSELECT Id FROM Contact WHERE Account.Bogus__c = 'x'\n"
            "                             ^\nERROR at Row:1:Column:30\n"
            f"No such column 'Bogus__c' on entity 'Account'. {NO_COLUMN_TAIL}",
        ),
        (
            "SELECT Id, Foo__r.Name FROM Contact",
            "INVALID_FIELD",
            "\nSELECT Id, Foo__r.Name FROM Contact\n           ^\nERROR at Row:1:Column:12\n"
            "Didn't understand relationship 'Foo__r' in field path. If you are attempting to use a "
            "custom relationship, be sure to append the '__r' after the custom relationship name. "
            "Please reference your WSDL or the describe call for the appropriate names.",
        ),
        (
            "SELECT Id, (SELECT Id FROM Widgets) FROM Account",
            "INVALID_TYPE",
            "\nSELECT Id, (SELECT Id FROM Widgets) FROM Account\n"
            "                           ^\nERROR at Row:1:Column:28\n"
            "Didn't understand relationship 'Widgets' in FROM part of query call. If you are "
            "attempting to use a custom relationship, be sure to append the '__r' after the custom "
            "relationship name. Please reference your WSDL or the describe call for the appropriate "
            "names.",
        ),
        (
            "SELECT Id FROM Foo",
            "INVALID_TYPE",
            "\nSELECT Id FROM Foo\n               ^\nERROR at Row:1:Column:16\n"
            "sObject type 'Foo' is not supported. If you are attempting to use a custom object, be "
            "sure to append the '__c' after the entity name. Please reference your WSDL or the "
            "describe call for the appropriate names.",
        ),
    ],
    ids=["column", "column-on-parent", "relationship", "child-relationship", "object"],
)
def test_unknown_names_point_at_the_name(crm: Store, soql: str, code: str, message: str) -> None:
    e = err(crm, soql)
    assert (e.error_code, e.message) == (code, message)


def test_no_such_column_on_second_row(crm: Store) -> None:
    e = err(crm, "SELECT Id\nFROM Account\nWHERE Nme = 'x'")
    assert e.message.startswith("\nWHERE Nme = 'x'\n      ^\nERROR at Row:3:Column:7\n")


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (
            "Amount = '100'",
            "value of filter criterion for field 'Amount' must be of type double and should not "
            "be enclosed in quotes",
        ),
        (
            "Name = 5",
            "value of filter criterion for field 'Name' must be of type string and should be "
            "enclosed in quotes",
        ),
        (
            "IsWon = 'true'",
            "value of filter criterion for field 'IsWon' must be of type boolean and should not "
            "be enclosed in quotes",
        ),
        (
            "CloseDate = '2024-01-01'",
            "value of filter criterion for field 'CloseDate' must be of type date and should not "
            "be enclosed in quotes",
        ),
        (
            "CloseDate = 2024-01-01T00:00:00Z",
            "value of filter criterion for field 'CloseDate' must be of type date and should not "
            "be enclosed in quotes",
        ),
        (
            "CreatedDate > 2024-01-01",
            "value of filter criterion for field 'CreatedDate' must be of type dateTime and "
            "should not be enclosed in quotes",
        ),
        (
            "Account.NumberOfEmployees IN (1, '2')",
            "value of filter criterion for field 'Account.NumberOfEmployees' must be of type int "
            "and should not be enclosed in quotes",
        ),
    ],
)
def test_filter_type_mismatch(crm: Store, where: str, message: str) -> None:
    e = err(crm, f"SELECT Id FROM Opportunity WHERE {where}")
    assert (e.error_code, e.message) == ("INVALID_FIELD", message)


@pytest.mark.parametrize(
    ("soql", "message"),
    [
        (
            "SELECT FROM Account",
            "\nSELECT FROM Account\n       ^\nERROR at Row:1:Column:8\nunexpected token: 'FROM'",
        ),
        (
            "SELECT Id, FROM Account",
            "\nSELECT Id, FROM Account\n           ^\nERROR at Row:1:Column:12\n"
            "unexpected token: 'FROM'",
        ),
        (
            "SELECT Id FROM Account WHERE",
            "\nSELECT Id FROM Account WHERE\n                            ^\n"
            "ERROR at Row:1:Column:29\nunexpected token: '<EOF>'",
        ),
        (
            "SELECT Id FROM Account WHERE Name = 'a' AND Name = 'b' OR Name = 'c'",
            "\nSELECT Id FROM Account WHERE Name = 'a' AND Name = 'b' OR Name = 'c'\n"
            "                                                       ^\n"
            "ERROR at Row:1:Column:56\nunexpected token: 'OR'",
        ),
        (
            "SELECT Id FROM Account WHERE Name = :name",
            "\nSELECT Id FROM Account WHERE Name = :name\n                                    ^\n"
            "ERROR at Row:1:Column:37\nunexpected token: ':'",
        ),
    ],
)
def test_syntax_errors(crm: Store, soql: str, message: str) -> None:
    e = err(crm, soql)
    assert (e.error_code, e.message) == ("MALFORMED_QUERY", message)


def test_clauses_out_of_order(crm: Store) -> None:
    e = err(crm, "SELECT Id FROM Account LIMIT 5 WHERE Name = 'x'")
    assert (e.error_code, e.message) == (
        "MALFORMED_QUERY",
        "\nSELECT Id FROM Account LIMIT 5 WHERE Name = 'x'\n                               ^\n"
        "ERROR at Row:1:Column:32\nunexpected token: 'WHERE'",
    )


def test_grammar_is_lalr() -> None:
    from simulators.salesforce.soql._parser import _lark

    assert _lark().options.parser == "lalr"


def test_lexer_error_and_bad_datetime(crm: Store) -> None:
    e = err(crm, "SELECT Id from $casecomment")
    assert e.error_code == "MALFORMED_QUERY"
    assert e.message.endswith("\nline 1:15 unexpected token: '$'")
    e = err(crm, "SELECT Id FROM Account WHERE SystemModstamp > 2020-12-12t12:12:00-25:00")
    assert (e.error_code, e.message) == (
        "MALFORMED_QUERY",
        "Invalid datetime: 2020-12-12t12:12:00-25:00",
    )


@pytest.mark.parametrize(
    "soql",
    [
        "",
        "   ",
        "SELECT",
        "SELECT Id",
        "DELETE FROM Account",
        "SELECT Id FROM Account WHERE Name = 'unterminated",
        "SELECT Id FROM Account WHERE Name = 'a\\q'",
        "SELECT Id FROM Account WHERE (Name = 'x'",
        "SELECT Id FROM Account LIMIT -1",
        "SELECT Id FROM Account LIMIT 1.5",
        "SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS",
        "SELECT Id FROM Account WHERE CreatedDate = TODAY:3",
        "SELECT Id FROM Account WHERE CreatedDate = SOMEDAY",
        "SELECT Id FROM Account WHERE CloseDate = 2024-13-45",
        "SELECT Id Name FROM Account",
        "SELECT Id, COUNT() FROM Account",
        "SELECT Id FROM Account ORDER BY",
        "SELECT Id FROM Account WHERE Id IN (SELECT Name FROM Contact)",
        "SELECT Id FROM Account WHERE IsDeleted > true",
        "SELECT Bogus(Id) FROM Account",
        "SELECT Id FROM Account WHERE Name = 'x' FOR NOTHING",
        "SELECT Id FROM Account;",
        "SELECT Id FROM Account WHERE Name = '\u00e9' AND \u00e9 = 1",
        "SELECT Id FROM Account WHERE Description = 'long text'",
        "SELECT Id FROM Account ORDER BY Description",
        "SELECT SUM(Name) FROM Account",
    ],
)
def test_malformed_input_is_always_a_soql_error(crm: Store, soql: str) -> None:
    e = err(crm, soql)
    assert e.error_code in {"MALFORMED_QUERY", "INVALID_FIELD", "INVALID_TYPE"}
    assert e.message


def test_parse_rejects_garbage_without_lark_exceptions() -> None:
    for text in ["SELECT Id FROM", "((((", "SELECT Id FROM Account WHERE Name = 1e999x", "\x00"]:
        with pytest.raises(SoqlError):
            parse(text)


# ---- performance shape: indexes -----------------------------------------------------


def _plan(store: Store, soql: str) -> str:
    prepared = store.prepare(soql)
    captured: list[tuple[str, list[Any]]] = []
    conn = store.conn

    class Spy:
        def execute(self, sql: str, params: Any = ()) -> Any:
            captured.append((sql, list(params)))
            return conn.execute(sql, params)

    prepared._ctx.conn = Spy()  # type: ignore[assignment]
    prepared.fetch(0, 2000)
    sql, params = captured[-1]
    details = conn.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
    return "\n".join(str(row[-1]) for row in details)


def test_point_query_by_id_uses_primary_key(crm: Store) -> None:
    plan = _plan(crm, f"SELECT Id, Name FROM Account WHERE Id = '{sfid('Account', 1)}'")
    assert "USING PRIMARY KEY (type=? AND id=?)" in plan
    assert "SCAN" not in plan


def test_external_id_lookup_uses_expression_index(crm: Store) -> None:
    crm.conn.execute(
        "CREATE INDEX records_account_ext ON records(type, json_extract(data,'$.External_Id__c'))"
    )
    plan = _plan(crm, "SELECT Id, Name FROM Account WHERE External_Id__c = 'EXT-2'")
    assert "USING INDEX records_account_ext" in plan
    assert "SCAN r" not in plan and "SCAN t0" not in plan
    assert names(crm.rows("SELECT Name FROM Account WHERE External_Id__c = 'EXT-2'")) == ["Globex"]


def test_paging_runs_sql_limit_offset(store: Store) -> None:
    for i in range(30):
        store.add("Account", Name=f"N{i:02d}")
    prepared = store.prepare("SELECT Name FROM Account ORDER BY Name")
    seen: list[tuple[str, list[Any]]] = []
    conn = store.conn

    def trace(sql: str) -> None:
        seen.append((sql, []))

    conn.set_trace_callback(trace)
    try:
        page = prepared.fetch(10, 5)
    finally:
        conn.set_trace_callback(None)
    assert names(page) == ["N10", "N11", "N12", "N13", "N14"]
    assert any("LIMIT 5 OFFSET 10" in sql for sql, _ in seen)
