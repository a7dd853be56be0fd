"""Salesforce's save rules built on their own and passed into a record service, with no
server: a tenant of a plain registry, the records straight from the store."""

from __future__ import annotations

import pytest

from simulators.engine import HttpError, RollingQuota, Tenant, TenantRegistry
from simulators.salesforce._records import RecordService
from simulators.salesforce._rules import BusinessRules
from simulators.salesforce._schema import build_schema
from simulators.salesforce._state import SalesforceState


@pytest.fixture
def tenant() -> Tenant:
    def setup(t: Tenant) -> None:
        t.state = SalesforceState(RollingQuota(100), user_id="005000000000001AAA")

    return TenantRegistry(None, setup, lambda t, change: None).get_or_create("default")


@pytest.fixture
def records() -> RecordService:
    return RecordService(build_schema(), BusinessRules())


def test_the_service_runs_the_rules_it_was_given(records: RecordService, tenant: Tenant) -> None:
    opp = records.object("Opportunity")
    body = {"Name": "Deal", "StageName": "Closed Won", "CloseDate": "2026-08-14", "Amount": 200}
    data = tenant.store.get("Opportunity", records.create(tenant, opp, body))
    assert data is not None
    assert (data["Probability"], data["IsClosed"], data["IsWon"]) == (100.0, True, True)
    assert (data["ForecastCategory"], data["ExpectedRevenue"]) == ("Closed", 200.0)
    assert (data["FiscalYear"], data["FiscalQuarter"]) == (2026, 3)
    assert records.plan(opp) is records.rules.plan(opp)


def test_defaults_and_derived_dates(records: RecordService, tenant: Tenant) -> None:
    contract = records.object("Contract")
    acc = records.create(tenant, records.object("Account"), {"Name": "Acme"})
    body = {"AccountId": acc, "StartDate": "2026-02-01", "ContractTerm": 12}
    data = tenant.store.get("Contract", records.create(tenant, contract, body))
    assert data is not None
    assert (data["Status"], data["ContractNumber"]) == ("Draft", "00000100")
    assert data["EndDate"] == "2027-01-31"


@pytest.mark.parametrize(
    ("start", "term", "end"),
    [
        ("2016-12-01", 1, "2016-12-31"),
        ("2016-11-30", 1, "2016-12-29"),  # a day before 2016-12-30, not the month's end
        ("2025-03-01", 5, "2025-07-31"),
        ("2026-01-15", 12, "2027-01-14"),
        ("2026-01-31", 1, "2026-02-27"),  # February 31st is February 28th
    ],
)
def test_contract_end_date_is_the_day_before_start_plus_term(
    records: RecordService, tenant: Tenant, start: str, term: int, end: str
) -> None:
    acc = records.create(tenant, records.object("Account"), {"Name": "Acme"})
    body = {"AccountId": acc, "StartDate": start, "ContractTerm": term}
    data = tenant.store.get("Contract", records.create(tenant, records.object("Contract"), body))
    assert data is not None and data["EndDate"] == end


def test_unique_values_are_checked_on_save(records: RecordService, tenant: Tenant) -> None:
    rules = records.rules
    user = records.object("User")
    unique = sorted(rules.plan(user).unique)
    assert unique, "User has unique fields (Username)"
    tenant.store.insert(
        "User", "005000000000002AAA", {"Id": "005000000000002AAA", unique[0]: "a@x"}, ""
    )
    with pytest.raises(HttpError) as exc:
        rules.check_unique(tenant, user, {unique[0]: "a@x"}, None)
    assert exc.value.code == "DUPLICATE_VALUE"
    rules.check_unique(tenant, user, {unique[0]: "a@x"}, "005000000000002AAA")  # itself
