"""Salesforce authentication: OAuth 2.0 token endpoint, SOAP login and bearer sessions.

Each tenant has its own connected-app credentials and integration user, so the
credentials a stack presents select its tenant. Responses and errors follow
Salesforce's shapes (see vendor-apis.md 1.1 and simple-salesforce's login.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from defusedxml import ElementTree

from simulators.engine import (
    HttpError,
    Request,
    Response,
    Tenant,
    TenantRegistry,
    Token,
    TokenStore,
)

from ._errors import invalid_session_id
from ._grants import Lockout, RefreshTokens, new_refresh_token
from ._state import state_of
from ._wire import JSON_CT

if TYPE_CHECKING:
    from ._records import RecordService
    from ._settings import SalesforceSettings

#: Authorization headers whose session id is kept parsed (``SalesforceAuth.authenticate``)
_SESSIONS_KEPT = 4096


def oauth_error(error: str, description: str, status: int = 400) -> Response:
    import orjson

    return Response(
        status,
        orjson.dumps({"error": error, "error_description": description}),
        [("content-type", JSON_CT)],
    )


class SalesforceAuth:
    """OAuth flows, SOAP login and bearer sessions over the engine's token store."""

    def __init__(
        self,
        tokens: TokenStore,
        tenants: TenantRegistry,
        records: RecordService,
        settings: SalesforceSettings,
    ) -> None:
        self.tokens = tokens
        self.tenants = tenants
        self.records = records
        self.settings = settings
        #: the session id in each Authorization header seen: a client sends the same header on
        #: every call (one header object per connection), so its parsing, and the hashing of
        #: the id it yields, are done once; bounded (cleared when full)
        self._sessions: dict[str, str] = {}

    # -- credentials -----------------------------------------------------------------

    def tenant_credentials(self, tenant: Tenant) -> dict[str, str]:
        creds = state_of(tenant).credentials
        if creds is None:
            s = self.settings
            if tenant.name == "default":
                creds = {
                    "client_id": s.client_id,
                    "client_secret": s.client_secret,
                    "username": s.username,
                    "password": s.password,
                    "security_token": s.security_token,
                }
            else:
                creds = {
                    "client_id": f"3MVG9sim.{tenant.name}.{secrets.token_hex(6)}",
                    "client_secret": secrets.token_hex(16),
                    "username": f"integration@{tenant.name}.ps-harness.example",
                    "password": secrets.token_urlsafe(12),
                    "security_token": secrets.token_hex(8).upper(),
                }
            creds["refresh_token"] = tenant.store.meta_get("sf.refresh_token") or (
                new_refresh_token()
            )
            tenant.store.meta_set("sf.refresh_token", creds["refresh_token"])
            refresh = RefreshTokens(tenant)
            if refresh.find(creds["refresh_token"]) is None:  # the first approval's token
                refresh.issue(creds["client_id"], creds["refresh_token"])
            state_of(tenant).credentials = creds
        return creds

    def _tenant_by(self, key: str, value: str) -> Tenant | None:
        for t in self.tenants.all():
            if self.tenant_credentials(t).get(key) == value:
                return t
        return None

    # -- sessions --------------------------------------------------------------------

    def _lockout(self, tenant: Tenant) -> Lockout:
        s = self.settings
        return Lockout(tenant, s.max_login_attempts, s.lockout_minutes * 60.0)

    def _password_ok(self, tenant: Tenant, username: str, password: str) -> bool:
        """Check a login, counting failures towards the lockout; a locked user always fails."""
        creds = self.tenant_credentials(tenant)
        lockout = self._lockout(tenant)
        if username != creds["username"]:
            return False
        if lockout.locked(username):
            return False
        if password not in (creds["password"], creds["password"] + creds["security_token"]):
            lockout.failed(username)
            return False
        lockout.succeeded(username)
        return True

    def _session(
        self,
        tenant: Tenant,
        client_id: str,
        *,
        scope: str = "",
        extra: dict[str, Any] | None = None,
    ) -> tuple[str, str, Token]:
        """A session token of the tenant's user, prefixed with the org id as Salesforce's are."""
        org = str(state_of(tenant).org_id)
        user = self.records.user_id(tenant)
        tok = self.tokens.issue(
            tenant.name,
            user,
            tenant.clock,
            ttl=self.settings.session_seconds,
            client_id=client_id,
            prefix=f"{org[:15]}!",
            scope=scope,
            extra=extra,
        )
        return org, user, tok

    def _issue(
        self,
        tenant: Tenant,
        req: Request,
        client_id: str,
        *,
        refresh_token: str | None = None,
        new_refresh: str | None = None,
    ) -> Response:
        org, user, tok = self._session(
            tenant,
            client_id,
            scope="api refresh_token",
            extra={"refresh_token": refresh_token} if refresh_token else None,
        )
        issued_at = str(int(tok.issued_at * 1000))
        identity = f"{req.base_url}/id/{org}/{user}"
        secret = self.tenant_credentials(tenant)["client_secret"].encode()
        signature = base64.b64encode(
            hmac.new(secret, (identity + issued_at).encode(), hashlib.sha256).digest()
        )
        body: dict[str, Any] = {
            "access_token": tok.value,
            "instance_url": req.base_url,
            "id": identity,
            "token_type": "Bearer",
            "issued_at": issued_at,
            "signature": signature.decode(),
            "scope": "api refresh_token",
            "api_instance_url": req.base_url,
        }
        if new_refresh:
            body["refresh_token"] = new_refresh
        import orjson

        return Response(
            200,
            orjson.dumps(body),
            [
                ("content-type", JSON_CT),
                ("cache-control", "no-cache,must-revalidate,max-age=0,no-store,private"),
            ],
        )

    def token(self, req: Request) -> Response:
        """POST /services/oauth2/token"""
        ctype = req.headers.get("content-type", "")
        if "application/x-www-form-urlencoded" not in ctype and req.body[:1] == b"{":
            return oauth_error(
                "invalid_request", "unsupported content type; use application/x-www-form-urlencoded"
            )
        try:
            form = req.form()
        except HttpError:
            return oauth_error("invalid_request", "request body is not valid UTF-8")
        client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        basic = req.headers.get("authorization", "")
        if basic.lower().startswith("basic "):
            try:
                cid, _, csec = base64.b64decode(basic[6:]).decode().partition(":")
                client_id, client_secret = cid, csec
            except (ValueError, UnicodeDecodeError):
                return oauth_error("invalid_client", "invalid client credentials")
        grant = form.get("grant_type", "")
        if not grant:
            return oauth_error("unsupported_grant_type", "grant type not supported")
        if grant == "refresh_token":
            return self._refresh(req, form, client_id, client_secret)
        if grant not in ("password", "client_credentials"):
            return oauth_error("unsupported_grant_type", "grant type not supported")
        tenant = self._connected_app(client_id, client_secret)
        if isinstance(tenant, Response):
            return tenant
        if grant == "password" and not self._password_ok(
            tenant, form.get("username", ""), form.get("password", "")
        ):
            return oauth_error("invalid_grant", "authentication failure")
        return self._issue(tenant, req, client_id)

    def _connected_app(self, client_id: str, client_secret: str) -> Tenant | Response:
        """The tenant whose connected app the consumer key and secret name, or the OAuth
        error Salesforce answers (an unknown key and a wrong secret have different codes)."""
        if not client_id:
            return oauth_error("invalid_client_id", "client identifier invalid")
        tenant = self._tenant_by("client_id", client_id)
        if tenant is None:
            return oauth_error("invalid_client_id", "client identifier invalid")
        creds = self.tenant_credentials(tenant)
        if not hmac.compare_digest(client_secret, creds["client_secret"]):
            return oauth_error("invalid_client", "invalid client credentials")
        return tenant

    def _refresh(
        self, req: Request, form: dict[str, str], client_id: str, client_secret: str
    ) -> Response:
        # the connected app authenticates: its consumer key, and its secret (the app is
        # confidential, so "Require Secret for Refresh Token Flow" applies)
        tenant = self._connected_app(client_id, client_secret)
        if isinstance(tenant, Response):
            return tenant
        rt = form.get("refresh_token", "")
        refresh = RefreshTokens(tenant)
        if not rt or not refresh.valid(rt, client_id):
            return oauth_error("invalid_grant", "expired access/refresh token")
        new_refresh = None
        if self.settings.refresh_token_rotation:
            refresh.revoke(rt)
            new_refresh = rt = refresh.issue(client_id)
        return self._issue(tenant, req, client_id, refresh_token=rt, new_refresh=new_refresh)

    def mint_refresh_token(self, tenant: Tenant) -> str:
        """A new approval of the tenant's connected app: its own refresh token."""
        return RefreshTokens(tenant).issue(self.tenant_credentials(tenant)["client_id"])

    def revoke(self, req: Request) -> Response:
        """POST /services/oauth2/revoke"""
        token = req.form().get("token") or req.arg("token") or ""
        if token and self.tokens.lookup(token) is not None:
            self.tokens.revoke(token=token)
            return Response.empty(200)
        for tenant in self.tenants.all() if token else ():
            if RefreshTokens(tenant).revoke(token):
                # a refresh token takes the sessions it issued with it
                for tok in self.tokens.list(tenant.name):
                    if tok.extra.get("refresh_token") == token:
                        tok.revoked = True
                return Response.empty(200)
        return oauth_error("unsupported_token_type", "this token type is not supported")

    # -- SOAP login ------------------------------------------------------------------

    def soap_login(self, req: Request) -> Response:
        """POST /services/Soap/u/{version}: the partner API login simple-salesforce uses."""
        try:
            root = ElementTree.fromstring(req.body)
        except Exception:
            return _soap_fault(
                "INVALID_LOGIN",
                "Invalid username, password, security token; or user locked out.",
                client=True,
            )
        values = {el.tag.rsplit("}", 1)[-1]: (el.text or "") for el in root.iter()}
        username, password = values.get("username", ""), values.get("password", "")
        tenant = self._tenant_by("username", username)
        if tenant is None:
            return _soap_fault(
                "INVALID_LOGIN", "Invalid username, password, security token; or user locked out."
            )
        creds = self.tenant_credentials(tenant)
        if not self._password_ok(tenant, username, password):
            return _soap_fault(
                "INVALID_LOGIN", "Invalid username, password, security token; or user locked out."
            )
        version = req.params.get("version", f"{self.settings.api_version}.0")
        org, user, tok = self._session(tenant, "soap")
        base = req.base_url
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
            'xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            "<soapenv:Body><loginResponse><result>"
            f"<metadataServerUrl>{base}/services/Soap/m/{version}/{org}</metadataServerUrl>"
            "<passwordExpired>false</passwordExpired><sandbox>true</sandbox>"
            f"<serverUrl>{base}/services/Soap/u/{version}/{org}</serverUrl>"
            f"<sessionId>{escape(tok.value)}</sessionId>"
            f"<userId>{user}</userId>"
            "<userInfo><accessibilityMode>false</accessibilityMode><currencySymbol>$</currencySymbol>"
            "<orgAttachmentFileSizeLimit>5242880</orgAttachmentFileSizeLimit>"
            "<orgDefaultCurrencyIsoCode>USD</orgDefaultCurrencyIsoCode>"
            "<orgDisallowHtmlAttachments>false</orgDisallowHtmlAttachments>"
            "<orgHasPersonAccounts>false</orgHasPersonAccounts>"
            f"<organizationId>{org}</organizationId><organizationMultiCurrency>false</organizationMultiCurrency>"
            f"<organizationName>ps-integration-harness {escape(tenant.name)}</organizationName>"
            '<profileId>00eRO0000000001AAA</profileId><roleId xsi:nil="true"/>'
            "<sessionSecondsValid>7200</sessionSecondsValid>"
            f'<userDefaultCurrencyIsoCode xsi:nil="true"/><userEmail>{escape(creds["username"])}</userEmail>'
            "<userFullName>Integration User</userFullName><userId>" + user + "</userId>"
            "<userLanguage>en_US</userLanguage><userLocale>en_US</userLocale>"
            f"<userName>{escape(creds['username'])}</userName><userTimeZone>America/Los_Angeles</userTimeZone>"
            "<userType>Standard</userType><userUiSkin>Theme3</userUiSkin></userInfo>"
            "</result></loginResponse></soapenv:Body></soapenv:Envelope>"
        )
        return Response(200, xml.encode(), [("content-type", "text/xml;charset=UTF-8")])

    # -- identity and bearer auth ----------------------------------------------------

    def identity(self, req: Request) -> Response:
        """GET /id/{org}/{user}: the identity URL from the token response."""
        tenant = self.authenticate(req)
        creds = self.tenant_credentials(tenant)
        import orjson

        body = {
            "id": f"{req.base_url}/id/{req.params['org']}/{req.params['user']}",
            "asserted_user": True,
            "user_id": req.params["user"],
            "organization_id": req.params["org"],
            "username": creds["username"],
            "display_name": "Integration User",
            "email": creds["username"],
            "active": True,
            "user_type": "STANDARD",
            "language": "en_US",
            "locale": "en_US",
            "utcOffset": 0,
            "urls": {
                "rest": f"{req.base_url}/services/data/v{{version}}/",
                "sobjects": f"{req.base_url}/services/data/v{{version}}/sobjects/",
                "query": f"{req.base_url}/services/data/v{{version}}/query/",
            },
        }
        return Response(200, orjson.dumps(body), [("content-type", JSON_CT)])

    def authenticate(self, req: Request) -> Tenant:
        auth = req.headers.get("authorization", "")
        value = self._sessions.get(auth)
        if value is None:
            value = ""
            if auth[:7].lower() == "bearer ":
                value = auth[7:].strip()
            elif auth[:6].lower() == "oauth ":
                value = auth[6:].strip()
            if value:
                if len(self._sessions) >= _SESSIONS_KEPT:
                    self._sessions.clear()
                self._sessions[auth] = value
            elif req.path.startswith("/services/async/"):
                # Bulk API 1.0 takes the session id in X-SFDC-Session
                value = req.headers.get("x-sfdc-session", "").strip()
        tok = self.tokens.lookup(value) if value else None
        if tok is None:
            raise _invalid_session()
        tenant = self.tenants.find(tok.tenant)
        if tenant is None or tok.revoked:
            raise _invalid_session()
        if tok.expires_at is not None and tenant.clock.time() >= tok.expires_at:
            raise _invalid_session()  # Token.state's "expired", checked here on every call
        req.principal = tok
        return tenant


def _invalid_session() -> HttpError:
    return invalid_session_id(
        "Session expired or invalid",
        headers={"www-authenticate": "Token"},
    )


def _soap_fault(code: str, message: str, client: bool = False) -> Response:
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<soapenv:Body><soapenv:Fault>"
        f"<faultcode>{'soapenv:Client' if client else 'sf:' + code}</faultcode>"
        f"<faultstring>{code}: {escape(message)}</faultstring>"
        '<detail><sf:LoginFault xsi:type="sf:LoginFault">'
        f"<sf:exceptionCode>{code}</sf:exceptionCode><sf:exceptionMessage>{escape(message)}</sf:exceptionMessage>"
        "</sf:LoginFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"
    )
    return Response(500, xml.encode(), [("content-type", "text/xml;charset=UTF-8")])
