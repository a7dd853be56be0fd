"""A create's body checked in one pass when every field is simple, by the general coercion
otherwise, stored compact either way; addresses composed only from the parts written; and
the session id of an Authorization header parsed once per header, never trusted beyond the
token it names."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx

from harness.testing import SimHandle, start_simulator
from simulators.engine import SimulatorSettings, index_name, json_path
from simulators.salesforce import create_simulator

from .._clients import crm_client, tenant_credentials

V = "/services/data/v68.0"


def _create_and_read(api: httpx.Client, body: dict[str, object]) -> dict[str, object]:
    r = api.post(f"{V}/sobjects/Account/", json=body)
    assert r.status_code == 201, r.text
    got = api.get(f"{V}/sobjects/Account/{r.json()['id']}")
    assert got.status_code == 200, got.text
    return dict(got.json())


def test_a_body_with_a_null_and_a_reference_takes_the_general_check(api: httpx.Client) -> None:
    parent = api.post(f"{V}/sobjects/Account/", json={"Name": "Parent"}).json()["id"]
    got = _create_and_read(
        api,
        {
            "Name": "Mixed",
            "AnnualRevenue": 5,
            "Phone": None,
            "ParentId": parent[:15],
            "NumberOfEmployees": 7,
        },
    )
    assert got["Phone"] is None
    assert got["ParentId"] == parent  # the 15-character id stored in its 18-character form
    assert got["AnnualRevenue"] == 5.0 and isinstance(got["AnnualRevenue"], float)
    assert got["NumberOfEmployees"] == 7 and isinstance(got["NumberOfEmployees"], int)
    assert got["IsPartner"] is False and got["IsCustomerPortal"] is False


def test_addresses_are_composed_from_the_parts_written_only(api: httpx.Client) -> None:
    got = _create_and_read(api, {"Name": "Ship", "ShippingCity": "Lyon", "ShippingLatitude": 45.75})
    assert got["BillingAddress"] is None
    assert got["ShippingAddress"] == {
        "city": "Lyon",
        "country": None,
        "geocodeAccuracy": None,
        "latitude": 45.75,
        "longitude": None,
        "postalCode": None,
        "state": None,
        "street": None,
    }
    nulls = _create_and_read(api, {"Name": "Null parts", "BillingCity": None})
    assert nulls["BillingAddress"] is None and nulls["BillingCity"] is None


def test_every_form_of_the_session_header_names_the_same_session(crm: SimHandle) -> None:
    c = crm.client()
    creds = tenant_credentials(crm.admin)
    form = {
        "grant_type": "client_credentials",
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
    }
    token = c.post("/services/oauth2/token", data=form).json()["access_token"]
    limits = f"{V}/limits"
    for header in (f"Bearer {token}", f"OAuth {token}", f"bearer   {token}", f"Bearer {token}"):
        r = c.get(limits, headers={"Authorization": header})
        assert r.status_code == 200, (header, r.text)
    for header in (f"Bearer {token}x", f"Basic {token}", "Bearer"):
        r = c.get(limits, headers={"Authorization": header})
        assert r.status_code == 401, (header, r.text)
        assert r.json()[0]["errorCode"] == "INVALID_SESSION_ID"
    # a header accepted before names nothing once its session is revoked
    assert c.post("/services/oauth2/revoke", data={"token": token}).status_code == 200
    r = c.get(limits, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401, r.text


def test_a_restart_finds_its_user_and_pricebook_without_an_index_for_them(tmp_path: Path) -> None:
    def seeded() -> tuple[str, str, str]:
        h = start_simulator(create_simulator(None, SimulatorSettings(data_dir=tmp_path)))
        try:
            api = crm_client(h)
            account = api.post(f"{V}/sobjects/Account/", json={"Name": "Owned"}).json()["id"]
            owner = api.get(f"{V}/sobjects/Account/{account}").json()["OwnerId"]
            q = api.get(
                f"{V}/query", params={"q": "SELECT Id FROM Pricebook2 WHERE IsStandard = true"}
            )
            assert q.json()["totalSize"] == 1, q.text  # found again at the start, not re-made
            return owner, q.json()["records"][0]["Id"], account
        finally:
            h.close()

    first = seeded()
    files = list(tmp_path.rglob("default.sqlite3"))
    assert files, list(tmp_path.rglob("*"))
    conn = sqlite3.connect(files[0])
    try:  # the indexes earlier versions made for the start's two lookups
        for field_name, type_ in (("Username", "User"), ("IsStandard", "Pricebook2")):
            expr = json_path(field_name)
            conn.execute(
                f"CREATE INDEX {index_name(field_name, type_)} ON records({expr})"
                f" WHERE type = '{type_}' AND {expr} IS NOT NULL"
            )
        conn.commit()
    finally:
        conn.close()
    again = seeded()
    assert first[:2] == again[:2] and first[2] != again[2]
    conn = sqlite3.connect(files[0])
    try:
        indexed = [r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index'")]
    finally:
        conn.close()
    # every index on the records table is paid by every insert: none for the start's lookups
    assert not [sql for sql in indexed if sql and ("'User'" in sql or "'Pricebook2'" in sql)]
