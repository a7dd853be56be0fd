"""Business Central API v2.0 (OData v4) with Entra ID client credentials.

The client-credentials grant (``scope=https://api.businesscentral.dynamics.com/.default``)
gives an hour-long bearer token; a 401 means it expired, so the client asks for a new one
and repeats the call once. Entities live under ``companies({id})/``; lists page with
``@odata.nextLink``. Every entity call takes the ``company`` it is in (default: the
configured ``company_id``). Updates and deletes need the entity's ``@odata.etag`` in If-Match:
the client reads the entity first when it holds no ETag, and on 412 (someone changed it
in between) reads and applies the change again, once. Rate signal: 429 (+ Retry-After).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import httpx

from ..errors import RateLimited, SessionExpired, VendorError
from ..settings import RetrySettings
from ._http import TRANSIENT, HttpClient, body_of, retry_after


def odata_quote(value: str) -> str:
    """A string literal for $filter (single quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


class BusinessCentralClient(HttpClient):
    system = "businesscentral"

    def __init__(self, cfg: Mapping[str, Any], ca_bundle: str | None, retry: RetrySettings) -> None:
        super().__init__(ca_bundle, retry)
        self.cfg = cfg
        self.company = f"{str(cfg['api_url']).rstrip('/')}/companies({cfg['company_id']})"
        self.access_token: str | None = None
        self._lock = asyncio.Lock()

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token or ''}", "Accept": "application/json"}

    def error(self, resp: httpx.Response) -> VendorError:
        body = body_of(resp)
        err = body.get("error") if isinstance(body, dict) else None
        code = str(err.get("code")) if isinstance(err, dict) else str(resp.status_code)
        msg = str(err.get("message") if isinstance(err, dict) else body)[:300]
        if resp.status_code == 429:
            return RateLimited(self.system, 429, code, msg, retry_after(resp))
        if resp.status_code == 401:
            return SessionExpired(self.system, 401, code, msg)
        return VendorError(
            self.system, resp.status_code, code, msg, retryable=resp.status_code in TRANSIENT
        )

    async def refresh_auth(self) -> None:
        """POST {token_url} grant_type=client_credentials with the app's id and secret."""
        async with self._lock:
            resp = await self.http.post(
                str(self.cfg["token_url"]),
                data={
                    "grant_type": "client_credentials",
                    "client_id": self.cfg["client_id"],
                    "client_secret": self.cfg["client_secret"],
                    "scope": self.cfg.get("scope")
                    or "https://api.businesscentral.dynamics.com/.default",
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
                body = body_of(resp)
                raise VendorError(
                    self.system,
                    resp.status_code,
                    str(body.get("error", "token") if isinstance(body, dict) else "token"),
                    str(body.get("error_description", "") if isinstance(body, dict) else body)[
                        :300
                    ],
                    hint="check the app registration's client id and secret (RI_ERP_CLIENT_ID, "
                    "RI_ERP_CLIENT_SECRET) and that it is consented in the Business Central tenant",
                )
            self.access_token = resp.json()["access_token"]

    async def _call(self, method: str, url: str, **kw: Any) -> httpx.Response:
        if self.access_token is None:
            await self.refresh_auth()
        return await self.send(method, url, **kw)

    async def root_call(self, method: str, path: str, **kw: Any) -> httpx.Response:
        """A call at the API root, outside the company (``subscriptions``)."""
        return await self._call(method, f"{str(self.cfg['api_url']).rstrip('/')}/{path}", **kw)

    def url(self, path: str, company: str | None = None) -> str:
        base = self.company
        if company:
            base = f"{str(self.cfg['api_url']).rstrip('/')}/companies({company})"
        return f"{base}/{path.lstrip('/')}"

    async def list(
        self,
        entity_set: str,
        *,
        filter: str | None = None,
        select: str | None = None,
        company: str | None = None,
    ) -> list[dict[str, Any]]:
        """Every entity of a set matching ``filter``, following @odata.nextLink."""
        params = {k: v for k, v in (("$filter", filter), ("$select", select)) if v}
        resp = await self._call("GET", self.url(entity_set, company), params=params)
        page = resp.json()
        out: list[dict[str, Any]] = list(page.get("value") or [])
        while page.get("@odata.nextLink"):
            page = (await self._call("GET", str(page["@odata.nextLink"]))).json()
            out.extend(page.get("value") or [])
        return out

    async def find_one(
        self, entity_set: str, field: str, value: str, company: str | None = None
    ) -> dict[str, Any] | None:
        rows = await self.list(
            entity_set, filter=f"{field} eq {odata_quote(value)}", company=company
        )
        return rows[0] if rows else None

    async def get(
        self, entity_set: str, key: str, company: str | None = None
    ) -> dict[str, Any] | None:
        """An entity, or None when it does not exist."""
        try:
            resp = await self._call("GET", self.url(f"{entity_set}({key})", company))
        except VendorError as exc:
            if exc.status == 404:
                return None
            raise
        data: dict[str, Any] = resp.json()
        return data

    async def create(
        self, entity_set: str, body: dict[str, Any], company: str | None = None
    ) -> dict[str, Any]:
        resp = await self._call("POST", self.url(entity_set, company), json=body)
        data: dict[str, Any] = resp.json()
        return data

    async def update(
        self, entity_set: str, key: str, body: dict[str, Any], etag: str | None = None
    ) -> dict[str, Any]:
        """PATCH with If-Match; a stale ETag is answered by reading and applying once more."""
        for attempt in range(2):
            if etag is None:
                current = await self.get(entity_set, key)
                if current is None:
                    raise VendorError(
                        self.system, 404, "Internal_RecordNotFound", f"{entity_set}({key}) is gone"
                    )
                etag = str(current["@odata.etag"])
            try:
                resp = await self._call(
                    "PATCH", self.url(f"{entity_set}({key})"), json=body, headers={"If-Match": etag}
                )
            except VendorError as exc:
                if exc.status == 412 and attempt == 0:
                    etag = None
                    continue
                raise
            data: dict[str, Any] = resp.json()
            return data
        raise AssertionError("unreachable")

    async def delete(self, entity_set: str, key: str, etag: str = "*") -> None:
        await self._call("DELETE", self.url(f"{entity_set}({key})"), headers={"If-Match": etag})

    async def action(
        self, entity_set: str, key: str, name: str, company: str | None = None
    ) -> None:
        """A bound action, e.g. salesInvoices({id})/Microsoft.NAV.post."""
        await self._call("POST", self.url(f"{entity_set}({key})/Microsoft.NAV.{name}", company))
