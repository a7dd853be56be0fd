"""The generated firm loaded into the CRM simulator through its admin API, checked over SOQL."""

from __future__ import annotations

from harness.data import generate_firm
from harness.loaders import load_firm
from harness.testing import SimHandle

from .._clients import crm_client


def _endpoints(crm: SimHandle) -> dict[str, object]:
    return {
        "crm": {
            "vendor": "salesforce",
            "base_url": crm.base_url,
            "admin_url": f"{crm.base_url}/__admin",
            "admin_token": crm.admin_token,
        },
        "ca_bundle": crm.ca_bundle,
    }


def test_firm_loads_into_the_crm_with_its_own_ids(crm: SimHandle) -> None:
    firm = generate_firm(11, "small")
    seen: list[tuple[str, str, int, int]] = []
    report = load_firm(firm, _endpoints(crm), on_progress=lambda *a: seen.append(a))
    accounts, opps = firm.records("accounts"), firm.records("opportunities")
    assert report.counts["crm"] == {
        "Account": len(accounts),
        "Contact": len(firm.records("contacts")),
        "Opportunity": len(opps),
    }
    assert seen[-1] == ("crm", "Opportunity", len(opps), len(opps))
    api = crm_client(crm)
    q = api.get(
        "/services/data/v68.0/query/", params={"q": "SELECT COUNT() FROM Opportunity"}
    ).json()
    assert q["totalSize"] == len(opps)
    won = [o for o in opps if o.stage == "closed_won"]
    res = api.get(
        "/services/data/v68.0/query/",
        params={
            "q": "SELECT Id, Account.External_Id__c, PSA_Project_Id__c, IsWon FROM Opportunity "
            "WHERE StageName = 'Closed Won'"
        },
    ).json()
    assert res["totalSize"] == len(won)
    by_id = {o.crm_id: o for o in won}
    for rec in res["records"]:
        o = by_id[rec["Id"]]
        assert rec["IsWon"] is True
        assert (
            rec["Account"]["External_Id__c"] == o.account_id
        )  # referential integrity survives loading
    acc = accounts[0]
    got = api.get(f"/services/data/v68.0/sobjects/Account/External_Id__c/{acc.id}").json()
    assert got["Id"] == acc.crm_id and got["Name"] == acc.name
