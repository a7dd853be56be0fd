"""Salesforce REST through simple-salesforce (unchanged), run in a worker thread.

OAuth 2.0 client-credentials flow gives the session; ``INVALID_SESSION_ID`` (401) means
it expired, so the client gets a new token and repeats the call once. The rate signal
is 403 ``REQUEST_LIMIT_EXCEEDED`` (Salesforce has no 429).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceError, SalesforceExpiredSession

from ..errors import RateLimited, VendorError
from ..logs import correlation_id
from ..retry import call_with_retry
from ..settings import RetrySettings

T = TypeVar("T")
SYSTEM = "salesforce"


class _CorrelatedSession(requests.Session):
    """Adds X-Correlation-Id (of the task this thread works for) to every request."""

    def request(self, method: str, url: str, *args: Any, **kw: Any) -> Any:  # type: ignore[override]
        cid = correlation_id()
        if cid:
            kw["headers"] = {**(kw.get("headers") or {}), "X-Correlation-Id": cid}
        return super().request(method, url, *args, **kw)


def _first_error(exc: SalesforceError) -> tuple[str, str]:
    content = exc.content
    if isinstance(content, list) and content and isinstance(content[0], dict):
        return str(content[0].get("errorCode", "")), str(content[0].get("message", ""))
    return "", str(content)[:300]


class SalesforceClient:
    def __init__(self, cfg: Mapping[str, Any], ca_bundle: str | None, retry: RetrySettings) -> None:
        self.cfg = cfg
        self.retry = retry
        self.rng = random.Random()
        self.session = _CorrelatedSession()
        self.session.verify = ca_bundle or True
        self.session.trust_env = False
        self.version = str(cfg.get("api_version") or "60.0")
        self._sf: Salesforce | None = None
        self._lock = asyncio.Lock()
        self._describe: dict[str, set[str]] = {}

    async def aclose(self) -> None:
        self.session.close()

    def token_response(self) -> requests.Response:
        """The OAuth 2.0 client-credentials token call (REST and the Streaming API share it)."""
        return self.session.post(
            str(self.cfg["token_url"]),
            data={
                "grant_type": "client_credentials",
                "client_id": self.cfg["client_id"],
                "client_secret": self.cfg["client_secret"],
            },
            timeout=30,
        )

    def _login(self) -> Salesforce:
        r = self.token_response()
        if r.status_code in (429, 500, 502, 503, 504):
            raise VendorError(SYSTEM, r.status_code, "token", r.text[:200], retryable=True)
        if r.status_code != 200:
            raise VendorError(
                SYSTEM,
                r.status_code,
                "invalid_grant",
                r.text[:200],
                hint="check the connected app's client id/secret (RI_CRM_CLIENT_ID/RI_CRM_CLIENT_SECRET)",
            )
        tok = r.json()
        return Salesforce(
            instance_url=tok["instance_url"],
            session_id=tok["access_token"],
            session=self.session,
            version=self.version,
        )

    async def _client(self, renew: bool = False) -> Salesforce:
        async with self._lock:
            if self._sf is None or renew:
                self._sf = await asyncio.to_thread(self._login)
            return self._sf

    async def call(self, what: str, fn: Callable[[Salesforce], T]) -> T:
        """Run ``fn(sf)`` in a thread with retries; a new session once if it expired."""

        async def once() -> T:
            sf = await self._client()
            try:
                return await asyncio.to_thread(fn, sf)
            except SalesforceExpiredSession:
                sf = await self._client(renew=True)
                try:
                    return await asyncio.to_thread(fn, sf)
                except SalesforceError as exc:
                    raise self._map(exc) from None
            except SalesforceError as exc:
                raise self._map(exc) from None

        return await call_with_retry(once, self.retry, f"salesforce {what}", self.rng)

    def _map(self, exc: SalesforceError) -> VendorError:
        code, msg = _first_error(exc)
        if exc.status == 403 and code == "REQUEST_LIMIT_EXCEEDED":
            return RateLimited(SYSTEM, 403, code, msg, None)
        return VendorError(
            SYSTEM, exc.status, code or "ERROR", msg, retryable=exc.status in (500, 502, 503, 504)
        )

    # -- operations ------------------------------------------------------------------

    async def get(self, sobject: str, rid: str) -> dict[str, Any] | None:
        def fn(sf: Salesforce) -> dict[str, Any]:
            return dict(getattr(sf, sobject).get(rid))

        try:
            return await self.call(f"get {sobject}", fn)
        except VendorError as exc:
            if exc.status == 404:
                return None
            raise

    async def update(self, sobject: str, rid: str, values: dict[str, Any]) -> None:
        await self.call(f"update {sobject}", lambda sf: getattr(sf, sobject).update(rid, values))

    async def create(self, sobject: str, values: dict[str, Any]) -> dict[str, Any]:
        return await self.call(
            f"create {sobject}", lambda sf: dict(getattr(sf, sobject).create(values))
        )

    async def query_all(self, soql: str) -> list[dict[str, Any]]:
        return await self.call("query", lambda sf: list(sf.query_all(soql)["records"]))

    async def fields(self, sobject: str) -> set[str]:
        """Field names of an object (cached); empty if the object does not exist."""
        if sobject not in self._describe:

            def fn(sf: Salesforce) -> set[str]:
                return {f["name"] for f in getattr(sf, sobject).describe()["fields"]}

            try:
                self._describe[sobject] = await self.call(f"describe {sobject}", fn)
            except VendorError as exc:
                if exc.status != 404:
                    raise
                self._describe[sobject] = set()
        return self._describe[sobject]
