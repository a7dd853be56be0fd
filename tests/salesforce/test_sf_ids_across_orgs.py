"""Salesforce ids are unique across orgs: two tenants never hand out the same id."""

from __future__ import annotations

import httpx

from harness.testing import SimHandle, start_simulator
from simulators.salesforce import create_simulator
from simulators.salesforce._ids import id_space, make_id, normalize

from .._clients import crm_login

V = "/services/data/v68.0"


def _login(sim: SimHandle, tenant: str) -> httpx.Client:
    c = sim.client()
    crm_login(c, sim.admin.post("/tenants", json={"name": tenant}).json()["credentials"])
    return c


def _first_ids(sim: SimHandle) -> dict[str, str]:
    out = {}
    for tenant in ("default", "org-a", "org-b"):
        api = _login(sim, tenant)
        r = api.post(f"{V}/sobjects/Account/", json={"Name": f"First of {tenant}"})
        assert r.status_code == 201, r.text
        out[tenant] = r.json()["id"]
        api.close()
    return out


def test_two_orgs_never_hand_out_the_same_account_id(crm: SimHandle) -> None:
    ids = _first_ids(crm)
    assert len(set(ids.values())) == 3, ids
    for rid in ids.values():
        assert len(rid) == 18 and normalize(rid) == rid and normalize(rid[:15]) == rid
        assert rid.startswith("001")
    assert ids["default"] == make_id("001", 1)  # the default org numbers as before
    a = _login(crm, "org-a")
    try:
        # B's id with A's token: not found, as against Salesforce, not A's own record
        assert a.get(f"{V}/sobjects/Account/{ids['org-b']}").status_code == 404
        assert (
            a.patch(f"{V}/sobjects/Account/{ids['org-b']}", json={"Name": "x"}).status_code == 404
        )
        assert a.get(f"{V}/sobjects/Account/{ids['org-a']}").status_code == 200
    finally:
        a.close()


def test_org_ids_differ_across_tenants(crm: SimHandle) -> None:
    orgs = {
        crm.admin.post("/tenants", json={"name": t}).json()["credentials"]["org_id"]
        for t in ("default", "org-a", "org-b")
    }
    assert len(orgs) == 3 and all(o.startswith("00D") and normalize(o) == o for o in orgs)


def test_ids_are_deterministic_per_tenant_name(crm: SimHandle) -> None:
    first = _first_ids(crm)
    again = start_simulator(create_simulator())
    try:
        assert _first_ids(again) == first
    finally:
        again.close()


def test_id_space_skips_a_block_already_taken() -> None:
    s = id_space("org-a", set())
    assert s != 0
    assert id_space("org-a", {s}) not in (0, s)
    assert id_space("default", set()) == 0
