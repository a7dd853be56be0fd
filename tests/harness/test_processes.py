"""``harness up --processes 2``: tenants on two simulator processes behind a real HAProxy,
each request routed on what the vendor's client sends (loopback only)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from harness.stack import StackSettings
from harness.stack._proxy import home_process
from harness.stack._sharded import ShardedStack

from .._clients import refresh_form

pytestmark = pytest.mark.skipif(
    shutil.which("haproxy") is None, reason="HAProxy is not installed (apt-get install haproxy)"
)


_CLIENTS: list[httpx.Client] = []


def _http(stack: ShardedStack) -> httpx.Client:
    """One client per module (closed with the stack), verifying the proxy's certificate."""
    if not _CLIENTS:
        assert stack.tls is not None
        _CLIENTS.append(httpx.Client(verify=str(stack.tls.ca_bundle), trust_env=False, timeout=30))
    return _CLIENTS[0]


def _tenant_on(process: int, processes: int = 2) -> str:
    """A tenant name whose home is ``process``."""
    return next(
        name
        for name in (f"firm-{i}" for i in range(100))
        if home_process(name, processes) == process
    )


@pytest.fixture(scope="module")
def stack() -> Iterator[ShardedStack]:
    # HTTPS (HAProxy terminates TLS with the generated CA): simple-salesforce speaks nothing else
    settings = StackSettings(port_base=None, https=True, systems=["crm", "erp", "psa", "hcm"])
    with ShardedStack(settings, 2) as st:
        yield st
        while _CLIENTS:
            _CLIENTS.pop().close()


@pytest.fixture(scope="module")
def tenants(stack: ShardedStack) -> dict[str, Any]:
    """The default tenant and a tenant created through the proxy on the other process."""
    doc = stack.endpoints()
    default_home = home_process("default", 2)
    other = _tenant_on(1 - default_home)
    admin = {"Authorization": f"Bearer {stack.admin_token}"}
    creds: dict[str, Any] = {"default": {s: doc[s] for s in ("crm", "erp", "psa", "hcm")}}
    creds[other] = {}
    for system in ("crm", "erp", "psa", "hcm"):
        r = _http(stack).post(
            f"{doc[system]['admin_url']}/tenants", json={"name": other}, headers=admin
        )
        assert r.status_code == 201, r.text
        creds[other][system] = r.json()["credentials"]
    deadline = time.monotonic() + 20
    while f"@sf:{creds[other]['crm']['org_id'][:15]}" not in stack.keys:
        assert time.monotonic() < deadline, f"the proxy maps never learnt {other}: {stack.notes}"
        time.sleep(0.2)
    return {"doc": doc, "creds": creds, "names": ["default", other], "admin": admin}


def _held_by(stack: ShardedStack, system: str, tenant: str) -> list[int]:
    """The processes that hold ``tenant`` (asked directly, not through the proxy)."""
    out = []
    for i, urls in enumerate(stack.process_admin_urls()):
        r = _http(stack).get(
            f"{urls[system]}/tenants/{tenant}",
            headers={"Authorization": f"Bearer {stack.admin_token}"},
        )
        if r.status_code == 200:
            out.append(i)
    return out


def test_tenants_live_on_different_processes(stack: ShardedStack, tenants: dict[str, Any]) -> None:
    default, other = tenants["names"]
    assert _held_by(stack, "crm", other) == [home_process(other, 2)]
    assert home_process(other, 2) != home_process(default, 2)
    assert stack.notes == []


def test_salesforce_stock_client_writes_to_its_tenants_process(
    stack: ShardedStack, tenants: dict[str, Any]
) -> None:
    import requests
    from simple_salesforce import Salesforce

    assert stack.tls is not None

    url = stack.base_url("crm")
    for name in tenants["names"]:
        c = tenants["creds"][name]["crm"]
        tok = (
            _http(stack)
            .post(
                f"{url}/services/oauth2/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": c["client_id"],
                    "client_secret": c["client_secret"],
                },
            )
            .json()
        )
        assert tok["access_token"].startswith(f"{c['org_id'][:15]}!")
        assert tok["instance_url"] == url  # links name the proxy, not the process
        session = requests.Session()
        session.verify, session.trust_env = str(stack.tls.ca_bundle), False
        sf = Salesforce(
            instance_url=tok["instance_url"], session_id=tok["access_token"], session=session
        )
        created = sf.Account.create({"Name": f"Routed to {name}"})
        session.close()
        assert created["success"] is True
        home = stack.process_admin_urls()[home_process(name, 2)]["crm"]
        rows = (
            _http(stack)
            .get(
                f"{home}/tenants/{name}/records/Account",
                params={"Name": f"Routed to {name}"},
                headers=tenants["admin"],
            )
            .json()
        )
        assert [r["Id"] for r in rows["records"]] == [created["id"]]


def test_netsuite_realm_kantata_prefix_and_workday_url_route(
    stack: ShardedStack, tenants: dict[str, Any]
) -> None:
    import netsuite.rest_api_base  # noqa: F401  (registers the HMAC-SHA256 signer with authlib)
    from authlib.integrations.httpx_client import OAuth1Auth

    _, other = tenants["names"]
    creds = tenants["creds"][other]
    ns = creds["erp"]
    auth = OAuth1Auth(
        client_id=ns["consumer_key"],
        client_secret=ns["consumer_secret"],
        token=ns["token_id"],
        token_secret=ns["token_secret"],
        realm=ns["account"],
        force_include_body=True,
        signature_method="HMAC-SHA256",
    )
    r = _http(stack).post(
        f"{stack.base_url('erp')}/services/rest/record/v1/customer",
        json={"companyName": "Routed Inc", "subsidiary": {"id": "1"}},
        auth=auth,
    )
    assert r.status_code == 204, r.text

    token = creds["psa"]["token"]
    assert token.startswith(f"{other}~")
    r = _http(stack).get(
        f"{stack.base_url('psa')}/api/v1/workspaces.json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.text

    wd = creds["hcm"]
    r = _http(stack).post(
        wd["token_url"].replace(wd["token_url"].split("/ccx/")[0], stack.base_url("hcm")),
        data=refresh_form(wd),
    )
    assert r.status_code == 200, r.text


def test_a_tenant_created_without_a_name_is_routed_where_it_was_made(
    stack: ShardedStack, tenants: dict[str, Any]
) -> None:
    admin_url = tenants["doc"]["psa"]["admin_url"]
    made = _http(stack).post(f"{admin_url}/tenants", json={}, headers=tenants["admin"])
    assert made.status_code == 201, made.text
    name = made.json()["name"]
    [held] = _held_by(stack, "psa", name)
    assert held == home_process("default", 2)  # no name in the request: the default's process
    deadline = time.monotonic() + 20
    while home_process(name, 2) != held and stack.homes.get(name) != held:
        assert time.monotonic() < deadline, f"the proxy never learnt where {name} is"
        time.sleep(0.2)
    # through the proxy, by name, whatever its crc32 says
    r = _http(stack).get(f"{admin_url}/tenants/{name}", headers=tenants["admin"])
    assert r.status_code == 200, r.text
    token = r.json()["credentials"]["token"]
    r = _http(stack).get(
        f"{stack.base_url('psa')}/api/v1/workspaces.json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.text
