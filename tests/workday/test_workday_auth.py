"""OAuth 2.0 refresh-token grant, bearer tokens, expiry, and tenant binding on the wire."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import httpx

from harness.testing import SimHandle

TokenFn = Callable[[httpx.Client, dict[str, Any]], str]


def _form(creds: dict[str, Any], **over: str) -> dict[str, str]:
    data = {
        "grant_type": "refresh_token",
        "refresh_token": creds["refresh_token"],
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def test_refresh_grant_returns_bearer_token(wd: SimHandle, creds: dict[str, Any]) -> None:
    with wd.client() as c:
        r = c.post(creds["token_url"], data=_form(creds))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"access_token", "token_type", "refresh_token"}
    assert body["token_type"] == "Bearer"
    assert body["refresh_token"] == creds["refresh_token"]
    assert creds["token_url"].endswith("/ccx/oauth2/psharness_default/token")


def test_client_auth_by_http_basic(wd: SimHandle, creds: dict[str, Any]) -> None:
    basic = base64.b64encode(f"{creds['client_id']}:{creds['client_secret']}".encode()).decode()
    with wd.client() as c:
        r = c.post(
            creds["token_url"],
            headers={"authorization": f"Basic {basic}"},
            data={"grant_type": "refresh_token", "refresh_token": creds["refresh_token"]},
        )
    assert r.status_code == 200
    assert r.json()["access_token"]


def test_oauth_errors_follow_rfc_6749(wd: SimHandle, creds: dict[str, Any]) -> None:
    with wd.client() as c:
        r = c.post(creds["token_url"], data=_form(creds, client_secret="wrong"))
        assert r.status_code == 401 and r.json()["error"] == "invalid_client"
        assert "error_description" in r.json()
        bad = base64.b64encode(b"nobody:nothing").decode()
        r = c.post(
            creds["token_url"],
            headers={"authorization": f"Basic {bad}"},
            data={"grant_type": "refresh_token", "refresh_token": creds["refresh_token"]},
        )
        assert r.status_code == 401 and r.json()["error"] == "invalid_client"
        assert r.headers["www-authenticate"].startswith("Basic")
        r = c.post(creds["token_url"], data=_form(creds, refresh_token="not-the-token"))
        assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
        r = c.post(creds["token_url"], data=_form(creds, grant_type="client_credentials"))
        assert r.status_code == 400 and r.json()["error"] == "unsupported_grant_type"
        r = c.post(
            creds["token_url"], data={k: v for k, v in _form(creds).items() if k != "grant_type"}
        )
        assert r.status_code == 400 and r.json()["error"] == "invalid_request"
        r = c.post(creds["token_url"], json=_form(creds))
        assert r.status_code == 400 and r.json()["error"] == "invalid_request"
        r = c.post(
            creds["token_url"].replace("psharness_default", "nosuchtenant"), data=_form(creds)
        )
        assert r.status_code == 401 and r.json()["error"] == "invalid_client"


def test_api_requires_a_valid_bearer_token(
    wd: SimHandle, creds: dict[str, Any], get_token: TokenFn
) -> None:
    url = creds["common_base_url"] + "/workers"
    with wd.client() as c:
        r = c.get(url)
        assert r.status_code == 401
        assert isinstance(r.json()["error"], str)
        assert r.headers["www-authenticate"].startswith("Bearer")
        r = c.get(url, headers={"authorization": "Bearer not-a-token"})
        assert r.status_code == 401
        r = c.get(
            url, headers={"authorization": "Basic " + base64.b64encode(b"ISU_PSHarness:x").decode()}
        )
        assert r.status_code == 401
        token = get_token(c, creds)
        assert c.get(url, headers={"authorization": f"Bearer {token}"}).status_code == 200


def test_access_token_expires_on_the_tenant_clock_and_refresh_recovers(
    wd: SimHandle, creds: dict[str, Any], get_token: TokenFn
) -> None:
    url = creds["common_base_url"] + "/workers"
    with wd.client() as c:
        token = get_token(c, creds)
        assert c.get(url, headers={"authorization": f"Bearer {token}"}).status_code == 200
        assert (
            wd.admin.post("/tenants/default/clock", json={"advance_seconds": 3601}).status_code
            == 200
        )
        r = c.get(url, headers={"authorization": f"Bearer {token}"})
        assert r.status_code == 401
        fresh = get_token(c, creds)
        assert fresh != token
        assert c.get(url, headers={"authorization": f"Bearer {fresh}"}).status_code == 200
        # tokens expired through the admin API fail the same way
        wd.admin.post("/tokens/expire", json={"tenant": "default"})
        assert c.get(url, headers={"authorization": f"Bearer {fresh}"}).status_code == 401


def test_token_is_bound_to_its_tenant(
    wd: SimHandle, creds: dict[str, Any], get_token: TokenFn
) -> None:
    other = wd.admin.post("/tenants", json={"name": "acme"}).json()["credentials"]
    assert other["tenant"] == "psharness_acme"
    assert other["client_id"] != creds["client_id"]
    with wd.client() as c:
        # another tenant's client cannot get a token from this tenant's endpoint
        r = c.post(creds["token_url"], data=_form(other))
        assert r.status_code == 401
        token = get_token(c, other)
        h = {"authorization": f"Bearer {token}"}
        assert c.get(other["common_base_url"] + "/workers", headers=h).status_code == 200
        r = c.get(creds["common_base_url"] + "/workers", headers=h)
        assert r.status_code == 401
        r = c.get(
            creds["common_base_url"].replace("psharness_default", "unknown_tenant") + "/workers",
            headers=h,
        )
        assert r.status_code == 401


def test_expires_in_and_rotation_are_settings() -> None:
    from harness.testing import start_simulator
    from simulators.workday import WorkdaySettings, create_simulator

    h = start_simulator(
        create_simulator(
            WorkdaySettings(
                include_expires_in=True, access_token_seconds=60, rotate_refresh_token=True
            )
        )
    )
    try:
        creds = h.admin.get("/tenants/default").json()["credentials"]
        with httpx.Client(trust_env=False) as c:
            r = c.post(creds["token_url"], data=_form(creds))
            assert r.status_code == 200
            body = r.json()
            assert body["expires_in"] == 60
            assert body["refresh_token"] != creds["refresh_token"]
            r = c.post(creds["token_url"], data=_form(creds))
            assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    finally:
        h.close()
