"""Kantata OX API v1 with a bearer token.

Responses are envelopes (``results`` in order plus one map per collection); writes send
``{"<singular>": {...}}``. Rate limiting is 429; Kantata documents no Retry-After (honoured when sent).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from ..errors import RateLimited, VendorError
from ..settings import RetrySettings
from ._http import TRANSIENT, HttpClient, body_of, retry_after


def records(envelope: dict[str, Any]) -> list[dict[str, Any]]:
    """The primary records of an envelope, in ``results`` order."""
    out = []
    for ref in envelope.get("results") or []:
        rec = (envelope.get(ref["key"]) or {}).get(str(ref["id"]))
        if rec is not None:
            out.append(rec)
    return out


class KantataClient(HttpClient):
    system = "kantata"

    def __init__(self, cfg: Mapping[str, Any], ca_bundle: str | None, retry: RetrySettings) -> None:
        super().__init__(ca_bundle, retry)
        self.base = str(cfg["api_base"]).rstrip("/")
        self.token = str(cfg["token"])

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}

    def error(self, resp: httpx.Response) -> VendorError:
        body = body_of(resp)
        errs = body.get("errors") if isinstance(body, dict) else None
        first = errs[0] if isinstance(errs, list) and errs else {}
        code = str(first.get("type") or resp.status_code)
        msg = "; ".join(str(e.get("message")) for e in errs or []) or str(body)[:300]
        if resp.status_code == 429:
            return RateLimited(self.system, 429, code, msg, retry_after(resp))
        if resp.status_code == 401:
            return VendorError(
                self.system,
                401,
                code,
                msg,
                hint="the Kantata token was refused; issue a new one and set RI_PSA_TOKEN",
            )
        return VendorError(
            self.system, resp.status_code, code, msg, retryable=resp.status_code in TRANSIENT
        )

    async def list(self, collection: str, **params: Any) -> list[dict[str, Any]]:
        """Every matching record, following pages."""
        out: list[dict[str, Any]] = []
        page = 1
        while True:
            resp = await self.send(
                "GET",
                f"{self.base}/{collection}.json",
                params={**{k: str(v) for k, v in params.items()}, "page": page, "per_page": 200},
            )
            env = resp.json()
            out.extend(records(env))
            meta = env.get("meta") or {}
            if page >= int(meta.get("page_count") or 1):
                return out
            page += 1

    async def get(self, collection: str, rid: str, **params: Any) -> dict[str, Any] | None:
        try:
            resp = await self.send("GET", f"{self.base}/{collection}/{rid}.json", params=params)
        except VendorError as exc:
            if exc.status == 404:
                return None
            raise
        found = records(resp.json())
        return found[0] if found else None

    async def create(self, collection: str, singular: str, attrs: dict[str, Any]) -> dict[str, Any]:
        resp = await self.send("POST", f"{self.base}/{collection}.json", json={singular: attrs})
        return records(resp.json())[0]

    async def update(
        self, collection: str, singular: str, rid: str, attrs: dict[str, Any]
    ) -> dict[str, Any]:
        resp = await self.send(
            "PUT", f"{self.base}/{collection}/{rid}.json", json={singular: attrs}
        )
        return records(resp.json())[0]

    async def external_reference(self, attrs: dict[str, Any]) -> dict[str, Any]:
        resp = await self.send(
            "POST",
            f"{self.base}/external_references/create_or_update.json",
            json={"external_reference": attrs},
        )
        return records(resp.json())[0]


__all__ = ["KantataClient", "records"]
