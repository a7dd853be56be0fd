"""Authentication: TBA signatures really verified (secret, nonce, realm), OAuth 2.0 client
credentials with a JWT assertion, expiring bearer tokens, per-tenant credentials."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import jwt

from harness.testing import SimHandle

INVALID = "INVALID_LOGIN"


def _code(r: httpx.Response) -> str:
    return r.json()["o:errorDetails"][0]["o:errorCode"]  # type: ignore[no-any-return]


def _url(erp: SimHandle, path: str = "/services/rest/record/v1/customer") -> str:
    return f"{erp.base_url}{path}"


def test_tba_rejections(erp: SimHandle, creds: dict[str, Any], tba: Any) -> None:
    with httpx.Client(trust_env=False) as c:
        assert c.get(_url(erp), auth=tba(creds)).status_code == 200
        for bad in (
            {"consumer_secret": "x"},
            {"token_secret": "x"},
            {"account": "999_SB1"},
            {"token_id": "x"},
        ):
            r = c.get(_url(erp), auth=tba(creds, **bad))
            assert r.status_code == 401 and _code(r) == INVALID, bad
            body = r.json()
            # Oracle's 401 example (ns-online-help section_156570709583): no URL fragment
            assert body["title"] == "Unauthorized"
            assert body["type"] == "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html"
        assert _code(c.get(_url(erp))) == INVALID
        assert _code(c.get(_url(erp), headers={"Authorization": "OAuth garbage"})) == INVALID
        assert _code(c.get(_url(erp), headers={"Authorization": "Bearer nope"})) == INVALID


def test_reused_nonce_is_refused(erp: SimHandle, creds: dict[str, Any], tba: Any) -> None:
    req = httpx.Request("GET", _url(erp))
    signed = next(tba(creds).auth_flow(req))
    with httpx.Client(trust_env=False) as c:
        assert c.send(signed).status_code == 200
        again = c.send(signed)
    assert again.status_code == 401 and _code(again) == INVALID


def test_body_is_covered_by_the_signature(erp: SimHandle, creds: dict[str, Any], tba: Any) -> None:
    req = httpx.Request("POST", _url(erp), json={"companyName": "A", "subsidiary": {"id": "1"}})
    signed = next(tba(creds).auth_flow(req))
    tampered = httpx.Request(
        "POST", _url(erp), headers=signed.headers, content=signed.content.replace(b'"A"', b'"B"')
    )
    with httpx.Client(trust_env=False) as c:
        assert _code(c.send(tampered)) == INVALID


def _assertion(creds: dict[str, Any], **claims: Any) -> str:
    now = int(time.time())
    payload = {
        "iss": creds["client_id"],
        "scope": "rest_webservices",
        "aud": creds["token_url"],
        "iat": now,
        "exp": now + 3000,
        **claims,
    }
    return jwt.encode(
        payload,
        creds["private_key_pem"],
        algorithm=creds["algorithm"],
        headers={"kid": creds["certificate_id"], "typ": "JWT"},
    )


def _token(c: httpx.Client, creds: dict[str, Any], assertion: str) -> httpx.Response:
    return c.post(
        creds["token_url"],
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
        },
    )


def test_oauth2_client_credentials_and_expiry(erp: SimHandle, creds: dict[str, Any]) -> None:
    with httpx.Client(trust_env=False) as c:
        r = _token(c, creds, _assertion(creds))
        assert r.status_code == 200, r.text
        tok = r.json()
        assert tok["expires_in"] == "3600" and tok["token_type"] == "bearer"
        bearer = {"Authorization": f"Bearer {tok['access_token']}"}
        assert c.get(_url(erp), headers=bearer).status_code == 200
        erp.admin.post("/tenants/default/clock", json={"advance_seconds": 3601})
        expired = c.get(_url(erp), headers=bearer)
        assert expired.status_code == 401 and _code(expired) == INVALID
        # a key the certificate does not match, a wrong audience, a wrong kid, a missing assertion
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec

        other = ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        forged = jwt.encode(
            {
                "iss": creds["client_id"],
                "scope": "rest_webservices",
                "aud": creds["token_url"],
                "iat": int(time.time()),
                "exp": int(time.time()) + 60,
            },
            other,
            algorithm="ES256",
            headers={"kid": creds["certificate_id"]},
        )
        assert _token(c, creds, forged).json()["error"] == "invalid_grant"
        assert _token(c, creds, _assertion(creds, aud="https://elsewhere/token")).status_code == 400
        assert _token(c, creds, _assertion(creds, exp=int(time.time()) + 7200)).status_code == 400
        assert (
            _token(c, creds, _assertion(creds, scope="everything")).json()["error"]
            == "invalid_scope"
        )
        assert (
            c.post(creds["token_url"], data={"grant_type": "client_credentials"}).status_code == 400
        )
        assert c.post(creds["token_url"], data={"grant_type": "password"}).status_code == 400
        with open(creds["private_key_path"]) as fh:
            assert fh.read() == creds["private_key_pem"]


def test_each_tenant_has_its_own_account_and_data(erp: SimHandle, tba: Any) -> None:
    name = f"t-{uuid.uuid4().hex[:8]}"
    assert erp.admin.post("/tenants", json={"name": name}).status_code == 201
    other = erp.sim.dialect.credentials(erp.sim.tenants.get(name), erp.base_url)
    default = erp.sim.dialect.credentials(erp.sim.tenants.get("default"), erp.base_url)
    assert (
        other["account"] != default["account"] and other["consumer_key"] != default["consumer_key"]
    )
    with httpx.Client(trust_env=False) as c:
        r = c.post(
            _url(erp),
            json={"companyName": "Tenant Only", "subsidiary": {"id": "1"}},
            auth=tba(other),
        )
        assert r.status_code == 204
        assert c.get(_url(erp), auth=tba(other)).json()["totalResults"] == 1
        assert c.get(_url(erp), auth=tba(default)).json()["totalResults"] == 0


def test_tba_verification_raises_no_warning_under_warnings_as_errors(
    erp: SimHandle, creds: dict[str, Any]
) -> None:
    """``pytest -W error`` turns any warning in the simulator into a 500: verifying a TBA
    signature must use no deprecated library call (oauthlib's sign_hmac_sha256 did)."""
    import warnings

    from harness.stack._vendor_auth import tba_auth as harness_tba

    auth = harness_tba(creds)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with httpx.Client(trust_env=False, timeout=30.0) as client:
            r = client.get(f"{creds['rest_url']}/record/v1/customer", auth=auth)
    assert r.status_code == 200, r.text
