"""The reads a stack makes of each vendor, as (path-with-query) lists built from a tenant.

Used by the WireMock exporter: each read is made against the simulator with the vendor's
own authentication, and its answer becomes a stub mapping.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from ..stack._endpoints import admin_headers
from ..stack._vendor_auth import tba_auth


@dataclass(frozen=True, slots=True)
class ReadPlan:
    """How to authenticate to one vendor and which URLs to read."""

    auth: Any
    headers: dict[str, str]
    urls: list[str]
    #: regex the stub requires of the Authorization header (the scheme, never the secret)
    auth_pattern: str


def _records(
    client: httpx.Client, ep: dict[str, Any], rtype: str, limit: int
) -> list[dict[str, Any]]:
    tenant = ep.get("sim_tenant") or "default"
    r = client.get(
        f"{ep['admin_url']}/tenants/{tenant}/records/{rtype}",
        params={"limit": limit},
        headers=admin_headers(ep),
    )
    r.raise_for_status()
    return list(r.json().get("records") or [])


def _types(client: httpx.Client, ep: dict[str, Any]) -> dict[str, int]:
    tenant = ep.get("sim_tenant") or "default"
    r = client.get(f"{ep['admin_url']}/tenants/{tenant}", headers=admin_headers(ep))
    r.raise_for_status()
    return {k: int(v) for k, v in (r.json().get("records") or {}).items() if v}


def _salesforce(client: httpx.Client, ep: dict[str, Any], limit: int) -> ReadPlan:
    tok = client.post(
        ep["token_url"],
        data={
            "grant_type": "client_credentials",
            "client_id": ep["client_id"],
            "client_secret": ep["client_secret"],
        },
    )
    tok.raise_for_status()
    v = f"/services/data/v{ep['api_version']}"
    urls = ["/services/data/", f"{v}/", f"{v}/sobjects/", f"{v}/limits/"]
    for rtype in _types(client, ep):
        urls.append(f"{v}/sobjects/{rtype}/describe/")
        urls += [f"{v}/sobjects/{rtype}/{rec['Id']}" for rec in _records(client, ep, rtype, limit)]
    return ReadPlan(
        None, {"Authorization": f"Bearer {tok.json()['access_token']}"}, urls, "Bearer .+"
    )


def _netsuite(client: httpx.Client, ep: dict[str, Any], limit: int) -> ReadPlan:
    rest = urlsplit(ep["rest_url"]).path.rstrip("/")
    urls = [f"{rest}/record/v1/metadata-catalog"]
    for rtype in _types(client, ep):
        urls.append(f"{rest}/record/v1/{rtype}")
        urls += [
            f"{rest}/record/v1/{rtype}/{rec['id']}" for rec in _records(client, ep, rtype, limit)
        ]
    return ReadPlan(tba_auth(ep), {}, urls, "OAuth .+")


def _kantata(client: httpx.Client, ep: dict[str, Any], limit: int) -> ReadPlan:
    api = urlsplit(ep["api_base"]).path.rstrip("/")
    urls = []
    for rtype in _types(client, ep):
        urls.append(f"{api}/{rtype}.json")
        urls += [f"{api}/{rtype}/{rec['id']}.json" for rec in _records(client, ep, rtype, limit)]
    return ReadPlan(None, {"Authorization": f"Bearer {ep['token']}"}, urls, "Bearer .+")


def _workday(client: httpx.Client, ep: dict[str, Any], limit: int) -> ReadPlan:
    tok = client.post(
        ep["token_url"],
        data={
            "grant_type": "refresh_token",
            "refresh_token": ep["refresh_token"],
            "client_id": ep["client_id"],
            "client_secret": ep["client_secret"],
        },
    )
    tok.raise_for_status()
    common = urlsplit(ep["common_base_url"]).path.rstrip("/")
    urls = [f"{common}/workers"]
    urls += [f"{common}/workers/{rec['id']}" for rec in _records(client, ep, "Worker", limit)]
    return ReadPlan(
        None, {"Authorization": f"Bearer {tok.json()['access_token']}"}, urls, "Bearer .+"
    )


#: vendor -> the plan builder
PLANS: dict[str, Callable[[httpx.Client, dict[str, Any], int], ReadPlan]] = {
    "salesforce": _salesforce,
    "netsuite": _netsuite,
    "kantata": _kantata,
    "workday": _workday,
}


def read_plan(client: httpx.Client, ep: dict[str, Any], limit: int) -> ReadPlan:
    return PLANS[ep["vendor"]](client, ep, limit)


def iter_reads(
    client: httpx.Client, base_url: str, plan: ReadPlan
) -> Iterator[tuple[str, httpx.Response]]:
    """Make each read of ``plan`` against ``base_url``; yields (url, response)."""
    for url in plan.urls:
        yield (
            url,
            client.get(
                f"{base_url}{url}", headers=plan.headers, auth=plan.auth or httpx.USE_CLIENT_DEFAULT
            ),
        )
