"""NetSuite REST record v1 and SuiteQL with Token-Based Authentication (OAuth 1.0a).

Every request is signed HMAC-SHA256 with realm = account id; NetSuite has no token to
refresh. Its rate signal is HTTP 429 (concurrency governance); 5xx is an outage.
Creates answer 204 with the new id only in ``Location``; ``PUT .../eid:X`` upserts.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import httpx
from authlib.oauth1.rfc5849.client_auth import ClientAuth
from authlib.oauth1.rfc5849.signature import generate_signature_base_string
from oauthlib.oauth1.rfc5849.signature import sign_hmac_sha256_with_client

from ..errors import RateLimited, VendorError
from ..settings import RetrySettings
from ._http import TRANSIENT, HttpClient, body_of, retry_after


def _sign_hmac_sha256(client: ClientAuth, request: Any) -> str:
    base = generate_signature_base_string(request)
    secrets = SimpleNamespace(  # the two attributes oauthlib's signer reads
        client_secret=client.client_secret, resource_owner_secret=client.token_secret
    )
    return str(sign_hmac_sha256_with_client(base, secrets))


class _TbaClientAuth(ClientAuth):
    """authlib's OAuth 1.0 signer with HMAC-SHA256 (NetSuite requires it)."""

    SIGNATURE_METHODS = {**ClientAuth.SIGNATURE_METHODS, "HMAC-SHA256": _sign_hmac_sha256}


class TokenBasedAuth(httpx.Auth):
    """Signs each request (fresh nonce and timestamp, so retries are never replays)."""

    def __init__(self, cfg: Mapping[str, Any]) -> None:
        self.cfg = cfg

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        signer = _TbaClientAuth(
            self.cfg["consumer_key"],
            self.cfg["consumer_secret"],
            token=self.cfg["token_id"],
            token_secret=self.cfg["token_secret"],
            signature_method="HMAC-SHA256",
            realm=self.cfg["account"],
            force_include_body=True,
        )
        _, headers, _ = signer.sign(
            request.method, str(request.url), dict(request.headers), request.content
        )
        request.headers["Authorization"] = headers["Authorization"]
        yield request


class NetSuiteClient(HttpClient):
    system = "netsuite"

    def __init__(self, cfg: Mapping[str, Any], ca_bundle: str | None, retry: RetrySettings) -> None:
        super().__init__(ca_bundle, retry, auth=TokenBasedAuth(cfg))
        self.base = str(cfg["rest_url"]).rstrip("/")

    def headers(self) -> dict[str, str]:
        return {"Content-Type": "application/json", "X-NetSuite-PropertyNameValidation": "Error"}

    def error(self, resp: httpx.Response) -> VendorError:
        body = body_of(resp)
        details = body.get("o:errorDetails") if isinstance(body, dict) else None
        first = details[0] if isinstance(details, list) and details else {}
        code = str(first.get("o:errorCode") or resp.status_code)
        msg = str(first.get("detail") or (body.get("title") if isinstance(body, dict) else body))
        if resp.status_code == 429:
            return RateLimited(self.system, 429, code, msg, retry_after(resp))
        return VendorError(
            self.system, resp.status_code, code, msg, retryable=resp.status_code in TRANSIENT
        )

    def _url(self, path: str) -> str:
        return f"{self.base}/record/v1/{path}"

    async def get(self, path: str) -> dict[str, Any] | None:
        """A record, or None when it does not exist."""
        try:
            resp = await self.send("GET", self._url(path))
        except VendorError as exc:
            if exc.status == 404:
                return None
            raise
        data: dict[str, Any] = resp.json()
        return data

    async def upsert(self, record_type: str, external_id: str, body: dict[str, Any]) -> str:
        """PUT {type}/eid:{external id}: create or update; returns the internal id."""
        path = f"{record_type}/eid:{quote(external_id, safe='')}"
        await self.send("PUT", self._url(path), json=body)
        rec = await self.get(path)
        if rec is None:
            raise VendorError(self.system, 404, "NONEXISTENT_ID", f"{path} vanished after upsert")
        return str(rec["id"])

    async def create_once(self, record_type: str, external_id: str, body: dict[str, Any]) -> str:
        """Create by external id unless it exists (an upsert of an existing transaction would
        add its sublist lines again); returns the internal id."""
        rec = await self.get(f"{record_type}/eid:{quote(external_id, safe='')}")
        if rec is not None:
            return str(rec["id"])
        return await self.upsert(record_type, external_id, body)

    async def transform(
        self, record_type: str, record_id: str, target: str, body: dict[str, Any]
    ) -> str:
        """POST {type}/{id}/!transform/{target}; returns the new record's internal id (from
        ``Location``: NetSuite answers 204 with no body)."""
        resp = await self.send(
            "POST", self._url(f"{record_type}/{record_id}/!transform/{target}"), json=body
        )
        location = resp.headers.get("location") or ""
        if not location:
            raise VendorError(self.system, resp.status_code, "NO_LOCATION", f"{target} has no id")
        return location.rstrip("/").rsplit("/", 1)[-1]

    async def patch(self, path: str, body: dict[str, Any]) -> None:
        await self.send("PATCH", self._url(path), json=body)

    async def suiteql(self, query: str) -> list[dict[str, Any]]:
        """All rows of a SuiteQL query (pages of 1000)."""
        out: list[dict[str, Any]] = []
        offset = 0
        while True:
            resp = await self.send(
                "POST",
                f"{self.base}/query/v1/suiteql?limit=1000&offset={offset}",
                json={"q": query},
                headers={"Prefer": "transient"},
            )
            page = resp.json()
            out.extend(page.get("items") or [])
            if not page.get("hasMore"):
                return out
            offset += 1000
