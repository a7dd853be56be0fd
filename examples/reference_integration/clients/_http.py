"""What the httpx-based clients share: the correlation header, retries, error mapping."""

from __future__ import annotations

import random
from typing import Any

import httpx

from ..errors import SessionExpired, VendorError
from ..logs import correlation_id, get_logger
from ..retry import call_with_retry
from ..settings import RetrySettings

log = get_logger("http")
TRANSIENT = frozenset({500, 502, 503, 504})


def retry_after(resp: httpx.Response) -> float | None:
    raw = resp.headers.get("retry-after")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        return None


def body_of(resp: httpx.Response) -> Any:
    try:
        return resp.json()
    except ValueError:
        return resp.text


class HttpClient:
    """An httpx.AsyncClient with retries; subclasses map the vendor's errors."""

    system = ""

    def __init__(
        self,
        ca_bundle: str | None,
        retry: RetrySettings,
        auth: httpx.Auth | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.retry = retry
        self.rng = random.Random()
        self.http = httpx.AsyncClient(
            verify=ca_bundle or True, trust_env=False, timeout=timeout, auth=auth
        )

    async def aclose(self) -> None:
        await self.http.aclose()

    def headers(self) -> dict[str, str]:
        """Per-request headers (authorization for bearer clients)."""
        return {}

    async def refresh_auth(self) -> None:
        """Get a new access token (clients whose tokens expire override this)."""

    def error(self, resp: httpx.Response) -> VendorError:
        """The vendor's error for a non-2xx response; subclasses read its error body."""
        return VendorError(
            self.system,
            resp.status_code,
            "HTTP_ERROR",
            str(body_of(resp))[:500],
            retryable=resp.status_code in TRANSIENT,
        )

    async def send(self, method: str, url: str, **kw: Any) -> httpx.Response:
        """One logical call: retried on the vendor's retryable signals, token refreshed once."""

        async def once() -> httpx.Response:
            return await self._send_once(method, url, **kw)

        return await call_with_retry(once, self.retry, f"{self.system} {method} {url}", self.rng)

    async def _send_once(self, method: str, url: str, **kw: Any) -> httpx.Response:
        extra = dict(kw.pop("headers", None) or {})
        refreshed = False
        while True:
            headers = {**self.headers(), **extra}
            cid = correlation_id()
            if cid:
                headers["X-Correlation-Id"] = cid
            resp = await self.http.request(method, url, headers=headers, **kw)
            log.debug(
                "call",
                extra={
                    "system": self.system,
                    "method": method,
                    "url": url,
                    "status": resp.status_code,
                },
            )
            if resp.status_code < 400:
                return resp
            err = self.error(resp)
            if isinstance(err, SessionExpired) and not refreshed:
                refreshed = True
                await self.refresh_auth()
                continue
            raise err
