"""Client-side vendor authentication the harness needs to act on a simulator's vendor API."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any


def tba_auth(ep: dict[str, Any]) -> Any:
    """NetSuite token-based auth: OAuth 1.0a with HMAC-SHA256, realm = account id (httpx)."""
    import warnings

    import authlib.deprecate  # noqa: F401  (installs authlib's own "always" filter first)

    with warnings.catch_warnings():  # authlib warns that plain httpx support is deprecated
        warnings.simplefilter("ignore")
        from authlib.integrations.httpx_client import OAuth1Auth
    return _tba(OAuth1Auth, ep)


def tba_auth_requests(ep: dict[str, Any]) -> Any:
    """The same signing for a ``requests`` session (Locust's HttpUser client)."""
    from authlib.integrations.requests_client import OAuth1Auth

    return _tba(OAuth1Auth, ep)


def _tba(auth_class: Any, ep: dict[str, Any]) -> Any:
    from authlib.oauth1.rfc5849.client_auth import ClientAuth
    from authlib.oauth1.rfc5849.signature import generate_signature_base_string
    from oauthlib.oauth1.rfc5849.signature import sign_hmac_sha256_with_client

    def hmac_sha256(client: Any, request: Any) -> str:
        secrets = SimpleNamespace(
            client_secret=client.client_secret, resource_owner_secret=client.token_secret
        )
        return str(sign_hmac_sha256_with_client(generate_signature_base_string(request), secrets))

    # authlib ships HMAC-SHA1 only; NetSuite requires HMAC-SHA256 (registration is idempotent)
    ClientAuth.register_signature_method("HMAC-SHA256", hmac_sha256)
    return auth_class(
        ep["consumer_key"],
        ep["consumer_secret"],
        token=ep["token_id"],
        token_secret=ep["token_secret"],
        realm=ep["account"],
        signature_method="HMAC-SHA256",
        force_include_body=True,
    )
