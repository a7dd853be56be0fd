"""Vendor clients for the tests: each simulator's token exchange, written once.

Every helper speaks the vendor's wire API the way a stock client does (an OAuth form, a
refresh grant, a signed request), with the credentials the simulator's admin API lists
for the tenant. A failed exchange fails the test on the spot with the vendor's answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import httpx

from harness.testing import SimHandle

if TYPE_CHECKING:
    from authlib.integrations.httpx_client import OAuth1Auth
    from simple_salesforce import Salesforce

#: the CRM's OAuth grants the tests use, by name
CRM_GRANTS = ("client_credentials", "password")


class _Admin(Protocol):
    def get(self, url: str) -> httpx.Response: ...


def tenant_credentials(admin: _Admin, tenant: str = "default") -> dict[str, Any]:
    """The credentials the admin API lists for ``tenant``."""
    r = admin.get(f"/tenants/{tenant}")
    assert r.status_code == 200, r.text
    return dict(r.json()["credentials"])


def crm_token_form(creds: dict[str, Any], grant: str = "client_credentials") -> dict[str, str]:
    """The CRM token endpoint's form for ``grant`` (``client_credentials`` or ``password``)."""
    form = {
        "grant_type": grant,
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
    }
    if grant == "password":
        form |= {
            "username": creds["username"],
            "password": creds["password"] + creds["security_token"],
        }
    elif grant not in CRM_GRANTS:
        raise ValueError(f"unknown CRM grant {grant!r}; one of {', '.join(CRM_GRANTS)}")
    return form


def refresh_form(creds: dict[str, Any]) -> dict[str, str]:
    """A refresh-token grant with the client's id and secret in the form (RFC 6749, 6)."""
    return {
        "grant_type": "refresh_token",
        "refresh_token": creds["refresh_token"],
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
    }


def crm_login(
    client: httpx.Client, creds: dict[str, Any], grant: str = "client_credentials"
) -> str:
    """Exchange the connected app's credentials for a CRM session on ``client``.

    ``grant`` is ``client_credentials`` or ``password`` (username, password + security
    token). The bearer token is set on ``client`` and returned.
    """
    r = client.post("/services/oauth2/token", data=crm_token_form(creds, grant))
    assert r.status_code == 200, r.text
    token = str(r.json()["access_token"])
    client.headers["Authorization"] = f"Bearer {token}"
    return token


def crm_client(
    sim: SimHandle, tenant: str = "default", grant: str = "client_credentials", **kw: Any
) -> httpx.Client:
    """A client on the CRM with a session of ``tenant`` (closed when the simulator resets)."""
    client = sim.client(**kw)
    crm_login(client, tenant_credentials(sim.admin, tenant), grant)
    return client


def simple_salesforce(sim: SimHandle, version: str, *, close: bool = False) -> Salesforce:
    """A stock simple-salesforce client on the CRM, logged in by the client credentials flow.

    Its requests session trusts the simulator's CA and no proxy; ``close`` sends
    ``Connection: close`` so no idle TLS connection is left at shutdown. The caller
    closes ``client.session``.
    """
    import requests
    from simple_salesforce import Salesforce

    creds = tenant_credentials(sim.admin)
    session = requests.Session()
    if close:
        session.headers["Connection"] = "close"
    session.verify = sim.ca_bundle or True
    session.trust_env = False
    r = session.post(creds["token_url"], data=crm_token_form(creds))
    assert r.status_code == 200, r.text
    tok = r.json()
    return Salesforce(
        instance_url=tok["instance_url"],
        session_id=tok["access_token"],
        session=session,
        version=version,
    )


def crm_token(sim: SimHandle, tenant: str = "default") -> str:
    """A CRM access token of ``tenant`` (client-credentials flow)."""
    with sim.client() as client:
        return crm_login(client, tenant_credentials(sim.admin, tenant))


def hcm_token(client: httpx.Client, creds: dict[str, Any]) -> str:
    """A Workday access token through the refresh-token grant of the API client."""
    r = client.post(
        creds["token_url"],
        data=refresh_form(creds),
    )
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def client_credentials_token(
    token_url: str, creds: dict[str, Any], form: dict[str, str] | None = None, **kw: Any
) -> str:
    """An access token from a vendor's OAuth 2.0 client-credentials grant; ``form`` adds
    fields (a scope), ``kw`` are httpx options (verify, trust_env)."""
    data = {
        "grant_type": "client_credentials",
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
        **(form or {}),
    }
    r = httpx.post(token_url, data=data, **kw)
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def coupa_token(sim: SimHandle, scope: str | None = None) -> str:
    """A Coupa access token (client credentials, optionally narrowed to ``scope``)."""
    return client_credentials_token(
        f"{sim.base_url}/oauth2/token",
        tenant_credentials(sim.admin),
        {"scope": scope} if scope else None,
        trust_env=False,
    )


def bc_token_response(creds: dict[str, Any], **override: str) -> httpx.Response:
    """Business Central's Entra token endpoint answer (client credentials; form overrides)."""
    form = {
        "grant_type": "client_credentials",
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
        "scope": creds["scope"],
        **override,
    }
    with httpx.Client(trust_env=False) as c:
        return c.post(creds["token_url"], data=form)


def erp_tba(creds: dict[str, Any], **override: str) -> OAuth1Auth:
    """NetSuite token-based auth (HMAC-SHA256) signed exactly as the netsuite package
    configures authlib; ``override`` swaps a credential (a wrong secret, another realm)."""
    import netsuite.rest_api_base  # noqa: F401  (registers the HMAC-SHA256 signer with authlib)
    from authlib.integrations.httpx_client import OAuth1Auth

    c = {**creds, **override}
    return OAuth1Auth(
        client_id=c["consumer_key"],
        client_secret=c["consumer_secret"],
        token=c["token_id"],
        token_secret=c["token_secret"],
        realm=c["account"],
        force_include_body=True,
        signature_method="HMAC-SHA256",
    )


def erp_client(erp: SimHandle) -> httpx.Client:
    """The ERP's REST API signed with token-based authentication."""
    return httpx.Client(
        base_url=f"{erp.base_url}/services/rest",
        auth=erp_tba(tenant_credentials(erp.admin)),
        trust_env=False,
        timeout=30,
    )


def loader_endpoint(sim: SimHandle) -> dict[str, Any]:
    """The endpoints-file section the harness loaders need for ``sim`` (no credentials)."""
    return {
        "vendor": sim.sim.dialect.vendor,
        "base_url": sim.base_url,
        "admin_url": f"{sim.base_url}/__admin",
        "admin_token": sim.admin_token,
    }
