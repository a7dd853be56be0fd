"""Every standard field of the recorded describes is served as recorded.

Source: real-org describe recordings (SFDO-Tooling/CumulusCI test cassettes
``GET_sobjects_{Account,Contact,Opportunity}_describe.yaml``, BSD-3-Clause), trimmed into
``simulators/salesforce/_describes/*.json`` by ``_describes/_generate.py``. The org's own
``__c`` fields are left out; the simulator's configured custom fields are added on top.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.testing import SimHandle
from simulators.salesforce._describes import DESCRIBED, load
from simulators.salesforce._describes._generate import generate

from .._clients import crm_client

V = "/services/data/v68.0"
KEYS = {
    "type": "type",
    "length": "length",
    "precision": "precision",
    "scale": "scale",
    "digits": "digits",
    "nillable": "nillable",
    "createable": "createable",
    "updateable": "updateable",
    "defaultedOnCreate": "defaultedOnCreate",
    "referenceTo": "referenceTo",
    "relationshipName": "relationshipName",
    "compoundFieldName": "compoundFieldName",
    "restrictedPicklist": "restrictedPicklist",
    "nameField": "nameField",
    "label": "label",
}


@pytest.fixture
def api(crm: SimHandle) -> Iterator[httpx.Client]:
    c = crm_client(crm)
    yield c
    c.close()


@pytest.mark.parametrize("name", DESCRIBED)
def test_describe_serves_every_recorded_standard_field(api: httpx.Client, name: str) -> None:
    recorded = load(name)
    served = api.get(f"{V}/sobjects/{name}/describe").json()
    assert served["keyPrefix"] == recorded["keyPrefix"]
    by_name = {f["name"]: f for f in served["fields"]}
    standard = {n for n in by_name if not n.endswith("__c")}
    assert standard == {f["name"] for f in recorded["fields"]}
    for want in recorded["fields"]:
        got = by_name[want["name"]]
        for key in KEYS:
            assert got[key] == want[key], (name, want["name"], key, got[key], want[key])
        active = [p["value"] for p in want["picklistValues"] if p["active"]]
        assert [p["value"] for p in got["picklistValues"]] == active, want["name"]
    # the project's own custom fields stay on top of the standard ones
    assert "External_Id__c" in by_name


def test_all_163_standard_fields_of_the_three_objects() -> None:
    assert sum(len(load(n)["fields"]) for n in DESCRIBED) == 163


def _vendor_specs() -> Path | None:
    here = Path(__file__).resolve()
    for parent in here.parents:
        cand = parent / "shared" / "vendor-specs" / "salesforce"
        if (cand / "cumulusci-Account-describe.json").is_file():
            return cand
    return None


def test_generated_files_match_the_recordings(tmp_path: Path) -> None:
    src = _vendor_specs()
    if src is None:
        pytest.skip(
            "the recorded describes (shared/vendor-specs/salesforce) are not beside the repo"
        )
    for path in generate(src, tmp_path):
        assert json.loads(path.read_text("utf-8")) == load(path.stem), path.stem


def _create(api: httpx.Client, sobject: str, body: dict[str, Any]) -> str:
    r = api.post(f"{V}/sobjects/{sobject}/", json=body)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def test_standard_fields_a_firm_sets_are_accepted(api: httpx.Client) -> None:
    acc = _create(
        api,
        "Account",
        {
            "Name": "Field Co",
            "Rating": "Hot",
            "Site": "HQ",
            "AccountSource": "Web",
            "Ownership": "Private",
            "TickerSymbol": "FLD",
            "YearStarted": "1999",
            "BillingStreet": "1 Market St",
            "BillingCity": "San Francisco",
            "BillingPostalCode": "94105",
            "BillingCountry": "USA",
        },
    )
    got = api.get(f"{V}/sobjects/Account/{acc}").json()
    assert got["Rating"] == "Hot" and got["YearStarted"] == "1999"
    # compound address as REST reads return it; null when no part is set
    assert got["BillingAddress"] == {
        "city": "San Francisco",
        "country": "USA",
        "geocodeAccuracy": None,
        "latitude": None,
        "longitude": None,
        "postalCode": "94105",
        "state": None,
        "street": "1 Market St",
    }
    assert got["ShippingAddress"] is None
    q = api.get(
        f"{V}/query/", params={"q": f"SELECT BillingAddress FROM Account WHERE Id = '{acc}'"}
    )
    assert q.json()["records"][0]["BillingAddress"]["city"] == "San Francisco"

    con = _create(
        api,
        "Contact",
        {"LastName": "Field", "AccountId": acc, "Birthdate": "1980-02-03", "MailingCity": "Oslo"},
    )
    c = api.get(f"{V}/sobjects/Contact/{con}").json()
    assert c["MailingAddress"]["city"] == "Oslo" and c["Birthdate"] == "1980-02-03"


def test_recorded_rules_are_enforced(api: httpx.Client) -> None:
    # BillingAddress is createable=false in the describe: only its parts are written
    r = api.post(f"{V}/sobjects/Account/", json={"Name": "X", "BillingAddress": {"city": "Y"}})
    assert r.status_code == 400 and r.json()[0]["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    # CleanStatus is a restricted picklist in the describe
    r = api.post(f"{V}/sobjects/Account/", json={"Name": "X", "CleanStatus": "Whatever"})
    assert r.status_code == 400
    assert r.json()[0]["errorCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    # YearStarted has length 4
    r = api.post(f"{V}/sobjects/Account/", json={"Name": "X", "YearStarted": "19999"})
    assert r.status_code == 400 and r.json()[0]["errorCode"] == "STRING_TOO_LONG"
