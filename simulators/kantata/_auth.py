"""Kantata authentication: bearer tokens per tenant and the OAuth 2 authorization-code flow.

Each tenant gets a token at setup (the default tenant's comes from the settings); the
``/oauth/authorize`` and ``/oauth/token`` endpoints mint more for a registered client.
Kantata tokens do not expire; the admin API can expire or revoke them to test failures.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from simulators.engine import (
    DEFAULT_TENANT,
    HttpError,
    Request,
    Response,
    Tenant,
    TenantRegistry,
    TokenStore,
)

from ._errors import invalid_oauth_request
from ._state import state_of
from ._wire import json_response

if TYPE_CHECKING:
    from ._settings import KantataSettings

CREDS_KEY = "kantata.credentials"


def _oauth_error(error: str, description: str, status: int = 401) -> Response:
    return json_response({"error": error, "error_description": description}, status)


def tenant_prefix(tenant: Tenant) -> str:
    """``<tenant>~`` before the tokens of a tenant other than the default one.

    Kantata's tokens are opaque to clients; a tenant prefix (``~`` is a bearer-token
    character that no tenant name has) lets a proxy in front of several simulator
    processes route a request to the process holding the tenant.
    """
    return "" if tenant.name == DEFAULT_TENANT else f"{tenant.name}~"


class KantataAuth:
    def __init__(
        self, tokens: TokenStore, tenants: TenantRegistry, settings: KantataSettings
    ) -> None:
        self.tokens = tokens
        self.tenants = tenants
        self.settings = settings

    def tenant_credentials(self, tenant: Tenant) -> dict[str, str]:
        creds = state_of(tenant).credentials
        if creds is None:
            s = self.settings
            stored = tenant.store.meta_get(CREDS_KEY)
            if stored is not None:
                creds = stored
            elif tenant.name == "default":
                creds = {
                    "token": s.token,
                    "client_id": s.client_id,
                    "client_secret": s.client_secret,
                }
            else:
                creds = {
                    "token": tenant_prefix(tenant) + secrets.token_hex(32),
                    "client_id": f"kantata-{tenant.name}-{secrets.token_hex(4)}",
                    "client_secret": secrets.token_hex(24),
                }
            tenant.store.meta_set(CREDS_KEY, creds)
            state_of(tenant).credentials = creds
            self._issue(tenant, creds["token"], "personal")
        return creds

    def _issue(self, tenant: Tenant, value: str, kind: str) -> None:
        self.tokens.issue(
            tenant.name,
            self.settings.api_user_id,
            tenant.clock,
            ttl=None,
            value=value,
            kind=kind,
            client_id=self.settings.client_id,
        )

    # Kantata's errors page shows the body message "Invalid OAuth 2 Request" alone
    # (developer.kantata.com/kantata/specification/section/errors); the reason goes in the
    # WWW-Authenticate error_description (RFC 6750)
    def authenticate(self, req: Request) -> Tenant:
        header = req.headers.get("authorization", "")
        if header[:7] == "Bearer ":  # the common spelling, read without splitting
            value = header[7:].strip()
        else:
            scheme, _, value = header.partition(" ")
            value = value.strip()
            if scheme.lower() == "token" and value.startswith(
                "token="
            ):  # Authorization: Token token="..."
                value = value[6:].strip('"')
            elif scheme.lower() != "bearer" or not value:
                value = ""
        if not value:
            raise invalid_oauth_request("no access token was provided")
        tok = self.tokens.lookup(value)
        tenant = self.tenants.find(tok.tenant) if tok is not None else None
        if tok is None or tenant is None or tok.kind not in ("access", "personal"):
            raise invalid_oauth_request("the access token is invalid", "invalid_token")
        # a token neither revoked nor expiring is valid whatever the time
        state = (
            "valid"
            if tok.expires_at is None and not tok.revoked
            else tok.state(tenant.clock.time())
        )
        if state != "valid":
            raise invalid_oauth_request(f"the access token was {state}", "invalid_token")
        req.principal = tok.subject
        return tenant

    # -- OAuth 2 ---------------------------------------------------------------------

    def _tenant_by_client(self, client_id: str) -> Tenant | None:
        for t in self.tenants.all():
            if self.tenant_credentials(t)["client_id"] == client_id:
                return t
        return None

    def authorize(self, req: Request) -> Response:
        """GET /oauth/authorize: the account admin approves at once; redirects with a code."""
        client_id = req.arg("client_id") or ""
        redirect_uri = req.arg("redirect_uri") or ""
        tenant = self._tenant_by_client(client_id)
        if req.arg("response_type") != "code":
            return _oauth_error("unsupported_response_type", "response_type must be code", 400)
        if tenant is None:
            return _oauth_error(
                "invalid_client", "Client authentication failed due to unknown client.", 401
            )
        if not redirect_uri.startswith(("http://", "https://")):
            return _oauth_error("invalid_request", "redirect_uri is missing or invalid", 400)
        code = self.tokens.issue(
            tenant.name,
            self.settings.api_user_id,
            tenant.clock,
            ttl=600.0,
            client_id=client_id,
            kind="code",
            extra={"redirect_uri": redirect_uri},
        )
        sep = "&" if "?" in redirect_uri else "?"
        params = {
            "code": code.value,
            **({"state": req.arg("state") or ""} if req.arg("state") else {}),
        }
        return Response(302, b"", [("location", f"{redirect_uri}{sep}{urlencode(params)}")])

    def _live_grant(self, grant: str, form: dict[str, Any], tenant: Tenant) -> bool:
        """Whether the form's code (for its redirect URI) or refresh token is a live grant of
        ``tenant``; a code is used up by the exchange."""
        if grant == "authorization_code":
            code = self.tokens.lookup(str(form.get("code") or ""))
            if (
                code is None
                or code.kind != "code"
                or code.tenant != tenant.name
                or code.state(tenant.clock.time()) != "valid"
                or code.extra.get("redirect_uri") != str(form.get("redirect_uri") or "")
            ):
                return False
            code.revoked = True
            return True
        refresh = self.tokens.lookup(str(form.get("refresh_token") or ""))
        return (
            refresh is not None
            and refresh.kind == "refresh"
            and refresh.tenant == tenant.name
            and not refresh.revoked
        )

    def token(self, req: Request) -> Response:
        """POST /oauth/token: authorization_code or refresh_token grants (form or JSON body)."""
        form: dict[str, Any]
        if "json" in req.headers.get("content-type", ""):
            try:
                body = req.json()
            except HttpError:
                return _oauth_error("invalid_request", "The request body is not valid JSON", 400)
            form = body if isinstance(body, dict) else {}
        else:
            try:
                form = req.form()
            except HttpError:
                return _oauth_error("invalid_request", "The request body is not valid UTF-8", 400)
        grant = str(form.get("grant_type") or "")
        client_id = str(form.get("client_id") or "")
        tenant = self._tenant_by_client(client_id)
        if (
            tenant is None
            or str(form.get("client_secret") or "")
            != self.tenant_credentials(tenant)["client_secret"]
        ):
            return _oauth_error(
                "invalid_client",
                "Client authentication failed due to unknown client, no client "
                "authentication included, or unsupported authentication method.",
            )
        if grant not in ("authorization_code", "refresh_token"):
            return _oauth_error(
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server.",
                400,
            )
        if not self._live_grant(grant, form, tenant):
            return _oauth_error(
                "invalid_grant",
                "The provided authorization grant is invalid, expired, revoked, "
                "does not match the redirection URI used in the authorization request, or was "
                "issued to another client.",
                400,
            )
        tokens = self.tokens
        access = tokens.issue(
            tenant.name,
            self.settings.api_user_id,
            tenant.clock,
            ttl=None,
            client_id=client_id,
            prefix=tenant_prefix(tenant),
        )
        refresh_tok = tokens.issue(
            tenant.name,
            self.settings.api_user_id,
            tenant.clock,
            ttl=None,
            client_id=client_id,
            kind="refresh",
            prefix=tenant_prefix(tenant),
        )
        return json_response(
            {
                "access_token": access.value,
                "token_type": "bearer",
                "refresh_token": refresh_tok.value,
                "created_at": int(access.issued_at),
            }
        )
