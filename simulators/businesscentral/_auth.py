"""Microsoft identity platform token endpoint and bearer validation for the API.

``POST /{tenantId}/oauth2/v2.0/token`` with ``grant_type=client_credentials``,
``client_id``, ``client_secret`` and ``scope=https://api.businesscentral.dynamics.com/.default``
issues a JWT access token (``tid`` = the Entra tenant). Failures answer with the
identity platform's error document: ``error``, ``error_description`` starting with an
``AADSTS`` code, ``error_codes``, ``timestamp``, ``trace_id``, ``correlation_id``.

Each simulator tenant is one Entra tenant with one environment and one app
registration, so the token (and the tenant in the URL when given) selects the tenant.
"""

from __future__ import annotations

import hmac
import secrets
import uuid
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import jwt
import orjson

from simulators.engine import HttpError, Request, Response, Tenant

from ._errors import invalid_credentials, no_environment

if TYPE_CHECKING:
    from simulators.engine import TenantRegistry, TokenStore

    from ._settings import BusinessCentralSettings

TOKEN_PATH = "/{aad_tenant}/oauth2/v2.0/token"
DISCOVERY_PATH = "/{aad_tenant}/v2.0/.well-known/openid-configuration"
RESOURCE = "https://api.businesscentral.dynamics.com"
SCOPE = f"{RESOURCE}/.default"


@dataclass(slots=True)
class Credentials:
    aad_tenant: str
    environment: str
    client_id: str
    client_secret: str


def _aad_error(status: int, error: str, code: int, description: str) -> Response:
    trace, corr = str(uuid.uuid4()), str(uuid.uuid4())
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    body = {
        "error": error,
        "error_description": f"AADSTS{code}: {description} Trace ID: {trace} Correlation ID: {corr} Timestamp: {now}",
        "error_codes": [code],
        "timestamp": now,
        "trace_id": trace,
        "correlation_id": corr,
        "error_uri": f"https://login.microsoftonline.com/error?code={code}",
    }
    return Response(
        status,
        orjson.dumps(body),
        [
            ("content-type", "application/json; charset=utf-8"),
            ("cache-control", "no-store, no-cache"),
        ],
    )


