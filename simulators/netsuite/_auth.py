"""NetSuite authentication: token-based authentication (OAuth 1.0a, HMAC-SHA256, realm =
account id) verified per request, and OAuth 2.0 client credentials with a JWT client
assertion signed by the integration's certificate key, issuing expiring bearer tokens.

Each tenant has its own account id and credentials, so the credentials select the tenant.
Every failure is 401 INVALID_LOGIN with NetSuite's error document.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import jwt
import orjson
from oauthlib.oauth1.rfc5849 import signature as oauth_sig
from oauthlib.oauth1.rfc5849 import utils as oauth_utils

from simulators.engine import HttpError, Request, Response, Tenant, TenantRegistry, TokenStore

from ._errors import invalid_login
from ._keys import ClientKey, generate_key, write_key
from ._wire import JSON_CT

if TYPE_CHECKING:
    from ._settings import NetSuiteSettings

CREDS_KEY = "ns.credentials"
NONCES_KEY = "ns.nonces"
TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@dataclass(slots=True)
class Credentials:
    account: str
    consumer_key: str
    consumer_secret: str
    token_id: str
    token_secret: str
    client_id: str
    key: ClientKey
    key_path: Path | None = None
    nonces: dict[str, float] = field(default_factory=dict)


def oauth2_error(error: str, status: int = 400) -> Response:
    return Response(status, orjson.dumps({"error": error}), [("content-type", JSON_CT)])


class NetSuiteAuth:
    def __init__(
        self, tokens: TokenStore, tenants: TenantRegistry, settings: NetSuiteSettings
    ) -> None:
        self.tokens = tokens
        self.tenants = tenants
        self.settings = settings
        self._creds: dict[str, Credentials] = {}  # by tenant name; survives tenant resets
        self._key_dir: Path | None = settings.key_dir

    # -- credentials -----------------------------------------------------------------

    def credentials(self, tenant: Tenant) -> Credentials:
        c = self._creds.get(tenant.name)
        if c is None:
            s = self.settings
            if tenant.name == "default":
                c = Credentials(
                    s.account_id,
                    s.consumer_key,
                    s.consumer_secret,
                    s.token_id,
                    s.token_secret,
                    s.oauth2_client_id,
                    generate_key(s.certificate_id, s.key_type),
                )
            else:
                account = f"{1_000_000 + zlib.crc32(tenant.name.encode()) % 8_999_999}_SB1"
                c = Credentials(
                    account,
                    secrets.token_hex(32),
                    secrets.token_hex(32),
                    secrets.token_hex(32),
                    secrets.token_hex(32),
                    secrets.token_hex(32),
                    generate_key(f"cert-{secrets.token_hex(8)}", s.key_type),
                )
            self._creds[tenant.name] = c
        return c

    def key_path(self, tenant: Tenant) -> Path:
        c = self.credentials(tenant)
        if c.key_path is None:
            if self._key_dir is None:
                self._key_dir = Path(tempfile.mkdtemp(prefix="ns-sim-keys-"))
            c.key_path = write_key(c.key, self._key_dir, tenant.name)
        return c.key_path

    def forget(self, tenant_name: str) -> None:
        self._creds.pop(tenant_name, None)

    def _tenants(self) -> list[Tenant]:
        return self.tenants.all()

    # -- per request -----------------------------------------------------------------

    def authenticate(self, req: Request) -> Tenant:
        header = req.headers.get("authorization", "")
        scheme = header[:6].lower()
        if scheme == "oauth ":
            return self._tba(req, header)
        if header[:7].lower() == "bearer ":
            return self._bearer(header[7:].strip())
        raise invalid_login()

    def _bearer(self, value: str) -> Tenant:
        tok = self.tokens.lookup(value) if value else None
        if tok is None or tok.kind != "access":
            raise invalid_login()
        tenant = self.tenants.find(tok.tenant)
        if tenant is None or tok.state(tenant.clock.time()) != "valid":
            raise invalid_login()
        return tenant

    def _tba(self, req: Request, header: str) -> Tenant:
        try:
            params = {
                k: oauth_utils.unescape(v)
                for k, v in oauth_utils.parse_authorization_header(header)
            }
        except (ValueError, IndexError, TypeError):
            raise invalid_login() from None
        needed = (
            "oauth_consumer_key",
            "oauth_token",
            "oauth_signature_method",
            "oauth_timestamp",
            "oauth_nonce",
            "oauth_signature",
        )
        if any(not params.get(k) for k in needed):
            raise invalid_login()
        tenant = creds = None
        for t in self._tenants():
            c = self.credentials(t)
            if hmac.compare_digest(
                c.consumer_key, params["oauth_consumer_key"]
            ) and hmac.compare_digest(c.token_id, params["oauth_token"]):
                tenant, creds = t, c
                break
        if tenant is None or creds is None:
            raise invalid_login()
        if params.get("realm", "").upper() != creds.account.upper():
            raise invalid_login()
        if (
            params["oauth_signature_method"] != "HMAC-SHA256"
            or params.get("oauth_version", "1.0") != "1.0"
        ):
            raise invalid_login()
        try:
            ts = int(params["oauth_timestamp"])
        except ValueError:
            raise invalid_login() from None
        tolerance = self.settings.timestamp_tolerance_seconds
        now = time.time()
        if tolerance is not None and abs(now - ts) > tolerance:
            raise invalid_login()
        if not self._signature_ok(req, header, params, creds):
            raise invalid_login()
        self._use_nonce(creds, params["oauth_nonce"], ts, now)
        return tenant

    def _signature_ok(
        self, req: Request, header: str, params: dict[str, str], creds: Credentials
    ) -> bool:
        body_hash = params.get("oauth_body_hash")
        if body_hash is not None:
            expected_hash = base64.b64encode(hashlib.sha1(req.body).digest()).decode()
            if not hmac.compare_digest(body_hash, expected_hash):
                return False
        ctype = req.headers.get("content-type", "").split(";")[0].strip().lower()
        body: Any = (
            req.body.decode("utf-8", "replace")
            if ctype == "application/x-www-form-urlencoded"
            else None
        )
        try:
            collected = oauth_sig.collect_parameters(
                uri_query=req.query_string,
                body=body,
                headers={"Authorization": header},
                exclude_oauth_signature=True,
                with_realm=False,
            )
            normalized = oauth_sig.normalize_parameters(collected)
            uri = oauth_sig.base_string_uri(f"{req.host_url}{req.raw_path}")
            base = oauth_sig.signature_base_string(req.method.upper(), uri, normalized)
            keys = SimpleNamespace(  # oauthlib's signer reads these two attributes
                client_secret=creds.consumer_secret, resource_owner_secret=creds.token_secret
            )
            expected = oauth_sig.sign_hmac_sha256_with_client(base, keys)
        except (ValueError, TypeError):
            return False
        return hmac.compare_digest(expected, params["oauth_signature"])

    def _use_nonce(self, creds: Credentials, nonce: str, ts: int, now: float) -> None:
        nonces = creds.nonces
        if nonce in nonces:
            raise invalid_login()
        window = (self.settings.timestamp_tolerance_seconds or 900.0) * 2
        if len(nonces) > 10_000:
            for k in [k for k, v in nonces.items() if now - v > window]:
                del nonces[k]
        nonces[nonce] = now

    # -- OAuth 2.0 client credentials -------------------------------------------------

    def token(self, req: Request) -> Response:
        """POST /services/rest/auth/oauth2/v1/token (client credentials with a JWT assertion)."""
        try:
            form = req.form()
        except HttpError:
            return oauth2_error("invalid_request")
        grant = form.get("grant_type", "")
        if grant != "client_credentials":
            return oauth2_error("unsupported_grant_type" if grant else "invalid_request")
        if form.get("client_assertion_type") != ASSERTION_TYPE or not form.get("client_assertion"):
            return oauth2_error("invalid_request")
        assertion = form["client_assertion"]
        try:
            header = jwt.get_unverified_header(assertion)
            claims = jwt.decode(assertion, options={"verify_signature": False})
        except jwt.PyJWTError:
            return oauth2_error("invalid_request")
        kid, iss = header.get("kid"), claims.get("iss")
        found = None
        for t in self._tenants():
            c = self.credentials(t)
            if c.client_id == iss and c.key.certificate_id == kid:
                found = (t, c)
                break
        if found is None:
            return oauth2_error("invalid_client", 401)
        tenant, creds = found
        if header.get("alg") not in creds.key.algorithms:
            return oauth2_error("invalid_request")
        expected_aud = f"{req.host_url}{TOKEN_PATH}"
        try:
            verified = jwt.decode(
                assertion,
                creds.key.public_key,
                algorithms=list(creds.key.algorithms),
                audience=[
                    expected_aud,
                    TOKEN_PATH,
                    f"https://{_slug(creds.account)}.suitetalk.api.netsuite.com{TOKEN_PATH}",
                ],
                options={"require": ["iat", "exp", "iss", "aud"]},
                leeway=300,
            )
        except jwt.PyJWTError:
            return oauth2_error("invalid_grant")
        iat, exp = verified.get("iat"), verified.get("exp")
        if not isinstance(iat, int | float) or not isinstance(exp, int | float) or exp - iat > 3600:
            return oauth2_error("invalid_grant")
        scope = str(verified.get("scope") or "")
        scopes = {s for s in scope.replace(",", " ").split() if s}
        if not scopes or not scopes <= {"rest_webservices", "restlets", "suite_analytics"}:
            return oauth2_error("invalid_scope")
        ttl = self.settings.access_token_seconds
        tok = self.tokens.issue(
            tenant.name,
            creds.client_id,
            tenant.clock,
            ttl=float(ttl),
            client_id=creds.client_id,
            scope=" ".join(sorted(scopes)),
        )
        body = {"access_token": tok.value, "expires_in": str(ttl), "token_type": "bearer"}
        return Response(
            200, orjson.dumps(body), [("content-type", JSON_CT), ("cache-control", "no-store")]
        )


def _slug(account: str) -> str:
    return account.lower().replace("_", "-")
