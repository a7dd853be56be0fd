"""Coupa Core API with OAuth 2.0 client credentials (scopes ``service.object.right``).

JSON is asked for with ``Accept: application/json`` (Coupa's default is XML); lists come
in pages of at most 50 (``limit``/``offset``); errors are ``{"errors": {"error": [...]}}``;
the rate limit is 429 with ``Retry-After``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import httpx

from ..errors import RateLimited, SessionExpired, VendorError
from ..settings import RetrySettings
from ._http import TRANSIENT, HttpClient, body_of, retry_after

PAGE = 50
SCOPES = (
    "core.supplier.read core.purchase_order.read core.purchase_order.write "
    "core.invoice.read core.invoice.write"
)


class CoupaClient(HttpClient):
    system = "coupa"

    def __init__(self, cfg: Mapping[str, Any], ca_bundle: str | None, retry: RetrySettings) -> None:
        super().__init__(ca_bundle, retry)
        self.cfg = cfg
        self.api = str(cfg["api_base"]).rstrip("/")
        self.access_token: str | None = None
        self._lock = asyncio.Lock()

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token or ''}", "Accept": "application/json"}

    def error(self, resp: httpx.Response) -> VendorError:
        body = body_of(resp)
        errs = ((body.get("errors") or {}).get("error") if isinstance(body, dict) else None) or []
        msg = "; ".join(str(e) for e in errs) or str(body)[:300]
        if resp.status_code == 429:
            return RateLimited(self.system, 429, "rate_limited", msg, retry_after(resp))
        if resp.status_code == 401:
            return SessionExpired(self.system, 401, "unauthorized", msg)
        return VendorError(
            self.system,
            resp.status_code,
            str(resp.status_code),
            msg,
            retryable=resp.status_code in TRANSIENT,
        )

    async def refresh_auth(self) -> None:
        async with self._lock:
            resp = await self.http.post(
                str(self.cfg["token_url"]),
                data={
                    "grant_type": "client_credentials",
                    "client_id": self.cfg["client_id"],
                    "client_secret": self.cfg["client_secret"],
                    "scope": SCOPES,
                },
            )
            if resp.status_code != 200:
                raise VendorError(
                    self.system,
                    resp.status_code,
                    "token",
                    str(body_of(resp))[:300],
                    retryable=resp.status_code in TRANSIENT or resp.status_code == 429,
                    hint="check the Coupa OAuth client's id, secret and scopes",
                )
            self.access_token = str(resp.json()["access_token"])

    async def _call(self, method: str, path: str, **kw: Any) -> Any:
        if self.access_token is None:
            await self.refresh_auth()
        resp = await self.send(method, f"{self.api}/{path.lstrip('/')}", **kw)
        return resp.json()

    async def query(self, collection: str, **params: Any) -> list[dict[str, Any]]:
        """Every matching record, following Coupa's 50-record pages."""
        out: list[dict[str, Any]] = []
        while True:
            page = await self._call(
                "GET", collection, params={**params, "limit": PAGE, "offset": len(out)}
            )
            out.extend(page)
            if len(page) < PAGE:
                return out

    async def create(self, collection: str, body: dict[str, Any]) -> dict[str, Any]:
        return dict(await self._call("POST", collection, json=body))

    async def mark_exported(self, collection: str, rid: str) -> None:
        await self._call("PUT", f"{collection}/{rid}", params={"exported": "true"})