class BusinessCentralAuth:
    def __init__(
        self, tokens: TokenStore, tenants: TenantRegistry, settings: BusinessCentralSettings
    ) -> None:
        self.tokens = tokens
        self.tenants = tenants
        self.settings = settings
        self._creds: dict[str, Credentials] = {}  # by simulator tenant; survives resets
        self._secret = secrets.token_bytes(32)  # signs the access tokens

    def user_id(self, tenant: Tenant) -> str:
        """The user the tenant's app registration acts as (``createdBy`` of its writes)."""
        return str(
            uuid.uuid5(uuid.NAMESPACE_URL, f"businesscentral/{self.credentials(tenant).client_id}")
        )

    def credentials(self, tenant: Tenant) -> Credentials:
        c = self._creds.get(tenant.name)
        if c is None:
            s = self.settings
            if tenant.name == "default":
                c = Credentials(s.aad_tenant_id, s.environment, s.client_id, s.client_secret)
            else:
                seed = zlib.crc32(tenant.name.encode())
                c = Credentials(
                    str(uuid.UUID(int=(seed << 96) | uuid.uuid4().int >> 32)),
                    s.environment,
                    str(uuid.uuid4()),
                    secrets.token_urlsafe(30),
                )
            self._creds[tenant.name] = c
        return c

    def _by_aad_tenant(self, aad_tenant: str) -> Tenant | None:
        for t in self.tenants.all():
            if self.credentials(t).aad_tenant.lower() == aad_tenant.lower():
                return t
        return None

    # -- discovery -------------------------------------------------------------------

    def discovery(self, req: Request) -> Response:
        """OpenID Connect discovery, from which MSAL and other clients read the token endpoint."""
        aad = req.params["aad_tenant"]
        if self._by_aad_tenant(aad) is None:
            return _aad_error(
                400,
                "invalid_tenant",
                90002,
                f"Tenant '{aad}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.",
            )
        base = f"{req.base_url}/{aad}"
        doc = {
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported": [
                "client_secret_post",
                "private_key_jwt",
                "client_secret_basic",
            ],
            "jwks_uri": f"{req.base_url}/{aad}/discovery/v2.0/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": f"{base}/v2.0",
            "request_uri_parameter_supported": False,
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
            "tenant_region_scope": "EU",
        }
        return Response(
            200, orjson.dumps(doc), [("content-type", "application/json; charset=utf-8")]
        )

    # -- token endpoint --------------------------------------------------------------

    def token(self, req: Request) -> Response:
        aad = req.params["aad_tenant"]
        try:
            form = req.form()
        except HttpError:
            return _aad_error(
                400, "invalid_request", 900144, "The request body must be URL-encoded form data."
            )
        tenant = self._by_aad_tenant(aad)
        if tenant is None:
            return _aad_error(
                400,
                "invalid_request",
                90002,
                f"Tenant '{aad}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.",
            )
        grant = form.get("grant_type", "")
        if not grant:
            return _aad_error(
                400,
                "invalid_request",
                900144,
                "The request body must contain the following parameter: 'grant_type'.",
            )
        if grant != "client_credentials":
            return _aad_error(
                400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type."
            )
        client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        basic = req.headers.get("authorization", "")
        if basic[:6].lower() == "basic " and not client_id:
            import base64

            try:
                client_id, _, client_secret = base64.b64decode(basic[6:]).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                return _aad_error(
                    400, "invalid_request", 900144, "The Authorization header is malformed."
                )
        if not client_id:
            return _aad_error(
                400,
                "invalid_request",
                900144,
                "The request body must contain the following parameter: 'client_id'.",
            )
        creds = self.credentials(tenant)
        if client_id != creds.client_id:
            return _aad_error(
                400,
                "unauthorized_client",
                700016,
                f"Application with identifier '{client_id}' was not found in the directory '{creds.aad_tenant}'. "
                "This can happen if the application has not been installed by the administrator of the tenant "
                "or consented to by any user in the tenant.",
            )
        if not client_secret:
            return _aad_error(
                401,
                "invalid_client",
                7000218,
                "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
            )
        if not hmac.compare_digest(client_secret, creds.client_secret):
            return _aad_error(
                401,
                "invalid_client",
                7000215,
                "Invalid client secret provided. Ensure the secret being sent in the request is the client secret "
                f"value, not the client secret ID, for a secret added to app '{client_id}'.",
            )
        scope = form.get("scope", "")
        if not scope:
            return _aad_error(
                400,
                "invalid_request",
                900144,
                "The request body must contain the following parameter: 'scope'.",
            )
        if scope.strip().rstrip("/") not in (SCOPE, f"{RESOURCE}//.default"):
            return _aad_error(
                400,
                "invalid_scope",
                1002012,
                f"The provided value for scope {scope} is not valid. Client credential flows must have a scope "
                "value with /.default suffixed to the resource identifier (application ID URI).",
            )
        ttl = self.settings.access_token_seconds
        now = int(tenant.clock.time())
        claims = {
            "aud": RESOURCE,
            "iss": f"https://sts.windows.net/{creds.aad_tenant}/",
            "iat": now,
            "nbf": now,
            "exp": now + ttl,
            "appid": client_id,
            "idtyp": "app",
            "oid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{creds.aad_tenant}/{client_id}")),
            "roles": ["API.ReadWrite.All", "Automation.ReadWrite.All"],
            "tid": creds.aad_tenant,
            "ver": "1.0",
            "jti": secrets.token_hex(8),
        }
        value = jwt.encode(claims, self._secret, algorithm="HS256")
        self.tokens.issue(
            tenant.name,
            client_id,
            tenant.clock,
            ttl=float(ttl),
            client_id=client_id,
            scope=SCOPE,
            value=value,
        )
        body = {
            "token_type": "Bearer",
            "expires_in": ttl,
            "ext_expires_in": ttl,
            "access_token": value,
        }
        return Response(
            200,
            orjson.dumps(body),
            [
                ("content-type", "application/json; charset=utf-8"),
                ("cache-control", "no-store, no-cache"),
            ],
        )

    # -- per request -----------------------------------------------------------------

    def authenticate(self, req: Request) -> Tenant:
        header = req.headers.get("authorization", "")
        if not header.startswith("Bearer ") and header[:7].lower() != "bearer ":
            raise invalid_credentials()
        tok = self.tokens.lookup(header[7:].strip())
        if tok is None or tok.kind != "access":
            raise invalid_credentials()
        tenant = self.tenants.find(tok.tenant)
        if tenant is None or tok.state(tenant.clock.time()) != "valid":
            raise invalid_credentials()
        params = req.params
        creds = self.credentials(tenant)
        # names compare without case; the common spelling, the same, is checked first
        given = params.get("tenant")
        if (
            given is not None
            and given != creds.aad_tenant
            and given.lower() != creds.aad_tenant.lower()
        ):
            # the token's tenant decides; a URL naming another tenant is refused
            raise invalid_credentials()
        env = params.get("env")
        if (
            env is not None
            and env != creds.environment
            and env.lower() != creds.environment.lower()
        ):
            raise no_environment(env)
        return tenant
