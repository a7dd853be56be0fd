"""The Entra token endpoint and bearer auth, as Business Central's clients meet them.

Shapes from Microsoft's identity platform documentation (client credentials flow, error
responses with AADSTS codes) and Business Central's "Troubleshooting REST API/OData
calls" (Authentication_InvalidCredentials on a rejected token).
"""

from __future__ import annotations

from typing import Any

import httpx
import jwt


def test_client_credentials_issue_a_bearer_jwt_for_the_tenant(
    creds: dict[str, Any], token_for: Any
) -> None:
    r = token_for(creds)
    assert r.status_code == 200
    body = r.json()
    assert (
        body["token_type"] == "Bearer"
        and body["expires_in"] == 3599
        and body["ext_expires_in"] == 3599
    )
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["tid"] == creds["aad_tenant_id"]
    assert claims["aud"] == "https://api.businesscentral.dynamics.com"
    assert claims["appid"] == creds["client_id"]


def test_token_errors_are_aadsts_documents(creds: dict[str, Any], token_for: Any) -> None:
    bad_secret = token_for(creds, client_secret="wrong")
    assert bad_secret.status_code == 401
    assert bad_secret.json()["error"] == "invalid_client"
    assert bad_secret.json()["error_codes"] == [7000215]
    assert bad_secret.json()["error_description"].startswith(
        "AADSTS7000215: Invalid client secret provided."
    )

    bad_scope = token_for(creds, scope="https://graph.microsoft.com/User.Read")
    assert (bad_scope.status_code, bad_scope.json()["error"]) == (400, "invalid_scope")
    assert bad_scope.json()["error_codes"] == [1002012]

    bad_grant = token_for(creds, grant_type="password")
    assert (bad_grant.status_code, bad_grant.json()["error"]) == (400, "unsupported_grant_type")

    unknown_app = token_for(creds, client_id="11111111-2222-3333-4444-555555555555")
    assert (unknown_app.status_code, unknown_app.json()["error"]) == (400, "unauthorized_client")
    assert unknown_app.json()["error_codes"] == [700016]

    with httpx.Client(trust_env=False) as c:
        r = c.post(
            creds["token_url"].replace(
                creds["aad_tenant_id"], "00000000-0000-0000-0000-00000000dead"
            ),
            data={"grant_type": "client_credentials"},
        )
    assert r.status_code == 400 and r.json()["error_codes"] == [90002]


def test_api_refuses_a_missing_or_expired_token(
    bc: Any, creds: dict[str, Any], token_for: Any
) -> None:
    with httpx.Client(trust_env=False) as c:
        r = c.get(f"{creds['api_url']}/companies")
        assert r.status_code == 401
        assert r.json()["error"]["code"] == "Authentication_InvalidCredentials"
        assert "CorrelationId:" in r.json()["error"]["message"]
        token = token_for(creds).json()["access_token"]
        assert (
            c.get(
                f"{creds['api_url']}/companies", headers={"Authorization": f"Bearer {token}"}
            ).status_code
            == 200
        )
        bc.admin.post("/tokens/expire", json={"tenant": "default"})
        r = c.get(f"{creds['api_url']}/companies", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401


def test_url_without_tenant_resolves_it_from_the_token(
    creds: dict[str, Any], token_for: Any, bc: Any
) -> None:
    token = token_for(creds).json()["access_token"]
    h = {"Authorization": f"Bearer {token}"}
    with httpx.Client(trust_env=False) as c:
        r = c.get(f"{bc.base_url}/v2.0/production/api/v2.0/companies", headers=h)
        assert r.status_code == 200
        assert [x["id"] for x in r.json()["value"]] == [creds["company_id"]]
        other = c.get(
            f"{bc.base_url}/v2.0/{'1' * 8}-0000-0000-0000-000000000000/production/api/v2.0/companies",
            headers=h,
        )
        assert other.status_code == 401
        wrong_env = c.get(f"{bc.base_url}/v2.0/sandbox/api/v2.0/companies", headers=h)
        assert wrong_env.status_code == 404


def test_openid_discovery_names_the_token_endpoint(creds: dict[str, Any]) -> None:
    with httpx.Client(trust_env=False) as c:
        doc = c.get(f"{creds['authority']}/v2.0/.well-known/openid-configuration").json()
    assert doc["token_endpoint"] == creds["token_url"]
    assert doc["issuer"].endswith(f"/{creds['aad_tenant_id']}/v2.0")
