"""Salesforce refresh tokens (revocable, client-authenticated, one per approval, rotation)
and the login lockout after the default 10 wrong passwords, on the OAuth and SOAP logins."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from harness.testing import SimHandle, start_simulator
from simulators.salesforce import SalesforceSettings, create_simulator

TOKEN = "/services/oauth2/token"
SOAP = """<?xml version="1.0" encoding="utf-8"?>
<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com">
<env:Body><urn:login><urn:username>{u}</urn:username><urn:password>{p}</urn:password></urn:login></env:Body>
</env:Envelope>"""


def _creds(crm: SimHandle) -> dict[str, str]:
    return dict(crm.admin.get("/tenants/default").json()["credentials"])


def _refresh(c: httpx.Client, creds: dict[str, str], rt: str, **over: str) -> httpx.Response:
    form = {
        "grant_type": "refresh_token",
        "refresh_token": rt,
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
        **over,
    }
    return c.post(TOKEN, data={k: v for k, v in form.items() if v is not None})


def test_refresh_grant_needs_the_clients_credentials(crm: SimHandle) -> None:
    c, creds = crm.client(), _creds(crm)
    rt = creds["refresh_token"]
    bare = c.post(TOKEN, data={"grant_type": "refresh_token", "refresh_token": rt})
    assert (bare.status_code, bare.json()["error"]) == (400, "invalid_client_id")
    no_secret = c.post(
        TOKEN,
        data={"grant_type": "refresh_token", "refresh_token": rt, "client_id": creds["client_id"]},
    )
    assert (no_secret.status_code, no_secret.json()["error"]) == (400, "invalid_client")
    wrong = _refresh(c, creds, rt, client_secret="wrong")
    assert wrong.json() == {
        "error": "invalid_client",
        "error_description": "invalid client credentials",
    }
    assert _refresh(c, creds, rt).status_code == 200


def test_revoked_refresh_token_is_refused_and_takes_its_sessions(crm: SimHandle) -> None:
    c, creds = crm.client(), _creds(crm)
    r = _refresh(c, creds, creds["refresh_token"])
    session = r.json()["access_token"]
    api = {"Authorization": f"Bearer {session}"}
    assert c.get("/services/data/v68.0/limits", headers=api).status_code == 200
    revoke = c.post("/services/oauth2/revoke", data={"token": creds["refresh_token"]})
    assert revoke.status_code == 200, revoke.text
    refused = _refresh(c, creds, creds["refresh_token"])
    assert refused.json() == {
        "error": "invalid_grant",
        "error_description": "expired access/refresh token",
    }
    assert c.get("/services/data/v68.0/limits", headers=api).status_code == 401
    # each approval has its own refresh token: a new one works, the revoked one stays dead
    other = crm.admin.post("/tenants/default/refresh-tokens").json()["refresh_token"]
    assert other != creds["refresh_token"]
    assert _refresh(c, creds, other).status_code == 200
    assert _refresh(c, creds, creds["refresh_token"]).status_code == 400


@pytest.fixture
def rotating() -> Iterator[SimHandle]:
    h = start_simulator(create_simulator(SalesforceSettings(refresh_token_rotation=True)))
    yield h
    h.close()


def test_rotation_issues_a_new_refresh_token_per_grant(rotating: SimHandle) -> None:
    c, creds = rotating.client(), _creds(rotating)
    first = _refresh(c, creds, creds["refresh_token"]).json()["refresh_token"]
    second = _refresh(c, creds, first).json()["refresh_token"]
    assert len({creds["refresh_token"], first, second}) == 3
    assert _refresh(c, creds, first).json()["error"] == "invalid_grant"


def _password_form(creds: dict[str, Any]) -> dict[str, str]:
    """The password grant's form without the password, which each attempt adds."""
    return {
        "grant_type": "password",
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
        "username": creds["username"],
    }


def test_ten_wrong_passwords_lock_the_user_out(crm: SimHandle) -> None:
    c, creds = crm.client(), _creds(crm)
    form = _password_form(creds)
    right = creds["password"] + creds["security_token"]
    for _ in range(10):
        bad = c.post(TOKEN, data={**form, "password": "wrong"})
        assert bad.json() == {
            "error": "invalid_grant",
            "error_description": "authentication failure",
        }
    locked = c.post(TOKEN, data={**form, "password": right})
    assert (locked.status_code, locked.json()["error"]) == (400, "invalid_grant")
    soap = c.post(
        "/services/Soap/u/59.0",
        content=SOAP.format(u=creds["username"], p=right),
        headers={"SOAPAction": "login", "content-type": "text/xml"},
    )
    assert soap.status_code == 500 and "INVALID_LOGIN" in soap.text and "locked out" in soap.text
    # the lockout lasts Salesforce's default 15 minutes on the tenant's clock
    crm.admin.post("/tenants/default/clock", json={"advance_seconds": 16 * 60})
    assert c.post(TOKEN, data={**form, "password": right}).status_code == 200


def test_nine_wrong_passwords_then_the_right_one_logs_in(crm: SimHandle) -> None:
    c, creds = crm.client(), _creds(crm)
    form = _password_form(creds)
    for _ in range(9):
        assert c.post(TOKEN, data={**form, "password": "wrong"}).status_code == 400
    ok = c.post(TOKEN, data={**form, "password": creds["password"] + creds["security_token"]})
    assert ok.status_code == 200
