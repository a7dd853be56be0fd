"""The one-pass check of a simple body and the general check agree on every body."""

from __future__ import annotations

from typing import Any

import pytest

from simulators.engine import HttpError
from simulators.salesforce import create_simulator

_ACCOUNT = {
    "Name": "Acme",
    "Industry": "Energy",
    "AnnualRevenue": 12500000,
    "NumberOfEmployees": 240,
    "BillingCity": "Boston",
    "Description": "d" * 300,
}


@pytest.mark.parametrize(
    "body",
    [
        _ACCOUNT,
        {**_ACCOUNT, "AnnualRevenue": 12.5},  # a double field's float
        {"Name": "x" * 255},  # at the length limit
        {"Name": "x" * 256},  # over it
        {"Name": "n", "NumberOfEmployees": 2**60},  # an int beyond a double's exact range
        {"Name": "n", "NumberOfEmployees": 10.5},  # a float for an int field
        {"Name": "n", "AnnualRevenue": float("inf")},
        {"Name": "n", "Industry": True},  # a boolean for a text field
        {"Name": "n", "NoSuch__c": "x"},  # an unknown field
        {"Name": "n", "NoSuch__c": 1},
        {"Name": "n", "NoSuch__c": 1.5},
        {"Name": "n", "CreatedDate": "2020-01-01T00:00:00.000+0000"},  # read-only
        {"Name": None, "Phone": None},
        {"name": "lower case key"},
        {"Name": "n", "attributes": {"type": "Account"}},
    ],
)
@pytest.mark.parametrize("creating", [True, False])
def test_fast_and_general_checks_agree(body: dict[str, Any], creating: bool) -> None:
    sim = create_simulator()
    records = sim.dialect.records
    tenant = sim.tenants.get_or_create("default")
    obj = records.object("Account")
    plan = records.plan(obj)

    def outcome(check: Any, *args: Any) -> Any:
        try:
            out = check(*args)
        except HttpError as exc:
            return ("error", exc.status, exc.code, exc.message)
        return ("ok", list(out.items()), [type(v) for v in out.values()])

    fast = outcome(
        lambda: records._check_fields(tenant, obj, dict(body), creating=creating, plan=plan)
    )
    general = outcome(records._check_general, tenant, obj, dict(body), creating, plan, [])
    assert fast == general
