"""A release profile's rename is served: the simulator knows the field by its new name only
(describe, records, SOQL) and refuses the old one with the vendor's error, as seen by
simple-salesforce, unchanged, over HTTPS."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest

from contracts import load_profile
from harness.testing import SimHandle, TlsFiles, start_simulator
from simulators.engine import SimulatorSettings
from simulators.salesforce import create_simulator

from .._clients import simple_salesforce


@pytest.fixture(params=["strict", "off"])
def sf(request: pytest.FixtureRequest, tls_files: TlsFiles) -> Iterator[Salesforce]:
    """A CRM simulator serving 69.0, with contract checks on (strict) and off: the rename is
    served by the simulator itself, not only refused by the contract check."""
    sim = create_simulator(engine=SimulatorSettings(release="69.0", contracts=request.param))
    handle: SimHandle = start_simulator(sim, tls_files)
    client = simple_salesforce(handle, "69.0")
    yield client
    client.session.close()
    handle.close()


def test_the_69_profile_renames_next_step() -> None:
    [rename] = [c for c in load_profile("salesforce", "69.0").changes if c["op"] == "rename"]
    assert (rename["object"], rename["field"], rename["to"]) == (
        "Opportunity",
        "NextStep",
        "NextStepDescription",
    )


def test_renamed_field_is_served_by_its_new_name_and_the_old_is_refused(sf: Salesforce) -> None:
    names = {f["name"] for f in sf.Opportunity.describe()["fields"]}
    assert "NextStepDescription" in names and "NextStep" not in names
    acct = sf.Account.create({"Name": "Renames Ltd"})["id"]
    body = {"Name": "Deal", "StageName": "Prospecting", "CloseDate": "2027-03-01"}
    created = sf.Opportunity.create({**body, "AccountId": acct, "NextStepDescription": "call"})
    rec = sf.Opportunity.get(created["id"])
    assert rec["NextStepDescription"] == "call" and "NextStep" not in rec
    rows = sf.query(f"SELECT NextStepDescription FROM Opportunity WHERE Id = '{created['id']}'")
    assert rows["records"][0]["NextStepDescription"] == "call"
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.Opportunity.create({**body, "AccountId": acct, "NextStep": "call"})
    err = exc.value.content[0]
    assert exc.value.status == 400 and err["errorCode"] == "INVALID_FIELD"
    assert "NextStep" in err["message"]
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.query("SELECT NextStep FROM Opportunity")
    assert exc.value.content[0]["errorCode"] == "INVALID_FIELD"
