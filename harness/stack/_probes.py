"""Smoke probes: one real round trip per simulator over its vendor API.

Used by ``harness up --check`` to prove that a started stack answers as the vendor would
(token, create, read back, query) before anything is pointed at it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from ._endpoints import admin_headers
from ._probe_businesscentral import probe_businesscentral
from ._vendor_auth import tba_auth


@dataclass(slots=True)
class ProbeResult:
    system: str
    vendor: str
    ok: bool
    steps: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "vendor": self.vendor,
            "ok": self.ok,
            "steps": self.steps,
            "error": self.error,
        }


class _Steps:
    def __init__(self, client: httpx.Client, result: ProbeResult) -> None:
        self.client = client
        self.result = result

    def call(self, name: str, method: str, url: str, expect: int, **kw: Any) -> httpx.Response:
        t0 = time.perf_counter()
        resp = self.client.request(method, url, **kw)
        ms = (time.perf_counter() - t0) * 1000
        self.result.steps.append(
            {
                "step": name,
                "method": method,
                "status": resp.status_code,
                "expected": expect,
                "ms": round(ms, 2),
            }
        )
        if resp.status_code != expect:
            raise AssertionError(
                f"{name}: {method} {url} answered {resp.status_code}, expected {expect}: "
                f"{resp.text[:300]}"
            )
        return resp


def _client_credentials(s: _Steps, ep: dict[str, Any], scope: str | None = None) -> str:
    """An access token from the system's OAuth 2.0 client-credentials grant."""
    form = {
        "grant_type": "client_credentials",
        "client_id": ep["client_id"],
        "client_secret": ep["client_secret"],
    }
    if scope:
        form["scope"] = scope
    return str(
        s.call("oauth2 token", "POST", ep["token_url"], 200, data=form).json()["access_token"]
    )


def _probe_salesforce(s: _Steps, ep: dict[str, Any]) -> None:
    h = {"Authorization": f"Bearer {_client_credentials(s, ep)}"}
    base = f"{ep['base_url']}/services/data/v{ep['api_version']}"
    ext = f"PROBE-{time.time_ns()}"
    created = s.call(
        "upsert Account by External_Id__c",
        "PATCH",
        f"{base}/sobjects/Account/External_Id__c/{ext}",
        201,
        json={"Name": "Harness Probe"},
        headers=h,
    )
    rid = created.json()["id"]
    s.call("get Account", "GET", f"{base}/sobjects/Account/{rid}", 200, headers=h)
    q = s.call(
        "SOQL query",
        "GET",
        f"{base}/query/",
        200,
        headers=h,
        params={"q": f"SELECT Id, Name FROM Account WHERE External_Id__c = '{ext}'"},
    )
    if q.json().get("totalSize") != 1:
        raise AssertionError(
            f"SOQL query found {q.json().get('totalSize')} probe accounts, expected 1"
        )
    s.call("delete Account", "DELETE", f"{base}/sobjects/Account/{rid}", 204, headers=h)


def _probe_netsuite(s: _Steps, ep: dict[str, Any]) -> None:
    auth = tba_auth(ep)
    base = f"{ep['rest_url']}/record/v1"
    ext = f"PROBE-{time.time_ns()}"
    s.call(
        "upsert customer by externalId (TBA)",
        "PUT",
        f"{base}/customer/eid:{ext}",
        204,
        auth=auth,
        json={"companyName": "Harness Probe", "subsidiary": {"id": "1"}},
    )
    got = s.call("get customer", "GET", f"{base}/customer/eid:{ext}", 200, auth=auth)
    rid = got.json()["id"]
    q = s.call(
        "SuiteQL query",
        "POST",
        f"{ep['rest_url']}/query/v1/suiteql",
        200,
        auth=auth,
        headers={"Prefer": "transient"},
        json={"q": f"SELECT id, companyname FROM customer WHERE externalid = '{ext}'"},
    )
    if q.json().get("count") != 1:
        raise AssertionError(f"SuiteQL found {q.json().get('count')} probe customers, expected 1")
    s.call("delete customer", "DELETE", f"{base}/customer/{rid}", 204, auth=auth)


def _probe_kantata(s: _Steps, ep: dict[str, Any]) -> None:
    h = {"Authorization": f"Bearer {ep['token']}"}
    created = s.call(
        "create workspace",
        "POST",
        f"{ep['api_base']}/workspaces.json",
        200,
        headers=h,
        json={"workspace": {"title": "Harness Probe", "creator_role": "maven"}},
    )
    wid = created.json()["results"][0]["id"]
    s.call("get workspace", "GET", f"{ep['api_base']}/workspaces/{wid}.json", 200, headers=h)
    s.call("delete workspace", "DELETE", f"{ep['api_base']}/workspaces/{wid}.json", 204, headers=h)


def _probe_workday(s: _Steps, ep: dict[str, Any]) -> None:
    tok = s.call(
        "oauth2 refresh token",
        "POST",
        ep["token_url"],
        200,
        data={
            "grant_type": "refresh_token",
            "refresh_token": ep["refresh_token"],
            "client_id": ep["client_id"],
            "client_secret": ep["client_secret"],
        },
    )
    h = {"Authorization": f"Bearer {tok.json()['access_token']}"}
    r = s.call(
        "list workers",
        "GET",
        f"{ep['common_base_url']}/workers",
        200,
        headers=h,
        params={"limit": 1},
    )
    if "total" not in r.json():
        raise AssertionError("workers list has no total")
    s.call("RaaS worker report", "GET", ep["report_url"], 200, headers=h)


def _probe_coupa(s: _Steps, ep: dict[str, Any]) -> None:
    token = _client_credentials(s, ep, "core.supplier.read core.supplier.write")
    h = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    name = f"Harness Probe {time.time_ns()}"
    made = s.call(
        "create supplier",
        "POST",
        f"{ep['api_base']}/suppliers",
        201,
        json={"name": name, "status": "inactive"},
        headers=h,
    )
    found = s.call(
        "query supplier by name",
        "GET",
        f"{ep['api_base']}/suppliers",
        200,
        params={"name": name},
        headers=h,
    )
    if [r.get("id") for r in found.json()] != [made.json()["id"]]:
        raise AssertionError(f"the supplier query found {found.json()!r}, expected the probe")


PROBES: dict[str, Callable[[_Steps, dict[str, Any]], None]] = {
    "coupa": _probe_coupa,
    "salesforce": _probe_salesforce,
    "netsuite": _probe_netsuite,
    "kantata": _probe_kantata,
    "workday": _probe_workday,
    "businesscentral": probe_businesscentral,
}


def probe(system: str, ep: dict[str, Any], ca_bundle: str | None) -> ProbeResult:
    result = ProbeResult(system, ep["vendor"], ok=False)
    with httpx.Client(verify=ca_bundle or True, trust_env=False, timeout=10.0) as client:
        steps = _Steps(client, result)
        try:
            steps.call(
                "admin health", "GET", f"{ep['admin_url']}/health", 200, headers=admin_headers(ep)
            )
            fn = PROBES.get(ep["vendor"])
            if fn is not None:
                fn(steps, ep)
            result.ok = True
        except (AssertionError, httpx.HTTPError, KeyError, ValueError) as exc:
            result.error = f"{type(exc).__name__}: {exc}"
    return result
