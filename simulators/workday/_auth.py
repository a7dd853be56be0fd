"""Workday authentication: the OAuth 2.0 refresh-token grant, bearer tokens, ISU Basic auth.

An API Client for Integrations holds a client id/secret and a non-expiring refresh
token generated in the tenant; POST /ccx/oauth2/{tenant}/token trades it for a
short-lived bearer token. Tokens belong to one tenant: the {tenant} in every API URL
must be that tenant. RaaS also accepts the Integration System User's Basic credentials.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from typing import TYPE_CHECKING, Any

from simulators.engine import (
    DEFAULT_TENANT,
    HttpError,
    Request,
    Response,
    Tenant,
    TenantRegistry,
    TokenStore,
)

from ._errors import invalid_credentials, oauth_error, unauthorized
from ._state import state_of
from ._wire import JSON_CT

if TYPE_CHECKING:
    from ._settings import WorkdaySettings

CREDS_KEY = "wd.credentials"  # store meta: the credentials outlive a restart
_NO_STORE = [("cache-control", "no-store"), ("pragma", "no-cache")]


class WorkdayAuth:
    def __init__(
        self, tokens: TokenStore, tenants: TenantRegistry, settings: WorkdaySettings
    ) -> None:
        self.tokens = tokens
        self.tenants = tenants
        self.settings = settings

    # -- tenants and credentials -----------------------------------------------------

    def wd_tenant(self, tenant: Tenant) -> str:
        s = self.settings
        return s.tenant_name if tenant.name == DEFAULT_TENANT else f"{s.tenant_prefix}{tenant.name}"

    def tenant_for(self, wd_name: str) -> Tenant | None:
        s = self.settings
        if wd_name == s.tenant_name:
            return self.tenants.find(DEFAULT_TENANT)
        if wd_name.startswith(s.tenant_prefix):
            t = self.tenants.find(wd_name[len(s.tenant_prefix) :])
            if t is not None and t.name != DEFAULT_TENANT:
                return t
        return None

    def credentials(self, tenant: Tenant) -> dict[str, str]:
        creds = state_of(tenant).credentials
        if creds is None:
            s = self.settings
            stored = tenant.store.meta_get(CREDS_KEY)
            if stored is not None:
                creds = stored
                creds.setdefault("notification_username", s.notification_username)
                creds.setdefault("notification_password", s.notification_password)
            elif tenant.name == DEFAULT_TENANT:
                creds = {
                    "client_id": s.client_id,
                    "client_secret": s.client_secret,
                    "refresh_token": s.refresh_token,
                    "isu_username": s.isu_username,
                    "isu_password": s.isu_password,
                    "notification_username": s.notification_username,
                    "notification_password": s.notification_password,
                }
            else:
                creds = {
                    "client_id": base64.urlsafe_b64encode(secrets.token_bytes(27))
                    .decode()
                    .rstrip("="),
                    "client_secret": secrets.token_urlsafe(48),
                    "refresh_token": secrets.token_urlsafe(60),
                    "isu_username": s.isu_username,
                    "isu_password": secrets.token_urlsafe(16),
                    "notification_username": s.notification_username,
                    "notification_password": secrets.token_urlsafe(16),
                }
            tenant.store.meta_set(CREDS_KEY, creds)
            state_of(tenant).credentials = creds
        return creds

    # -- token endpoint --------------------------------------------------------------

    def token(self, req: Request) -> Response:
        """POST /ccx/oauth2/{tenant}/token (refresh_token grant)."""
        ctype = req.headers.get("content-type", "")
        if "application/x-www-form-urlencoded" not in ctype.lower():
            raise oauth_error(
                400, "invalid_request", "The request must be application/x-www-form-urlencoded"
            )
        try:
            form = req.form()
        except HttpError:
            raise oauth_error(
                400, "invalid_request", "The request body is not valid UTF-8"
            ) from None
        client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        basic = req.headers.get("authorization", "")
        used_basic = basic[:6].lower() == "basic "
        if used_basic:
            pair = _basic_pair(basic)
            if pair is None:
                raise oauth_error(
                    401,
                    "invalid_client",
                    "Invalid client credentials",
                    headers={"www-authenticate": 'Basic realm="Workday"'},
                )
            client_id, client_secret = pair
        grant = form.get("grant_type", "")
        if not grant:
            raise oauth_error(400, "invalid_request", "Missing grant_type parameter")
        tenant = self.tenant_for(req.params["tenant"])
        creds = self.credentials(tenant) if tenant is not None else None
        if (
            creds is None
            or not client_id
            or not hmac.compare_digest(client_id, creds["client_id"])
            or not hmac.compare_digest(client_secret, creds["client_secret"])
        ):
            raise oauth_error(
                401,
                "invalid_client",
                "Invalid client credentials",
                headers={"www-authenticate": 'Basic realm="Workday"'} if used_basic else None,
            )
        assert tenant is not None
        if grant != "refresh_token":
            raise oauth_error(
                400, "unsupported_grant_type", f"Unsupported grant type: {grant[:64]}"
            )
        rt = form.get("refresh_token", "")
        if not rt:
            raise oauth_error(400, "invalid_request", "Missing refresh_token parameter")
        if not hmac.compare_digest(rt, creds["refresh_token"]):
            raise oauth_error(400, "invalid_grant", "Invalid refresh token")
        s = self.settings
        tok = self.tokens.issue(
            tenant.name,
            creds["isu_username"],
            tenant.clock,
            ttl=s.access_token_seconds,
            client_id=client_id,
        )
        if s.rotate_refresh_token:
            creds["refresh_token"] = secrets.token_urlsafe(60)
            tenant.store.meta_set(CREDS_KEY, creds)
        body: dict[str, Any] = {
            "access_token": tok.value,
            "token_type": "Bearer",
            "refresh_token": creds["refresh_token"],
        }
        if s.include_expires_in and s.access_token_seconds is not None:
            body["expires_in"] = int(s.access_token_seconds)
        import orjson

        return Response(200, orjson.dumps(body), [("content-type", JSON_CT), *_NO_STORE])

    # -- API auth --------------------------------------------------------------------

    def authenticate(self, req: Request, *, allow_basic: bool = False) -> Tenant:
        """The tenant of the URL, if the caller's credentials belong to it; else 401."""
        tenant = self.tenant_for(req.params.get("tenant", ""))
        auth = req.headers.get("authorization", "")
        if auth[:7].lower() == "bearer ":
            tok = self.tokens.lookup(auth[7:].strip())
            if tok is None or tenant is None or tok.tenant != tenant.name:
                raise unauthorized()
            if tok.state(tenant.clock.time()) != "valid":
                raise unauthorized("The access token has expired or was revoked")
            req.principal = tok
            return tenant
        if allow_basic and auth[:6].lower() == "basic ":
            pair = _basic_pair(auth)
            if pair is not None and tenant is not None:
                creds = self.credentials(tenant)
                user, pw = pair
                wd = self.wd_tenant(tenant)
                if user in (
                    creds["isu_username"],
                    f"{creds['isu_username']}@{wd}",
                ) and hmac.compare_digest(pw, creds["isu_password"]):
                    req.principal = user
                    return tenant
            raise invalid_credentials()
        raise unauthorized("An access token is required" if not auth else "Invalid access token")


def _basic_pair(header: str) -> tuple[str, str] | None:
    try:
        raw = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    user, sep, pw = raw.partition(":")
    return (user, pw) if sep else None
