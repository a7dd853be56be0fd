"""Coupa's OAuth 2.0 / OpenID Connect client-credentials flow and bearer tokens.

``POST /oauth2/token`` (form: ``grant_type=client_credentials``, ``client_id``,
``client_secret``, ``scope`` space-separated) answers ``{"access_token", "token_type":
"bearer", "expires_in", "scope"}``. Scopes take the form ``service.object.right``; a call
outside the token's scopes is 403. The legacy ``X-COUPA-API-KEY`` header is refused:
API keys stopped working in R35 (January 2023).
"""

from __future__ import annotations

import secrets
from typing import Any

import orjson

from simulators.engine import Request, Response, Tenant, TenantRegistry, TokenStore

from ._errors import forbidden, unauthorized
from ._settings import CoupaSettings

CREDS_KEY = "coupa.client"


def _oauth_error(error: str, description: str, status: int) -> Response:
    body = orjson.dumps({"error": error, "error_description": description})
    return Response(status, body, [("content-type", "application/json; charset=utf-8")])


class CoupaAuth:
    """Clients per tenant, tokens in the engine's token store."""

    def __init__(
        self, tokens: TokenStore, tenants: TenantRegistry, settings: CoupaSettings
    ) -> None:
        self.tokens = tokens
        self.tenants = tenants
        self.settings = settings

    def client(self, tenant: Tenant) -> dict[str, str]:
        creds = tenant.store.meta_get(CREDS_KEY)
        if creds is None:
            creds = (
                {"client_id": self.settings.client_id, "client_secret": self.settings.client_secret}
                if tenant.name == "default"
                else {
                    "client_id": f"coupa-{tenant.name}-{secrets.token_hex(8)}",
                    "client_secret": secrets.token_hex(24),
                }
            )
            tenant.store.meta_set(CREDS_KEY, creds)
        return dict(creds)

    def _tenant_of_client(self, client_id: str) -> Tenant | None:
        for tenant in self.tenants.all():
            if self.client(tenant)["client_id"] == client_id:
                return tenant
        return None

    def token(self, req: Request) -> Response:
        form = req.form()
        if form.get("grant_type") != "client_credentials":
            return _oauth_error(
                "unsupported_grant_type", "The authorization grant type is not supported.", 400
            )
        tenant = self._tenant_of_client(form.get("client_id", ""))
        if tenant is None or not secrets.compare_digest(
            self.client(tenant)["client_secret"], form.get("client_secret", "")
        ):
            return _oauth_error("invalid_client", "Client authentication failed.", 401)
        asked = form.get("scope", "").split()
        unknown = [s for s in asked if s not in self.settings.scopes]
        if unknown:
            return _oauth_error(
                "invalid_scope", f"The requested scope is invalid: {' '.join(unknown)}", 400
            )
        scope = " ".join(asked or self.settings.scopes)
        tok = self.tokens.issue(
            tenant.name,
            self.client(tenant)["client_id"],
            tenant.clock,
            ttl=self.settings.token_ttl_seconds,
            client_id=self.client(tenant)["client_id"],
            scope=scope,
        )
        body: dict[str, Any] = {
            "access_token": tok.value,
            "token_type": "bearer",
            "expires_in": int(self.settings.token_ttl_seconds) - 1,
            "scope": scope,
        }
        return Response(
            200, orjson.dumps(body), [("content-type", "application/json; charset=utf-8")]
        )

    def authenticate(self, req: Request) -> Tenant:
        scheme, _, value = (req.headers.get("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise unauthorized()
        tok = self.tokens.lookup(value.strip())
        if tok is None:
            raise unauthorized()
        tenant = self.tenants.find(tok.tenant)
        if tenant is None or tok.state(tenant.clock.time()) != "valid":
            raise unauthorized()
        req.principal = tok
        return tenant

    @staticmethod
    def require(req: Request, scope: str) -> None:
        tok = req.principal
        if tok is not None and scope not in (tok.scope or "").split():
            raise forbidden(scope)
