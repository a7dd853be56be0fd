"""Workday REST (Common v1) and RaaS with an API client's refresh token.

The refresh-token grant gives a bearer access token; a 401 means it expired, so the
client asks for a new one and repeats the call once. Rate limiting is 429 + Retry-After.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import httpx

from ..errors import RateLimited, SessionExpired, VendorError
from ..settings import RetrySettings
from ._http import TRANSIENT, HttpClient, body_of, retry_after


class WorkdayClient(HttpClient):
    system = "workday"

    def __init__(self, cfg: Mapping[str, Any], ca_bundle: str | None, retry: RetrySettings) -> None:
        super().__init__(ca_bundle, retry)
        self.cfg = cfg
        self.common = str(cfg["common_base_url"]).rstrip("/")
        self.report_url = str(cfg.get("report_url") or "")
        self.refresh_token = str(cfg["refresh_token"])
        self.access_token: str | None = None
        self._lock = asyncio.Lock()

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token or ''}", "Accept": "application/json"}

    def error(self, resp: httpx.Response) -> VendorError:
        body = body_of(resp)
        msg = str(body.get("error") if isinstance(body, dict) else body)[:300]
        if resp.status_code == 429:
            return RateLimited(self.system, 429, "rate_limited", msg, retry_after(resp))
        if resp.status_code == 401:
            return SessionExpired(self.system, 401, "invalid_token", msg)
        return VendorError(
            self.system, resp.status_code, "error", msg, retryable=resp.status_code in TRANSIENT
        )

    async def refresh_auth(self) -> None:
        """POST {token_url} grant_type=refresh_token (client id and secret in the form)."""
        async with self._lock:
            resp = await self.http.post(
                str(self.cfg["token_url"]),
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": self.refresh_token,
                    "client_id": self.cfg["client_id"],
                    "client_secret": self.cfg["client_secret"],
                },
            )
            if resp.status_code == 429 or resp.status_code in TRANSIENT:
                raise VendorError(
                    self.system,
                    resp.status_code,
                    "token",
                    resp.text[:200],
                    retryable=True,
                    retry_after=retry_after(resp),
                )
            if resp.status_code != 200:
                raise VendorError(
                    self.system,
                    resp.status_code,
                    str(
                        body_of(resp).get("error", "token")
                        if isinstance(body_of(resp), dict)
                        else "token"
                    ),
                    "refresh-token grant refused",
                    hint="generate a new refresh token for the API client and set RI_HCM_REFRESH_TOKEN",
                )
            tok = resp.json()
            self.access_token = tok["access_token"]
            self.refresh_token = tok.get("refresh_token") or self.refresh_token

    async def _get(self, url: str, **params: Any) -> Any:
        if self.access_token is None:
            await self.refresh_auth()
        resp = await self.send("GET", url, params=params)
        return resp.json()

    async def report(self, **prompts: Any) -> list[dict[str, Any]]:
        """The staffing RaaS report's rows (JSON format)."""
        if not self.report_url:
            return []
        data = await self._get(self.report_url, **prompts)
        return list(data.get("Report_Entry") or [])

    async def worker(self, wid: str) -> dict[str, Any] | None:
        try:
            data = await self._get(f"{self.common}/workers/{wid}")
        except VendorError as exc:
            if exc.status == 404:
                return None
            raise
        return dict(data)
